"""The casework figures against hand-computed answers on tiny databases, on SQLite and PostgreSQL:
the referral queue's clocks and deadlines, My clients and its next actions, one client's timeline,
and the roles file's staff ids."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from lead_data.access import ROLES, RolesFileProblem, figure_access, load_role_map, may_load, role_arguments
from lead_data.figures import casework
from lead_data.figures.casework import (
    ASSESSMENT_DUE,
    AWAITING_INTAKE,
    AWAITING_VERIFICATION,
    INTAKE_PAPERWORK,
    IS_SUPERVISOR,
    NO_STAFF_ID,
    OVERDUE_CONTACT,
    PENDING_ELIGIBILITY,
    UNKNOWN_STAFF_ID,
)
from lead_data.figures.participants import ListPage
from lead_data.models import CareTeam, Officer
from lead_data.site import DEFAULT_SITE_FILE, QueueDeadlines, SiteError, load_site

D = date(2024, 6, 30)
DEADLINES = QueueDeadlines(eligibility_days=7, verification_days=14, intake_days=30, window_days=90)  # Baltimore


def days_ago(days: int) -> date:
    return D - timedelta(days=days)


def queue(db, **options):
    with db.connect() as conn:
        return casework.referral_queue(conn, as_of=D, deadlines=DEADLINES, with_names=True, **options)


def counts(db):
    with db.connect() as conn:
        return casework.referral_queue_counts(conn, as_of=D, deadlines=DEADLINES).set_index("step")


def past_deadline(db) -> int:
    with db.connect() as conn:
        return casework.referrals_past_deadline(conn, as_of=D, deadlines=DEADLINES)


# --- the referral queue ----------------------------------------------------------------------


def test_the_default_deadlines_are_a_week_two_weeks_and_thirty_days_within_ninety():
    assert DEADLINES == QueueDeadlines(eligibility_days=7, verification_days=14, intake_days=30, window_days=90)
    assert load_site().deadlines == DEADLINES


def test_a_pending_referral_is_on_time_on_its_deadline_day_and_past_it_the_day_after(db):
    on_time = db.participant("On", "Time")
    db.referral(on_time, days_ago(7), eligibility="pending")
    late = db.participant("Day", "After")
    db.referral(late, days_ago(8), eligibility="pending")
    rows = queue(db).set_index("name")
    assert rows.loc["On Time", "step"] == PENDING_ELIGIBILITY
    assert rows.loc["On Time", "days_waiting"] == 7
    assert rows.loc["On Time", "deadline_days"] == 7
    assert not rows.loc["On Time", "past_deadline"]
    assert rows.loc["Day After", "days_waiting"] == 8
    assert rows.loc["Day After", "past_deadline"]
    assert counts(db).loc[PENDING_ELIGIBILITY, ["waiting", "past_deadline", "longest_wait"]].tolist() == [2, 1, 8]
    assert past_deadline(db) == 1


def test_an_eligible_referral_waits_for_verification_until_the_sao_verifies_it_by_d(db):
    unverified = db.participant("Not", "Verified")
    db.referral(unverified, days_ago(14))
    verified_later = db.participant("Verified", "Tomorrow")
    db.referral(verified_later, days_ago(15), sao_verified_on=D + timedelta(days=1))
    rows = queue(db).set_index("name")
    assert rows.loc["Not Verified", "step"] == AWAITING_VERIFICATION
    assert not rows.loc["Not Verified", "past_deadline"]  # day 14 of 14
    assert rows.loc["Verified Tomorrow", "step"] == AWAITING_VERIFICATION
    assert rows.loc["Verified Tomorrow", "past_deadline"]  # day 15
    assert counts(db).loc[AWAITING_VERIFICATION, ["deadline_days", "waiting", "past_deadline"]].tolist() == [14, 2, 1]


def test_a_verified_referral_waits_for_intake_thirty_days_then_is_past_its_deadline(db):
    on_time = db.participant("Thirty", "Days")
    db.referral(on_time, days_ago(30), sao_verified_on=days_ago(28))
    late = db.participant("Thirty-one", "Days")
    db.referral(late, days_ago(31), sao_verified_on=days_ago(29))
    rows = queue(db).set_index("name")
    assert rows.loc["Thirty Days", ["step", "days_waiting", "past_deadline"]].tolist() == [AWAITING_INTAKE, 30, False]
    assert rows.loc["Thirty-one Days", ["step", "days_waiting", "past_deadline"]].tolist() == [
        AWAITING_INTAKE,
        31,
        True,
    ]
    assert rows.index.tolist() == ["Thirty-one Days", "Thirty Days"]  # most overdue first
    assert past_deadline(db) == 1


def test_intake_by_d_takes_a_referral_off_the_queue_and_intake_after_d_does_not(db):
    taken_in = db.participant("Taken", "In")
    db.enroll(taken_in, intake_on=D, referred_on=days_ago(10))
    later = db.participant("Intake", "Tomorrow")
    db.enroll(later, intake_on=D + timedelta(days=1), referred_on=days_ago(10))
    assert queue(db)["name"].tolist() == ["Intake Tomorrow"]


def test_ineligible_referrals_and_people_already_active_wait_for_nothing(db):
    db.referral(db.participant("Not", "Eligible"), days_ago(3), eligibility="ineligible", ineligible_reason="other")
    active = db.participant("Already", "Active")
    db.enroll(active, intake_on=days_ago(100))
    db.referral(active, days_ago(5), eligibility="pending")
    exited = db.participant("Came", "Back")
    db.enroll(exited, intake_on=days_ago(300), exited_on=days_ago(200))
    db.referral(exited, days_ago(5), eligibility="pending")
    assert queue(db)["name"].tolist() == ["Came Back"]


def test_a_referral_older_than_the_window_has_left_the_queue(db):
    db.referral(db.participant("Ninety", "Days"), days_ago(90), sao_verified_on=days_ago(89))
    db.referral(db.participant("Ninety-one", "Days"), days_ago(91), sao_verified_on=days_ago(89))
    db.referral(db.participant("Referred", "Tomorrow"), D + timedelta(days=1), eligibility="pending")
    assert queue(db)["name"].tolist() == ["Ninety Days"]


def test_the_queue_shows_type_and_unit_and_leaves_names_and_ids_out_unless_asked(db):
    officer = db.officer(unit="Western District")
    db.referral(db.participant("Has", "Unit"), days_ago(2), eligibility="pending", officer_id=officer,
                referral_type="social_contact")  # fmt: skip
    db.referral(db.participant("No", "Officer"), days_ago(1), eligibility="pending")
    with db.connect() as conn:
        rows = casework.referral_queue(conn, as_of=D, deadlines=DEADLINES)
    assert "name" not in rows.columns and "participant_id" not in rows.columns
    assert rows[["referral_type", "unit", "days_waiting"]].values.tolist() == [
        ["social_contact", "Western District", 2],
        ["arrest_diversion", "not recorded", 1],
    ]


def test_a_page_of_the_queue_holds_its_rows_of_the_whole_queue_in_order_and_the_total_counts_them_all(db):
    for days in (1, 9, 20, 40, 3):
        db.referral(db.participant(f"Waited{days}", "Days"), days_ago(days), eligibility="pending")
    everyone = queue(db)["name"].tolist()
    assert everyone == ["Waited40 Days", "Waited20 Days", "Waited9 Days", "Waited3 Days", "Waited1 Days"]
    assert queue(db, page=ListPage(2, size=2))["name"].tolist() == everyone[2:4]
    assert queue(db, page=ListPage(3, size=2))["name"].tolist() == everyone[4:]
    assert casework.queue_total(counts(db).reset_index()) == 5


def test_every_step_is_counted_even_when_nobody_waits_at_it(db):
    table = counts(db)
    assert table.index.tolist() == [PENDING_ELIGIBILITY, AWAITING_VERIFICATION, AWAITING_INTAKE]
    assert table[["deadline_days", "waiting", "past_deadline", "longest_wait"]].values.tolist() == [
        [7, 0, 0, 0],
        [14, 0, 0, 0],
        [30, 0, 0, 0],
    ]
    assert past_deadline(db) == 0


def test_configured_deadlines_move_the_flag(db):
    db.referral(db.participant("Eight", "Days"), days_ago(8), eligibility="pending")
    longer = replace(DEADLINES, eligibility_days=10)
    with db.connect() as conn:
        assert casework.referrals_past_deadline(conn, as_of=D, deadlines=longer) == 0
        assert casework.referrals_past_deadline(conn, as_of=D, deadlines=DEADLINES) == 1


def site_with_deadlines(folder: Path, **days: int) -> Path:
    """Baltimore's site file with its ``[deadlines]`` replaced by ``days``."""
    text = DEFAULT_SITE_FILE.read_text()
    for relative in ("city_limits.geojson", "zones.geojson"):
        text = text.replace(f'"{relative}"', f'"{DEFAULT_SITE_FILE.parent / relative}"')
    before, rest = text.split("[deadlines]\n")
    after = rest[rest.index("\n[") :]  # the tables after [deadlines]
    text = before + "[deadlines]\n" + "".join(f"{k} = {v}\n" for k, v in days.items()) + after
    path = folder / "site.toml"
    path.write_text(text)
    return path


def test_deadlines_come_from_the_site_file(tmp_path):
    path = site_with_deadlines(tmp_path, eligibility_days=3, verification_days=14, intake_days=45, window_days=90)
    deadlines = load_site(path).deadlines
    assert deadlines == QueueDeadlines(eligibility_days=3, verification_days=14, intake_days=45, window_days=90)


@pytest.mark.parametrize(
    "days",
    [
        {"eligibility_days": 7, "verification_days": 14, "intake_days": 30},  # no window_days
        {"eligibility_days": 7, "verification_days": 40, "intake_days": 30, "window_days": 90},  # after intake
        {"eligibility_days": 7, "verification_days": 14, "intake_days": 30, "window_days": 20},  # window too short
    ],
)
def test_an_unusable_deadline_is_refused_naming_the_site_file(tmp_path, days):
    path = site_with_deadlines(tmp_path, **days)
    with pytest.raises(SiteError, match=str(path)):
        load_site(path)


# --- my clients ------------------------------------------------------------------------------


def members(db, team: int) -> tuple[int, int]:
    """The peer's and the case manager's staff ids of a team."""
    with db.connect() as conn:
        row = conn.execute(select(CareTeam.peer_id, CareTeam.case_manager_id).where(CareTeam.team_id == team)).one()
    return row.peer_id, row.case_manager_id


def clients(db, staff_id=None):
    with db.connect() as conn:
        return casework.my_clients(conn, as_of=D, staff_id=staff_id)


def settled(db, person: int, *, intake_days_ago: int = 60, team: int | None = None) -> int:
    """An active client with a release signed, contacted today and assessed today: no next action."""
    enrollment = db.enroll(person, intake_on=days_ago(intake_days_ago), team_id=team)
    db.consent(person, signed_on=days_ago(intake_days_ago))
    db.contact(person, D)
    db.assess(person, D)
    return enrollment


def test_a_client_with_no_contacts_counts_from_intake(db):
    person = db.participant("Never", "Reached")
    db.enroll(person, intake_on=days_ago(20))
    db.contact(person, days_ago(21), kind="attempt")  # before intake: not since
    db.contact(person, days_ago(20), kind="attempt")  # intake day: since
    db.contact(person, days_ago(3), kind="attempt")
    db.contact(person, D + timedelta(days=1), kind="attempt")  # after D
    row = clients(db).own.iloc[0]
    assert row["days_since_contact"] == 20
    assert row["engagement"] == "contact_overdue"
    assert row["attempts_since_contact"] == 2
    assert pd.isna(row["last_contact_on"])
    assert row["next_action"] == OVERDUE_CONTACT
    assert row["team"] == "Unassigned"


def test_attempts_count_only_after_the_last_reached_contact(db):
    person = db.participant()
    db.enroll(person, intake_on=days_ago(60))
    db.contact(person, days_ago(40), kind="attempt")
    db.contact(person, days_ago(10), kind="phone")
    db.contact(person, days_ago(10), kind="attempt")  # the same day as the reached contact: not after it
    db.contact(person, days_ago(4), kind="attempt")
    db.contact(person, days_ago(1), kind="attempt")
    row = clients(db).own.iloc[0]
    assert row["days_since_contact"] == 10
    assert row["engagement"] == "engaged"
    assert row["attempts_since_contact"] == 2


def test_open_service_referrals_are_those_not_started_by_d(db):
    person = db.participant()
    settled(db, person)
    db.service(person, referred_on=days_ago(30))  # never started
    db.service(person, referred_on=days_ago(30), started_on=D + timedelta(days=2))  # starts after D
    db.service(person, referred_on=days_ago(30), started_on=D)  # started
    db.service(person, referred_on=D + timedelta(days=1))  # referred after D
    assert clients(db).own.iloc[0]["open_service_referrals"] == 2


def test_contact_overdue_is_the_next_action_from_day_fifteen(db):
    fourteen, fifteen = db.participant("Fourteen", "Days"), db.participant("Fifteen", "Days")
    for person, days in ((fourteen, 14), (fifteen, 15)):
        db.enroll(person, intake_on=days_ago(60))
        db.consent(person, signed_on=days_ago(60))
        db.assess(person, D)
        db.contact(person, days_ago(days))
    rows = clients(db).own.set_index("name")
    assert rows.loc["Fifteen Days", "next_action"] == OVERDUE_CONTACT
    assert pd.isna(rows.loc["Fourteen Days", "next_action"])
    assert rows.index.tolist() == ["Fifteen Days", "Fourteen Days"]  # the client with an action first


def test_no_release_signed_by_d_is_intake_paperwork_before_the_assessment(db):
    person = db.participant()
    db.enroll(person, intake_on=days_ago(5))
    db.contact(person, D)
    db.consent(person, signed_on=D + timedelta(days=1))  # after D: not yet
    assert clients(db).own.iloc[0]["next_action"] == INTAKE_PAPERWORK


def test_a_revoked_release_is_not_paperwork_to_chase(db):
    person = db.participant()
    db.enroll(person, intake_on=days_ago(5))
    db.contact(person, D)
    db.consent(person, signed_on=days_ago(5), revoked_on=days_ago(1))
    db.assess(person, days_ago(1))
    assert pd.isna(clients(db).own.iloc[0]["next_action"])


def test_an_assessment_is_due_with_none_since_intake_or_ninety_days_after_the_last(db):
    before_intake = db.participant("Assessed", "Before-Intake")
    eighty_nine = db.participant("Assessed", "Eighty-nine")
    ninety = db.participant("Assessed", "Ninety")
    for person in (before_intake, eighty_nine, ninety):
        db.enroll(person, intake_on=days_ago(200))
        db.consent(person, signed_on=days_ago(200))
        db.contact(person, D)
    db.assess(before_intake, days_ago(201))
    db.assess(eighty_nine, days_ago(89))
    db.assess(ninety, days_ago(150))
    db.assess(ninety, days_ago(90))
    db.assess(eighty_nine, D + timedelta(days=1))  # after D: does not exist
    rows = clients(db).own.set_index("name")
    assert rows.loc["Assessed Before-Intake", "next_action"] == ASSESSMENT_DUE
    assert pd.isna(rows.loc["Assessed Before-Intake", "last_assessment_on"])
    assert pd.isna(rows.loc["Assessed Eighty-nine", "next_action"])
    assert rows.loc["Assessed Ninety", "next_action"] == ASSESSMENT_DUE
    assert rows.loc["Assessed Ninety", "last_assessment_on"].date() == days_ago(90)


def test_exited_clients_are_not_on_anyone_s_list(db):
    person = db.participant()
    db.enroll(person, intake_on=days_ago(100), exited_on=days_ago(1))
    caseload = clients(db)
    assert caseload.own.empty and caseload.others.empty


def test_a_case_manager_sees_their_own_team_first_and_the_other_teams_after(db):
    team_a, team_b = db.team("Team A"), db.team("Team B")
    settled(db, db.participant("Ours", "Client"), team=team_a)
    settled(db, db.participant("Theirs", "Client"), team=team_b)
    settled(db, db.participant("Nobody's", "Client"))
    peer, case_manager = members(db, team_a)
    for worker in (peer, case_manager):
        caseload = clients(db, staff_id=worker)
        assert caseload.every_team_because is None
        assert caseload.own_teams == ("Team A",)
        assert caseload.own["name"].tolist() == ["Ours Client"]
        assert sorted(caseload.others["team"]) == ["Team B", "Unassigned"]
        assert caseload.staff_name.startswith("Staff Test-")


def test_a_worker_on_no_team_has_no_own_clients_and_sees_the_rest(db):
    team = db.team("Team A")
    settled(db, db.participant(), team=team)
    loner = db.staff(role="case_manager")
    caseload = clients(db, staff_id=loner)
    assert caseload.every_team_because is None and caseload.own_teams == ()
    assert caseload.own.empty and len(caseload.others) == 1


def test_a_supervisor_sees_every_team(db):
    team_a, team_b = db.team("Team A"), db.team("Team B")
    settled(db, db.participant(), team=team_a)
    settled(db, db.participant(), team=team_b)
    settled(db, db.participant())
    supervisor = db.staff(role="supervisor")
    caseload = clients(db, staff_id=supervisor)
    assert caseload.every_team_because == IS_SUPERVISOR
    assert sorted(caseload.own["team"]) == ["Team A", "Team B", "Unassigned"]
    assert caseload.others.empty


def test_no_staff_id_or_one_the_staff_table_lacks_sees_every_team(db):
    settled(db, db.participant(), team=db.team("Team A"))
    assert clients(db).every_team_because == NO_STAFF_ID
    unknown = clients(db, staff_id=9999)
    assert unknown.every_team_because == UNKNOWN_STAFF_ID
    assert len(unknown.own) == 1 and unknown.staff_name is None


# --- one client --------------------------------------------------------------------------------


def record(db, participant_id: int):
    with db.connect() as conn:
        return casework.client_record(conn, as_of=D, participant_id=participant_id)


def test_a_client_s_timeline_holds_every_event_up_to_d_in_order(db):
    team = db.team("Team A")
    person = db.participant("Timeline", "Person")
    enrollment = db.enroll(person, intake_on=days_ago(95), referred_on=days_ago(100), team_id=team)
    db.arrest(person, days_ago(100), severity="misdemeanor", referral_id=db.enrollment_referral(enrollment))
    db.consent(person, signed_on=days_ago(95))
    db.contact(person, days_ago(90), kind="attempt")
    db.contact(person, days_ago(80), kind="phone")
    db.service(person, category="housing", referred_on=days_ago(80), started_on=days_ago(60))
    db.assess(person, days_ago(70), housing="shelter", employed=False)
    db.arrest(person, days_ago(50), severity="felony")
    db.book(person, days_ago(50), released_on=days_ago(48))
    db.contact(person, D + timedelta(days=1))  # after D: not shown
    client = record(db, person)
    assert client.name == "Timeline Person"
    assert client.status == "active"
    assert client.team == "Team A"
    assert client.peer.startswith("Staff Test-") and client.case_manager.startswith("Staff Test-")
    assert client.release == "in force"
    timeline = client.timeline
    assert [(row.on.date(), row.event) for row in timeline.itertuples()] == [
        (days_ago(100), "Referred"),
        (days_ago(100), "SAO verified"),
        (days_ago(100), "Arrest (diverted to LEAD)"),
        (days_ago(95), "Intake"),
        (days_ago(95), "Release of information signed"),
        (days_ago(90), "Contact attempt"),
        (days_ago(80), "Contact"),
        (days_ago(80), "Service referred"),
        (days_ago(70), "Assessment"),
        (days_ago(60), "Service started"),
        (days_ago(50), "Arrest"),
        (days_ago(50), "Booked into jail"),
        (days_ago(48), "Released from jail"),
    ]
    details = dict(zip(timeline["event"], timeline["detail"], strict=False))
    assert details["Referred"] == "arrest diversion, offense drug, by an unrecorded unit; eligibility: eligible"
    assert details["Intake"] == "team: Team A"
    assert details["Assessment"] == "housing shelter; employed no; legal income not recorded"
    assert details["Arrest"] == "felony"


def test_a_referred_person_never_enrolled_has_a_page_with_no_team(db):
    person = db.participant("Only", "Referred")
    officer = db.officer(unit="Central District Patrol")
    db.referral(
        person, days_ago(3), eligibility="ineligible", ineligible_reason="under_supervision", officer_id=officer
    )
    client = record(db, person)
    assert client.status == "referred" and client.team is None and client.release == "none"
    assert client.timeline["event"].tolist() == ["Referred"]
    assert client.timeline["detail"][0] == (
        "arrest diversion, offense drug, by Central District Patrol; eligibility: ineligible (under supervision)"
    )


def test_a_client_with_no_contacts_has_a_timeline_without_any(db):
    person = db.participant()
    db.enroll(person, intake_on=days_ago(10), exited_on=days_ago(2), exit_reason="moved")
    client = record(db, person)
    assert client.status == "exited" and client.team == "Unassigned"
    assert client.timeline["event"].tolist() == ["Referred", "SAO verified", "Intake", "Exited"]


def test_no_record_for_an_unknown_id_or_someone_referred_after_d(db):
    later = db.participant()
    db.referral(later, D + timedelta(days=1))
    assert record(db, later) is None
    assert record(db, 987654) is None


def test_a_revoked_release_shows_as_revoked(db):
    person = db.participant()
    db.enroll(person, intake_on=days_ago(10))
    db.consent(person, signed_on=days_ago(10), revoked_on=days_ago(1))
    assert record(db, person).release == "revoked"


def test_client_choices_list_everyone_referred_by_d(db):
    db.referral(db.participant("Alpha", "Adams"), days_ago(3))
    db.referral(db.participant("Later", "Person"), D + timedelta(days=1))
    db.participant("Never", "Referred")
    with db.connect() as conn:
        assert casework.client_choices(conn, as_of=D)["name"].tolist() == ["Alpha Adams"]


def test_client_choices_find_a_name_in_any_case_or_an_id(db):
    nunez = db.participant("Ana", "Núñez")
    other = db.participant("Bea", "Adams")
    for person in (nunez, other):
        db.referral(person, days_ago(3))
    with db.connect() as conn:
        assert casework.client_choices(conn, as_of=D, search="  NÚÑ ")["name"].tolist() == ["Ana Núñez"]
        assert casework.client_choices(conn, as_of=D, search=str(other))["participant_id"].tolist() == [other]
        assert casework.client_choice_count(conn, as_of=D, search="nobody") == 0
        assert casework.client_choice_count(conn, as_of=D, search="a") == 2


def test_client_choices_offer_the_first_few_by_name_and_count_them_all(db):
    for last in ("Cole", "Baker", "Adams"):
        db.referral(db.participant("Pat", last), days_ago(3))
    with db.connect() as conn:
        first_two = casework.client_choices(conn, as_of=D, limit=2)
        assert first_two["name"].tolist() == ["Pat Adams", "Pat Baker"]
        assert casework.client_choice_count(conn, as_of=D) == 3


# --- the roles file's staff ids --------------------------------------------------------------


def roles(tmp_path, text: str):
    path = tmp_path / "roles.toml"
    path.write_text(text)
    return load_role_map(path)


def test_a_person_s_entry_may_give_their_staff_id(tmp_path):
    role_map = roles(
        tmp_path,
        '[users]\n"Jane@Lead.test" = { role = "staff", staff_id = 12 }\n"plain@lead.test" = "staff"\n'
        '[domains]\n"lead.test" = "leadership"\n',
    )
    assert role_map.role_for("jane@lead.test") == "staff"
    assert role_map.staff_id_for(" JANE@lead.test ") == 12
    assert role_map.staff_id_for("plain@lead.test") is None
    assert role_map.staff_id_for("someone@lead.test") is None
    assert role_map.role_for("someone@lead.test") == "leadership"


@pytest.mark.parametrize(
    "entry, problem",
    [
        ('"jane@lead.test" = { role = "staff", staff_id = "12" }', "whole number"),
        ('"jane@lead.test" = { role = "staff", staff_id = 0 }', "whole number"),
        ('"jane@lead.test" = { role = "staff", staff_id = true }', "whole number"),
        ('"jane@lead.test" = { role = "leadership", staff_id = 3 }', "only staff"),
        ('"jane@lead.test" = { role = "boss" }', "roles are"),
        ('"jane@lead.test" = { role = "staff", team = 3 }', "team"),
    ],
)
def test_a_wrong_staff_entry_is_an_error(tmp_path, entry, problem):
    with pytest.raises(RolesFileProblem, match=problem):
        roles(tmp_path, f"[users]\n{entry}\n")


def test_a_domain_entry_cannot_be_a_table(tmp_path):
    with pytest.raises(RolesFileProblem, match="just its role"):
        roles(tmp_path, '[domains]\n"lead.test" = { role = "staff", staff_id = 3 }\n')


def test_an_officer_unit_is_read_from_the_officers_table(db):
    # Guards the join: the unit shown is the referring officer's, not another officer's.
    first, second = db.officer(unit="Unit One"), db.officer(unit="Unit Two")
    db.referral(db.participant(), days_ago(1), eligibility="pending", officer_id=second)
    with db.connect() as conn:
        assert conn.execute(select(Officer.unit).where(Officer.officer_id == first)).scalar_one() == "Unit One"
    assert queue(db)["unit"].tolist() == ["Unit Two"]


def test_the_queue_s_rows_need_referral_rows_and_its_names_participant_lists():
    assert figure_access(casework.referral_queue).needs == "referral_rows"
    assert [role for role in ROLES if may_load(role, casework.referral_queue)] == ["staff", "leadership"]
    assert role_arguments("staff", casework.referral_queue) == {"with_names": True}
    assert role_arguments("leadership", casework.referral_queue) == {"with_names": False}
    assert figure_access(casework.my_clients).needs == "participant_lists"
    assert figure_access(casework.client_record).needs == "participant_lists"
    assert figure_access(casework.client_choices).needs == "participant_lists"
