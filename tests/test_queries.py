"""Each figure of DATA_CONTRACT.md against hand-computed expectations on tiny databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from lead_data import sql
from lead_data.figures import meeting, participants, rearrests, referral_places
from lead_data.figures.caseload import caseload_balance, caseload_by_team, unassigned_clients
from lead_data.figures.enrollment import (
    active_by_month,
    active_count,
    days_to_intake,
    eligibility_funnel,
    enrolled_ever,
    exit_count,
    ineligibility_reasons,
    intake_count,
    intakes_by_month,
    referral_count,
    referrals_by,
)
from lead_data.periods import Period
from lead_data.site import load_site

D = date(2024, 6, 30)
DAY = timedelta(days=1)


# --- referrals --------------------------------------------------------------------------------


def test_referrals_count_up_to_and_including_the_as_of_day(db):
    person = db.participant()
    db.referral(person, datetime(2024, 6, 30, 23, 59))
    db.referral(person, datetime(2024, 7, 1, 0, 0))
    db.referral(person, date(2023, 1, 5))
    with db.connect() as conn:
        assert referral_count(conn, as_of=D) == 2


def test_referrals_in_a_period_use_the_referral_date_inclusive_at_both_ends(db):
    person = db.participant()
    for day in (date(2024, 5, 31), date(2024, 6, 1), date(2024, 6, 15), date(2024, 6, 30)):
        db.referral(person, datetime.combine(day, datetime.min.time()).replace(hour=23))
    with db.connect() as conn:
        assert referral_count(conn, as_of=D, period=Period(date(2024, 6, 1), D)) == 3
        assert referral_count(conn, as_of=date(2024, 6, 15), period=Period(date(2024, 6, 1), D)) == 2


def test_referrals_by_type_offense_unit_and_month(db):
    person = db.participant()
    central, western = db.officer(unit="Central"), db.officer(unit="Western")
    db.referral(person, date(2024, 5, 3), offense="drug", officer_id=central)
    db.referral(person, date(2024, 5, 20), offense="prostitution", referral_type="social_contact", officer_id=central)
    db.referral(person, date(2024, 6, 2), offense=None, officer_id=western)
    db.referral(person, date(2024, 6, 9), offense="drug")
    with db.connect() as conn:
        by_month_type = referrals_by(conn, as_of=D, by=("month", "referral_type"))
        by_offense = referrals_by(conn, as_of=D, by=("offense",))
        by_unit = referrals_by(conn, as_of=D, by=("unit",))
    assert by_month_type.to_dict("records") == [
        {"month": "2024-05-01", "referral_type": "arrest_diversion", "referrals": 1},
        {"month": "2024-05-01", "referral_type": "social_contact", "referrals": 1},
        {"month": "2024-06-01", "referral_type": "arrest_diversion", "referrals": 2},
    ]
    assert dict(zip(by_offense["offense"], by_offense["referrals"], strict=True)) == {
        "drug": 2, "not recorded": 1, "prostitution": 1,
    }  # fmt: skip
    units = dict(zip(by_unit["unit"], by_unit["referrals"], strict=True))
    assert units == {"Central": 2, "Western": 1, "not recorded": 1}


def test_referrals_cannot_be_grouped_by_an_unknown_column(db):
    with db.connect() as conn, pytest.raises(ValueError, match="cannot group"):
        referrals_by(conn, as_of=D, by=("name",))


# --- enrolled and active -------------------------------------------------------------------------


def test_enrolled_ever_counts_distinct_participants_with_intake_on_or_before_as_of(db):
    twice, once, later = db.participant(), db.participant(), db.participant()
    db.enroll(twice, intake_on=date(2020, 1, 1), exited_on=date(2021, 1, 1))
    db.enroll(twice, intake_on=date(2022, 1, 1))
    db.enroll(once, intake_on=D)
    db.enroll(later, intake_on=D + DAY)
    never = db.participant()
    db.referral(never, date(2024, 1, 1), eligibility="ineligible", ineligible_reason="open_case_or_warrant")
    with db.connect() as conn:
        assert enrolled_ever(conn, as_of=D) == 2


def test_active_means_intake_by_as_of_and_no_exit_by_as_of(db):
    people = [db.participant() for _ in range(5)]
    db.enroll(people[0], intake_on=date(2024, 1, 1))  # active
    db.enroll(people[1], intake_on=date(2024, 1, 1), exited_on=D)  # exited on D: not active
    db.enroll(people[2], intake_on=date(2024, 1, 1), exited_on=D + DAY)  # exits after D: active
    db.enroll(people[3], intake_on=D + DAY)  # not yet enrolled
    db.enroll(people[4], intake_on=D)  # intake on D: active
    with db.connect() as conn:
        assert active_count(conn, as_of=D) == 3


def test_enrollments_in_a_period_are_counted_by_intake_date(db):
    for intake in (date(2024, 5, 31), date(2024, 6, 1), date(2024, 6, 30), date(2024, 7, 1)):
        db.enroll(db.participant(), intake_on=intake, referral_type="social_contact")
    june = Period(date(2024, 6, 1), date(2024, 6, 30))
    with db.connect() as conn:
        assert intake_count(conn, as_of=D, period=june) == 2
        by_month = intakes_by_month(conn, as_of=D, period=june)
    assert by_month.to_dict("records") == [{"month": "2024-06-01", "referral_type": "social_contact", "intakes": 2}]


def test_exits_in_a_period_are_counted_by_exit_date(db):
    db.enroll(db.participant(), intake_on=date(2023, 1, 1), exited_on=date(2024, 6, 24))
    db.enroll(db.participant(), intake_on=date(2023, 1, 1), exited_on=date(2024, 6, 23))
    db.enroll(db.participant(), intake_on=date(2023, 1, 1))
    with db.connect() as conn:
        assert exit_count(conn, as_of=D, period=Period(date(2024, 6, 24), D)) == 1


def test_active_at_each_month_end_follows_intakes_and_exits(db):
    db.enroll(db.participant(), intake_on=date(2024, 3, 10))
    db.enroll(db.participant(), intake_on=date(2024, 3, 31), exited_on=date(2024, 4, 30))
    db.enroll(db.participant(), intake_on=date(2024, 5, 2), exited_on=date(2024, 7, 4))
    with db.connect() as conn:
        series = active_by_month(conn, as_of=D)
    assert series.to_dict("records") == [
        {"month": "2024-03-01", "active": 2},
        {"month": "2024-04-01", "active": 1},  # exit on the last day of April ends that month inactive
        {"month": "2024-05-01", "active": 2},
        {"month": "2024-06-01", "active": 2},  # the July exit has not happened as of D
    ]


# --- eligibility funnel and days to intake -------------------------------------------------------------


def test_funnel_counts_each_stage_as_a_subset_of_the_one_before(db):
    person = db.participant()
    db.referral(person, date(2024, 6, 1), eligibility="pending")
    db.referral(person, date(2024, 6, 1), eligibility="ineligible", ineligible_reason="under_supervision")
    db.referral(person, date(2024, 6, 1), eligibility="eligible")  # not yet verified
    db.referral(person, date(2024, 6, 1), eligibility="eligible", sao_verified_on=D + DAY)  # verified after D
    db.enroll(db.participant(), intake_on=date(2024, 6, 5), referred_on=date(2024, 6, 1))
    db.enroll(db.participant(), intake_on=D + DAY, referred_on=date(2024, 6, 2))  # intake after D
    with db.connect() as conn:
        funnel = eligibility_funnel(conn, as_of=D)
    assert dict(zip(funnel["stage"], funnel["referrals"], strict=True)) == {
        "referred": 6, "decided": 5, "eligible": 4, "sao_verified": 2, "enrolled": 1,
    }  # fmt: skip


def test_ineligibility_reasons_count_ineligible_referrals_with_missing_reason_shown(db):
    person = db.participant()
    for reason in ("open_case_or_warrant", "open_case_or_warrant", "public_safety_threat", None):
        db.referral(person, date(2024, 6, 1), eligibility="ineligible", ineligible_reason=reason)
    db.referral(person, date(2024, 6, 1), eligibility="eligible")
    with db.connect() as conn:
        reasons = ineligibility_reasons(conn, as_of=D)
    assert reasons.to_dict("records") == [
        {"reason": "open_case_or_warrant", "referrals": 2},
        {"reason": "not recorded", "referrals": 1},
        {"reason": "public_safety_threat", "referrals": 1},
    ]


def test_days_to_intake_is_intake_minus_referral_date_and_its_median(db):
    for referred, intake in [
        (datetime(2024, 6, 1, 23, 30), date(2024, 6, 1)),  # same day: 0, the time of day does not count
        (datetime(2024, 6, 1, 8, 0), date(2024, 6, 4)),  # 3
        (datetime(2024, 5, 1, 8, 0), date(2024, 6, 10)),  # 40
        (datetime(2024, 6, 1, 8, 0), date(2024, 6, 8)),  # 7
    ]:
        db.enroll(db.participant(), intake_on=intake, referred_on=referred)
    with db.connect() as conn:
        days = days_to_intake(conn, as_of=D)
    assert days.to_dict("records") == [
        {"days": 0, "enrollments": 1}, {"days": 3, "enrollments": 1},
        {"days": 7, "enrollments": 1}, {"days": 40, "enrollments": 1},
    ]  # fmt: skip
    assert sql.median_of_counts(days, "days", "enrollments") == 5.0


@pytest.mark.parametrize(
    ("rows", "median"),
    [([(2, 1)], 2.0), ([(1, 2), (9, 1)], 1.0), ([(1, 1), (3, 1)], 2.0), ([(0, 0)], None), ([], None)],
)
def test_median_of_counts_weights_each_value_by_its_count(rows, median):
    counts = pd.DataFrame(rows, columns=["days", "n"])
    assert sql.median_of_counts(counts, "days", "n") == median


# --- re-arrests ------------------------------------------------------------------------------------


def test_rearrest_on_intake_day_is_not_counted(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1))
    db.arrest(person, datetime(2024, 3, 1, 23, 0))
    with db.connect() as conn:
        assert rearrests.rearrest_rate(conn, as_of=D).rearrested == 0


def test_arrest_the_day_after_intake_is_a_rearrest(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1))
    db.arrest(person, datetime(2024, 3, 2, 0, 5))
    with db.connect() as conn:
        assert rearrests.rearrest_rate(conn, as_of=D) == rearrests.RearrestRate(rearrested=1, enrolled=1)


def test_arrest_before_intake_is_not_a_rearrest(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1), referred_on=date(2024, 2, 20))
    db.arrest(person, date(2024, 2, 25))
    with db.connect() as conn:
        assert rearrests.rearrest_rate(conn, as_of=D).rearrested == 0


def test_diverted_arrest_is_not_a_rearrest(db):
    person = db.participant()
    enrollment = db.enroll(person, intake_on=date(2024, 3, 1), referred_on=date(2024, 3, 1))
    db.arrest(person, date(2024, 3, 5), referral_id=db.enrollment_referral(enrollment))
    with db.connect() as conn:
        assert rearrests.rearrest_rate(conn, as_of=D).rearrested == 0


def test_rearrest_after_exit_still_counts(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2023, 3, 1), exited_on=date(2023, 9, 1))
    db.arrest(person, date(2024, 1, 10))
    with db.connect() as conn:
        assert rearrests.rearrest_rate(conn, as_of=D).rearrested == 1


def test_arrest_of_a_person_never_enrolled_is_not_a_rearrest(db):
    person = db.participant()
    db.referral(person, date(2024, 1, 1), eligibility="ineligible", ineligible_reason="disqualifying_record")
    db.arrest(person, date(2024, 2, 1))
    with db.connect() as conn:
        assert rearrests.rearrest_rate(conn, as_of=D) == rearrests.RearrestRate(rearrested=0, enrolled=0)
        assert rearrests.rearrest_rate(conn, as_of=D).rate is None


def test_rearrest_after_as_of_does_not_exist_yet(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1))
    db.arrest(person, datetime(2024, 7, 1, 0, 1))
    with db.connect() as conn:
        assert rearrests.rearrest_rate(conn, as_of=D).rearrested == 0
        assert rearrests.rearrest_rate(conn, as_of=D + DAY).rearrested == 1


def test_rearrests_are_counted_from_the_earliest_intake(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2022, 1, 1), exited_on=date(2022, 6, 1))
    db.enroll(person, intake_on=date(2024, 1, 1))
    db.arrest(person, date(2023, 1, 1))  # between enrollments: after the earliest intake
    with db.connect() as conn:
        assert rearrests.rearrest_rate(conn, as_of=D).rearrested == 1


def test_rearrest_rate_is_participants_rearrested_over_enrolled_ever(db):
    people = [db.participant() for _ in range(4)]
    for person in people:
        db.enroll(person, intake_on=date(2024, 1, 1))
    db.arrest(people[0], date(2024, 2, 1))
    db.arrest(people[0], date(2024, 3, 1))  # the same person twice counts once
    db.arrest(people[1], date(2024, 4, 1))
    with db.connect() as conn:
        rate = rearrests.rearrest_rate(conn, as_of=D)
    assert rate == rearrests.RearrestRate(rearrested=2, enrolled=4)
    assert rate.rate == 0.5


def test_rearrests_per_month_by_severity_count_events_in_the_period(db):
    person, other = db.participant(), db.participant()
    db.enroll(person, intake_on=date(2024, 1, 1))
    db.enroll(other, intake_on=date(2024, 1, 1))
    db.arrest(person, date(2024, 4, 10), severity="felony")
    db.arrest(person, date(2024, 5, 10), severity="felony")
    db.arrest(other, date(2024, 5, 11), severity=None)
    db.arrest(other, date(2024, 2, 11), severity="misdemeanor")  # before the period
    with db.connect() as conn:
        by_month = rearrests.rearrests_by_month(conn, as_of=D, period=Period(date(2024, 4, 1), D))
        in_may = rearrests.rearrests_in(
            rearrests.rearrests_by_month(conn, as_of=D, period=Period(date(2024, 5, 1), date(2024, 5, 31)))
        )
    assert by_month.to_dict("records") == [
        {"month": "2024-04-01", "severity": "felony", "rearrests": 1},
        {"month": "2024-05-01", "severity": "felony", "rearrests": 1},
        {"month": "2024-05-01", "severity": "not recorded", "rearrests": 1},
    ]
    assert in_may == 2


def test_days_to_first_rearrest_counts_from_first_intake_to_first_rearrest(db):
    quick, slow = db.participant(), db.participant()
    db.enroll(quick, intake_on=date(2024, 1, 1))
    db.enroll(slow, intake_on=date(2024, 1, 1))
    db.arrest(quick, date(2024, 1, 11))
    db.arrest(quick, date(2024, 3, 1))
    db.arrest(slow, date(2024, 4, 10))
    with db.connect() as conn:
        days = rearrests.days_to_first_rearrest(conn, as_of=D)
    assert days.to_dict("records") == [{"days": 10, "participants": 1}, {"days": 100, "participants": 1}]


def test_arrests_before_and_after_use_180_day_windows_for_participants_enrolled_180_days(db):
    person = db.participant()
    enrollment = db.enroll(person, intake_on=date(2023, 6, 10), referred_on=date(2023, 6, 1))
    db.arrest(person, date(2023, 6, 1), referral_id=db.enrollment_referral(enrollment))  # diverted: excluded
    db.arrest(person, date(2022, 12, 3))  # 180 days before the referral date: counted
    db.arrest(person, date(2022, 12, 2))  # 181 days before: not counted
    db.arrest(person, date(2023, 12, 7))  # 180 days after intake: counted
    db.arrest(person, date(2023, 12, 8))  # 181 days after: not counted
    db.arrest(person, date(2023, 6, 10))  # on the intake day: not a re-arrest
    recent = db.participant()
    db.enroll(recent, intake_on=D - timedelta(days=179))  # fewer than 180 days since intake: left out
    db.arrest(recent, D - timedelta(days=200))
    with db.connect() as conn:
        assert rearrests.arrests_before_and_after(conn, as_of=D) == rearrests.BeforeAndAfter(
            participants=1, arrests_before=1, rearrests_after=1
        )


# --- caseload ---------------------------------------------------------------------------------------


def test_caseload_counts_active_enrollments_per_team_against_its_cap(db):
    small = db.team("Team A", cap=2)
    roomy = db.team("Team B", cap=28)
    for _ in range(3):
        db.enroll(db.participant(), intake_on=date(2024, 1, 1), team_id=small)
    db.enroll(db.participant(), intake_on=date(2024, 1, 1), team_id=roomy)
    db.enroll(db.participant(), intake_on=date(2024, 1, 1), team_id=roomy, exited_on=date(2024, 2, 1))
    with db.connect() as conn:
        caseload = caseload_by_team(conn, as_of=D).set_index("team")
    assert caseload.loc["Team A", ["caseload", "caseload_cap", "open_slots", "over_cap"]].tolist() == [3, 2, 0, True]
    assert caseload.loc["Team B", ["caseload", "caseload_cap", "open_slots", "over_cap"]].tolist() == [1, 28, 27, False]
    assert caseload.loc["Team A", "utilisation"] == pytest.approx(1.5)
    assert caseload.loc["Team B", "utilisation"] == pytest.approx(1 / 28)


def test_team_at_exactly_its_cap_is_not_over_cap(db):
    team = db.team("Team A", cap=2)
    for _ in range(2):
        db.enroll(db.participant(), intake_on=date(2024, 1, 1), team_id=team)
    with db.connect() as conn:
        row = caseload_by_team(conn, as_of=D).iloc[0]
    assert (row["caseload"], row["open_slots"], row["over_cap"]) == (2, 0, False)


def test_active_team_with_no_clients_is_shown_with_zero_caseload(db):
    db.team("Team Empty")
    with db.connect() as conn:
        caseload = caseload_by_team(conn, as_of=D)
    assert caseload[["team", "caseload", "open_slots"]].to_dict("records") == [
        {"team": "Team Empty", "caseload": 0, "open_slots": 28}
    ]


def test_inactive_team_with_active_enrollments_is_shown_and_flagged(db):
    retired = db.team("Team Old", active=False)
    db.team("Team Gone", active=False)  # no active clients: not shown
    db.enroll(db.participant(), intake_on=date(2024, 1, 1), team_id=retired)
    with db.connect() as conn:
        caseload = caseload_by_team(conn, as_of=D)
    assert caseload[["team", "team_active", "caseload"]].to_dict("records") == [
        {"team": "Team Old", "team_active": False, "caseload": 1}
    ]


def test_unassigned_active_enrollments_are_listed_never_dropped(db):
    team = db.team("Team A")
    db.enroll(db.participant(), intake_on=date(2024, 6, 1), team_id=team)
    waiting = db.participant()
    db.enroll(waiting, intake_on=date(2024, 6, 20))
    db.enroll(db.participant(), intake_on=date(2024, 1, 1), exited_on=date(2024, 2, 1))  # exited: not listed
    with db.connect() as conn:
        unassigned = unassigned_clients(conn, as_of=D)
        assert active_count(conn, as_of=D) == 2
    assert unassigned[["participant_id", "days_since_intake", "engagement"]].to_dict("records") == [
        {"participant_id": waiting, "days_since_intake": 10, "engagement": "engaged"}
    ]


def test_caseload_balance_is_the_spread_among_active_teams(db):
    busy, quiet = db.team("Team A"), db.team("Team B")
    retired = db.team("Team C", active=False)
    for team, clients in ((busy, 5), (quiet, 2), (retired, 1)):
        for _ in range(clients):
            db.enroll(db.participant(), intake_on=date(2024, 1, 1), team_id=team)
    with db.connect() as conn:
        balance = caseload_balance(caseload_by_team(conn, as_of=D))
    assert (balance.active_teams, balance.largest, balance.smallest, balance.spread) == (2, 5, 2, 3)


# --- last contact and engagement -----------------------------------------------------------------------


def _engagement_of(db, person):
    with db.connect() as conn:
        rows = participants.participant_list(conn, as_of=D)
    return rows.set_index("participant_id").loc[person, ["days_since_contact", "engagement"]].tolist()


@pytest.mark.parametrize(
    ("days_ago", "engagement"),
    [(0, "engaged"), (14, "engaged"), (15, "contact_overdue"), (30, "contact_overdue"), (31, "in_the_wind")],
)
def test_engagement_boundaries_at_14_and_30_days(db, days_ago, engagement):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 1, 1))
    db.contact(person, D - timedelta(days=days_ago))
    assert _engagement_of(db, person) == [days_ago, engagement]


def test_attempted_contacts_do_not_count_as_last_contact(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 1, 1))
    db.contact(person, D - timedelta(days=40), kind="phone")
    db.contact(person, D - timedelta(days=1), kind="attempt")
    assert _engagement_of(db, person) == [40, "in_the_wind"]


def test_engagement_without_any_contact_counts_from_intake(db):
    person = db.participant()
    db.enroll(person, intake_on=D - timedelta(days=20))
    assert _engagement_of(db, person) == [20, "contact_overdue"]


def test_contacts_after_as_of_are_not_last_contact(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 1, 1))
    db.contact(person, D - timedelta(days=16))
    db.contact(person, D + DAY)
    with db.connect() as conn:
        row = participants.participant_list(conn, as_of=D).iloc[0]
    assert (row["last_contact_on"].date(), row["engagement"]) == (D - timedelta(days=16), "contact_overdue")


def test_caseload_counts_contact_overdue_and_in_the_wind_clients_per_team(db):
    team = db.team("Team A")
    for days_ago in (3, 20, 25, 45):
        person = db.participant()
        db.enroll(person, intake_on=date(2024, 1, 1), team_id=team)
        db.contact(person, D - timedelta(days=days_ago))
    with db.connect() as conn:
        row = caseload_by_team(conn, as_of=D).iloc[0]
    assert (row["caseload"], row["contact_overdue"], row["in_the_wind"]) == (4, 2, 1)


# --- participant list filters ----------------------------------------------------------------------


@pytest.fixture
def roster(db):
    team_a, team_b = db.team("Team A"), db.team("Team B")
    ada = db.participant("Ada", "Demo-0001")
    db.enroll(ada, intake_on=date(2024, 6, 25), team_id=team_a)
    bo = db.participant("Bo", "Demo-0002")
    db.enroll(bo, intake_on=date(2024, 1, 10), team_id=team_b, referral_type="social_contact")
    db.contact(bo, date(2024, 5, 1))
    cy = db.participant("Cy", "Demo_100%")
    db.enroll(cy, intake_on=date(2023, 1, 1), exited_on=date(2024, 2, 1), team_id=team_a)
    dee = db.participant("Dee", "Demo-0004")
    db.enroll(dee, intake_on=date(2024, 6, 1))
    return {"ada": ada, "bo": bo, "cy": cy, "dee": dee}


def _ids(db, **filters):
    with db.connect() as conn:
        rows = participants.participant_list(conn, as_of=D, filters=participants.ParticipantFilters(**filters))
    return rows["participant_id"].tolist()


def test_participant_list_shows_each_enrolled_person_once_with_status(db, roster):
    with db.connect() as conn:
        rows = participants.participant_list(conn, as_of=D).set_index("participant_id")
    assert rows.loc[roster["cy"], "status"] == "exited"
    assert pd.isna(rows.loc[roster["cy"], "engagement"])
    assert rows.loc[roster["dee"], ["status", "team"]].tolist() == ["active", "Unassigned"]
    assert len(rows) == 4


def test_participant_filters_narrow_the_list(db, roster):
    assert _ids(db, statuses=("exited",)) == [roster["cy"]]
    assert _ids(db, engagement=("in_the_wind",)) == [roster["bo"]]
    assert _ids(db, teams=("Team A",)) == [roster["ada"], roster["cy"]]
    assert _ids(db, teams=(sql.UNASSIGNED,)) == [roster["dee"]]
    assert _ids(db, referral_types=("social_contact",)) == [roster["bo"]]
    assert _ids(db, intake_from=date(2024, 6, 1), intake_to=date(2024, 6, 24)) == [roster["dee"]]
    assert _ids(db, min_days_since_contact=30) == [roster["bo"], roster["cy"]]
    assert _ids(db, name="  ada   demo ") == [roster["ada"]]
    assert _ids(db, statuses=("active",), teams=("Team A",)) == [roster["ada"]]


@pytest.mark.parametrize("search", ["' OR 1=1 --", "'; DROP TABLE participants; --", "\\", "*"])
def test_name_search_with_quotes_or_injection_strings_finds_nobody(db, roster, search):
    assert _ids(db, name=search) == []
    assert len(_ids(db)) == 4


@pytest.mark.parametrize("search", ["%", "_", "demo_100%"])
def test_name_search_treats_percent_and_underscore_as_plain_characters(db, roster, search):
    assert _ids(db, name=search) == [roster["cy"]]


def test_participant_list_leaves_out_people_never_enrolled_or_enrolled_after_as_of(db):
    referred = db.participant()
    db.referral(referred, date(2024, 6, 1), eligibility="pending")
    db.enroll(db.participant(), intake_on=D + DAY)
    with db.connect() as conn:
        assert participants.participant_list(conn, as_of=D).empty


# --- services and zone --------------------------------------------------------------------------


def test_service_counts_as_connected_when_started_on_or_before_as_of(db):
    person = db.participant()
    db.service(person, category="housing", referred_on=date(2024, 5, 1), started_on=date(2024, 5, 3))
    db.service(person, category="housing", referred_on=date(2024, 5, 1), started_on=D + DAY)
    db.service(person, category="housing", referred_on=date(2024, 5, 1))
    db.service(person, category="sud_treatment", referred_on=D, started_on=D)
    db.service(person, category="legal", referred_on=D + DAY, started_on=D + DAY)
    with db.connect() as conn:
        linkage = participants.service_linkage(conn, as_of=D)
    assert linkage.to_dict("records") == [
        {"category": "housing", "referred": 3, "connected": 1},
        {"category": "sud_treatment", "referred": 1, "connected": 1},
    ]


def test_referral_locations_classify_zone_outside_unknown_and_outside_the_city(db):
    person = db.participant()
    db.referral(person, date(2024, 6, 1), latitude=39.2915, longitude=-76.6216)  # Lexington Market: in
    db.referral(person, date(2024, 6, 1), latitude=39.2900, longitude=-76.6200)  # in
    db.referral(person, date(2024, 6, 1), latitude=39.3100, longitude=-76.6450)  # Penn North: outside
    db.referral(person, date(2024, 6, 1))  # no coordinates
    db.referral(person, date(2024, 6, 1), latitude=39.2915)  # half a coordinate
    db.referral(person, date(2024, 6, 1), latitude=-39.2915, longitude=76.6216)  # signs swapped
    db.referral(person, D + DAY, latitude=39.2915, longitude=-76.6216)  # after D: does not exist
    with db.connect() as conn:
        locations = referral_places.referral_locations(conn, as_of=D, site=load_site())
    counts = referral_places.location_counts(locations, load_site())
    assert dict(zip(counts["location"], counts["referrals"], strict=True)) == {
        "pilot_zone": 2, "outside_zone": 1, "location_unknown": 2, "outside_city": 1,
    }  # fmt: skip
    assert int(counts["referrals"].sum()) == 6


# --- the weekly meeting ----------------------------------------------------------------------------


def test_weekly_changes_compare_the_seven_days_ending_as_of_with_the_seven_before(db):
    team = db.team("Team A", cap=1)
    this_week, last_week = D - timedelta(days=6), D - timedelta(days=7)
    first = db.participant()
    db.enroll(first, intake_on=last_week, team_id=team)
    db.enroll(db.participant(), intake_on=this_week, team_id=team)
    db.enroll(db.participant(), intake_on=date(2024, 1, 1), exited_on=D)
    db.arrest(first, D)
    db.referral(db.participant(), D - timedelta(days=13))
    with db.connect() as conn:
        changes = meeting.weekly_changes(conn, as_of=D).set_index("figure")
        caseload = meeting.caseload_change(
            caseload_by_team(conn, as_of=D), caseload_by_team(conn, as_of=D - timedelta(days=7))
        )
    assert changes.loc["New referrals", ["this_week", "last_week"]].tolist() == [1, 2]
    assert changes.loc["Intakes", ["this_week", "last_week", "change"]].tolist() == [1, 1, 0]
    assert changes.loc["Re-arrests", ["this_week", "last_week"]].tolist() == [1, 0]
    assert changes.loc["Graduations", ["this_week", "last_week"]].tolist() == [1, 0]
    assert changes.loc["Active participants", ["this_week", "last_week"]].tolist() == [2, 2]
    assert changes.loc["Teams over cap", ["this_week", "last_week"]].tolist() == [1, 0]
    assert caseload.to_dict("records") == [
        {"team": "Team A", "caseload": 2, "caseload_cap": 1, "over_cap": True, "last_week": 1, "change": 1}
    ]
