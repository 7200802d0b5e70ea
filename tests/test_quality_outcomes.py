"""The contract checker on the outcome tables of version 2: one tiny database per kind of finding.

Dates and cross-table rules are checked on the real schema (fixture ``db``). Orphans and values
outside the allowed sets cannot be stored there (foreign keys and CHECK constraints refuse them),
so those are built, as in test_quality.py, in a loose copy of the schema with no constraints.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures import quality as q
from tests import test_quality
from tests.apptest import open_app
from tests.test_quality import LooseDatabase, summary

make_loose = test_quality.make_loose  # the loose-schema fixture, on both backends

TODAY = date(2024, 6, 30)
OUTCOME_TABLES = ("assessments", "bookings", "comparison_people", "comparison_arrests")


def findings_of(db) -> set[tuple[str, str, str | None, int, tuple[int, ...]]]:
    with db.connect() as conn:
        return summary(q.check_database(conn, today=TODAY))


def problems_of(database: LooseDatabase) -> dict[tuple[str, str, str | None], str]:
    return {(f.check, f.table, f.column): f.problem for f in database.check()}


def referred_participant(db, referred_on: date = date(2024, 1, 10)) -> int:
    person = db.participant()
    db.enroll(person, referred_on=referred_on, intake_on=referred_on)
    return person


# --- clean outcome data -------------------------------------------------------------------------


def test_outcome_rows_that_keep_every_rule_have_no_findings(db):
    person = referred_participant(db, date(2024, 1, 10))
    db.assess(person, date(2024, 1, 10), housing="unsheltered", employed=False, legal_income=False)  # referral day
    db.assess(person, date(2024, 6, 30), housing="housed", employed=True, legal_income=True)  # as-of day
    db.assess(person, date(2024, 3, 1))  # nothing asked
    arrest = db.arrest(person, datetime(2024, 2, 1, 23, 50))
    db.book(person, date(2024, 2, 1), released_on=date(2024, 2, 1), arrest_id=arrest)  # out the same day
    db.book(person, date(2024, 2, 2), arrest_id=arrest)  # booked the day after, still held
    db.book(person, date(2023, 5, 1), released_on=date(2023, 6, 1))  # no arrest on record
    comparison = db.comparison_person(date(2023, 3, 1), offense="prostitution", date_of_birth=date(1990, 3, 1))
    db.comparison_arrest(comparison, date(1990, 3, 1), severity="felony", warrant_only=True)  # birthday: possible
    db.comparison_arrest(comparison, datetime(2024, 6, 30, 23, 30))
    db.comparison_arrest(db.comparison_person(date(2022, 1, 1), offense=None), date(2021, 1, 1))
    assert findings_of(db) == set()


def test_a_version_1_database_is_told_which_outcome_tables_are_missing(db):
    for table in ("comparison_arrests", "comparison_people", "bookings", "assessments"):
        db.drop_table(table)
    assert findings_of(db) == {(q.MISSING_TABLE, table, None, 0, ()) for table in OUTCOME_TABLES}


# --- impossible and future dates ----------------------------------------------------------------


def test_a_booking_released_before_it_was_booked_is_an_impossible_date(db):
    person = db.participant()
    db.book(person, date(2024, 3, 1), released_on=date(2024, 3, 1))
    bad = db.book(person, date(2024, 3, 10), released_on=date(2024, 3, 9))
    with db.connect() as conn:
        (finding,) = q.check_database(conn, today=TODAY)
    assert (finding.check, finding.table, finding.column, finding.rows, finding.example_ids) == (
        q.IMPOSSIBLE_DATE, "bookings", "released_on", 1, (bad,)
    )  # fmt: skip
    assert finding.problem == "bookings.released_on is before booked_on"


def test_a_booking_before_the_day_of_its_arrest_is_an_impossible_date(db):
    person = db.participant()
    arrest = db.arrest(person, datetime(2024, 3, 10, 23, 0))
    db.book(person, date(2024, 3, 10), arrest_id=arrest)
    bad = db.book(person, date(2024, 3, 9), released_on=date(2024, 3, 12), arrest_id=arrest)
    assert findings_of(db) == {(q.IMPOSSIBLE_DATE, "bookings", "booked_on", 1, (bad,))}


def test_a_booking_of_someone_else_than_the_arrested_person_is_inconsistent(db):
    arrested, other = db.participant(), db.participant()
    arrest = db.arrest(arrested, date(2024, 3, 10))
    db.book(arrested, date(2024, 3, 10), arrest_id=arrest)
    bad = db.book(other, date(2024, 3, 10), arrest_id=arrest)
    assert findings_of(db) == {(q.INCONSISTENT, "bookings", "participant_id", 1, (bad,))}


def test_an_assessment_before_the_participants_first_referral_is_an_impossible_date(db):
    person = referred_participant(db, date(2024, 2, 1))
    db.referral(person, date(2024, 5, 1))  # a later referral does not move the first one
    db.assess(person, date(2024, 2, 1))
    db.assess(person, date(2024, 3, 1))
    bad = db.assess(person, date(2024, 1, 31), housing="shelter")
    assert findings_of(db) == {(q.IMPOSSIBLE_DATE, "assessments", "assessed_on", 1, (bad,))}


def test_an_assessment_of_someone_never_referred_has_no_referral_to_be_before(db):
    db.assess(db.participant(), date(2020, 1, 1))
    assert findings_of(db) == set()


def test_a_comparison_arrest_before_the_person_was_born_is_an_impossible_date(db):
    person = db.comparison_person(date(2023, 1, 1), date_of_birth=date(1990, 3, 1))
    db.comparison_arrest(person, date(2010, 1, 1))
    bad = db.comparison_arrest(person, datetime(1900, 1, 1, 0, 0))
    db.comparison_arrest(db.comparison_person(date(2023, 1, 1)), date(1985, 1, 1))  # no date of birth to compare
    assert findings_of(db) == {(q.IMPOSSIBLE_DATE, "comparison_arrests", "arrested_at", 1, (bad,))}


def test_a_comparison_index_date_before_the_person_was_born_is_an_impossible_date(db):
    db.comparison_person(date(1990, 3, 1), date_of_birth=date(1990, 3, 1))
    bad = db.comparison_person(date(1989, 12, 31), date_of_birth=date(1990, 3, 1))
    assert findings_of(db) == {(q.IMPOSSIBLE_DATE, "comparison_people", "index_on", 1, (bad,))}


@pytest.mark.parametrize(
    "table, column",
    [
        ("assessments", "assessed_on"),
        ("bookings", "booked_on"),
        ("bookings", "released_on"),
        ("comparison_people", "index_on"),
        ("comparison_people", "date_of_birth"),
        ("comparison_arrests", "arrested_at"),
    ],
)
def test_an_outcome_date_after_today_is_a_future_date(db, table, column):
    person = referred_participant(db, date(2024, 1, 10))
    comparison = db.comparison_person(date(2024, 1, 1), date_of_birth=date(1980, 1, 1))
    tomorrow = date(2024, 7, 1)
    made = {
        ("assessments", "assessed_on"): lambda: db.assess(person, tomorrow),
        ("bookings", "booked_on"): lambda: db.book(person, tomorrow),
        ("bookings", "released_on"): lambda: db.book(person, TODAY, released_on=tomorrow),
        ("comparison_people", "index_on"): lambda: db.comparison_person(tomorrow),
        ("comparison_people", "date_of_birth"): lambda: db.comparison_person(TODAY, date_of_birth=tomorrow),
        ("comparison_arrests", "arrested_at"): lambda: db.comparison_arrest(comparison, datetime(2024, 7, 1, 0, 5)),
    }
    bad = made[table, column]()
    expected = {(q.FUTURE_DATE, table, column, 1, (bad,))}
    if column == "date_of_birth":  # born tomorrow: the index arrest today is also before birth
        expected.add((q.IMPOSSIBLE_DATE, "comparison_people", "index_on", 1, (bad,)))
    assert findings_of(db) == expected


# --- orphans and values outside the allowed sets (loose schema) ---------------------------------


def test_outcome_rows_pointing_at_nothing_are_orphaned_references(make_loose):
    database = make_loose()
    database.insert("participants", {"participant_id": 1, "first_name": "Test", "last_name": "Person-1"})
    database.insert("arrests", {"arrest_id": 2, "participant_id": 1, "arrested_at": datetime(2024, 1, 5, 14)})
    database.insert("comparison_people", {"person_id": 3, "index_on": date(2023, 1, 1)})
    database.insert(
        "assessments",
        {"assessment_id": 10, "participant_id": 1, "assessed_on": date(2024, 2, 1)},
        {"assessment_id": 11, "participant_id": 99, "assessed_on": date(2024, 2, 1)},
    )
    database.insert(
        "bookings",
        {"booking_id": 20, "participant_id": 1, "booked_on": date(2024, 1, 5), "arrest_id": 2},
        {"booking_id": 21, "participant_id": 1, "booked_on": date(2024, 1, 6), "arrest_id": None},
        {"booking_id": 22, "participant_id": 98, "booked_on": date(2024, 1, 7)},
        {"booking_id": 23, "participant_id": 1, "booked_on": date(2024, 1, 8), "arrest_id": 97},
    )
    database.insert(
        "comparison_arrests",
        {"comparison_arrest_id": 30, "person_id": 3, "arrested_at": datetime(2023, 5, 1, 9)},
        {"comparison_arrest_id": 31, "person_id": 96, "arrested_at": datetime(2023, 5, 1, 9)},
        {"comparison_arrest_id": 32, "person_id": 95, "arrested_at": datetime(2023, 6, 1, 9)},
    )
    assert summary(database.check()) == {
        (q.ORPHANED_REFERENCE, "assessments", "participant_id", 1, (11,)),
        (q.ORPHANED_REFERENCE, "bookings", "participant_id", 1, (22,)),
        (q.ORPHANED_REFERENCE, "bookings", "arrest_id", 1, (23,)),
        (q.ORPHANED_REFERENCE, "comparison_arrests", "person_id", 2, (31, 32)),
    }
    assert problems_of(database)[q.ORPHANED_REFERENCE, "bookings", "arrest_id"] == (
        "bookings.arrest_id refers to a row of arrests that does not exist"
    )


def test_outcome_values_outside_the_allowed_sets_are_not_allowed_and_quoted(make_loose):
    database = make_loose()
    database.insert("participants", {"participant_id": 1, "first_name": "Test", "last_name": "Person-1"})
    database.insert(
        "assessments",
        *(
            {"assessment_id": 10 + n, "participant_id": 1, "assessed_on": date(2024, 2, 1), "housing": housing}
            for n, housing in enumerate(("unsheltered", "shelter", "transitional", "housed", None, "homeless"))
        ),
    )
    database.insert(
        "comparison_people",
        *(
            {"person_id": 20 + n, "index_on": date(2023, 1, 1), "offense": offense}
            for n, offense in enumerate(("drug", "prostitution", "other", None, "DUI"))
        ),
    )
    database.insert(
        "comparison_arrests",
        *(
            {"comparison_arrest_id": 30 + n, "person_id": 20, "arrested_at": datetime(2023, 5, 1, 9),
             "severity": severity}
            for n, severity in enumerate(("felony", "misdemeanor", "other", None, "violation"))
        ),
    )  # fmt: skip
    assert summary(database.check()) == {
        (q.NOT_ALLOWED, "assessments", "housing", 1, (15,)),
        (q.NOT_ALLOWED, "comparison_people", "offense", 1, (24,)),
        (q.NOT_ALLOWED, "comparison_arrests", "severity", 1, (34,)),
    }
    problems = problems_of(database)
    assert problems[q.NOT_ALLOWED, "assessments", "housing"] == (
        "assessments.housing holds a value that is not one of unsheltered, shelter, transitional, housed "
        "(found 'homeless')"
    )
    assert problems[q.NOT_ALLOWED, "comparison_people", "offense"].endswith("(found 'DUI')")
    assert problems[q.NOT_ALLOWED, "comparison_arrests", "severity"].endswith("(found 'violation')")


def test_an_assessment_rule_is_skipped_not_failed_when_referrals_lack_their_date(make_loose):
    database = make_loose(without_columns=(("referrals", "referred_at"),))
    database.insert("participants", {"participant_id": 1, "first_name": "Test", "last_name": "Person-1"})
    database.insert("assessments", {"assessment_id": 10, "participant_id": 1, "assessed_on": date(2024, 2, 1)})
    assert summary(database.check()) == {(q.MISSING_COLUMN, "referrals", "referred_at", 0, ())}


# --- the page and the command line --------------------------------------------------------------


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # the page's findings come from the same check
def test_data_quality_page_lists_outcome_table_findings(db, monkeypatch):
    person = db.participant()
    bad = db.book(person, date(2024, 3, 10), released_on=date(2024, 3, 1))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/data_quality.py")
    findings = at.dataframe[0].value
    assert findings[["check", "table", "column", "rows", "example_ids"]].values.tolist() == [
        ["impossible date", "bookings", "released_on", 1, str(bad)]
    ]
