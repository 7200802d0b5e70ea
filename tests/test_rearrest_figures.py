"""The Re-arrests page's figures at network scale: one rule whichever way the SQL finds the arrests.

A period's re-arrests (``rearrests_by_month`` over a period with a start) are read from that
period's arrests, each asking whether an intake came before it; all re-arrests up to D are read
from each participant's first intake. Both must follow the contract's rule, so each case below is
checked both ways. The page takes the number re-arrested from ``days_to_first_rearrest`` and the
period's count from ``rearrests_by_month``: those must agree with ``rearrest_rate``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import literal, select

from lead_data.figures import rearrests
from lead_data.figures.enrollment import enrolled_ever
from lead_data.periods import Period
from lead_data.sqlfunctions import add_days
from tests.program import ProgramDatabase

D = date(2024, 6, 30)
DAY = timedelta(days=1)
THIS_YEAR = Period(date(2024, 1, 1), D)


def rearrests_both_ways(db: ProgramDatabase, as_of: date = D) -> tuple[int, int]:
    """(re-arrests this year read from the period's arrests, people re-arrested by D read from first intakes)."""
    with db.connect() as conn:
        in_period = rearrests.rearrests_in(rearrests.rearrests_by_month(conn, as_of=as_of, period=THIS_YEAR))
        return in_period, rearrests.rearrest_rate(conn, as_of=as_of).rearrested


def on_intake_day(db: ProgramDatabase) -> None:
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1))
    db.arrest(person, datetime(2024, 3, 1, 23, 0))


def the_day_after_intake(db: ProgramDatabase) -> None:
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1))
    db.arrest(person, datetime(2024, 3, 2, 0, 5))


def before_intake(db: ProgramDatabase) -> None:
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1), referred_on=date(2024, 2, 20))
    db.arrest(person, date(2024, 2, 25))


def diverted(db: ProgramDatabase) -> None:
    person = db.participant()
    enrollment = db.enroll(person, intake_on=date(2024, 3, 1), referred_on=date(2024, 3, 1))
    db.arrest(person, date(2024, 3, 5), referral_id=db.enrollment_referral(enrollment))


def never_enrolled(db: ProgramDatabase) -> None:
    person = db.participant()
    db.referral(person, date(2024, 1, 1), eligibility="ineligible", ineligible_reason="disqualifying_record")
    db.arrest(person, date(2024, 2, 1))


def enrolled_only_after_the_arrest(db: ProgramDatabase) -> None:
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 5, 1))
    db.arrest(person, date(2024, 4, 1))


def between_two_enrollments(db: ProgramDatabase) -> None:
    person = db.participant()
    db.enroll(person, intake_on=date(2023, 1, 1), exited_on=date(2023, 6, 1))
    db.enroll(person, intake_on=date(2024, 4, 1))
    db.arrest(person, date(2024, 2, 1))  # before the second intake, after the earliest one


def after_exit(db: ProgramDatabase) -> None:
    person = db.participant()
    db.enroll(person, intake_on=date(2023, 3, 1), exited_on=date(2023, 9, 1))
    db.arrest(person, date(2024, 1, 10))


def intake_after_as_of(db: ProgramDatabase) -> None:
    person = db.participant()
    db.enroll(person, intake_on=D + DAY)
    db.arrest(person, D)


# (program, re-arrests this year, people re-arrested by D)
CASES: dict[str, tuple[Callable[[ProgramDatabase], None], int, int]] = {
    "on the intake day": (on_intake_day, 0, 0),
    "the day after intake": (the_day_after_intake, 1, 1),
    "before intake": (before_intake, 0, 0),
    "the diverted arrest": (diverted, 0, 0),
    "of someone never enrolled": (never_enrolled, 0, 0),
    "before an intake that came later": (enrolled_only_after_the_arrest, 0, 0),
    "between two enrollments": (between_two_enrollments, 1, 1),
    "after exit": (after_exit, 1, 1),
    "before an intake after D": (intake_after_as_of, 0, 0),
}


@pytest.mark.parametrize("case", CASES)
def test_a_rearrest_follows_the_contracts_rule_in_a_period_and_up_to_as_of(db, case):
    build, in_period, rearrested = CASES[case]
    build(db)
    assert rearrests_both_ways(db) == (in_period, rearrested)


def test_rearrests_in_a_period_leave_out_those_before_its_start_and_after_as_of(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2023, 6, 1))
    db.arrest(person, datetime(2023, 12, 31, 23, 59))  # the day before the period
    db.arrest(person, datetime(2024, 1, 1, 0, 0))  # its first minute
    db.arrest(person, datetime(2024, 6, 30, 23, 59))  # D's last minute
    db.arrest(person, datetime(2024, 7, 1, 0, 0))  # after D: does not exist yet
    with db.connect() as conn:
        by_month = rearrests.rearrests_by_month(conn, as_of=D, period=THIS_YEAR)
    assert by_month.to_dict("records") == [
        {"month": "2024-01-01", "severity": "misdemeanor", "rearrests": 1},
        {"month": "2024-06-01", "severity": "misdemeanor", "rearrests": 1},
    ]
    assert rearrests.rearrests_in(by_month) == 2


def test_rearrests_since_the_start_end_with_the_period_before_as_of(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2023, 6, 1))
    db.arrest(person, date(2023, 12, 31))
    db.arrest(person, date(2024, 1, 1))  # after the period, before D
    with db.connect() as conn:
        by_month = rearrests.rearrests_by_month(conn, as_of=D, period=Period(None, date(2023, 12, 31)))
    assert by_month.to_dict("records") == [{"month": "2023-12-01", "severity": "misdemeanor", "rearrests": 1}]


def test_the_rate_from_days_to_first_rearrest_is_the_rearrest_rate(db):
    people = [db.participant() for _ in range(4)]
    for person in people:
        db.enroll(person, intake_on=date(2024, 1, 1))
    db.arrest(people[0], date(2024, 1, 11))
    db.arrest(people[0], date(2024, 3, 1))  # the same person twice counts once
    db.arrest(people[1], date(2024, 4, 10))
    db.arrest(people[2], date(2023, 12, 1))  # before intake
    with db.connect() as conn:
        first_rearrest = rearrests.days_to_first_rearrest(conn, as_of=D)
        enrolled = enrolled_ever(conn, as_of=D)
        rate = rearrests.rearrest_rate(conn, as_of=D)
    assert first_rearrest.to_dict("records") == [{"days": 10, "participants": 1}, {"days": 100, "participants": 1}]
    assert (
        rearrests.RearrestRate.of(first_rearrest, enrolled) == rate == rearrests.RearrestRate(rearrested=2, enrolled=4)
    )


def test_the_rate_of_nobody_rearrested_is_zero_and_of_nobody_enrolled_is_none(db):
    with db.connect() as conn:
        nobody = rearrests.RearrestRate.of(
            rearrests.days_to_first_rearrest(conn, as_of=D), enrolled_ever(conn, as_of=D)
        )
    assert nobody == rearrests.RearrestRate(rearrested=0, enrolled=0) and nobody.rate is None
    db.enroll(db.participant(), intake_on=date(2024, 1, 1))
    with db.connect() as conn:
        one = rearrests.RearrestRate.of(rearrests.days_to_first_rearrest(conn, as_of=D), enrolled_ever(conn, as_of=D))
    assert one == rearrests.RearrestRate(rearrested=0, enrolled=1) and one.rate == 0


# --- arrests before and after: the first enrollment and its windows ---------------------------------


def test_before_and_after_takes_the_first_enrollment_by_intake_then_by_id(db):
    person = db.participant()
    # Same intake day: the enrollment made first (the lower id) is the first; its referral date is R.
    db.enroll(person, intake_on=date(2023, 6, 10), referred_on=date(2023, 6, 1))
    db.enroll(person, intake_on=date(2023, 6, 10), referred_on=date(2023, 3, 1))
    db.arrest(person, date(2023, 5, 1))  # 31 days before R: counted (after the other referral)
    db.arrest(person, date(2023, 4, 15))  # 47 days before R: counted (after the other referral)
    db.arrest(person, date(2022, 10, 1))  # 243 days before R: not (151 before the other referral)
    db.arrest(person, date(2023, 6, 1))  # on R itself: not in the 180 days before it
    later = db.participant()
    # A lower id does not make an enrollment first: the earlier intake does.
    db.enroll(later, intake_on=date(2023, 9, 1), referred_on=date(2023, 8, 20))
    db.enroll(later, intake_on=date(2023, 7, 1), referred_on=date(2023, 6, 20))
    db.arrest(later, date(2023, 6, 10))  # 10 days before the first enrollment's referral: counted
    db.arrest(later, date(2023, 7, 2))  # the day after the first intake: a re-arrest, counted
    with db.connect() as conn:
        assert rearrests.arrests_before_and_after(conn, as_of=D) == rearrests.BeforeAndAfter(
            participants=2, arrests_before=3, rearrests_after=1
        )


def test_before_and_after_counts_a_participant_180_days_after_first_intake_and_not_a_day_sooner(db):
    person = db.participant()
    db.enroll(person, intake_on=D - timedelta(days=180))
    db.arrest(person, D)  # 180 days after intake: counted
    with db.connect() as conn:
        assert rearrests.arrests_before_and_after(conn, as_of=D) == rearrests.BeforeAndAfter(1, 0, 1)
        assert rearrests.arrests_before_and_after(conn, as_of=D - DAY) == rearrests.BeforeAndAfter(0, 0, 0)


def test_before_and_after_of_nobody_is_zero(db):
    with db.connect() as conn:
        assert rearrests.arrests_before_and_after(conn, as_of=D) == rearrests.BeforeAndAfter(0, 0, 0)


# --- add_days ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "days", "expected"),
    [
        (date(2024, 2, 28), 1, date(2024, 2, 29)),
        (date(2024, 3, 1), -1, date(2024, 2, 29)),
        (date(2023, 12, 31), 1, date(2024, 1, 1)),
        (date(2023, 6, 1), -180, date(2022, 12, 3)),
        (date(2023, 6, 10), 181, date(2023, 12, 8)),
        (date(2024, 5, 5), 0, date(2024, 5, 5)),
    ],
)
def test_add_days_moves_a_date_by_whole_days_across_months_and_years(db, day, days, expected):
    with db.connect() as conn:
        moved = conn.execute(select(add_days(literal(day), literal(days)))).scalar_one()
    assert moved == expected
