"""``outcomes.rearrest_outcomes``: re-arrested within N months and the time to first re-arrest from one
pass over the cohort, against hand-computed answers on tiny databases (both backends)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Date, literal, select

from lead_data import sql
from lead_data.figures import rearrest_outcomes
from lead_data.models import Enrollment
from lead_data.sqlfunctions import add_months

D = date(2024, 6, 30)


def _enrolled(db, *, intake_on: date) -> int:
    person = db.participant()
    db.enroll(person, intake_on=intake_on)
    return person


# Month ends, the days past a shorter month's end, a leap day and an ordinary day.
AS_OF_DATES = [
    date(2024, 2, 29),
    date(2023, 2, 28),
    date(2024, 2, 28),
    date(2024, 3, 30),
    date(2024, 3, 31),
    date(2024, 4, 30),
    date(2024, 5, 29),
    date(2024, 8, 31),
    date(2025, 1, 15),
]


@pytest.mark.parametrize("months", [1, *rearrest_outcomes.FOLLOW_UP_MONTHS])
def test_the_latest_start_followed_n_months_is_the_last_whose_n_months_end_by_the_as_of_date(db, months):
    # "T0 + N months ≤ D" worked out by the database's own add_months for every start within a
    # week of the latest one, against "T0 ≤ latest_start_followed(D, N)".
    with db.connect() as conn:
        for as_of in AS_OF_DATES:
            latest = rearrest_outcomes.latest_start_followed(as_of, months)
            starts = [latest + timedelta(days=offset) for offset in range(-7, 8)]
            horizons = conn.execute(
                select(*(add_months(literal(start, Date()), literal(months)) for start in starts))
            ).one()
            for start, horizon in zip(starts, horizons, strict=True):
                ends_by_as_of = date.fromisoformat(str(horizon)[:10]) <= as_of
                assert ends_by_as_of == (start <= latest), (as_of, months, start, horizon)


def test_the_latest_start_followed_is_the_same_day_n_months_back_or_that_month_s_last_day():
    assert rearrest_outcomes.latest_start_followed(date(2024, 6, 30), 6) == date(
        2023, 12, 31
    )  # 30 June is June's last day
    assert rearrest_outcomes.latest_start_followed(date(2024, 7, 30), 6) == date(2024, 1, 30)
    assert rearrest_outcomes.latest_start_followed(date(2024, 8, 30), 6) == date(2024, 2, 29)  # February has no 30th
    assert rearrest_outcomes.latest_start_followed(date(2025, 2, 28), 12) == date(
        2024, 2, 29
    )  # leap day + 12 months = 28 Feb
    assert rearrest_outcomes.latest_start_followed(date(2024, 1, 15), 24) == date(2022, 1, 15)


def test_participants_with_the_same_days_and_event_each_count_in_the_curve_and_the_counts(db):
    # Three start on the same day and are re-arrested on the same day (day 10); two start together
    # and are never re-arrested (censored on day 400); one is re-arrested on day 300.
    start = D - timedelta(days=400)
    for _ in range(3):
        db.arrest(_enrolled(db, intake_on=start), start + timedelta(days=10))
    for _ in range(2):
        _enrolled(db, intake_on=start)
    db.arrest(_enrolled(db, intake_on=start), start + timedelta(days=300))
    with db.connect() as conn:
        result = rearrest_outcomes.rearrest_outcomes(conn, as_of=D)
    survival = result.survival
    assert (survival.people, survival.events, survival.longest_follow_up) == (6, 4, 400)
    # Day 10: n = 6, d = 3 → S = 1/2; day 300: n = 3, d = 1 → S = 1/2 × 2/3 = 1/3.
    assert survival.curve["day"].tolist() == [0, 10, 300]
    assert survival.curve["at_risk"].tolist() == [6, 6, 3]
    assert survival.curve["events"].tolist() == [0, 3, 1]
    assert survival.curve["share"].tolist() == pytest.approx([0, 1 / 2, 2 / 3])
    # Started 2023-05-27: followed 6 and 12 months (to 2023-11-27 and 2024-05-27), not 24. Within 6
    # months: the three re-arrested on day 10 (day 300 is 2024-03-22, past 2023-11-27); within 12: all four.
    within = result.within
    assert within[["months", "rearrested", "followed"]].to_numpy().tolist() == [[6, 3, 6], [12, 4, 6], [24, 0, 0]]
    assert within["share"].tolist()[:2] == pytest.approx([1 / 2, 4 / 6])
    assert within["share"].isna().tolist() == [False, False, True]  # nobody followed 24 months


def test_nobody_started_gives_an_empty_curve_and_no_shares(db):
    _enrolled(db, intake_on=D + timedelta(days=1))  # starts after D
    with db.connect() as conn:
        result = rearrest_outcomes.rearrest_outcomes(conn, as_of=D)
    assert (result.survival.people, result.survival.events, result.survival.longest_follow_up) == (0, 0, -1)
    assert result.within[["rearrested", "followed"]].to_numpy().tolist() == [[0, 0], [0, 0], [0, 0]]
    assert result.within["share"].isna().all()


def _cohort_size(db, cohort: sql.Cohort) -> int:
    with db.connect() as conn:
        return rearrest_outcomes.rearrest_outcomes(conn, as_of=D, cohort=cohort).survival.people


def test_two_intakes_on_the_first_day_take_the_referral_of_the_lower_enrollment_id(db):
    person = db.participant()
    start = date(2024, 1, 10)
    # Written first with the higher id, so that neither the order written nor the order stored decides.
    social_contact = db.referral(person, start, referral_type="social_contact")
    db._add(Enrollment, enrollment_id=10_000, participant_id=person, referral_id=social_contact, intake_on=start)
    db.enroll(person, intake_on=start, referral_type="arrest_diversion")  # a lower enrollment_id
    db.enroll(person, intake_on=start + timedelta(days=1), referral_type="social_contact")  # a later intake
    assert _cohort_size(db, sql.Cohort(referral_types=("arrest_diversion",))) == 1
    assert _cohort_size(db, sql.Cohort(referral_types=("social_contact",))) == 0
    assert _cohort_size(db, sql.EVERYONE) == 1


def test_the_earliest_intake_decides_the_referral_whatever_the_enrollment_ids(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1), referral_type="social_contact")  # a lower id, a later intake
    diversion = db.referral(person, date(2024, 1, 5), referral_type="arrest_diversion")
    db._add(Enrollment, enrollment_id=10_000, participant_id=person, referral_id=diversion, intake_on=date(2024, 1, 5))
    assert _cohort_size(db, sql.Cohort(referral_types=("arrest_diversion",))) == 1
    assert _cohort_size(db, sql.Cohort(referral_types=("social_contact",))) == 0


def test_every_rearrest_counts_by_kind_from_the_first_one_s_day_but_not_the_diverted_arrest(db):
    person = db.participant()
    enrollment = db.enroll(person, intake_on=date(2024, 1, 10))
    diverted = db.enrollment_referral(enrollment)
    db.arrest(person, datetime(2023, 12, 1, 9, 0), warrant_only=False)  # before intake
    db.arrest(person, datetime(2024, 1, 10, 20, 0), warrant_only=False)  # the intake day: not after T0
    db.arrest(person, datetime(2024, 2, 1, 15, 0), warrant_only=True, severity="felony")  # the first re-arrest...
    db.arrest(person, datetime(2024, 2, 1, 9, 0), warrant_only=False, severity="felony")  # ...earlier the same day
    db.arrest(person, datetime(2024, 4, 3, 12, 0), warrant_only=None, severity=None)
    db.arrest(person, datetime(2024, 5, 1, 12, 0), referral_id=diverted)  # the diverted arrest: never a re-arrest
    db.arrest(person, datetime(2024, 7, 1, 0, 30), warrant_only=False)  # after D
    with db.connect() as conn:
        by_kind = rearrest_outcomes.rearrest_outcomes(conn, as_of=D).by_kind
    assert by_kind.to_dict("records") == [
        {"quarter": "2024-Q1", "kind": "new_offense", "severity": "felony", "rearrests": 1},
        {"quarter": "2024-Q1", "kind": "warrant_only", "severity": "felony", "rearrests": 1},
        {"quarter": "2024-Q2", "kind": "not recorded", "severity": "not recorded", "rearrests": 1},
    ]


def test_rearrested_within_alone_is_the_within_of_the_whole_figure(db):
    start = D - timedelta(days=400)
    first = _enrolled(db, intake_on=start)
    for days in (10, 200):
        db.arrest(first, start + timedelta(days=days))
    db.arrest(_enrolled(db, intake_on=start), start + timedelta(days=300))
    _enrolled(db, intake_on=start)
    with db.connect() as conn:
        alone = rearrest_outcomes.rearrested_within(conn, as_of=D)
        whole = rearrest_outcomes.rearrest_outcomes(conn, as_of=D)
    assert alone[["months", "rearrested", "followed"]].to_numpy().tolist() == [[6, 1, 3], [12, 2, 3], [24, 0, 0]]
    assert alone.equals(whole.within)
    assert whole.unreadable_starts == 0


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # PostgreSQL keeps only dates in a date column
def test_a_start_that_cannot_be_read_as_a_date_is_in_no_count_and_not_in_the_curve(db):
    readable = _enrolled(db, intake_on=date(2023, 1, 10))
    db.arrest(readable, date(2023, 3, 1))
    unreadable = db.participant()
    enrollment = db.enroll(unreadable, intake_on=date(2023, 1, 10))
    db.arrest(unreadable, date(2023, 3, 1))
    db.execute(f"UPDATE enrollments SET intake_on = '01/10/2023' WHERE enrollment_id = {enrollment}")
    with db.connect() as conn:
        result = rearrest_outcomes.rearrest_outcomes(conn, as_of=D)
    # As the 6-, 12- and 24-month figures always did (T0 + N months of such a date is no date).
    assert result.within[["months", "rearrested", "followed"]].to_numpy().tolist() == [
        [6, 1, 1],
        [12, 1, 1],
        [24, 0, 0],
    ]
    assert (result.survival.people, result.survival.events) == (1, 1)
    assert result.unreadable_starts == 1
