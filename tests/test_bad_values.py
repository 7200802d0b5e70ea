"""Values of the wrong type: ``check`` reports them, and no page crashes on them.

SQLite's type affinity lets anything into a column: text in an INTEGER, REAL, DATE or DATETIME
column, a float in an integer key, a date that does not exist, a boolean that is not 0 or 1. On
PostgreSQL the column types forbid all that, so a wrong type can only come through a view standing
in for a contract table (e.g. over a case-management system's schema); there ``check`` compares the
view's column types with the contract. A NULL where the contract requires a value needs a view on
both backends (the contract's tables say NOT NULL).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures import quality as q
from lead_data.models import Base
from lead_data.site import load_site
from lead_data.zone import LOCATION_UNKNOWN, locate
from tests.apptest import open_app
from tests.program import ProgramDatabase

REPO = Path(__file__).resolve().parents[1]
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
OWN_MESSAGE = "The program database has a value the dashboard cannot read in "


@dataclass(frozen=True)
class BadValue:
    table: str
    column: str
    value: str  # SQL for the bad value, in place of the column's value in one row
    sqlite_check: str  # the kind of finding ``check`` reports on SQLite, for that one row
    postgres_view_type: str | None  # the type the view's column must have to hold the value there
    in_sqlite_table: bool = True  # SQLite's table takes it; otherwise a view, as on PostgreSQL
    pages_stopped: tuple[str, ...] = ()  # pages whose figures cannot read it, on the program below


CASES = {
    "text caseload_cap": BadValue(
        "care_teams", "caseload_cap", "'twenty'", q.WRONG_TYPE, "TEXT",
        pages_stopped=("overview", "caseload", "participants", "weekly_meeting"),
    ),
    # Not a place outside Baltimore: on the map its location is unknown.
    "text latitude": BadValue("referrals", "latitude", "'north'", q.WRONG_TYPE, "TEXT"),
    "text date": BadValue(
        "enrollments", "intake_on", "'01/15/2024'", q.NOT_A_DATE, "TEXT", pages_stopped=("rearrests", "participants")
    ),
    "impossible date": BadValue(
        "enrollments", "intake_on", "'2024-02-30'", q.NOT_A_DATE, "TEXT", pages_stopped=("participants",)
    ),
    "text timestamp": BadValue("arrests", "arrested_at", "'05/02/2024 14:00'", q.NOT_A_DATE, "TEXT"),
    "float in an integer key": BadValue("enrollments", "team_id", "team_id + 0.5", q.WRONG_TYPE, "NUMERIC"),
    "boolean that is not 0 or 1": BadValue("care_teams", "active", "2", q.WRONG_TYPE, "INTEGER"),
    "null caseload_cap": BadValue(
        "care_teams", "caseload_cap", "NULL", q.MISSING_VALUE, None, in_sqlite_table=False,
        pages_stopped=("overview", "caseload", "participants", "weekly_meeting"),
    ),
    "null intake_on": BadValue("enrollments", "intake_on", "NULL", q.MISSING_VALUE, None, in_sqlite_table=False),
}  # fmt: skip
# A float team_id matches no team: on SQLite, where the row checks can read it, it is an orphan too.
ALSO_ON_SQLITE = {"float in an integer key": {(q.ORPHANED_REFERENCE, "enrollments", "team_id")}}


def build_program(db: ProgramDatabase) -> dict[str, int]:
    """A small clean program; returns the ids of the rows the cases damage, by table."""
    team = db.team("Team A", cap=2)
    db.team("Team B")
    person, other = db.participant("Ava"), db.participant("Abe")
    enrollment = db.enroll(person, intake_on=date(2024, 1, 16), team_id=team)
    db.enroll(other, intake_on=date(2024, 1, 2), team_id=team)
    db.contact(person, date(2024, 6, 27))
    arrest = db.arrest(person, date(2024, 5, 2), severity="felony")  # a re-arrest
    referral = db.referral(
        db.participant("Ira"), date(2024, 6, 10), latitude=39.2915, longitude=-76.6216, officer_id=db.officer()
    )
    db.consent(person, signed_on=date(2024, 1, 16))
    db.service(person, referred_on=date(2024, 2, 1))
    db.assess(person, date(2024, 3, 1), housing="shelter", employed=False, legal_income=True)
    db.book(person, date(2024, 5, 2), released_on=date(2024, 5, 4), arrest_id=arrest)
    db.comparison_arrest(db.comparison_person(date(2024, 1, 10)), date(2024, 4, 1), severity="misdemeanor")
    return {"care_teams": team, "referrals": referral, "enrollments": enrollment, "arrests": arrest}


def damage(db: ProgramDatabase, case: BadValue, row_id: int) -> None:
    """Put the case's bad value into one row: in SQLite's table itself, or through a view."""
    key = q.key_column(case.table)
    if db.backend == "sqlite" and case.in_sqlite_table:
        db.execute(f"UPDATE {case.table} SET {case.column} = {case.value} WHERE {key} = {row_id}")
        return
    otherwise = case.column
    if db.backend == "postgresql" and case.postgres_view_type:
        otherwise = f"CAST({case.column} AS {case.postgres_view_type})"
    columns = [
        f"CASE WHEN {key} = {row_id} THEN {case.value} ELSE {otherwise} END AS {name}" if name == case.column else name
        for name in Base.metadata.tables[case.table].columns.keys()
    ]
    db.execute(
        f"ALTER TABLE {case.table} RENAME TO {case.table}_records",
        f"CREATE VIEW {case.table} AS SELECT {', '.join(columns)} FROM {case.table}_records",
    )


def damaged_program(db: ProgramDatabase, case: BadValue) -> int:
    row_id = build_program(db)[case.table]
    damage(db, case, row_id)
    return row_id


def found(db: ProgramDatabase) -> set[tuple[str, str, str | None, int, tuple[int, ...]]]:
    with db.connect() as conn:
        return {(f.check, f.table, f.column, f.rows, f.example_ids) for f in q.check_database(conn, today=D)}


# --- check --------------------------------------------------------------------------------------


def test_the_program_is_clean_before_it_is_damaged(db):
    build_program(db)
    assert found(db) == set()


@pytest.mark.parametrize("name", CASES)
def test_check_reports_each_bad_value_with_its_count_and_example_id(db, name):
    case = CASES[name]
    row_id = damaged_program(db, case)
    if db.backend == "postgresql" and case.postgres_view_type:
        # The view's column is of the wrong type as a whole: every row of it, reported once.
        expected = {(q.WRONG_TYPE, case.table, case.column, 0, ())}
    else:
        expected = {(case.sqlite_check, case.table, case.column, 1, (row_id,))}
        if db.backend == "sqlite":
            expected |= {(check, table, column, 1, (row_id,)) for check, table, column in ALSO_ON_SQLITE.get(name, ())}
    assert found(db) == expected


def test_on_sqlite_the_problem_quotes_the_value_of_the_wrong_type(tmp_path):
    db = ProgramDatabase(f"sqlite:///{tmp_path / 'program.sqlite'}")
    damaged_program(db, CASES["text caseload_cap"])
    with db.connect() as conn:
        (finding,) = q.check_database(conn, today=D)
    db.dispose()
    assert finding.problem == "care_teams.caseload_cap holds a value that is not a whole number (found 'twenty')"


def test_on_sqlite_every_column_of_every_contract_table_is_checked_for_its_type(tmp_path):
    """Text where a number, date or boolean belongs, a number where text belongs: in every column."""
    db = ProgramDatabase(f"sqlite:///{tmp_path / 'program.sqlite'}")
    build_program(db)
    expected = set()
    for table in Base.metadata.sorted_tables:
        key = q.key_column(table.name)
        with db.connect() as conn:
            first = conn.exec_driver_sql(f"SELECT min({key}) FROM {table.name}").scalar_one()
        for column in table.columns:
            if column.primary_key:  # SQLite's INTEGER PRIMARY KEY is the rowid: it takes integers only
                continue
            wrong = "X'00'" if q.type_family(column.type) == q.TEXT else "'garbage'"
            db.execute(
                "PRAGMA ignore_check_constraints = ON",  # a blob is not one of the allowed values either
                f"UPDATE {table.name} SET {column.name} = {wrong} WHERE {key} = {first}",
            )
            expected.add((table.name, column.name))
    with db.connect() as conn:
        findings = q.check_database(conn, today=D)
    db.dispose()
    typed = {(f.table, f.column) for f in findings if f.check in (q.WRONG_TYPE, q.NOT_A_DATE)}
    assert typed == expected


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_cli_exits_1_on_a_text_caseload_cap(db):
    team = damaged_program(db, CASES["text caseload_cap"])
    result = subprocess.run(
        [sys.executable, "-m", "lead_data", "check", "--url", db.url, "--today", D.isoformat()],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert (
        f"  - [wrong type] care_teams.caseload_cap holds a value that is not a whole number (found 'twenty'): "
        f"1 row (team_id {team})\n"
    ) in result.stdout


def test_a_text_coordinate_is_an_unknown_location_not_outside_the_city():
    longitudes = np.array([-76.6216, -76.6216, "west"], dtype=object)
    latitudes = np.array([39.2915, "north", 39.2915], dtype=object)
    assert locate(load_site(), longitudes, latitudes).tolist() == ["pilot_zone", LOCATION_UNKNOWN, LOCATION_UNKNOWN]


# --- the pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_every_page_opens_on_a_bad_value_and_a_figure_that_cannot_read_it_names_its_column(tmp_path, monkeypatch, name):
    case = CASES[name]
    db = ProgramDatabase(f"sqlite:///{tmp_path / 'program.sqlite'}")
    damaged_program(db, case)
    db.dispose()
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    stopped = set()
    for page in PAGES:
        at = open_app(page, as_of=D.isoformat())  # asserts there is no exception
        errors = [error.value for error in at.error]
        if errors:
            stopped.add(Path(page).stem)
            assert errors == [f"{OWN_MESSAGE}{case.table}.{case.column} ({case.sqlite_check}, 1 row). "
                              "See the Data quality page for the rows, and fix them in the source system."]  # fmt: skip
        if page == "pages/data_quality.py":
            listed = at.dataframe[0].value
            assert (case.sqlite_check, case.table, case.column) in set(
                zip(listed["check"], listed["table"], listed["column"], strict=True)
            )
    assert stopped == set(case.pages_stopped)


def test_the_outcomes_page_says_how_many_it_leaves_out_for_a_start_that_is_not_a_date(tmp_path, monkeypatch):
    db = ProgramDatabase(f"sqlite:///{tmp_path / 'program.sqlite'}")
    damaged_program(db, CASES["text date"])
    db.dispose()
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/outcomes.py", as_of=D.isoformat())
    assert [warning.value for warning in at.warning][:1] == [
        "1 participant(s) of this cohort have a first intake date that cannot be read as a date: the re-arrest "
        "figures leave them out. The Data quality page lists the rows to fix."
    ]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_referral_map_counts_a_text_latitude_as_location_unknown(db, monkeypatch):
    damaged_program(db, CASES["text latitude"])
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    shown = {metric.label: metric.value for metric in open_app("pages/referral_map.py", as_of=D.isoformat()).metric}
    assert shown["Location unknown"] == "3"  # the text one and the two referrals behind enrollments, without any
    assert shown["Outside Baltimore"] == "0"


# On PostgreSQL the view's column is of the wrong type: the figures' SQL fails on it (text compared
# with a date) or pandas does (text minus a number), on more pages than on SQLite.
PAGES_STOPPED_ON_POSTGRESQL = {
    "text caseload_cap": {"overview", "caseload", "participants", "weekly_meeting"},
    "text date": {
        "overview", "enrollment", "rearrests", "caseload", "participants", "weekly_meeting", "public_summary"
    },
}  # fmt: skip


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
@pytest.mark.parametrize("name", PAGES_STOPPED_ON_POSTGRESQL)
def test_on_postgresql_every_page_opens_on_a_view_of_the_wrong_type_and_names_its_column(db, monkeypatch, name):
    case = CASES[name]
    damaged_program(db, case)
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    stopped = set()
    for page in PAGES:
        errors = [error.value for error in open_app(page, as_of=D.isoformat()).error]
        if errors:
            stopped.add(Path(page).stem)
            assert errors == [f"{OWN_MESSAGE}{case.table}.{case.column} (wrong type). "
                              "See the Data quality page for the rows, and fix them in the source system."]  # fmt: skip
    assert stopped == PAGES_STOPPED_ON_POSTGRESQL[name]
