"""The casework screens through the running app, as each role: the referral queue (names for staff,
rows for leadership, counts for partners), My clients (own team first, by the roles file's staff_id),
and the client page (staff only, audited, whatever the URL asks)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures import casework
from lead_data.models import CareTeam
from lead_data.site import SITE_VARIABLE
from tests.apptest import (
    APP,
    AUTH_SECRETS,
    LEADERSHIP_USER,
    PARTNER_USER,
    PUBLIC_USER,
    ROLES_FILE,
    STAFF_USER,
    USER_OF_ROLE,
    metrics,
    open_app,
)
from tests.test_casework import site_with_deadlines

D = date(2024, 6, 30)
AS_OF = D.isoformat()
QUEUE, MY_CLIENTS, CLIENT = "pages/referral_queue.py", "pages/my_clients.py", "pages/client.py"
CASE_MANAGER_USER, SUPERVISOR_USER = "cm.a@lead.test", "supervisor@lead.test"


def days_ago(days: int) -> date:
    return D - timedelta(days=days)


@pytest.fixture
def program(db, monkeypatch, tmp_path):
    """Two teams with a client each, a referral past its deadline and one on time; a case manager of
    Team A and a supervisor in the roles file with their staff ids."""
    team_a, team_b = db.team("Team A"), db.team("Team B")
    ours = db.participant("Qqours", "Client")
    db.enroll(ours, intake_on=days_ago(40), team_id=team_a)
    db.contact(ours, days_ago(20))
    theirs = db.participant("Zztheirs", "Client")
    db.enroll(theirs, intake_on=days_ago(40), team_id=team_b)
    db.consent(theirs, signed_on=days_ago(40))
    db.contact(theirs, days_ago(1))
    db.assess(theirs, days_ago(1))
    late = db.participant("Wwlate", "Referral")
    db.referral(late, days_ago(31), sao_verified_on=days_ago(29))  # awaiting intake, day 31 of 30
    on_time = db.participant("Xxontime", "Referral")
    db.referral(on_time, days_ago(2), eligibility="pending")
    with db.connect() as conn:
        case_manager = conn.execute(select(CareTeam.case_manager_id).where(CareTeam.team_id == team_a)).scalar_one()
    supervisor = db.staff(role="supervisor")
    roles = tmp_path / "casework-roles.toml"
    roles.write_text(
        ROLES_FILE.replace(
            "[users]\n",
            "[users]\n"
            f'"{CASE_MANAGER_USER}" = {{ role = "staff", staff_id = {case_manager} }}\n'
            f'"{SUPERVISOR_USER}" = {{ role = "staff", staff_id = {supervisor} }}\n',
        )
    )
    monkeypatch.setenv("LEAD_ROLES_FILE", str(roles))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    return {"ours": ours, "theirs": theirs, "late": late, "on_time": on_time}


def audit_lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.is_file() else []


def shown_text(at: AppTest) -> str:
    parts = [str(element.proto) for element in at.main]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


# --- the referral queue ----------------------------------------------------------------------------


def test_staff_see_who_is_waiting_and_the_view_is_audited(program, roles_and_audit_files):
    at = open_app(QUEUE, user=STAFF_USER, as_of=AS_OF)
    assert metrics(at) == {
        "Pending eligibility": "1",
        "Awaiting SAO verification": "0",
        "Awaiting intake": "1",
    }
    rows = at.dataframe[0].value
    assert rows["name"].tolist() == ["Wwlate Referral", "Xxontime Referral"]
    assert rows["past_deadline"].tolist() == [True, False]
    assert rows["days_waiting"].tolist() == [31, 2]
    assert at.selectbox(key="queue-client").options == [
        f"Wwlate Referral (ID {program['late']})",
        f"Xxontime Referral (ID {program['on_time']})",
    ]
    views = [line for line in audit_lines(roles_and_audit_files) if line["page"] == "referral_queue"]
    assert [(line["user"], line["event"]) for line in views] == [(STAFF_USER, "view")]


def test_a_long_queue_is_paged_under_its_total_and_the_chooser_offers_the_page_s_people(program, monkeypatch):
    monkeypatch.setattr(casework, "QUEUE_PER_PAGE", 1)
    at = open_app(QUEUE, user=STAFF_USER, as_of=AS_OF)
    assert [heading.value for heading in at.main.header] == ["2 referrals waiting"]
    assert at.dataframe[0].value["name"].tolist() == ["Wwlate Referral"]
    at.button(key="queue-page-next").click().run()
    assert at.dataframe[0].value["name"].tolist() == ["Xxontime Referral"]
    assert at.selectbox(key="queue-client").options == [f"Xxontime Referral (ID {program['on_time']})"]


def test_leadership_see_each_referral_without_a_name_or_id(program, roles_and_audit_files):
    at = open_app(QUEUE, user=LEADERSHIP_USER, as_of=AS_OF)
    rows = at.dataframe[0].value
    assert "name" not in rows.columns and "participant_id" not in rows.columns
    assert rows[["referral_type", "days_waiting"]].values.tolist() == [
        ["Arrest diversion", 31],
        ["Arrest diversion", 2],
    ]
    assert "Wwlate" not in shown_text(at) and "Xxontime" not in shown_text(at)
    assert not at.get("selectbox") or all(box.key != "queue-client" for box in at.selectbox)
    assert not [line for line in audit_lines(roles_and_audit_files) if line["page"] == "referral_queue"]


def test_partners_see_only_the_queue_s_counts(program):
    at = open_app(QUEUE, user=PARTNER_USER, as_of=AS_OF)
    assert metrics(at)["Awaiting intake"] == "1"
    assert not at.dataframe
    assert "your role sees the counts" in at.info[0].value
    assert "Wwlate" not in shown_text(at)


def test_the_public_may_not_open_the_queue(program):
    direct = AppTest.from_file(str(APP.parent / QUEUE), default_timeout=60)
    direct.secrets["auth"] = AUTH_SECRETS
    direct.user = {"is_logged_in": True, "email": PUBLIC_USER, "email_verified": True}
    direct.run()
    assert "not available to the public role" in direct.error[0].value
    assert not direct.metric and not direct.dataframe


def test_the_overview_and_the_weekly_meeting_count_referrals_past_deadline(program):
    assert metrics(open_app(user=PARTNER_USER, as_of=AS_OF))["Referrals past deadline"] == "1"
    meeting = open_app("pages/weekly_meeting.py", user=LEADERSHIP_USER, as_of=AS_OF)
    past = next(metric for metric in meeting.metric if metric.label == "Referrals past deadline")
    assert past.value == "1"
    assert past.proto.delta == "+1 from 0"  # 7 days earlier the late referral was on day 24 of 30


def test_a_misconfigured_deadline_stops_the_queue_with_what_to_fix(program, monkeypatch, tmp_path):
    days = {"eligibility_days": 7, "verification_days": 40, "intake_days": 30, "window_days": 90}
    monkeypatch.setenv(SITE_VARIABLE, str(site_with_deadlines(tmp_path, **days)))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": STAFF_USER, "email_verified": True}
    at.run()
    at.switch_page(QUEUE).run()
    assert not at.exception
    assert "must not decrease from step to step" in at.error[0].value
    assert not at.dataframe


# --- my clients ----------------------------------------------------------------------------------


def test_a_case_manager_sees_their_own_team_first(program, roles_and_audit_files):
    at = open_app(MY_CLIENTS, user=CASE_MANAGER_USER, as_of=AS_OF)
    assert at.main.header[0].value == "Team A: 1 clients"
    own = at.dataframe[0].value
    assert own["name"].tolist() == ["Qqours Client"]
    assert own[["days_since_contact", "next_action"]].iloc[0].tolist() == [20, "Overdue contact"]
    assert at.dataframe[1].value["name"].tolist() == ["Zztheirs Client"]  # other teams, below
    views = [line for line in audit_lines(roles_and_audit_files) if line["page"] == "my_clients"]
    assert views[0]["user"] == CASE_MANAGER_USER


def test_a_supervisor_sees_every_team_with_a_note(program):
    at = open_app(MY_CLIENTS, user=SUPERVISOR_USER, as_of=AS_OF)
    assert "as a supervisor you see every team" in at.info[0].value
    assert len(at.dataframe) == 1
    assert sorted(at.dataframe[0].value["name"]) == ["Qqours Client", "Zztheirs Client"]


def test_staff_without_a_staff_id_see_every_team_and_how_to_get_their_own(program):
    at = open_app(MY_CLIENTS, user=STAFF_USER, as_of=AS_OF)
    assert "no staff_id for you" in at.info[0].value
    assert sorted(at.dataframe[0].value["name"]) == ["Qqours Client", "Zztheirs Client"]


@pytest.mark.parametrize("user", [LEADERSHIP_USER, PARTNER_USER, PUBLIC_USER])
def test_only_staff_may_open_my_clients_or_a_client_page(program, user):
    for page in (MY_CLIENTS, CLIENT):
        direct = AppTest.from_file(str(APP.parent / page), default_timeout=60)
        direct.secrets["auth"] = AUTH_SECRETS
        direct.user = {"is_logged_in": True, "email": user, "email_verified": True}
        direct.query_params["participant"] = str(program["ours"])
        direct.run()
        assert "not available to the" in direct.error[0].value
        assert not direct.dataframe and not direct.metric and not direct.header


# --- the client page -----------------------------------------------------------------------------


def test_staff_open_a_client_by_id_and_the_view_is_audited(program, roles_and_audit_files):
    at = open_app(CLIENT, user=STAFF_USER, as_of=AS_OF, participant=str(program["ours"]))
    assert at.main.header[0].value == "Qqours Client"
    assert metrics(at)["Team"] == "Team A"
    assert at.dataframe[0].value["event"].tolist() == ["Referred", "SAO verified", "Intake", "Contact"]
    views = [line for line in audit_lines(roles_and_audit_files) if line["page"] == "client"]
    assert [(line["user"], line["role"], line["filters"]["participant_id"]) for line in views] == [
        (STAFF_USER, "staff", program["ours"])
    ]


def test_a_client_id_that_is_not_a_number_is_refused_plainly(program):
    at = open_app(CLIENT, user=STAFF_USER, as_of=AS_OF, participant="1 OR 1=1")
    assert "is not a participant ID" in at.error[0].value
    assert not at.dataframe


def test_an_unknown_client_id_says_so(program):
    at = open_app(CLIENT, user=STAFF_USER, as_of=AS_OF, participant="99999")
    assert "No participant with ID 99999" in at.warning[0].value
    assert not at.dataframe


def test_without_an_id_the_client_page_offers_a_choice_of_client(program):
    at = open_app(CLIENT, user=STAFF_USER, as_of=AS_OF)
    names = at.selectbox(key="client-choice").options
    assert len(names) == 4 and any(name.startswith("Qqours Client") for name in names)


def test_the_client_page_s_choice_narrows_to_the_names_searched(program):
    at = open_app(CLIENT, user=STAFF_USER, as_of=AS_OF)
    at.text_input(key="client-search").input("qqours").run()
    names = at.selectbox(key="client-choice").options
    assert names and all(name.startswith("Qqours Client") for name in names)
    at.text_input(key="client-search").input("no such person").run()
    assert "matches “no such person”" in at.caption[0].value
    assert "client-choice" not in [box.key for box in at.selectbox]


def test_the_client_page_is_closed_when_the_audit_log_cannot_be_written(program, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("LEAD_AUDIT_LOG", str(blocker / "audit.jsonl"))
    at = open_app(CLIENT, user=STAFF_USER, as_of=AS_OF, participant=str(program["ours"]))
    assert "audit log is unavailable" in at.error[0].value
    assert not at.main.header and not at.dataframe


def test_the_participants_list_offers_each_client_s_page(program):
    at = open_app("pages/participants.py", user=STAFF_USER, as_of=AS_OF)
    options = at.selectbox(key="participants-client").options
    assert f"Qqours Client (ID {program['ours']})" in options


def test_on_the_demo_database_every_page_shows_every_team(monkeypatch, tmp_path):
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)
    monkeypatch.setenv("LEAD_DEMO_DATABASE", str(tmp_path / "demo.sqlite"))
    at = open_app(MY_CLIENTS, user=None)
    assert "Demo database" in at.info[0].value
    assert at.main.header[0].value.startswith("Every team:")
    queue = open_app(QUEUE, user=None)
    assert "name" in queue.dataframe[0].value.columns
    assert USER_OF_ROLE  # the demo has no sign-in: every screen as staff
