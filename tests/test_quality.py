"""The contract checker: every kind of defect found, with counts and example ids, on both backends.

The models enforce CHECK constraints, foreign keys and uniqueness, so a database that breaks the
contract is built here from a *loose* copy of the schema: the same tables and columns with no
constraints at all (any column may be null), the way a site's views or a foreign schema may be.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Boolean, Column, Integer, MetaData, Table, create_engine, insert, text
from sqlalchemy.types import TypeEngine

from lead_data.db import display_url, read_only_engine
from lead_data.figures import quality as q
from lead_data.models import Base
from tests.conftest import BACKENDS, database_url

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2024, 6, 30)
IN_BALTIMORE = {"latitude": 39.29, "longitude": -76.62}


# --- helpers ------------------------------------------------------------------------------------


def loose_metadata(
    *,
    without_tables: tuple[str, ...] = (),
    without_columns: tuple[tuple[str, str], ...] = (),
    retyped: dict[tuple[str, str], TypeEngine[Any]] | None = None,
) -> MetaData:
    """The contract's tables and columns with no CHECK, foreign-key, unique or NOT NULL constraints."""
    retyped = retyped or {}
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        if table.name in without_tables:
            continue
        columns = [
            Column(
                column.name,
                retyped.get((table.name, column.name), column.type),
                primary_key=column.primary_key,
                autoincrement=False,
            )
            for column in table.columns
            if (table.name, column.name) not in without_columns
        ]
        Table(table.name, metadata, *columns)
    return metadata


class LooseDatabase:
    def __init__(self, url: str, metadata: MetaData) -> None:
        self.url = url
        self.metadata = metadata
        self.engine = create_engine(url)
        self.backend = self.engine.dialect.name
        metadata.create_all(self.engine)

    def insert(self, table: str, *rows: dict[str, Any]) -> None:
        target = self.metadata.tables[table]
        with self.engine.begin() as conn:
            for row in rows:
                conn.execute(insert(target), [row])

    def execute(self, *statements: str) -> None:
        with self.engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))

    def check(self) -> list[q.Finding]:
        reader = read_only_engine(self.url)
        try:
            with reader.connect() as conn:
                return q.check_database(conn, today=TODAY)
        finally:
            reader.dispose()

    def dispose(self) -> None:
        self.engine.dispose()


@pytest.fixture(params=BACKENDS)
def make_loose(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., LooseDatabase]]:
    """Builds one loose database on each backend in turn: ``make_loose(**loose_metadata_arguments)``."""
    made: list[LooseDatabase] = []

    def make(**schema: Any) -> LooseDatabase:
        database = LooseDatabase(database_url(request.param, request, tmp_path), loose_metadata(**schema))
        made.append(database)
        return database

    yield make
    for database in made:
        database.dispose()


def summary(findings: list[q.Finding]) -> set[tuple[str, str, str | None, int, tuple[int, ...]]]:
    assert len(set(findings)) == len(findings), "a finding is reported twice"
    return {(f.check, f.table, f.column, f.rows, f.example_ids) for f in findings}


def run_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lead_data", *arguments], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour)


def build_clean_program(db) -> None:
    """One of everything, every rule kept (the `db` fixture's helpers)."""
    officer = db.officer()
    team = db.team("Team 1")
    person = db.participant()
    db.referral(person, date(2024, 1, 3), officer_id=officer, latitude=39.29, longitude=-76.62)
    enrollment = db.enroll(person, referred_on=date(2024, 1, 5), intake_on=date(2024, 1, 9), team_id=team)
    db.enroll(db.participant(), intake_on=date(2024, 2, 1), exited_on=date(2024, 5, 1), exit_reason="moved")
    db.referral(db.participant(), date(2024, 3, 1), eligibility="ineligible", ineligible_reason="under_supervision")
    db.arrest(person, date(2024, 1, 5), referral_id=db.enrollment_referral(enrollment))
    db.arrest(person, datetime(2024, 6, 30, 23, 30))  # late on the as-of day: not in the future
    db.contact(person, date(2024, 6, 30))
    db.service(person, referred_on=date(2024, 2, 1), started_on=date(2024, 2, 1))
    db.consent(person, signed_on=date(2024, 1, 9), revoked_on=date(2024, 4, 1))


# --- the broken program: one or more rows for every kind of defect -------------------------------

BROKEN_ROWS: dict[str, list[dict[str, Any]]] = {
    "officers": [
        {"officer_id": 1, "badge_number": "B-1", "name": "Officer One", "unit": "Central",
         "lead_trained_on": date(2020, 1, 1)},
        {"officer_id": 2, "badge_number": "B-1", "name": "Officer Two", "unit": "Central"},
        {"officer_id": 3, "badge_number": "B-3", "name": None, "unit": "Central", "lead_trained_on": date(2024, 7, 15)},
    ],
    "staff": [
        {"staff_id": 10, "name": "Peer", "role": "peer", "active": True},
        {"staff_id": 11, "name": "Case Manager", "role": "case_manager", "active": True},
        {"staff_id": 12, "name": "Nurse", "role": "nurse", "active": True},
        {"staff_id": 13, "name": "Boss", "role": "supervisor", "active": None},
    ],
    "care_teams": [
        {"team_id": 20, "name": "Team 1", "peer_id": 10, "case_manager_id": 11, "caseload_cap": 28, "active": True},
        {"team_id": 21, "name": "Team 1", "peer_id": 99, "case_manager_id": 11, "caseload_cap": 0, "active": True},
        {"team_id": 22, "name": "Team 3", "peer_id": 10, "case_manager_id": 98, "caseload_cap": -2, "active": True},
    ],
    "participants": [
        *({"participant_id": n, "first_name": "Test", "last_name": f"Person-{n}"} for n in (30, 31, 32, 33)),
        {"participant_id": 34, "first_name": None, "last_name": "Person-34"},
        {"participant_id": 35, "first_name": "Test", "last_name": "Person-35", "date_of_birth": date(2030, 1, 1)},
    ],
    "referrals": [
        {"referral_id": 40, "participant_id": 30, "officer_id": 1, "referred_at": at(date(2024, 1, 10)),
         "referral_type": "arrest_diversion", "offense": "drug", "eligibility": "eligible",
         "sao_verified_on": date(2024, 1, 12), **IN_BALTIMORE},
        {"referral_id": 41, "participant_id": 31, "officer_id": 77, "referred_at": at(date(2024, 2, 1)),
         "referral_type": "arrest_diversion", "offense": "DUI", "eligibility": "eligible",
         "sao_verified_on": date(2024, 1, 20)},
        {"referral_id": 42, "participant_id": 999, "referred_at": at(date(2024, 3, 1)), "referral_type": "walk_in",
         "eligibility": "pending", "ineligible_reason": "other", "latitude": 40.71, "longitude": -74.0},
        {"referral_id": 43, "participant_id": 32, "referred_at": at(date(2024, 8, 1)),
         "referral_type": "social_contact", "offense": "prostitution", "eligibility": "ineligible",
         "ineligible_reason": "because", "latitude": 39.29},
        {"referral_id": 44, "participant_id": 33, "referred_at": None, "referral_type": "social_contact",
         "eligibility": None},
    ],
    "enrollments": [
        {"enrollment_id": 50, "participant_id": 30, "referral_id": 40, "team_id": 20, "intake_on": date(2024, 1, 15)},
        {"enrollment_id": 51, "participant_id": 31, "referral_id": 41, "team_id": 20, "intake_on": date(2024, 1, 25),
         "exited_on": date(2024, 1, 20), "exit_reason": "graduated"},
        {"enrollment_id": 52, "participant_id": 31, "referral_id": 41, "team_id": 88, "intake_on": date(2024, 3, 1),
         "exit_reason": "moved"},
        {"enrollment_id": 53, "participant_id": 32, "referral_id": 555, "intake_on": date(2024, 9, 1)},
        {"enrollment_id": 54, "participant_id": 33, "referral_id": 42, "intake_on": date(2024, 3, 5),
         "exited_on": date(2024, 4, 1)},
        {"enrollment_id": 55, "participant_id": 33, "referral_id": 44, "intake_on": date(2024, 5, 1),
         "exited_on": date(2024, 5, 2), "exit_reason": "expelled"},
        {"enrollment_id": 56, "participant_id": 33, "referral_id": None, "intake_on": date(2024, 5, 1)},
    ],
    "arrests": [
        {"arrest_id": 60, "participant_id": 30, "arrested_at": at(date(2024, 3, 1), 14), "severity": "misdemeanor",
         **IN_BALTIMORE},
        {"arrest_id": 61, "participant_id": 999, "arrested_at": at(date(2024, 3, 2), 14), "severity": "violation"},
        {"arrest_id": 62, "participant_id": 30, "arrested_at": at(date(2024, 7, 1), 9), "referral_id": 777,
         "longitude": -76.6},
        {"arrest_id": 63, "participant_id": 30, "arrested_at": at(date(2024, 4, 1), 14), "latitude": 39.29,
         "longitude": -77.5},
        {"arrest_id": 64, "participant_id": 30, "arrested_at": datetime(2024, 6, 30, 23, 30)},
        {"arrest_id": 65, "participant_id": 31, "arrested_at": at(date(2024, 2, 1), 8), "referral_id": 40},
    ],
    "contacts": [
        {"contact_id": 70, "participant_id": 30, "staff_id": 10, "contacted_on": date(2024, 3, 1), "kind": "in_person"},
        *({"contact_id": n, "participant_id": 30, "contacted_on": date(2024, 3, 2), "kind": "email"}
          for n in (71, 74, 75, 76, 77, 78, 79)),
        {"contact_id": 72, "participant_id": 30, "staff_id": 55, "contacted_on": date(2024, 3, 3), "kind": "phone"},
        {"contact_id": 73, "participant_id": 30, "contacted_on": date(2024, 12, 1), "kind": "attempt"},
    ],
    "services": [
        {"service_id": 80, "participant_id": 30, "category": "housing", "referred_on": date(2024, 2, 1),
         "started_on": date(2024, 2, 10)},
        {"service_id": 81, "participant_id": 30, "category": "food", "referred_on": date(2024, 2, 1)},
        {"service_id": 82, "participant_id": 30, "category": "legal", "referred_on": date(2024, 2, 1),
         "started_on": date(2024, 1, 1)},
        {"service_id": 83, "participant_id": 30, "category": "medical", "referred_on": None},
    ],
    "consents": [
        {"consent_id": 90, "participant_id": 30, "signed_on": date(2024, 1, 10)},
        {"consent_id": 91, "participant_id": 30, "signed_on": date(2024, 2, 1), "revoked_on": date(2024, 1, 15)},
        {"consent_id": 92, "participant_id": 999, "signed_on": date(2024, 2, 1)},
    ],
}  # fmt: skip

COORDINATES = "latitude, longitude"
BROKEN_FINDINGS = {
    (q.MISSING_VALUE, "officers", "name", 1, (3,)),
    (q.DUPLICATE_VALUE, "officers", "badge_number", 2, (1, 2)),
    (q.FUTURE_DATE, "officers", "lead_trained_on", 1, (3,)),
    (q.MISSING_VALUE, "staff", "active", 1, (13,)),
    (q.NOT_ALLOWED, "staff", "role", 1, (12,)),
    (q.DUPLICATE_VALUE, "care_teams", "name", 2, (20, 21)),
    (q.ORPHANED_REFERENCE, "care_teams", "peer_id", 1, (21,)),
    (q.ORPHANED_REFERENCE, "care_teams", "case_manager_id", 1, (22,)),
    (q.NOT_ALLOWED, "care_teams", "caseload_cap", 2, (21, 22)),
    (q.MISSING_VALUE, "participants", "first_name", 1, (34,)),
    (q.FUTURE_DATE, "participants", "date_of_birth", 1, (35,)),
    (q.MISSING_VALUE, "referrals", "referred_at", 1, (44,)),
    (q.MISSING_VALUE, "referrals", "eligibility", 1, (44,)),
    (q.NOT_ALLOWED, "referrals", "referral_type", 1, (42,)),
    (q.NOT_ALLOWED, "referrals", "offense", 1, (41,)),
    (q.NOT_ALLOWED, "referrals", "ineligible_reason", 1, (43,)),
    (q.ORPHANED_REFERENCE, "referrals", "participant_id", 1, (42,)),
    (q.ORPHANED_REFERENCE, "referrals", "officer_id", 1, (41,)),
    (q.FUTURE_DATE, "referrals", "referred_at", 1, (43,)),
    (q.IMPOSSIBLE_DATE, "referrals", "sao_verified_on", 1, (41,)),
    (q.INCONSISTENT, "referrals", "ineligible_reason", 1, (42,)),
    (q.OUTSIDE_CITY, "referrals", COORDINATES, 1, (42,)),
    (q.INCONSISTENT, "referrals", COORDINATES, 1, (43,)),
    (q.MISSING_VALUE, "enrollments", "referral_id", 1, (56,)),
    (q.NOT_ALLOWED, "enrollments", "exit_reason", 1, (55,)),
    (q.DUPLICATE_VALUE, "enrollments", "referral_id", 2, (51, 52)),
    (q.ORPHANED_REFERENCE, "enrollments", "referral_id", 1, (53,)),
    (q.ORPHANED_REFERENCE, "enrollments", "team_id", 1, (52,)),
    (q.FUTURE_DATE, "enrollments", "intake_on", 1, (53,)),
    (q.IMPOSSIBLE_DATE, "enrollments", "exited_on", 1, (51,)),
    (q.IMPOSSIBLE_DATE, "enrollments", "intake_on", 1, (51,)),
    (q.INCONSISTENT, "enrollments", "exit_reason", 1, (52,)),
    (q.INCONSISTENT, "enrollments", "exited_on", 1, (54,)),
    (q.INCONSISTENT, "enrollments", "participant_id", 1, (54,)),
    (q.NOT_ALLOWED, "arrests", "severity", 1, (61,)),
    (q.ORPHANED_REFERENCE, "arrests", "participant_id", 1, (61,)),
    (q.ORPHANED_REFERENCE, "arrests", "referral_id", 1, (62,)),
    (q.FUTURE_DATE, "arrests", "arrested_at", 1, (62,)),
    (q.INCONSISTENT, "arrests", "participant_id", 1, (65,)),
    (q.OUTSIDE_CITY, "arrests", COORDINATES, 1, (63,)),
    (q.INCONSISTENT, "arrests", COORDINATES, 1, (62,)),
    (q.NOT_ALLOWED, "contacts", "kind", 7, (71, 74, 75, 76, 77)),
    (q.ORPHANED_REFERENCE, "contacts", "staff_id", 1, (72,)),
    (q.FUTURE_DATE, "contacts", "contacted_on", 1, (73,)),
    (q.MISSING_VALUE, "services", "referred_on", 1, (83,)),
    (q.NOT_ALLOWED, "services", "category", 1, (81,)),
    (q.IMPOSSIBLE_DATE, "services", "started_on", 1, (82,)),
    (q.ORPHANED_REFERENCE, "consents", "participant_id", 1, (92,)),
    (q.IMPOSSIBLE_DATE, "consents", "revoked_on", 1, (91,)),
}


@pytest.fixture
def broken(make_loose) -> LooseDatabase:
    database = make_loose()
    for table, rows in BROKEN_ROWS.items():
        database.insert(table, *rows)
    return database


# --- clean databases ----------------------------------------------------------------------------


def test_a_clean_database_has_no_findings(db):
    build_clean_program(db)
    with db.connect() as conn:
        assert q.check_database(conn, today=TODAY) == []


def test_an_empty_database_with_the_contract_schema_is_clean(db):
    with db.connect() as conn:
        assert q.check_database(conn, today=TODAY) == []


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # the CLI on PostgreSQL: the broken database below
def test_the_cli_exits_0_and_says_no_problems_found_for_a_clean_database(db):
    build_clean_program(db)
    result = run_cli("check", "--url", db.url, "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert "No problems found" in result.stdout
    assert result.stderr == ""


def test_views_standing_in_for_tables_are_checked_like_tables(db):
    person = db.participant()
    bad = db.consent(person, signed_on=date(2024, 3, 1), revoked_on=date(2024, 2, 1))
    db.consent(person, signed_on=date(2024, 3, 1))
    db.execute(
        "ALTER TABLE consents RENAME TO consent_records",
        # An expression column: SQLite declares no type for it, which is "unknown", not wrong.
        "CREATE VIEW consents AS SELECT consent_id, participant_id, signed_on, "
        "COALESCE(revoked_on, NULL) AS revoked_on FROM consent_records",
    )
    with db.connect() as conn:
        findings = q.check_database(conn, today=TODAY)
    assert summary(findings) == {(q.IMPOSSIBLE_DATE, "consents", "revoked_on", 1, (bad,))}
    assert findings[0].problem == "consents.revoked_on is before signed_on"


# --- a database with every kind of defect -------------------------------------------------------


def test_every_kind_of_defect_is_found_with_its_count_and_example_ids(broken):
    assert summary(broken.check()) == BROKEN_FINDINGS


def test_a_value_outside_the_allowed_set_is_quoted_in_the_problem(broken):
    problems = {(f.check, f.table, f.column): f.problem for f in broken.check()}
    assert problems[q.NOT_ALLOWED, "referrals", "offense"] == (
        "referrals.offense holds a value that is not one of drug, prostitution, other (found 'DUI')"
    )
    assert problems[q.NOT_ALLOWED, "care_teams", "caseload_cap"].endswith("(found 0, -2)")
    assert problems[q.IMPOSSIBLE_DATE, "enrollments", "exited_on"] == "enrollments.exited_on is before intake_on"
    assert problems[q.FUTURE_DATE, "arrests", "arrested_at"] == "arrests.arrested_at is after today (2024-06-30)"


def test_example_ids_are_at_most_five_and_ascending_while_rows_counts_them_all(broken):
    (kinds,) = [f for f in broken.check() if (f.table, f.column) == ("contacts", "kind")]
    assert kinds.rows == 7
    assert kinds.example_ids == (71, 74, 75, 76, 77)


def test_the_cli_exits_1_and_reports_counts_and_example_ids(broken):
    result = run_cli("check", "--url", broken.url, "--today", TODAY.isoformat())
    assert result.returncode == 1, result.stderr
    report = result.stdout
    assert report.startswith(f"Checked {broken.url} against DATA_CONTRACT.md.")
    assert f"{len(BROKEN_FINDINGS)} problems found in 10 tables" in report
    assert "\nofficers (3 problems)\n" in report
    assert (
        "  - [duplicate value] officers.badge_number repeats a value that must be unique: 2 rows (officer_id 1, 2)\n"
    ) in report
    assert ": 7 rows (first contact_id 71, 74, 75, 76, 77)" in report
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("make_loose", ["sqlite"], indirect=True)  # PostgreSQL sessions are read-only by setting
def test_the_checker_never_writes_to_the_database(broken):
    broken.dispose()
    path = Path(broken.url.removeprefix("sqlite:///"))
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    assert broken.check()
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no journal, no WAL


# --- schema problems ----------------------------------------------------------------------------


def test_missing_tables_missing_columns_and_wrong_types_are_reported_and_their_checks_skipped(make_loose):
    database = make_loose(
        without_tables=("consents",),
        without_columns=(("services", "started_on"),),
        retyped={("enrollments", "intake_on"): Integer(), ("officers", "lead_trained_on"): Boolean()},
    )
    database.insert("officers", BROKEN_ROWS["officers"][0] | {"lead_trained_on": True})
    database.insert("participants", {"participant_id": 30, "first_name": "Test", "last_name": "Person"})
    database.insert("referrals", BROKEN_ROWS["referrals"][0] | {"officer_id": None})
    # intake_on is an integer here: comparing it with exited_on would fail on PostgreSQL, so it is not compared.
    database.insert(
        "enrollments",
        {"enrollment_id": 50, "participant_id": 30, "referral_id": 40, "intake_on": 20240115,
         "exited_on": date(2024, 1, 2), "exit_reason": "moved"},
    )  # fmt: skip
    database.insert("services", BROKEN_ROWS["services"][1])
    findings = database.check()
    assert summary(findings) == {
        (q.MISSING_TABLE, "consents", None, 0, ()),
        (q.MISSING_COLUMN, "services", "started_on", 0, ()),
        (q.WRONG_TYPE, "enrollments", "intake_on", 0, ()),
        (q.WRONG_TYPE, "officers", "lead_trained_on", 0, ()),
        (q.NOT_ALLOWED, "services", "category", 1, (81,)),  # the table's other checks still run
    }
    problems = {f.column: f.problem for f in findings}
    assert problems["intake_on"] == "enrollments.intake_on is of type INTEGER, but the contract says date"
    assert problems[None] == "table consents is missing (no table or view)"


SPELLINGS = {
    "sqlite": [
        "CREATE TABLE officers (officer_id INT PRIMARY KEY, badge_number STRING, name VARCHAR(80), "
        "unit NVARCHAR(80), lead_trained_on DATE)",
        "CREATE TABLE staff (staff_id BIGINT, name TEXT, role CHAR(12), active INTEGER)",
        "CREATE TABLE arrests (arrest_id INTEGER, participant_id INT, arrested_at TIMESTAMP, charge CLOB, "
        "severity TEXT, referral_id INTEGER, warrant_only BOOL, latitude DOUBLE, longitude FLOAT)",
    ],
    "postgresql": [
        "CREATE TABLE officers (officer_id bigserial PRIMARY KEY, badge_number varchar(20), "
        "name character varying, unit text, lead_trained_on date)",
        "CREATE TABLE staff (staff_id bigint, name text, role varchar(12), active bool)",
        "CREATE TABLE arrests (arrest_id integer, participant_id smallint, arrested_at timestamptz, charge text, "
        "severity varchar, referral_id int, warrant_only boolean, latitude double precision, longitude numeric(9, 6))",
    ],
}


def test_type_names_compare_loosely_by_family(make_loose):
    database = make_loose(without_tables=("officers", "staff", "arrests"))
    database.execute(*SPELLINGS[database.backend])
    database.insert("participants", {"participant_id": 30, "first_name": "Test", "last_name": "Person"})
    database.execute(
        "INSERT INTO arrests (arrest_id, participant_id, arrested_at, latitude, longitude) "
        "VALUES (60, 30, '2024-06-30 23:30:00', 39.29, -76.62), (61, 30, '2024-07-01 00:30:00', 39.29, -76.62)"
    )
    assert summary(database.check()) == {(q.FUTURE_DATE, "arrests", "arrested_at", 1, (61,))}


def test_a_missing_key_column_skips_the_tables_row_checks_without_error(make_loose):
    database = make_loose(without_columns=(("services", "service_id"),))
    database.insert("participants", {"participant_id": 30, "first_name": "Test", "last_name": "Person"})
    database.insert("services", {"participant_id": 30, "category": "food", "referred_on": date(2024, 2, 1)})
    assert summary(database.check()) == {(q.MISSING_COLUMN, "services", "service_id", 0, ())}


def test_a_check_the_database_cannot_run_is_a_finding_and_the_other_checks_go_on(make_loose):
    database = make_loose()
    database.insert("officers", BROKEN_ROWS["officers"][0])
    database.insert("participants", {"participant_id": 30, "first_name": "Test", "last_name": "Person"})
    database.insert("services", BROKEN_ROWS["services"][1])
    database.execute(
        "ALTER TABLE officers RENAME TO officer_records",
        # Reading any row overflows a 64-bit integer: an error on both SQLite and PostgreSQL.
        "CREATE VIEW officers AS SELECT * FROM officer_records "
        "WHERE abs(-9223372036854775807 - 1 + 0 * officer_id) > 0",
    )
    findings = database.check()
    unchecked = [f for f in findings if f.check == q.COULD_NOT_CHECK]
    assert unchecked and {f.table for f in unchecked} == {"officers"}
    assert all(f.problem.startswith("could not check ") and " officers" in f.problem for f in unchecked)
    # officers come first: on PostgreSQL the failed statements did not abort the later checks.
    assert summary([f for f in findings if f.check != q.COULD_NOT_CHECK]) == {
        (q.NOT_ALLOWED, "services", "category", 1, (81,))
    }


def test_on_sqlite_text_where_a_date_or_boolean_belongs_is_reported(tmp_path):
    database = LooseDatabase(f"sqlite:///{tmp_path / 'loose.sqlite'}", loose_metadata())
    database.insert("participants", {"participant_id": 30, "first_name": "Test", "last_name": "Person"})
    database.execute(
        "INSERT INTO staff (staff_id, name, role, active) VALUES (10, 'Peer', 'peer', 'yes')",
        "INSERT INTO services (service_id, participant_id, category, referred_on) "
        "VALUES (81, 30, 'legal', '2024/02/01'), (82, 30, 'legal', 45321)",
    )
    findings = database.check()
    database.dispose()
    assert summary(findings) == {
        (q.WRONG_TYPE, "staff", "active", 1, (10,)),
        (q.NOT_A_DATE, "services", "referred_on", 2, (81, 82)),
    }
    problems = {f.column: f.problem for f in findings}
    assert problems["referred_on"].endswith("(found '2024/02/01', 45321)")


def test_on_sqlite_a_view_over_a_vanished_table_cannot_be_checked_and_says_so(tmp_path):
    database = LooseDatabase(f"sqlite:///{tmp_path / 'loose.sqlite'}", loose_metadata(without_tables=("consents",)))
    database.execute("CREATE VIEW consents AS SELECT * FROM consent_records")
    findings = database.check()
    database.dispose()
    assert [(f.check, f.table) for f in findings] == [(q.COULD_NOT_CHECK, "consents")]
    assert "no such table" in findings[0].problem


# --- the command line ---------------------------------------------------------------------------


def test_the_cli_exits_2_without_a_traceback_when_the_sqlite_file_is_missing():
    result = run_cli("check", "--url", "sqlite:////nonexistent/x.sqlite")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "/nonexistent/x.sqlite" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_exits_2_and_hides_the_password_when_the_server_cannot_be_reached():
    result = run_cli("check", "--url", "postgresql+psycopg://lead:s3cret@127.0.0.1:1/lead")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "postgresql+psycopg://lead:***@127.0.0.1:1/lead" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


# --- presenting findings ------------------------------------------------------------------------


def test_findings_frame_has_one_row_per_finding_and_example_ids_as_text():
    findings = [
        q.Finding(q.IMPOSSIBLE_DATE, "enrollments", "exited_on", "exited_on is before intake_on", 2, (3, 9)),
        q.Finding(q.MISSING_TABLE, "consents", None, "table consents is missing (no table or view)", 0, ()),
    ]
    frame = q.findings_frame(findings)
    assert list(frame.columns) == ["check", "table", "column", "problem", "rows", "example_ids"]
    assert frame["example_ids"].tolist() == ["3, 9", ""]
    assert frame["rows"].tolist() == [2, 0]
    assert list(q.findings_frame([]).columns) == list(frame.columns)


def test_the_report_names_the_database_and_groups_findings_by_table_in_contract_order():
    findings = [
        q.Finding(q.MISSING_TABLE, "consents", None, "table consents is missing (no table or view)", 0, ()),
        q.Finding(q.NOT_ALLOWED, "staff", "role", "staff.role holds a value that is not one of peer", 1, (12,)),
    ]
    report = q.format_report(findings, url_for_display="postgresql://lead:***@db/lead")
    assert report.splitlines() == [
        "Checked postgresql://lead:***@db/lead against DATA_CONTRACT.md.",
        "",
        "2 problems found in 2 tables:",
        "",
        "staff (1 problem)",
        "  - [not allowed] staff.role holds a value that is not one of peer: 1 row (staff_id 12)",
        "",
        "consents (1 problem)",
        "  - [missing table] table consents is missing (no table or view)",
        "",
        "Fix these in the source system, then run the check again.",
    ]
    assert "No problems found." in q.format_report([], url_for_display="sqlite:///x.sqlite")


def test_the_display_url_hides_the_password():
    shown = display_url("postgresql+psycopg://lead:s3cret@db:5432/lead")
    assert shown == "postgresql+psycopg://lead:***@db:5432/lead"


def test_the_allowed_values_checked_are_exactly_the_models_check_constraints():
    constrained = {}
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            name = str(constraint.name or "")
            if name.startswith("ck_") and name.endswith("_allowed"):
                constrained[table.name, name.removeprefix("ck_").removesuffix("_allowed")] = str(constraint.sqltext)
    assert set(constrained) == set(q.ALLOWED_VALUES)
    for key, values in q.ALLOWED_VALUES.items():
        assert all(f"'{value}'" in constrained[key] for value in values)
