"""Every page of the app, opened with Streamlit's AppTest on databases whose figures are known."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from lead_data.db import DATABASE_URL_VARIABLE, DEMO_DATABASE_VARIABLE
from tests.apptest import PARTNER_USER, metrics, open_app
from tests.program import ProgramDatabase

D = date(2024, 6, 30)
PAGES = (
    "pages/overview.py",
    "pages/enrollment.py",
    "pages/rearrests.py",
    "pages/caseload.py",
    "pages/referral_map.py",
    "pages/participants.py",
    "pages/weekly_meeting.py",
    "pages/data_quality.py",
    "pages/public_summary.py",
)


@pytest.fixture
def known(db, monkeypatch):
    """A small program whose figures are worked out by hand in the comments."""
    team_a, team_b = db.team("Team A", cap=2), db.team("Team B")
    retired = db.team("Team Old", active=False)
    a1, a2, a3 = (db.participant("Ava"), db.participant("Abe"), db.participant("Zed", "Unique-0001"))
    for person in (a1, a2, a3):
        db.enroll(person, intake_on=date(2024, 1, 1), team_id=team_a)  # Team A: 3 of 2, over cap
    db.contact(a1, D - timedelta(days=3))  # engaged
    db.contact(a2, D - timedelta(days=20))  # contact overdue; a3 has no contact: in the wind
    b1 = db.participant("Bea")
    db.enroll(b1, intake_on=date(2024, 6, 25), team_id=team_b)
    old = db.participant("Oz")
    db.enroll(old, intake_on=date(2023, 3, 1), team_id=retired)
    waiting = db.participant("Una")
    db.enroll(waiting, intake_on=date(2024, 6, 28))  # unassigned
    gone = db.participant("Eve")
    db.enroll(gone, intake_on=date(2022, 1, 1), exited_on=date(2023, 1, 1), team_id=team_a)
    db.arrest(a1, date(2024, 5, 1), severity="felony")  # re-arrest
    db.arrest(gone, date(2023, 6, 1))  # re-arrest after exit still counts
    refused = db.participant("Ira")
    db.referral(refused, date(2024, 6, 10), eligibility="ineligible", ineligible_reason="open_case_or_warrant")
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    return {"zed": a3}


def test_overview_shows_the_headline_figures(known):
    shown = metrics(open_app(as_of=D.isoformat()))
    assert shown == {
        "Enrolled (ever)": "7",
        "Active now": "6",
        "Referrals, last 12 months": "6",  # a1–a3, b1, waiting, refused; old and gone fall before July 2023
        "Participants re-arrested": "2",
        "Teams over cap": "1",
        "Unassigned clients": "1",
        "Referrals past deadline": "0",  # every referral was enrolled or refused: nobody waits
    }


def test_rearrest_rate_is_shown_with_both_counts(known):
    at = open_app(as_of=D.isoformat())
    rearrested = next(metric for metric in at.metric if metric.label == "Participants re-arrested")
    assert rearrested.delta == "28.6% of 7 enrolled"


def test_changing_the_period_changes_the_per_period_figures(known):
    at = open_app(as_of=D.isoformat())
    at.sidebar.selectbox(key="period").select("all").run()
    assert metrics(at)["Referrals, since launch"] == "8"


def test_as_of_in_the_url_rewinds_every_figure(known):
    shown = metrics(open_app(as_of="2023-12-31"))
    assert (shown["Enrolled (ever)"], shown["Active now"], shown["Participants re-arrested"]) == ("2", "1", "1")


def test_enrollment_page(known):
    at = open_app("pages/enrollment.py", as_of=D.isoformat())
    assert metrics(at) == {"Referrals": "6", "Intakes": "5", "Median days to intake": "0"}


def test_rearrests_page(known):
    at = open_app("pages/rearrests.py", as_of=D.isoformat())
    shown = metrics(at)
    assert shown["Participants re-arrested"] == "2"
    assert shown["Re-arrest rate"] == "28.6%"
    assert shown["Enrolled (ever)"] == "7"
    assert shown["Re-arrests, last 12 months"] == "1"  # the June 2023 one falls before July 2023


def test_caseload_page_flags_over_cap_inactive_team_and_unassigned(known):
    at = open_app("pages/caseload.py", as_of=D.isoformat())
    assert metrics(at) == {
        "Active teams": "2",
        "Teams over cap": "1",
        "Caseload spread": "2",
        "Unassigned clients": "1",
    }
    teams = at.dataframe[0].value.set_index("team")
    assert teams.loc["Team A", ["caseload", "caseload_cap", "open_slots", "over_cap"]].tolist() == [3, 2, 0, True]
    assert teams.loc["Team A", ["contact_overdue", "in_the_wind"]].tolist() == [1, 1]
    assert teams.loc["Team Old", ["team_active", "caseload"]].tolist() == [False, 1]
    assert at.dataframe[-1].value["days_since_intake"].tolist() == [2]
    assert "Team B" in at.info[0].value


def test_referral_map_counts_zone_membership(db, monkeypatch):
    person = db.participant()
    db.referral(person, date(2024, 6, 1), latitude=39.2915, longitude=-76.6216)
    db.referral(person, date(2024, 6, 2), latitude=39.3100, longitude=-76.6450)
    db.referral(person, date(2024, 6, 3))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/referral_map.py", as_of=D.isoformat())
    assert metrics(at) == {
        "Pilot zone": "1",
        "Outside the zone": "1",
        "Location unknown": "1",
        "Outside Baltimore": "0",
    }


def test_participant_list_filters_and_downloads_exactly_the_rows_shown(known):
    at = open_app("pages/participants.py", as_of=D.isoformat())
    assert len(at.dataframe[0].value) == 6  # active by default
    at.text_input[0].input("zed unique").run()
    shown = at.dataframe[0].value
    assert shown["participant_id"].tolist() == [known["zed"]]
    assert shown["engagement"].tolist() == ["In the wind"]
    assert at.get("download_button")[0].label == "Download CSV"


def test_weekly_meeting_compares_this_week_with_last(known):
    at = open_app("pages/weekly_meeting.py", as_of=D.isoformat())
    deltas = {metric.label: (metric.value, metric.delta) for metric in at.metric}
    assert deltas["New referrals"] == ("2", "+2 from 0")
    assert deltas["Intakes"] == ("2", "+2 from 0")
    assert deltas["Active participants"] == ("6", "+2 from 4")
    assert deltas["Teams over cap"] == ("1", "+0 from 1")
    table = at.dataframe[0].value.set_index("team")
    assert table.loc["Team B", ["caseload", "last_week", "change"]].tolist() == [1, 0, 1]


def test_weekly_meeting_shows_no_names(known):
    at = open_app("pages/weekly_meeting.py", as_of=D.isoformat())
    text = " ".join(str(element.value) for element in at.main if hasattr(element, "value"))
    for name in ("Ava", "Abe", "Zed", "Bea", "Una"):
        assert not re.search(rf"\b{name}\b", text), name  # whole words: "Unassigned" is not "Una"


# --- the demo database and bad databases ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo") / "demo.sqlite"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_database_generated_on_first_use(page, demo_path, monkeypatch):
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)
    monkeypatch.setenv(DEMO_DATABASE_VARIABLE, str(demo_path))
    at = open_app(page, user=None)
    assert demo_path.is_file()
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"


def test_missing_database_file_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite:///{tmp_path / 'nowhere.sqlite'}")
    at = open_app()
    assert "There is no database file" in at.error[0].value
    assert not at.metric


def test_database_without_the_contract_tables_names_what_is_missing(tmp_path, monkeypatch):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE participants (participant_id INTEGER PRIMARY KEY)")
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite:///{path}")
    at = open_app()
    assert "lacks the table(s) officers, staff, care_teams, referrals" in at.error[0].value
    assert not at.metric


def test_unreachable_database_server_shows_a_message_not_a_traceback(monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, "postgresql+psycopg://lead:secret@127.0.0.1:9/lead?connect_timeout=2")
    at = open_app()
    message = at.error[0].value
    assert "is unavailable" in message
    assert "secret" not in message
    assert "127.0.0.1" in message  # staff are told where the database is


def test_only_staff_are_told_where_an_unavailable_database_is(monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, "postgresql+psycopg://lead:secret@127.0.0.1:9/lead?connect_timeout=2")
    message = open_app(user=PARTNER_USER).error[0].value
    assert "is unavailable" in message
    assert "127.0.0.1" not in message and "lead" not in message.replace("LEAD", "")


def test_contract_table_with_a_missing_column_shows_a_message(db, monkeypatch):
    db.drop_table("referrals")
    db.execute("CREATE TABLE referrals (referral_id INTEGER PRIMARY KEY, referred_at TIMESTAMP)")
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/enrollment.py", as_of=D.isoformat())
    assert "could not answer" in at.error[0].value


def test_nonsense_as_of_in_the_url_is_ignored(known):
    at = open_app(as_of="not-a-date", period="forever")
    assert metrics(at)["Enrolled (ever)"] == "7"  # today: everything in the known database


def test_a_postgresql_outage_shows_unavailable_and_the_page_recovers_without_a_restart(
    own_postgres_server, monkeypatch
):
    database = ProgramDatabase(own_postgres_server.create_database())
    database.enroll(database.participant(), intake_on=date(2024, 1, 1))
    database.dispose()
    monkeypatch.setenv(DATABASE_URL_VARIABLE, database.url)
    # Each step opens the page anew: AppTest reruns only the page body, while a browser's rerun also
    # runs dashboard.py, where the connection is checked. The engine and caches live on in between.
    assert metrics(open_app(as_of=D.isoformat()))["Enrolled (ever)"] == "1"

    own_postgres_server.stop()
    during = open_app(as_of=D.isoformat())
    assert "is unavailable" in during.error[0].value
    assert not during.metric

    own_postgres_server.start()
    after = open_app(as_of=D.isoformat())
    assert not after.error
    assert metrics(after)["Enrolled (ever)"] == "1"


def test_data_quality_page_lists_what_breaks_the_contract(db, monkeypatch):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1), exited_on=date(2024, 2, 1))
    db.referral(person, date(2024, 3, 5), latitude=-39.29, longitude=76.62)
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/data_quality.py")
    findings = at.dataframe[0].value
    assert set(findings["check"]) >= {"impossible date", "outside the city"}
    exits = findings[findings["column"] == "exited_on"]
    assert exits["rows"].tolist() == [1]


def test_data_quality_page_says_so_when_the_database_is_clean(db, monkeypatch):
    db.enroll(db.participant(), intake_on=date(2024, 3, 1))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/data_quality.py")
    assert "No problems found" in at.success[0].value


def test_weekly_meeting_offers_the_pdf_summary_and_a_presentation_mode(known):
    at = open_app("pages/weekly_meeting.py", as_of=D.isoformat())
    assert [button.label for button in at.get("download_button")][:1] == ["Minutes (PDF)"]
    assert not any("stSidebar" in html.proto.body for html in at.get("html"))
    at.toggle(key="present").set_value(True).run()
    assert any("stSidebar" in html.proto.body for html in at.get("html"))
