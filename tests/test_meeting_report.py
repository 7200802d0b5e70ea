"""The weekly meeting's one-page PDF for the minutes: one page, every figure, no names."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from lead_data.db import read_only_engine
from lead_data.demo import write_demo
from lead_data.figures import meeting
from lead_data.figures.caseload import caseload_by_team
from lead_data.figures.meeting import COUNT_COLUMNS, meeting_agenda
from lead_data.meeting_report import plain_text, weekly_summary_pdf

AS_OF = date(2026, 11, 26)


def changes_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "figure": [
                "New referrals",
                "Intakes",
                "Re-arrests",
                "Exits",
                "Active participants",
                "Unassigned",
                "Teams over cap",
            ],
            "this_week": [12, 4, 3, 1, 1277, 6, 1],
            "last_week": [9, 7, 3, 4, 1274, 4, 1],
            "change": [3, -3, 0, -3, 3, 2, 0],
        }
    )


def caseload_frame(teams: int = 3) -> pd.DataFrame:
    rows = [
        {
            "team": f"Team {n}",
            "caseload": 20 + n,
            "caseload_cap": 28,
            "over_cap": 20 + n > 28,
            "last_week": 19 + n,
            "change": 1,
            "peer": f"Oak Peer-{n:02d}",
        }
        for n in range(1, teams + 1)
    ]
    return pd.DataFrame(rows, columns=["team", "caseload", "caseload_cap", "over_cap", "last_week", "change", "peer"])


def agenda_frame(teams: int = 2) -> pd.DataFrame:
    """Clients to discuss per team and reason, as ``meeting_agenda(...).counts`` has them."""
    rows = [
        {"team": f"Team {n}", "new_intake": n, "rearrested": 1, "contact_overdue": 2 * n, "in_the_wind": 0,
         "graduated": 1, "exited": 0, "clients": 3 * n + 1}
        for n in range(1, teams + 1)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(COUNT_COLUMNS))


def summary(caseload: pd.DataFrame, agenda: pd.DataFrame | None = None, **options: str) -> bytes:
    agenda = agenda_frame() if agenda is None else agenda
    return weekly_summary_pdf(as_of=AS_OF, changes=changes_frame(), caseload=caseload, agenda=agenda, **options)


def pdf_pages(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_summary_is_one_page_with_the_week_and_every_figure():
    caseload = caseload_frame(10)
    pages = pdf_pages(
        weekly_summary_pdf(as_of=AS_OF, changes=changes_frame(), caseload=caseload, agenda=agenda_frame())
    )

    assert len(pages) == 1
    text = flat(pages[0])
    assert "LEAD weekly partner meeting" in text
    assert "Week ending Thursday 26 November 2026" in text
    assert "Fri 20 Nov 2026 to Thu 26 Nov 2026" in text  # this week
    assert "Fri 13 Nov 2026 to Thu 19 Nov 2026" in text  # last week
    assert "New referrals 12 9 +3" in text
    assert "Intakes 4 7 -3" in text
    assert "Re-arrests 3 3 0 lower is better" in text
    assert "Active participants 1,277 1,274 +3" in text
    for row in caseload.itertuples():
        assert f"{row.team} {row.caseload} 28" in text
    assert "Team 9 29 28 over cap 28 +1" in text
    assert "2 teams over cap" in text


def test_the_summary_shows_no_names_even_when_the_frames_carry_them():
    caseload = caseload_frame(4)
    assert "peer" in caseload.columns  # as caseload_by_team's frame has
    text = pdf_pages(
        weekly_summary_pdf(as_of=AS_OF, changes=changes_frame(), caseload=caseload, agenda=agenda_frame())
    )[0]
    assert "Peer" not in text


@pytest.mark.parametrize("teams", [0, 1, 20, 90])
def test_any_number_of_teams_stays_on_one_page(teams):
    pages = pdf_pages(
        weekly_summary_pdf(as_of=AS_OF, changes=changes_frame(), caseload=caseload_frame(teams), agenda=agenda_frame())
    )
    assert len(pages) == 1
    text = flat(pages[0])
    if teams == 0:
        assert "No care teams are recorded." in text
    elif teams <= 20:  # with the agenda below; past about two dozen teams the last rows give way to a note
        assert all(f"Team {n} " in text + " " for n in range(1, teams + 1))
    else:
        assert "more rows: see the dashboard" in text


def test_text_outside_latin_1_is_spelled_plainly():
    caseload = caseload_frame(1).assign(team=["Équipe Sud – Nord “Ω”"])
    text = flat(
        pdf_pages(
            weekly_summary_pdf(
                as_of=AS_OF,
                changes=changes_frame(),
                caseload=caseload,
                agenda=agenda_frame(),
                program_name="LEAD Baltimore",
            )
        )[0]
    )
    assert 'Équipe Sud - Nord "?"' in text
    assert "LEAD Baltimore weekly partner meeting" in text
    assert plain_text("Ωmega – x") == "?mega - x"


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="caseload lacks the column"):
        weekly_summary_pdf(
            as_of=AS_OF, changes=changes_frame(), caseload=pd.DataFrame({"team": ["Team 1"]}), agenda=agenda_frame()
        )
    with pytest.raises(ValueError, match="agenda lacks the column"):
        weekly_summary_pdf(
            as_of=AS_OF, changes=changes_frame(), caseload=caseload_frame(), agenda=pd.DataFrame({"team": ["Team 1"]})
        )


def test_the_summary_of_the_demo_database_matches_its_queries(tmp_path: Path):
    """The frames the meeting page loads go straight in."""
    path = tmp_path / "demo.sqlite"
    write_demo(path, as_of=AS_OF)
    engine = read_only_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            changes = meeting.weekly_changes(conn, as_of=AS_OF)
            caseload = meeting.caseload_change(
                caseload_by_team(conn, as_of=AS_OF),
                caseload_by_team(conn, as_of=AS_OF - timedelta(days=7)),
            )
            agenda = meeting_agenda(conn, as_of=AS_OF, with_names=True).counts
    finally:
        engine.dispose()
    pages = pdf_pages(weekly_summary_pdf(as_of=AS_OF, changes=changes, caseload=caseload, agenda=agenda))
    assert len(pages) == 1
    text = flat(pages[0])
    for row in changes.itertuples():
        assert f"{row.figure} {row.this_week:,} {row.last_week:,}" in text
    for row in caseload.itertuples():
        assert f"{row.team} {row.caseload} {row.caseload_cap}" in text
    assert f"All teams {int(agenda['new_intake'].sum())} {int(agenda['rearrested'].sum())} " in text
    assert "Demo-" not in text  # no participant, officer or staff name


def test_the_summary_counts_the_agenda_by_team_and_reason_with_a_total():
    text = flat(
        pdf_pages(
            weekly_summary_pdf(as_of=AS_OF, changes=changes_frame(), caseload=caseload_frame(), agenda=agenda_frame())
        )[0]
    )
    assert "Client agenda: clients to discuss, by team and reason" in text
    assert "Team New intake Re-arrest Overdue In the wind Graduated Other exit Clients" in text
    assert "Team 1 1 1 2 0 1 0 4" in text
    assert "Team 2 2 1 4 0 1 0 7" in text
    assert "Clients All teams 3 2 6 0 2 0 11 Team 1" in text
    # The thresholds are the engagement rule's own (lead_data.sql), spelled in the PDF's font.
    assert "Overdue: 15-30 days since the last contact; in the wind: more than 30 days since the last contact." in text


def test_an_empty_agenda_says_so():
    empty = agenda_frame(0)
    text = flat(
        pdf_pages(weekly_summary_pdf(as_of=AS_OF, changes=changes_frame(), caseload=caseload_frame(), agenda=empty))[0]
    )
    assert "No participant had a new intake, a re-arrest, an exit or overdue contact this week." in text
