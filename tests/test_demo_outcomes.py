"""The demo's outcome tables (contract version 2), checked with SQL on the files the generator writes.

Rates are computed here the way DATA_CONTRACT.md defines them ("Outcome figures"), so a demo whose
Outcomes page would show no effect, or a made-up one, fails here rather than on screen.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise

import pytest

import lead_data.demo.rows
from lead_data.demo import DEFAULT_SEED, build_demo_rows
from lead_data.figures.quality import check_url
from lead_data.models import HOUSING_STATUSES
from tests.conftest import DEMO_AS_OF, Generate, connect

DEFAULT_AS_OF = DEMO_AS_OF  # the `demo` fixture's day
EARLY_AS_OF = date(2020, 3, 31)
OUTCOME_TABLES = ("assessments", "bookings", "comparison_people", "comparison_arrests")
FIRST_INTAKES = "SELECT participant_id, MIN(intake_on) AS first_intake FROM enrollments GROUP BY participant_id"
# R: the referral behind each participant's first enrollment.
FIRST_REFERRALS = f"""
    SELECT f.participant_id, f.first_intake, SUBSTR(r.referred_at, 1, 10) AS referred_on, r.offense
    FROM ({FIRST_INTAKES}) f
    JOIN enrollments e ON e.participant_id = f.participant_id AND e.intake_on = f.first_intake
    JOIN referrals r ON r.referral_id = e.referral_id"""


@pytest.fixture(
    scope="module", params=[(DEFAULT_SEED, DEFAULT_AS_OF), (DEFAULT_SEED, EARLY_AS_OF), (5, date(2023, 9, 15))], ids=str
)
def demo_as_of(request: pytest.FixtureRequest, generate: Generate) -> Iterator[tuple[sqlite3.Connection, date]]:
    seed, as_of = request.param
    connection = connect(generate(seed, as_of))
    yield connection, as_of
    connection.close()


def scalar(connection: sqlite3.Connection, sql: str, **parameters: object):
    return connection.execute(sql, parameters).fetchone()[0]


def share(flags: list[bool]) -> float:
    return sum(flags) / len(flags)


# --- filled, and by the contract's rules ---------------------------------------------------------


def test_every_outcome_table_is_filled(demo_as_of: tuple[sqlite3.Connection, date]) -> None:
    connection, _ = demo_as_of
    for table in OUTCOME_TABLES:
        assert scalar(connection, f"SELECT COUNT(*) FROM {table}") > 0, table


@pytest.mark.parametrize("as_of", [DEFAULT_AS_OF, EARLY_AS_OF], ids=str)
def test_the_contract_check_finds_nothing_in_the_demo(generate: Generate, as_of: date) -> None:
    findings = check_url(f"sqlite:///{generate(DEFAULT_SEED, as_of)}", today=as_of)
    assert findings == []


def test_outcome_rows_are_the_same_for_a_seed_and_differ_for_another() -> None:
    first, again = build_demo_rows(seed=11, as_of=EARLY_AS_OF), build_demo_rows(seed=11, as_of=EARLY_AS_OF)
    other = build_demo_rows(seed=12, as_of=EARLY_AS_OF)
    for table in OUTCOME_TABLES:
        assert first[table] == again[table], table
        assert first[table] != other[table], table


def test_drawing_the_outcomes_leaves_the_version_1_tables_as_they_were(monkeypatch: pytest.MonkeyPatch) -> None:
    with_outcomes = build_demo_rows(seed=11, as_of=EARLY_AS_OF)
    monkeypatch.setattr(lead_data.demo.rows, "build_outcome_rows", lambda rng, rows, as_of: {})
    without_outcomes = build_demo_rows(seed=11, as_of=EARLY_AS_OF)
    assert set(without_outcomes) == set(with_outcomes) - set(OUTCOME_TABLES)
    assert without_outcomes == {table: with_outcomes[table] for table in without_outcomes}


# --- assessments -----------------------------------------------------------------------------------


def test_most_enrollments_are_assessed_every_one_to_three_months_while_enrolled(demo: sqlite3.Connection) -> None:
    rows = demo.execute(
        """SELECT e.enrollment_id, a.assessed_on, e.intake_on, COALESCE(e.exited_on, :d)
           FROM enrollments e JOIN assessments a
             ON a.participant_id = e.participant_id AND a.assessed_on >= e.intake_on
            AND a.assessed_on <= COALESCE(e.exited_on, :d)
           ORDER BY e.enrollment_id, a.assessed_on""",
        {"d": DEFAULT_AS_OF.isoformat()},
    ).fetchall()
    by_enrollment: dict[int, list[date]] = {}
    for enrollment_id, assessed_on, _, _ in rows:
        by_enrollment.setdefault(enrollment_id, []).append(date.fromisoformat(assessed_on))
    enrollments = scalar(demo, "SELECT COUNT(*) FROM enrollments")
    assert 0.85 <= len(by_enrollment) / enrollments <= 0.97
    assert len(rows) == scalar(demo, "SELECT COUNT(*) FROM assessments")  # none outside an enrollment
    gaps = [(later - earlier).days for days in by_enrollment.values() for earlier, later in pairwise(days)]
    assert min(gaps) >= 30 and max(gaps) <= 91


def test_assessments_improve_on_average_from_first_to_latest(demo: sqlite3.Connection) -> None:
    """The contract's "first against latest", for participants with two or more assessments."""
    rows = demo.execute(
        "SELECT participant_id, housing, employed, legal_income FROM assessments ORDER BY participant_id, assessed_on"
    ).fetchall()
    by_person: dict[int, list[tuple]] = {}
    for person, *answers in rows:
        by_person.setdefault(person, []).append(answers)
    repeated = [answers for answers in by_person.values() if len(answers) >= 2]
    for position, name, improved_by in ((0, "housed", 0.10), (1, "employed", 0.05), (2, "legal income", 0.15)):
        first = [answers[0][position] for answers in repeated if answers[0][position] is not None]
        latest = [answers[-1][position] for answers in repeated if answers[-1][position] is not None]
        if position == 0:
            first, latest = [h == "housed" for h in first], [h == "housed" for h in latest]
        assert share(latest) >= share(first) + improved_by, (name, share(first), share(latest))


def test_housing_improves_with_months_since_referral(demo: sqlite3.Connection) -> None:
    rows = demo.execute(
        f"""SELECT JULIANDAY(a.assessed_on) - JULIANDAY(f.referred_on), a.housing
            FROM assessments a JOIN ({FIRST_REFERRALS}) f USING (participant_id) WHERE a.housing IS NOT NULL"""
    ).fetchall()
    early = [housing for days, housing in rows if days < 91]
    year_on = [housing for days, housing in rows if 365 <= days < 730]
    housed = HOUSING_STATUSES[-1]
    unsheltered = HOUSING_STATUSES[0]
    assert share([h == housed for h in year_on]) > share([h == housed for h in early]) + 0.05
    assert share([h == unsheltered for h in year_on]) < share([h == unsheltered for h in early]) - 0.05
    assert set(early) == set(HOUSING_STATUSES)


def test_some_answers_are_not_asked(demo: sqlite3.Connection) -> None:
    total = scalar(demo, "SELECT COUNT(*) FROM assessments")
    for column in ("housing", "employed", "legal_income"):
        not_asked = scalar(demo, f"SELECT COUNT(*) FROM assessments WHERE {column} IS NULL")
        assert 0.02 <= not_asked / total <= 0.15, column


# --- bookings --------------------------------------------------------------------------------------


def test_most_arrests_lead_to_a_booking_but_never_the_diverted_one(demo: sqlite3.Connection) -> None:
    diverted_booked = scalar(
        demo, "SELECT COUNT(*) FROM bookings b JOIN arrests a USING (arrest_id) WHERE a.referral_id IS NOT NULL"
    )
    not_diverted = scalar(demo, "SELECT COUNT(*) FROM arrests WHERE referral_id IS NULL")
    booked = scalar(demo, "SELECT COUNT(DISTINCT arrest_id) FROM bookings")  # a few more name no arrest
    assert diverted_booked == 0
    assert 0.7 <= booked / not_diverted <= 0.92
    assert scalar(demo, "SELECT COUNT(*) FROM bookings WHERE arrest_id IS NULL") > 0


def test_bookings_are_on_the_arrest_day_or_the_next(demo: sqlite3.Connection) -> None:
    days = [
        row[0]
        for row in demo.execute(
            """SELECT JULIANDAY(b.booked_on) - JULIANDAY(SUBSTR(a.arrested_at, 1, 10))
               FROM bookings b JOIN arrests a USING (arrest_id)"""
        )
    ]
    assert set(days) == {0, 1}
    assert days.count(0) > 0.8 * len(days)


def test_after_an_arrest_most_are_released_within_a_month_a_few_later(demo: sqlite3.Connection) -> None:
    stays = [
        row[0]
        for row in demo.execute(
            """SELECT JULIANDAY(released_on) - JULIANDAY(booked_on) FROM bookings
               WHERE released_on IS NOT NULL AND arrest_id IS NOT NULL"""
        )
    ]
    assert statistics.median(stays) <= 10
    assert 0.85 <= share([stay <= 30 for stay in stays]) < 1
    assert min(stays) == 0


def test_who_left_the_program_for_jail_was_booked_before_the_exit_and_held_for_months(
    demo: sqlite3.Connection,
) -> None:
    rows = demo.execute(
        """SELECT e.enrollment_id, JULIANDAY(COALESCE(b.released_on, :d)) - JULIANDAY(b.booked_on)
           FROM enrollments e LEFT JOIN bookings b ON b.participant_id = e.participant_id
            AND b.booked_on BETWEEN DATE(e.exited_on, '-14 days') AND e.exited_on
           WHERE e.exit_reason = 'incarcerated'""",
        {"d": DEFAULT_AS_OF.isoformat()},
    ).fetchall()
    held = [days for _, days in rows if days is not None]
    assert len({enrollment for enrollment, _ in rows}) > 20
    assert len(held) >= 0.95 * len(rows)
    assert statistics.median(held) >= 60
    assert 3 <= scalar(demo, "SELECT COUNT(*) FROM bookings WHERE released_on IS NULL") <= 40


def test_nobody_is_arrested_referred_or_booked_again_while_held(demo: sqlite3.Connection) -> None:
    held = "{day} > b.booked_on AND {day} < COALESCE(b.released_on, :d)"
    for seen in (
        f"arrests a ON a.participant_id = b.participant_id AND {held.format(day='SUBSTR(a.arrested_at, 1, 10)')}",
        f"referrals r ON r.participant_id = b.participant_id AND {held.format(day='SUBSTR(r.referred_at, 1, 10)')}",
        f"bookings o ON o.participant_id = b.participant_id AND {held.format(day='o.booked_on')}",
    ):
        assert scalar(demo, f"SELECT COUNT(*) FROM bookings b JOIN {seen}", d=DEFAULT_AS_OF.isoformat()) == 0, seen
    same_day = "SELECT COUNT(*) FROM (SELECT 1 FROM bookings GROUP BY participant_id, booked_on HAVING COUNT(*) > 1)"
    assert scalar(demo, same_day) == 0


def test_the_year_before_referral_holds_arrests_and_bookings(demo: sqlite3.Connection) -> None:
    """The contract's "before" window: the 365 days ending the day before R."""
    window = """JULIANDAY(f.referred_on) - JULIANDAY(SUBSTR({column}, 1, 10)) BETWEEN 1 AND 365"""
    arrests = scalar(
        demo,
        f"""SELECT COUNT(*) FROM arrests a JOIN ({FIRST_REFERRALS}) f USING (participant_id)
            WHERE a.referral_id IS NULL AND {window.format(column="a.arrested_at")}""",
    )
    bookings = scalar(
        demo,
        f"""SELECT COUNT(*) FROM bookings b JOIN ({FIRST_REFERRALS}) f USING (participant_id)
            WHERE {window.format(column="b.booked_on")}""",
    )
    enrolled = scalar(demo, "SELECT COUNT(DISTINCT participant_id) FROM enrollments")
    assert 0.15 <= arrests / enrolled <= 0.6
    assert 0.1 <= bookings / enrolled <= arrests / enrolled


# --- the comparison group --------------------------------------------------------------------------


def test_the_comparison_group_is_about_as_large_as_the_enrolled_and_resembles_them(demo: sqlite3.Connection) -> None:
    enrolled = demo.execute(
        f"""SELECT p.sex, f.offense, JULIANDAY(f.referred_on),
                   (JULIANDAY(f.referred_on) - JULIANDAY(p.date_of_birth)) / 365.25
            FROM ({FIRST_REFERRALS}) f JOIN participants p USING (participant_id)"""
    ).fetchall()
    comparison = demo.execute(
        "SELECT sex, offense, JULIANDAY(index_on), (JULIANDAY(index_on) - JULIANDAY(date_of_birth)) / 365.25 "
        "FROM comparison_people"
    ).fetchall()
    assert 0.85 <= len(comparison) / len(enrolled) <= 1.15
    assert {offense for _, offense, _, _ in comparison} == {"drug", "prostitution"}
    for position, tolerance in ((2, 60), (3, 1.5)):  # median index date within 60 days, median age 1.5 years
        ours = statistics.median(row[position] for row in enrolled if row[position] is not None)
        theirs = statistics.median(row[position] for row in comparison if row[position] is not None)
        assert abs(ours - theirs) <= tolerance, (position, ours, theirs)
    women = share([sex == "Female" for sex, *_ in enrolled]), share([sex == "Female" for sex, *_ in comparison])
    assert abs(women[0] - women[1]) <= 0.06, women
    assert min(age for *_, age in comparison if age is not None) >= 18


def test_each_comparison_person_has_their_index_arrest(demo: sqlite3.Connection) -> None:
    without = scalar(
        demo,
        """SELECT COUNT(*) FROM comparison_people p WHERE NOT EXISTS (
               SELECT 1 FROM comparison_arrests a
               WHERE a.person_id = p.person_id AND SUBSTR(a.arrested_at, 1, 10) = p.index_on)""",
    )
    assert without == 0


def test_the_comparison_group_is_arrested_more_often_than_participants_after_intake(
    demo_as_of: tuple[sqlite3.Connection, date],
) -> None:
    """Arrests per person-year: participants strictly after their first intake, comparison people
    strictly after their index date, both up to the as-of date (days / 365.25)."""
    connection, as_of = demo_as_of
    d = as_of.isoformat()
    participant_arrests = scalar(
        connection,
        f"""SELECT COUNT(*) FROM arrests a JOIN ({FIRST_INTAKES}) f USING (participant_id)
            WHERE SUBSTR(a.arrested_at, 1, 10) > f.first_intake AND SUBSTR(a.arrested_at, 1, 10) <= :d""",
        d=d,
    )
    participant_years = scalar(
        connection, f"SELECT SUM(JULIANDAY(:d) - JULIANDAY(first_intake)) / 365.25 FROM ({FIRST_INTAKES})", d=d
    )
    comparison_arrests = scalar(
        connection,
        """SELECT COUNT(*) FROM comparison_arrests a JOIN comparison_people p USING (person_id)
           WHERE SUBSTR(a.arrested_at, 1, 10) > p.index_on AND SUBSTR(a.arrested_at, 1, 10) <= :d""",
        d=d,
    )
    comparison_years = scalar(
        connection, "SELECT SUM(JULIANDAY(:d) - JULIANDAY(index_on)) / 365.25 FROM comparison_people", d=d
    )
    participants_rate = participant_arrests / participant_years
    comparison_rate = comparison_arrests / comparison_years
    assert participants_rate > 0
    assert comparison_rate > 1.5 * participants_rate, (participants_rate, comparison_rate)


def test_comparison_people_are_arrested_at_their_own_pace(demo: sqlite3.Connection) -> None:
    """A rate, not a quota: many are never arrested again, a few many times."""
    after_index = [
        row[0]
        for row in demo.execute(
            """SELECT COUNT(a.comparison_arrest_id) FROM comparison_people p
               LEFT JOIN comparison_arrests a ON a.person_id = p.person_id
                AND SUBSTR(a.arrested_at, 1, 10) > p.index_on
               WHERE p.index_on <= :d GROUP BY p.person_id""",
            {"d": (DEFAULT_AS_OF - timedelta(days=3 * 365)).isoformat()},
        )
    ]
    assert 0.2 <= share([count == 0 for count in after_index]) <= 0.8
    assert max(after_index) >= 5
