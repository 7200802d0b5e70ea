"""The weekly meeting's client agenda: who is on it, why, what to discuss, and who sees names.

The week is the 7 days ending D = Sunday 30 June 2024: Monday 24 to Sunday 30 June.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures.caseload import caseload_by_team
from lead_data.figures.meeting import Agenda, meeting_agenda
from tests.apptest import LEADERSHIP_USER, PARTNER_USER, STAFF_USER, open_app
from tests.test_plain_text import seen
from ui.agenda import markdown_cells
from ui.charts import caseload_bars

D = date(2024, 6, 30)
LONG_AGO = date(2024, 1, 1)
MEETING_PAGE = "pages/weekly_meeting.py"


def june(day: int) -> date:
    return date(2024, 6, day)


@pytest.fixture
def week(db):
    """One client for each reason, named where a release is in force; the expected agenda is below."""
    team_a, team_b = db.team("Team A"), db.team("Team B")
    western, central = db.officer(unit="Western District"), db.officer(unit="Central District Patrol")
    people = {}

    def person(first: str, last: str, *, release: bool = True) -> int:
        people[first] = db.participant(first, last)
        if release:
            db.consent(people[first], signed_on=LONG_AGO)
        return people[first]

    ann = person("Ann", "Alpha")  # new intake, a social-contact referral from the Western District
    db.enroll(ann, intake_on=june(25), team_id=team_a, referral_type="social_contact", officer_id=western)
    db.contact(ann, june(26))
    jon = person("Jon", "Kappa")  # new intake; an arrest on the intake day is not a re-arrest
    db.enroll(jon, intake_on=june(26), team_id=team_a, officer_id=central)
    db.arrest(jon, june(26))
    gus = person("Gus", "Eta")  # new intake with no officer recorded, no team yet
    db.enroll(gus, intake_on=june(30))
    ben = person("Ben", "Beta")  # two re-arrests this week, engaged
    db.enroll(ben, intake_on=LONG_AGO, team_id=team_b)
    db.contact(ben, june(20))
    rearrest = db.arrest(ben, june(28), severity="felony", warrant_only=False)
    db.arrest(ben, june(29), severity=None, warrant_only=True)
    db.execute(f"UPDATE arrests SET charge = 'Theft' WHERE arrest_id = {rearrest}")
    cal = person("Cal", "Gamma")  # contact overdue: reached 20 days ago, two attempts since
    db.enroll(cal, intake_on=LONG_AGO, team_id=team_a)
    db.contact(cal, june(5), kind="attempt")  # before the last reached contact: not counted
    db.contact(cal, june(10), kind="phone")
    db.contact(cal, june(15), kind="attempt")
    db.contact(cal, june(22), kind="attempt")
    db.contact(cal, D + timedelta(days=1), kind="attempt")  # after D: does not exist yet
    dee = person("Dee", "Delta", release=False)  # in the wind, no release: counted, not named
    db.enroll(dee, intake_on=LONG_AGO, team_id=team_a)
    eve = person("Eve", "Epsilon")  # graduated this week: good news
    db.enroll(eve, intake_on=date(2023, 1, 1), team_id=team_b, exited_on=june(27), exit_reason="graduated")
    fay = person("Fay", "Zeta", release=False)  # moved away this week; her release was revoked
    db.consent(fay, signed_on=LONG_AGO, revoked_on=june(1))
    db.enroll(fay, intake_on=date(2023, 1, 1), team_id=team_b, exited_on=june(24), exit_reason="moved")
    hal = person("Hal", "Iota")  # exited the week before: nothing to discuss
    db.enroll(hal, intake_on=LONG_AGO, team_id=team_a, exited_on=june(23), exit_reason="other")
    ivy = person("Ivy", "Lambda")  # engaged; re-arrested after D: nothing to discuss yet
    db.enroll(ivy, intake_on=LONG_AGO, team_id=team_a)
    db.contact(ivy, june(29))
    db.arrest(ivy, D + timedelta(days=1))
    return people


EXPECTED_LISTED = [
    (
        "Team A",
        "Ann Alpha",
        ("new_intake",),
        "New intake Tue 25 Jun: social contact referral, officer's unit Western District",
    ),
    (
        "Team A",
        "Cal Gamma",
        ("contact_overdue",),
        "Contact overdue: 20 days since the last contact, 2 outreach attempts since",
    ),
    (
        "Team A",
        "Jon Kappa",
        ("new_intake",),
        "New intake Wed 26 Jun: arrest diversion referral, officer's unit Central District Patrol",
    ),
    (
        "Team B",
        "Ben Beta",
        ("rearrested",),
        "Re-arrested Fri 28 Jun: Theft, felony, new offense\n"
        "Re-arrested Sat 29 Jun: charge not recorded, severity not recorded, warrant only",
    ),
    ("Team B", "Eve Epsilon", ("graduated",), "Graduated Thu 27 Jun: good news"),
    (
        "Unassigned",
        "Gus Eta",
        ("new_intake",),
        "New intake Sun 30 Jun: arrest diversion referral, officer's unit not recorded",
    ),
]


def agenda_of(db, **roles: bool) -> Agenda:
    with db.connect() as conn:
        return meeting_agenda(conn, as_of=D, **roles)


def listed_rows(agenda: Agenda) -> list[tuple]:
    return list(agenda.listed[["team", "name", "reasons", "discuss"]].itertuples(index=False, name=None))


def test_the_agenda_lists_each_client_once_by_team_with_what_to_discuss(db, week):
    agenda = agenda_of(db, with_names=True, with_ids=True)
    assert listed_rows(agenda) == EXPECTED_LISTED
    assert agenda.listed["participant_id"].tolist() == [week[n] for n in ("Ann", "Cal", "Jon", "Ben", "Eve", "Gus")]
    assert agenda.listed["good_news"].tolist() == [False, False, False, False, True, False]
    assert agenda.not_named.to_dict("records") == [{"team": "Team A", "clients": 1}, {"team": "Team B", "clients": 1}]


def test_the_agenda_counts_everyone_by_team_and_reason_names_or_not(db, week):
    counts = agenda_of(db, with_names=False).counts.set_index("team")
    assert counts.to_dict("index") == {
        "Team A": {"new_intake": 2, "rearrested": 0, "contact_overdue": 1, "in_the_wind": 1, "graduated": 0,
                   "exited": 0, "clients": 4},
        "Team B": {"new_intake": 0, "rearrested": 1, "contact_overdue": 0, "in_the_wind": 0, "graduated": 1,
                   "exited": 1, "clients": 3},
        "Unassigned": {"new_intake": 1, "rearrested": 0, "contact_overdue": 0, "in_the_wind": 0, "graduated": 0,
                       "exited": 0, "clients": 1},
    }  # fmt: skip


def test_without_names_everyone_is_a_count_per_team(db, week):
    agenda = agenda_of(db, with_names=False)
    assert agenda.listed.empty
    assert agenda.not_named.to_dict("records") == [
        {"team": "Team A", "clients": 4},
        {"team": "Team B", "clients": 3},
        {"team": "Unassigned", "clients": 1},
    ]


def test_partners_get_names_but_no_participant_ids(db, week):
    agenda = agenda_of(db, with_names=True, with_ids=False)
    assert "participant_id" not in agenda.listed.columns
    assert listed_rows(agenda) == EXPECTED_LISTED


def test_one_team_s_part_of_the_agenda(db, week):
    part = agenda_of(db, with_names=True).for_team("Team B")
    assert part.listed["name"].tolist() == ["Ben Beta", "Eve Epsilon"]
    assert part.not_named.to_dict("records") == [{"team": "Team B", "clients": 1}]
    assert part.counts["team"].tolist() == ["Team B"]
    assert agenda_of(db, with_names=True).teams == ["Team A", "Team B", "Unassigned"]


def test_a_client_with_two_reasons_is_one_row_with_both(db):
    team = db.team("Team A")
    person = db.participant("Kim", "Mu")
    db.consent(person, signed_on=LONG_AGO)
    db.enroll(person, intake_on=date(2024, 5, 1), team_id=team)  # no contact since: 60 days, in the wind
    db.contact(person, june(29), kind="attempt")
    db.arrest(person, june(24), severity="misdemeanor")
    agenda = agenda_of(db, with_names=True)
    assert listed_rows(agenda) == [
        (
            "Team A",
            "Kim Mu",
            ("rearrested", "in_the_wind"),
            "Re-arrested Mon 24 Jun: charge not recorded, misdemeanor, new offense or warrant only not recorded\n"
            "In the wind: 60 days since intake, never reached, 1 outreach attempt since",
        )
    ]
    assert agenda.counts[["rearrested", "in_the_wind", "clients"]].iloc[0].tolist() == [1, 1, 1]


@pytest.mark.parametrize(("days_ago", "on_agenda"), [(14, False), (15, True), (30, True), (31, True)])
def test_engagement_puts_a_client_on_the_agenda_from_15_days_without_contact(db, days_ago, on_agenda):
    person = db.participant()
    db.enroll(person, intake_on=LONG_AGO)
    db.contact(person, D - timedelta(days=days_ago))
    assert len(agenda_of(db, with_names=False).counts) == int(on_agenda)


def test_an_empty_week_has_an_empty_agenda(db):
    agenda = agenda_of(db, with_names=True, with_ids=True)
    assert agenda.listed.empty and agenda.not_named.empty and agenda.counts.empty
    assert agenda.teams == []


# --- the meeting page, as each role sees it -------------------------------------------------------


@pytest.fixture
def meeting(week, db, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    return week


def shown_text(at) -> str:
    tables = [table.value.to_csv() for table in at.table] + [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join([*(markdown.value for markdown in at.markdown), *tables])


def agenda_table(at) -> pd.DataFrame:
    return at.table[-1].value


@pytest.mark.parametrize("user", [PARTNER_USER, STAFF_USER])
def test_partners_and_staff_see_consented_names_only_on_the_meeting_page(meeting, user):
    at = open_app(MEETING_PAGE, user=user, as_of=D.isoformat())
    agenda = agenda_table(at)
    assert agenda["Name"].tolist() == ["Ann Alpha", "Cal Gamma", "Jon Kappa", "Ben Beta", "Eve Epsilon", "Gus Eta"]
    assert "Participant" not in " ".join(agenda.columns) and "participant_id" not in agenda.columns
    text = shown_text(at)
    assert "Dee" not in text and "Fay" not in text
    assert "**2 more participants without a release on file** (Team A: 1, Team B: 1)." in text


def test_staff_open_a_client_s_page_from_the_agenda_and_partners_cannot(meeting):
    staff = open_app(MEETING_PAGE, user=STAFF_USER, as_of=D.isoformat())
    (chooser,) = [box for box in staff.get("selectbox") if box.label == "Open a client's page"]
    assert len(chooser.options) == 6  # the six named clients, each once
    partner = open_app(MEETING_PAGE, user=PARTNER_USER, as_of=D.isoformat())
    assert "Open a client's page" not in [box.label for box in partner.get("selectbox")]


def test_leadership_sees_the_agenda_as_counts_only(meeting):
    at = open_app(MEETING_PAGE, user=LEADERSHIP_USER, as_of=D.isoformat())
    text = shown_text(at)
    for first in ("Ann", "Ben", "Cal", "Dee", "Eve", "Fay", "Gus", "Jon"):
        assert first not in text
    counts = agenda_table(at).set_index("Team")
    assert counts.loc["Team B", ["Re-arrest", "Graduated", "Exited", "Clients"]].tolist() == [1, 1, 1, 3]
    assert counts.loc["Team A", "Clients"] == 4
    assert "8 participants with something to discuss" in text


def test_a_team_link_opens_that_team_s_part_of_the_agenda(meeting):
    at = open_app(MEETING_PAGE, user=PARTNER_USER, as_of=D.isoformat(), team="Team B")
    assert at.selectbox(key="team").value == "Team B"
    assert agenda_table(at)["Name"].tolist() == ["Ben Beta", "Eve Epsilon"]
    text = shown_text(at)
    assert "**1 more participant without a release on file** (Team B: 1)." in text
    assert "Team A: " not in text


def test_choosing_a_team_narrows_the_agenda_and_all_teams_restores_it(meeting):
    at = open_app(MEETING_PAGE, user=PARTNER_USER, as_of=D.isoformat())
    at.selectbox(key="team").set_value("Unassigned").run()
    assert agenda_table(at)["Name"].tolist() == ["Gus Eta"]
    at.selectbox(key="team").set_value("All teams").run()
    assert len(agenda_table(at)) == 6


def test_a_link_to_an_unknown_team_shows_every_team(meeting):
    at = open_app(MEETING_PAGE, user=PARTNER_USER, as_of=D.isoformat(), team="Team Nowhere")
    assert at.selectbox(key="team").value == "All teams"
    assert len(agenda_table(at)) == 6


def test_the_meeting_page_opens_with_no_care_teams(db, monkeypatch):
    """caseload_bars once hit int(NaN) on an empty caseload."""
    person = db.participant("Una", "Nu")
    db.enroll(person, intake_on=june(28))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app(MEETING_PAGE, user=STAFF_USER, as_of=D.isoformat())
    assert "No care teams are recorded." in [warning.value for warning in at.warning]


def test_the_caseload_chart_of_no_teams_is_empty_not_an_error(db):
    with db.connect() as conn:
        teams = caseload_by_team(conn, as_of=D)
    assert teams.empty
    chart = caseload_bars(teams)
    assert [len(trace.x) for trace in chart.data] == [0]  # the cap marks, none


def test_database_text_on_the_agenda_is_shown_literally_not_as_markdown():
    rows = pd.DataFrame({"Name": ["*Ann* [x](http://e.test)"], "Why": ["Graduated"], "What to discuss": ["a\nb"]})
    shown = markdown_cells(rows).iloc[0]
    assert seen(shown["Name"]) == "*Ann* [x](http://e.test)"
    assert shown["Why"] == ":green[**Graduated**]"
    assert seen(shown["What to discuss"]) == "a\nb"
