"""The outcome figures of DATA_CONTRACT.md (version 2) against hand-computed answers on tiny databases."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from lead_data import costs as c
from lead_data import evaluation as ev
from lead_data import sql
from lead_data.export import csv_bytes
from lead_data.figures import meeting, outcomes, rearrest_outcomes
from lead_data.figures.public_summary import public_summary
from lead_data.site import UnitCosts
from lead_data.suppression import COMPLEMENT, HIDDEN

D = date(2024, 6, 30)
DAY = timedelta(days=1)


def _enrolled(db, *, intake_on: date, referred_on: date | None = None, **enrollment) -> tuple[int, int]:
    """A participant and their referral's id."""
    person = db.participant()
    enrollment_id = db.enroll(person, intake_on=intake_on, referred_on=referred_on, **enrollment)
    return person, db.enrollment_referral(enrollment_id)


def _within(db, as_of: date = D, cohort: sql.Cohort = sql.EVERYONE) -> dict[int, tuple[int, int]]:
    with db.connect() as conn:
        frame = rearrest_outcomes.rearrest_outcomes(conn, as_of=as_of, cohort=cohort).within
    return {int(row.months): (int(row.rearrested), int(row.followed)) for row in frame.itertuples()}


# --- re-arrested within 6, 12, 24 months ----------------------------------------------------------


def test_rearrested_within_n_months_counts_only_participants_with_full_follow_up(db):
    a, _ = _enrolled(db, intake_on=date(2023, 6, 30))  # followed 6 and 12 months exactly
    db.arrest(a, date(2024, 6, 30))  # on T0 + 12 months: within 12, not within 6 (2023-12-30)
    b, _ = _enrolled(db, intake_on=date(2024, 1, 1))  # T0 + 6 months = 2024-07-01 > D: in no denominator
    db.arrest(b, date(2024, 2, 1))
    _enrolled(db, intake_on=date(2022, 1, 15))  # followed 6, 12 and 24 months, never re-arrested
    d, _ = _enrolled(db, intake_on=date(2023, 12, 30))  # T0 + 6 months = 2024-06-30 = D
    db.arrest(d, date(2024, 3, 1))
    assert _within(db) == {6: (1, 3), 12: (1, 2), 24: (0, 1)}


def test_rearrest_on_the_intake_day_and_the_diverted_arrest_are_not_counted(db):
    person, referral = _enrolled(db, intake_on=date(2023, 1, 10))
    db.arrest(person, datetime(2023, 1, 10, 23, 0))  # the intake day: not strictly after T0
    db.arrest(person, date(2023, 2, 1), referral_id=referral)  # the diverted arrest
    assert _within(db) == {6: (0, 1), 12: (0, 1), 24: (0, 0)}
    db.arrest(person, date(2023, 1, 11))  # the day after intake: a re-arrest
    assert _within(db) == {6: (1, 1), 12: (1, 1), 24: (0, 0)}


def test_n_months_after_the_31st_end_on_the_last_day_of_a_shorter_month(db):
    # 31 August + 6 months is 29 February 2024 on both backends (SQLite alone would say 2 March).
    person, _ = _enrolled(db, intake_on=date(2023, 8, 31))
    db.arrest(person, date(2024, 2, 29))
    assert _within(db, as_of=date(2024, 2, 29))[6] == (1, 1)
    assert _within(db, as_of=date(2024, 2, 28))[6] == (0, 0)


def test_a_later_enrollment_does_not_move_the_start(db):
    person, _ = _enrolled(db, intake_on=date(2022, 1, 1), exited_on=date(2022, 3, 1))
    db.enroll(person, intake_on=date(2024, 1, 1))
    db.arrest(person, date(2022, 5, 1))  # within 6 months of the first intake
    assert _within(db)[6] == (1, 1)


# --- time to first re-arrest (Kaplan–Meier) ----------------------------------------------------------


def test_kaplan_meier_matches_the_product_limit_estimate_worked_by_hand(db):
    # Five participants, days from T0: re-arrested on day 100, 200 and 300; censored at D on day 150 and 500.
    for days_followed, rearrest_day in ((400, 100), (400, 200), (150, None), (400, 300), (500, None)):
        person, _ = _enrolled(db, intake_on=D - timedelta(days=days_followed))
        if rearrest_day:
            db.arrest(person, D - timedelta(days=days_followed - rearrest_day))
    with db.connect() as conn:
        result = rearrest_outcomes.rearrest_outcomes(conn, as_of=D).survival
    # Product limit, S(t) = Π (1 − d/n) over event days ≤ t:
    #   day 100: n = 5, d = 1 → S = 4/5 = 0.8
    #   day 150: censored (leaves the risk set)
    #   day 200: n = 3, d = 1 → S = 0.8 × 2/3 = 0.533333
    #   day 300: n = 2, d = 1 → S = 0.533333 × 1/2 = 0.266667
    # Share re-arrested = 1 − S.
    curve = result.curve
    assert curve["day"].tolist() == [0, 100, 200, 300]
    assert curve["at_risk"].tolist() == [5, 5, 3, 2]
    assert curve["share"].tolist() == pytest.approx([0, 0.2, 1 - 0.8 * 2 / 3, 1 - 0.8 * 2 / 3 / 2])
    six, twelve, twenty_four = result.readings
    # Greenwood: Var S = S² Σ d/(n(n−d)). Day 183 (S = 0.8): Σ = 1/20, SE = 0.8 √0.05 = 0.178885.
    # On the log(−log) scale: SE/(S |ln S|) = 0.178885/(0.8 × 0.223144) = 1.002076; the band for S is
    # S^exp(±1.959964 × 1.002076) = 0.8^7.1296… to 0.8^(1/7.1296…) = 0.203809 to 0.969180,
    # so for the share 1 − S: 0.030820 to 0.796191.
    assert (six.day, six.share) == (183, pytest.approx(0.2))
    assert (six.lower, six.upper) == (pytest.approx(0.030820, abs=1e-6), pytest.approx(0.796191, abs=1e-6))
    # Day 365 (S = 0.266667): Σ = 1/20 + 1/6 + 1/2 = 0.716667, SE = 0.266667 × √0.716667 = 0.225750;
    # SE/(S |ln S|) = 0.225750/(0.266667 × 1.321756) = 0.640483; share band 0.313864 to 0.990323.
    assert (twelve.day, twelve.share) == (365, pytest.approx(0.733333, abs=1e-6))
    assert (twelve.lower, twelve.upper) == (pytest.approx(0.313864, abs=1e-6), pytest.approx(0.990323, abs=1e-6))
    # Nobody followed 730 days (the longest is 500): no estimate rather than a made-up one.
    assert (twenty_four.day, twenty_four.share) == (730, None)
    assert (result.people, result.events) == (5, 3)


def test_exit_does_not_censor_the_time_to_first_rearrest(db):
    person, _ = _enrolled(db, intake_on=date(2023, 1, 1), exited_on=date(2023, 3, 1))
    db.arrest(person, date(2023, 6, 1))  # 151 days after intake, three months after the exit
    with db.connect() as conn:
        result = rearrest_outcomes.rearrest_outcomes(conn, as_of=D).survival
    assert result.curve[["day", "events", "share"]].iloc[-1].tolist() == [151, 1, 1.0]
    # Everyone was re-arrested by day 151, so the share stays 1 at 6 and 12 months.
    assert [reading.share for reading in result.readings] == [1.0, 1.0, 1.0]


def test_participants_without_a_rearrest_are_censored_at_the_as_of_date(db):
    person, _ = _enrolled(db, intake_on=date(2024, 1, 1))
    db.arrest(person, D + DAY)  # after D: does not exist yet
    with db.connect() as conn:
        result = rearrest_outcomes.rearrest_outcomes(conn, as_of=D).survival
    assert (result.people, result.events) == (1, 0)
    assert result.curve["share"].tolist() == [0.0]
    assert result.readings[0].share is None  # followed 181 days, fewer than 183


# --- new offense or warrant-only, by severity ---------------------------------------------------------


def test_rearrests_split_new_offense_warrant_only_and_not_recorded_per_quarter(db):
    person, _ = _enrolled(db, intake_on=date(2024, 1, 10))
    db.arrest(person, date(2024, 1, 10), warrant_only=False)  # intake day: not a re-arrest
    db.arrest(person, date(2024, 2, 1), warrant_only=True, severity=None)
    db.arrest(person, date(2024, 3, 31), warrant_only=False, severity="felony")
    db.arrest(person, date(2024, 4, 1), warrant_only=None, severity="misdemeanor")
    db.arrest(person, date(2024, 4, 2), warrant_only=False, severity="felony")
    db.arrest(person, D + DAY, warrant_only=False)
    with db.connect() as conn:
        frame = rearrest_outcomes.rearrest_outcomes(conn, as_of=D).by_kind
    assert frame.to_dict("records") == [
        {"quarter": "2024-Q1", "kind": "new_offense", "severity": "felony", "rearrests": 1},
        {"quarter": "2024-Q1", "kind": "warrant_only", "severity": "not recorded", "rearrests": 1},
        {"quarter": "2024-Q2", "kind": "new_offense", "severity": "felony", "rearrests": 1},
        {"quarter": "2024-Q2", "kind": "not recorded", "severity": "misdemeanor", "rearrests": 1},
    ]


# --- rates before and after, per person-year -------------------------------------------------------------


def _rates(db, as_of: date = D) -> dict[str, dict]:
    with db.connect() as conn:
        frame = rearrest_outcomes.rates_before_and_after(conn, as_of=as_of)
    return {row["window"]: row for row in frame.to_dict("records")}


def test_arrests_per_person_year_before_referral_and_after_intake(db):
    first, referral = _enrolled(db, intake_on=date(2024, 1, 15), referred_on=date(2024, 1, 10))
    # Before: the 365 days ending the day before R = 2023-01-10 … 2024-01-09.
    db.arrest(first, date(2023, 1, 9))  # R − 366: outside
    db.arrest(first, date(2023, 1, 10))  # R − 365: inside
    db.arrest(first, date(2024, 1, 9))  # R − 1: inside
    db.arrest(first, date(2024, 1, 9), referral_id=referral)  # the diverted arrest: excluded
    # After: the day after T0 to D = 2024-01-16 … 2024-06-30, 167 days.
    db.arrest(first, date(2024, 1, 15))  # intake day: not a re-arrest
    db.arrest(first, date(2024, 1, 16))
    db.arrest(first, D + DAY)
    second, _ = _enrolled(db, intake_on=date(2022, 1, 1))
    # After: 2022-01-02 … T0 + 365 days = 2023-01-01, a full 365 days.
    db.arrest(second, date(2023, 1, 1))
    db.arrest(second, date(2023, 1, 2))  # day 366: outside
    rates = _rates(db)
    before, after = rates["before"], rates["after"]
    assert (before["participants"], before["arrests"]) == (2, 2)
    assert before["person_years"] == pytest.approx(730 / 365.25)
    assert before["arrests_per_person_year"] == pytest.approx(2 / (730 / 365.25))  # 1.000685
    assert after["arrests"] == 2
    assert after["person_years"] == pytest.approx((167 + 365) / 365.25)
    assert after["arrests_per_person_year"] == pytest.approx(1.373120, abs=1e-6)  # 2 ÷ (532 ÷ 365.25)


def test_jail_days_are_clipped_to_the_window_and_an_open_booking_counts_to_the_as_of_date(db):
    person, _ = _enrolled(db, intake_on=date(2024, 1, 15), referred_on=date(2024, 1, 10))
    # Before window 2023-01-10 … 2024-01-09; after window 2024-01-16 … 2024-06-30.
    db.book(person, date(2023, 1, 5), released_on=date(2023, 1, 12))  # 3 days inside (10–12), booked before it
    db.book(person, date(2024, 1, 8), released_on=date(2024, 1, 20))  # before: 8–9 (2); after: 16–20 (5)
    db.book(person, date(2024, 6, 1))  # still held: 1–30 June, 30 days
    db.book(person, date(2024, 6, 20), released_on=date(2024, 7, 5))  # released after D: held to D, 11 days
    db.book(person, D + DAY)  # after D: does not exist
    rates = _rates(db)
    assert (rates["before"]["bookings"], rates["before"]["jail_days"]) == (1, 3 + 2)
    assert (rates["after"]["bookings"], rates["after"]["jail_days"]) == (2, 5 + 30 + 11)
    assert rates["after"]["jail_days_per_person_year"] == pytest.approx(46 / (167 / 365.25))


def test_rates_of_an_empty_program_are_not_zero_but_missing(db):
    rates = _rates(db)
    assert rates["after"]["participants"] == 0
    assert pd.isna(rates["after"]["arrests_per_person_year"])


# --- housing, employment and income ---------------------------------------------------------------------


@pytest.fixture
def assessed(db):
    one, _ = _enrolled(db, intake_on=date(2024, 1, 25), referred_on=date(2024, 1, 20))
    db.assess(one, date(2023, 12, 30), housing="unsheltered", employed=False)  # month −1: not on the chart
    db.assess(one, date(2024, 1, 22), housing="housed", employed=True)  # month 0, not the latest in it
    db.assess(one, date(2024, 1, 30), housing="shelter", legal_income=True)  # month 0's latest
    db.assess(one, date(2024, 3, 5), employed=False, legal_income=False)  # month 2
    two, _ = _enrolled(db, intake_on=date(2024, 3, 1), referred_on=date(2024, 2, 29))
    db.assess(two, date(2024, 3, 1), housing="housed", employed=True, legal_income=True)  # month 1
    db.assess(two, D + DAY, housing="housed")  # after D
    three, _ = _enrolled(db, intake_on=date(2022, 1, 12), referred_on=date(2022, 1, 10))
    db.assess(three, date(2024, 1, 15), housing="housed")  # month 24
    db.assess(three, date(2024, 2, 15), housing="housed", employed=True, legal_income=True)  # month 25: off the chart
    return db


def test_outcomes_by_month_since_referral_use_each_persons_latest_assessment_in_the_month(assessed):
    with assessed.connect() as conn:
        frame = outcomes.outcomes_by_month(conn, as_of=D).set_index("month")
    assert frame.index.tolist() == [0, 1, 2, 24]
    assert frame["assessed"].tolist() == [1, 1, 1, 1]
    month_0 = frame.loc[0]  # shelter, employment not asked, legal income
    assert (month_0["housed"], month_0["housed_answered"], month_0["housed_share"]) == (0, 1, 0.0)
    assert (month_0["employed_answered"], pd.isna(month_0["employed_share"])) == (0, True)
    assert (month_0["legal_income"], month_0["legal_income_answered"]) == (1, 1)
    assert frame.loc[1, ["housed_share", "employed_share", "legal_income_share"]].tolist() == [1.0, 1.0, 1.0]


def test_null_answers_are_left_out_of_a_shares_n(assessed):
    with assessed.connect() as conn:
        month_2 = outcomes.outcomes_by_month(conn, as_of=D).set_index("month").loc[2]
    assert (month_2["housed_answered"], pd.isna(month_2["housed_share"])) == (0, True)
    assert (month_2["employed"], month_2["employed_answered"]) == (0, 1)


def test_first_against_latest_assessment_for_people_with_two_or_more(assessed):
    with assessed.connect() as conn:
        frame = outcomes.first_and_latest_assessment(conn, as_of=D).set_index("measure")
    # One: first 2023-12-30 (unsheltered, not employed, income not asked), latest 2024-03-05 (housing
    # not asked, not employed, no income). Three: first housed (rest not asked), latest housed, employed,
    # income. Two has one assessment by D and is left out.
    assert frame["participants"].tolist() == [2, 2, 2]
    assert frame.loc["housed", ["first", "first_answered", "latest", "latest_answered"]].tolist() == [1, 2, 1, 1]
    assert frame.loc["employed", ["first", "first_answered", "latest", "latest_answered"]].tolist() == [0, 1, 1, 2]
    assert frame.loc["legal_income", ["first_answered", "latest", "latest_answered"]].tolist() == [0, 1, 2]
    assert pd.isna(frame.loc["legal_income", "first_share"])


# --- exits ------------------------------------------------------------------------------------------------


def test_exits_by_reason_and_quarter_of_exit(db):
    _enrolled(db, intake_on=date(2023, 1, 1), exited_on=date(2024, 3, 31), exit_reason="graduated")
    _enrolled(db, intake_on=date(2023, 1, 1), exited_on=date(2024, 4, 1), exit_reason="disengaged")
    _enrolled(db, intake_on=date(2023, 1, 1), exited_on=date(2024, 4, 15), exit_reason="graduated")
    _enrolled(db, intake_on=date(2023, 1, 1), exited_on=D + DAY, exit_reason="moved")  # after D
    with db.connect() as conn:
        frame = outcomes.exits_by_reason(conn, as_of=D)
    assert frame.to_dict("records") == [
        {"quarter": "2024-Q1", "exit_reason": "graduated", "exits": 1},
        {"quarter": "2024-Q2", "exit_reason": "disengaged", "exits": 1},
        {"quarter": "2024-Q2", "exit_reason": "graduated", "exits": 1},
    ]


def test_weekly_changes_count_graduations_apart_from_other_exits(db):
    _enrolled(db, intake_on=date(2023, 1, 1), exited_on=D, exit_reason="graduated")
    _enrolled(db, intake_on=date(2023, 1, 1), exited_on=D - DAY, exit_reason="graduated")
    _enrolled(db, intake_on=date(2023, 1, 1), exited_on=D - timedelta(days=8), exit_reason="disengaged")
    with db.connect() as conn:
        changes = meeting.weekly_changes(conn, as_of=D).set_index("figure")
    assert changes.loc["Graduations", ["this_week", "last_week"]].tolist() == [2, 0]
    assert changes.loc["Other exits", ["this_week", "last_week"]].tolist() == [0, 1]
    assert "Exits" not in changes.index


# --- cohorts -------------------------------------------------------------------------------------------------


def test_the_cohort_narrows_by_referral_type_and_year_of_the_first_referral(db):
    diverted, _ = _enrolled(db, intake_on=date(2023, 1, 5), referred_on=date(2022, 12, 31))
    db.arrest(diverted, date(2023, 2, 1))
    social, _ = _enrolled(db, intake_on=date(2023, 1, 2), referred_on=date(2023, 1, 1), referral_type="social_contact")
    db.arrest(social, date(2023, 3, 1))
    db.enroll(social, intake_on=date(2023, 12, 1), referred_on=date(2023, 11, 30))  # a later referral: ignored
    assert _within(db)[6] == (2, 2)
    assert _within(db, cohort=sql.Cohort(referral_types=("social_contact",)))[6] == (1, 1)
    assert _within(db, cohort=sql.Cohort(referral_year=2022))[6] == (1, 1)
    assert _within(db, cohort=sql.Cohort(referral_types=("arrest_diversion",), referral_year=2023))[6] == (0, 0)


# --- the comparison group ------------------------------------------------------------------------------------


def test_an_empty_comparison_group_is_unavailable_not_zero(db):
    person, _ = _enrolled(db, intake_on=date(2024, 1, 1))
    db.arrest(person, date(2024, 2, 1))
    db.comparison_person(D + DAY)  # chosen, but indexed after D: does not exist yet
    with db.connect() as conn:
        result = rearrest_outcomes.comparison(conn, as_of=D)
    assert not result.available
    assert result.rate_ratio.ratio is None and result.logrank_p is None


def test_comparison_clocks_start_at_the_referral_and_at_the_index_arrest(db):
    person, referral = _enrolled(db, intake_on=date(2024, 1, 20), referred_on=date(2024, 1, 10))
    db.arrest(person, date(2024, 1, 10), referral_id=referral)  # the diverted arrest: excluded
    db.arrest(person, datetime(2024, 1, 10, 20, 0))  # on R: not strictly after it
    db.arrest(person, date(2024, 1, 15))  # between R and T0: counts on this clock (day 5)
    db.arrest(person, date(2024, 3, 1))
    indexed = db.comparison_person(date(2024, 1, 10))
    db.comparison_arrest(indexed, date(2024, 1, 10))  # the index day: not strictly after it
    db.comparison_arrest(indexed, date(2024, 2, 9))  # day 30
    db.comparison_arrest(indexed, D + DAY)  # after D
    db.comparison_person(date(2023, 6, 30))  # no arrest: censored at D, 366 days
    db.comparison_person(D + DAY)  # indexed after D: not in the group
    with db.connect() as conn:
        result = rearrest_outcomes.comparison(conn, as_of=D)
    assert result.available and result.comparison_people == 2
    groups = result.groups.set_index("group")
    assert groups.loc["participants", ["people", "arrests"]].tolist() == [1, 2]
    assert groups.loc["participants", "person_years"] == pytest.approx(172 / 365.25)  # R to D
    assert groups.loc["comparison", ["people", "arrests"]].tolist() == [2, 1]
    assert groups.loc["comparison", "person_years"] == pytest.approx((172 + 366) / 365.25)
    assert result.curves["participants"].curve["day"].tolist() == [0, 5]
    comparison_curve = result.curves["comparison"].curve
    assert comparison_curve[["day", "at_risk", "share"]].iloc[-1].tolist() == [30, 2, 0.5]


def test_log_rank_and_rate_ratio_match_a_hand_computation(db):
    early, _ = _enrolled(db, intake_on=date(2024, 1, 2), referred_on=date(2024, 1, 1))
    db.arrest(early, date(2024, 1, 6))  # first arrest on day 5
    db.arrest(early, date(2024, 2, 1))
    _enrolled(db, intake_on=D, referred_on=D - timedelta(days=10))  # censored on day 10
    first, second = db.comparison_person(date(2024, 3, 22)), db.comparison_person(date(2024, 3, 22))
    for day in (date(2024, 3, 25), date(2024, 4, 10), date(2024, 5, 1)):  # first arrest on day 3
        db.comparison_arrest(first, day)
    db.comparison_arrest(second, date(2024, 3, 30))  # day 8
    with db.connect() as conn:
        result = rearrest_outcomes.comparison(conn, as_of=D)
    # Log-rank, participants' observed against expected first arrests at each first-arrest day:
    #   day 3: at risk 2 participants + 2 comparison, 1 event: E = 2/4 = 0.5, V = 2/4 × 2/4 × 3/3 = 0.25
    #   day 5: at risk 2 + 1, 1 event (a participant):   E = 2/3,       V = 2/3 × 1/3 × 2/2 = 0.222222
    #   day 8: at risk 1 + 1, 1 event:                    E = 1/2,       V = 1/2 × 1/2 × 1/1 = 0.25
    # O = 1, E = 1.666667, χ² = (O − E)² / V = 0.444444 / 0.722222 = 0.615385 on 1 df.
    assert result.logrank_chi2 == pytest.approx(0.615385, abs=1e-6)
    assert result.logrank_p == pytest.approx(math.erfc(math.sqrt(0.615385 / 2)), abs=1e-6)  # 0.432768
    # Arrests per person-year: participants 2 arrests in 181 + 10 days; comparison 4 in 100 + 100 days.
    # Ratio (2/191) ÷ (4/200) = 0.523560; SE of its log = √(1/2 + 1/4) = 0.866025;
    # 95% interval 0.523560 × exp(∓1.959964 × 0.866025) = 0.095897 to 2.858438.
    ratio = result.rate_ratio
    # (The GLM is fitted iteratively: agreement to five significant figures.)
    assert ratio.ratio == pytest.approx(0.523560, rel=1e-5)
    assert (ratio.lower, ratio.upper) == (pytest.approx(0.095897, rel=1e-5), pytest.approx(2.858438, rel=1e-5))


# --- costs ------------------------------------------------------------------------------------------------------


# Loading the unit costs is the site file's (tests/test_site.py); here, the figures computed from them.
UNIT_COSTS = UnitCosts(
    arrest=1000, booking=400.5, jail_day=100, participant_month=600, currency="USD", placeholder=False, source="test"
)


def test_criminal_justice_cost_per_person_year_and_program_cost(db):
    costs = UNIT_COSTS
    person, _ = _enrolled(db, intake_on=date(2024, 1, 1), referred_on=date(2024, 1, 1), exited_on=date(2024, 1, 31))
    db.arrest(person, date(2023, 12, 1))
    db.book(person, date(2023, 12, 1), released_on=date(2023, 12, 2))
    _enrolled(db, intake_on=date(2024, 6, 1))
    with db.connect() as conn:
        rates = rearrest_outcomes.rates_before_and_after(conn, as_of=D).set_index("window")
        frame = c.criminal_justice_cost(rates, costs=costs)
        program = c.program_cost(conn, as_of=D, costs=costs)
    # Before: 1 arrest, 1 booking, 2 jail days = 1000 + 400.5 + 200 = 1600.5 over 2 × 365 days.
    assert frame.loc["before", "cost"] == pytest.approx(1600.5)
    assert frame.loc["before", "cost_per_person_year"] == pytest.approx(1600.5 / (730 / 365.25))
    assert frame.loc["after", "cost"] == 0
    # Active: 1–30 January (exit on the 31st) and 1–30 June: 60 days = 60 ÷ (365.25/12) months.
    assert program.participant_months == pytest.approx(60 / (365.25 / 12))
    assert program.cost == pytest.approx(60 / (365.25 / 12) * 600)


# --- the evaluation extract ----------------------------------------------------------------------------------------


KEY = b"a-test-key-of-some-length"


def test_the_evaluation_extract_has_one_pseudonymous_row_per_participant_and_no_exact_dates(db):
    person = db.participant("Qqsecret", "Name")
    db.execute(f"UPDATE participants SET date_of_birth = '1990-03-15', sex = 'F' WHERE participant_id = {person}")
    db.enroll(person, intake_on=date(2024, 3, 20), referred_on=date(2024, 3, 15))  # 34 on the referral day
    db.arrest(person, date(2024, 4, 19))  # 30 days after intake
    db.book(person, date(2023, 5, 1), released_on=date(2023, 5, 3))
    other, _ = _enrolled(db, intake_on=date(2024, 6, 1))
    with db.connect() as conn:
        extract = ev.evaluation_extract(conn, as_of=D, key=KEY)
    assert list(extract.columns) == list(ev.EXTRACT_COLUMNS)
    assert len(extract) == 2
    row = extract.set_index("pseudonym").loc[ev.pseudonym(person, KEY)]
    assert row["referral_month"] == "2024-03"
    assert (row["age_band"], row["sex"], row["race"]) == ("25-34", "F", "not recorded")
    assert (row["days_to_first_rearrest_or_censoring"], row["rearrested"]) == (30, 1)
    expected_counts = {"arrests_before": 0, "arrests_after": 1, "bookings_before": 1, "jail_days_before": 3}
    assert {column: row[column] for column in expected_counts} == expected_counts
    assert row["after_window_days"] == 102  # 20 March to 30 June
    text = csv_bytes(extract).decode()
    for secret in ("Qqsecret", "1990", "2024-03-15", "2024-03-20", "2024-04-19"):
        assert secret not in text
    assert str(person) not in extract["pseudonym"].tolist() and str(other) not in extract["pseudonym"].tolist()


def test_pseudonyms_are_stable_for_a_key_and_unrelated_across_keys():
    assert ev.pseudonym(7, KEY) == ev.pseudonym(7, KEY)
    assert ev.pseudonym(7, KEY) != ev.pseudonym(8, KEY)
    assert ev.pseudonym(7, KEY) != ev.pseudonym(7, b"another-key-entirely-here")


def test_only_staff_and_leadership_may_load_the_extract():
    from lead_data.access import may_load

    allowed = {role: may_load(role, ev.evaluation_extract) for role in ("staff", "leadership", "partner", "public")}
    assert allowed == {"staff": True, "leadership": True, "partner": False, "public": False}


def test_no_extract_without_a_pseudonym_key_on_a_program_database(monkeypatch):
    monkeypatch.delenv(ev.PSEUDONYM_KEY_VARIABLE, raising=False)
    with pytest.raises(ev.PseudonymKeyProblem, match="LEAD_PSEUDONYM_KEY"):
        ev.pseudonym_key(demo=False)
    assert ev.pseudonym_key(demo=True) == ev.DEMO_PSEUDONYM_KEY
    monkeypatch.setenv(ev.PSEUDONYM_KEY_VARIABLE, "short")
    with pytest.raises(ev.PseudonymKeyProblem, match="too short"):
        ev.pseudonym_key(demo=True)
    monkeypatch.setenv(ev.PSEUDONYM_KEY_VARIABLE, "x" * 32)
    assert ev.pseudonym_key(demo=False) == b"x" * 32


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (date(2000, 6, 30), date(2018, 6, 29), "under 18"),
        (date(2000, 6, 30), date(2018, 6, 30), "18-24"),
        (date(1959, 1, 1), date(2024, 1, 1), "65 and over"),
        (None, date(2024, 1, 1), "not recorded"),
    ],
)
def test_age_bands_count_whole_years_on_the_referral_day(born, on, band):
    assert ev.age_band(born, on) == band


# --- the contract's words -------------------------------------------------------------------------------------------


def test_how_this_is_counted_quotes_every_outcome_definition_from_the_contract():
    definitions = dict(outcomes.outcome_definitions())
    contract = " ".join(outcomes.CONTRACT.read_text().split())
    for name in (
        "Re-arrest (version 1)",
        "Re-arrested within N months",
        "Time to first re-arrest",
        "New offense or warrant-only",
        "Rates before and after, per person-year",
        "Housing, employment and income over time",
        "Cost (an estimate)",
        "Comparison",
        "Exits",
    ):
        assert definitions[name].removeprefix("**Re-arrest**") in contract
    assert "strictly after that participant's earliest `intake_on`" in definitions["Re-arrest (version 1)"]


# --- the public summary --------------------------------------------------------------------------------------------


def _public_headline(db) -> dict:
    from lead_data.site import load_site

    with db.connect() as conn:
        return public_summary(conn, as_of=date(2024, 9, 10), site=load_site()).headline  # to 31 August


def _followed_a_year(db, people: int, rearrested: int) -> None:
    for n in range(people):  # enrolled 2 January 2023: a full year of follow-up by 31 August 2024
        person, _ = _enrolled(db, intake_on=date(2023, 1, 2))
        if n < rearrested:
            db.arrest(person, date(2023, 6, 1))


def test_the_public_summary_shows_the_12_month_rearrest_share_with_its_n_rounded(db):
    _followed_a_year(db, people=30, rearrested=13)
    _enrolled(db, intake_on=date(2024, 8, 1))  # less than a year: not in the n
    headline = _public_headline(db)
    # Published every month, so rounded to 5 like the other running totals; the share is of the rounded counts.
    assert (headline["rearrested_12_months"], headline["followed_12_months"]) == ("15", "30")
    assert headline["rearrest_12_month_share"] == "50%"


def test_a_small_12_month_count_is_hidden_with_its_share(db):
    _followed_a_year(db, people=30, rearrested=4)
    headline = _public_headline(db)
    assert (headline["rearrested_12_months"], headline["rearrest_12_month_share"]) == (HIDDEN, COMPLEMENT)


@pytest.mark.parametrize("rearrested", [14, 15, 16, 17])
def test_a_small_number_not_rearrested_within_12_months_cannot_be_worked_out(db, rearrested):
    """3 of 20 not re-arrested shows exactly as 4, 5 or 6 of 20 would: the small count is not pinned."""
    _followed_a_year(db, people=20, rearrested=rearrested)
    headline = _public_headline(db)
    assert (headline["rearrested_12_months"], headline["followed_12_months"]) == ("15", "20")
