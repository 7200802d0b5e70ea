"""Checks a program database against ``DATA_CONTRACT.md``: every departure, with counts and example ids.

The schema comes first (tables or views, columns, loose type families, through ``inspect``), then
the rows: one scan per table counts the rows breaking each of its rules and, on SQLite, whose
columns take values of any type, the values stored as a type their column does not allow; each
rule some row breaks is read again for its count and first few keys (the rules joining two tables
are counted in one scan of their join, or read at once when they are the join's only one). A rule
the database's own constraints guarantee (a key or unique constraint; on PostgreSQL a validated
foreign key) is not checked row by row. Nothing is written or created, so the dashboard's read-only
connection is enough.

A missing table or column, or one of the wrong type, is reported once, and the row checks that
would need it are skipped. A check the database refuses to run becomes a "could not check" finding
and the other checks go on (each runs in a savepoint, so on PostgreSQL one failed statement does
not abort the rest). Errors in this module's own code are not caught: they are bugs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import (
    Boolean,
    ClauseElement,
    Column,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Float,
    FromClause,
    Integer,
    Numeric,
    String,
    Table,
    and_,
    case,
    func,
    inspect,
    literal,
    nulls_last,
    or_,
    select,
    text,
    true,
    type_coerce,
)
from sqlalchemy.engine import Inspector
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import sqltypes, visitors
from sqlalchemy.types import TypeEngine

from lead_data.access import needs
from lead_data.db import DatabaseProblem, describe_database_error, display_url, read_only_engine
from lead_data.models import (
    CONTACT_KINDS,
    CONTRACT_TABLES,
    ELIGIBILITY,
    EXIT_REASONS,
    HOUSING_STATUSES,
    INELIGIBLE_REASONS,
    OFFENSES,
    REFERRAL_TYPES,
    SERVICE_CATEGORIES,
    SEVERITIES,
    STAFF_ROLES,
    Base,
)
from lead_data.progress import StepProgress
from lead_data.site import Area, load_site
from lead_data.sqlfunctions import date_of

EXAMPLES = 5

# Exit statuses of ``python -m lead_data check``.
CLEAN_EXIT, FINDINGS_EXIT, CANNOT_OPEN_EXIT = 0, 1, 2

# The kinds of finding, as the report and the dashboard page show them.
MISSING_TABLE = "missing table"
MISSING_COLUMN = "missing column"
WRONG_TYPE = "wrong type"
MISSING_VALUE = "missing value"
NOT_ALLOWED = "not allowed"
DUPLICATE_VALUE = "duplicate value"
ORPHANED_REFERENCE = "orphaned reference"
NOT_A_DATE = "not a date"
IMPOSSIBLE_DATE = "impossible date"
INCONSISTENT = "inconsistent"
FUTURE_DATE = "future date"
OUTSIDE_CITY = "outside the city"
COULD_NOT_CHECK = "could not check"

CONTRACT: dict[str, Table] = {name: Base.metadata.tables[name] for name in CONTRACT_TABLES}

ALLOWED_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("staff", "role"): STAFF_ROLES,
    ("referrals", "referral_type"): REFERRAL_TYPES,
    ("referrals", "offense"): OFFENSES,
    ("referrals", "eligibility"): ELIGIBILITY,
    ("referrals", "ineligible_reason"): INELIGIBLE_REASONS,
    ("enrollments", "exit_reason"): EXIT_REASONS,
    ("arrests", "severity"): SEVERITIES,
    ("contacts", "kind"): CONTACT_KINDS,
    ("services", "category"): SERVICE_CATEGORIES,
    ("assessments", "housing"): HOUSING_STATUSES,
    ("comparison_people", "offense"): OFFENSES,
    ("comparison_arrests", "severity"): SEVERITIES,
}

# Type families: the contract's types compared loosely, by kind rather than by exact name.
INTEGER, TEXT, DATE, TIMESTAMP, REAL, BOOLEAN = "integer", "text", "date", "timestamp", "real", "boolean"
UNKNOWN, OTHER = "unknown", "other"


@dataclass(frozen=True)
class Finding:
    """One way the database departs from the contract."""

    check: str  # the kind of finding: one of the constants above
    table: str
    column: str | None  # None for a whole table; "latitude, longitude" for the coordinate pair
    problem: str  # one readable sentence
    rows: int  # how many rows break the rule (0 for schema findings)
    example_ids: tuple[int, ...]  # up to EXAMPLES primary keys, ascending


# --- the contract's shape -----------------------------------------------------------------------


def key_column(table: str) -> str:
    """The name of a contract table's key column (``enrollment_id`` for ``enrollments``)."""
    return CONTRACT[table].primary_key.columns.values()[0].name


def type_family(column_type: TypeEngine[Any], dialect_name: str = "") -> str:
    """The loose family of a column type as reflected from ``dialect_name``; UNKNOWN when it does not say."""
    if isinstance(column_type, sqltypes.NullType):
        return UNKNOWN
    if isinstance(column_type, Boolean):
        return BOOLEAN
    if isinstance(column_type, DateTime):
        return TIMESTAMP
    if isinstance(column_type, Date):
        return DATE
    if isinstance(column_type, Integer):
        return INTEGER
    if isinstance(column_type, Float):
        return REAL
    if isinstance(column_type, Numeric):
        # SQLite reflects every declared type name it does not recognise ("STRING", "MONEY", ...)
        # as plain NUMERIC, by its affinity rule: the real declared name is unknown.
        if dialect_name == "sqlite" and type(column_type) is sqltypes.NUMERIC:
            return UNKNOWN
        return REAL
    if isinstance(column_type, String):
        return TEXT
    return OTHER


def _acceptable(expected: str, found: str, dialect_name: str) -> bool:
    if found in (expected, UNKNOWN):
        return True
    # SQLite has no boolean storage: an INTEGER column of 0/1 is how most tools write one.
    return expected == BOOLEAN and found == INTEGER and dialect_name == "sqlite"


def _type_name(column_type: TypeEngine[Any], conn: Connection) -> str:
    try:
        return str(column_type.compile(dialect=conn.dialect))
    except SQLAlchemyError:  # a type the dialect cannot spell still has a class name
        return type(column_type).__name__.upper()


# --- checking -----------------------------------------------------------------------------------


@needs("participant_lists")
def check_database(conn: Connection, *, today: date, progress: StepProgress | None = None) -> list[Finding]:
    """Every way the database departs from the contract; empty when clean.

    ``today`` is the date after which any recorded date is in the future. Reads only, creates
    nothing. A check the database cannot run is a "could not check" finding; SQLAlchemyError is
    raised only when the database cannot be read at all (listing its tables fails). ``progress``,
    if given, is told before and after each table's scan how many tables and rows have been read.
    """
    findings: list[Finding] = []
    usable = _check_schema(conn, findings, CONTRACT_TABLES)
    findings += _check_rows(conn, _row_rules(today, conn.dialect.name), usable, CONTRACT_TABLES, progress)
    return findings


# Example ids and values, like check_database: the dashboard names only the columns to other roles.
@needs("participant_lists")
def unreadable_values(conn: Connection, tables: Iterable[str]) -> list[Finding]:
    """The findings that make values of ``tables`` unreadable to the figures, each naming its
    column: wrong types (of a column, or of values stored in it) and empty required values.

    The cheap part of ``check_database`` (one query per table, one per required column), for
    explaining why a figure over those tables failed.
    """
    wanted = [name for name in CONTRACT if name in set(tables)]
    findings: list[Finding] = []
    usable = _check_schema(conn, findings, wanted)
    findings += _check_rows(
        conn, (rule for name in wanted for rule in _required_value_rules(name, CONTRACT[name])), usable, wanted
    )
    return [finding for finding in findings if finding.check in (WRONG_TYPE, NOT_A_DATE, MISSING_VALUE)]


def contract_tables_read(statement: ClauseElement) -> set[str]:
    """The contract tables a statement reads, through any join, subquery or alias."""
    return {
        element.name
        for element in visitors.iterate(statement)
        if isinstance(element, Table) and element.name in CONTRACT
    }


def _check_rows(
    conn: Connection,
    rules: Iterable[_RowRule],
    usable: set[tuple[str, str]],
    tables: Iterable[str],
    progress: StepProgress | None = None,
) -> list[Finding]:
    """The values of ``tables`` stored as the wrong type (SQLite), then the rows breaking ``rules``.

    One scan per table counts both at once, and one scan per join the rules of two tables that share
    it; only what some row breaks is read again, for its first few keys. A table whose combined scan
    fails is checked the slow way instead, each part reporting for itself: its stored types in one
    query, its rules one by one (as are the rules of a join whose scan fails)."""
    inspector = inspect(conn)  # one for the whole check: it keeps what it has reflected
    runnable = [rule for rule in rules if rule.needs <= usable and not _enforced_by_database(conn, inspector, rule)]
    single_table: dict[str, list[_RowRule]] = {}
    for rule in runnable:
        if rule.source is None:
            single_table.setdefault(rule.table, []).append(rule)
    type_findings: list[Finding] = []
    broken: dict[int, int] = {}  # rows breaking each rule a scan counted, by id(rule)
    names = _distinct([*tables, *single_table])
    rows_read = 0
    for done, name in enumerate(names):
        if progress is not None:
            progress(done, len(names), rows_read)
        wrong = _wrongly_stored(conn, name, usable)
        table_rules = single_table.get(name, [])
        if not wrong and not table_rules:
            continue
        conditions = [condition for _, condition in wrong] + [rule.condition for rule in table_rules]
        tallied = _tally(conn, CONTRACT[name], conditions)
        rows_read += tallied[0] if tallied else 0
        counts = tallied[1:] if tallied else None
        if wrong:
            type_findings += _stored_type_findings(conn, name, wrong, counts[: len(wrong)] if counts else None)
        if counts:
            broken.update((id(rule), count) for rule, count in zip(table_rules, counts[len(wrong) :], strict=True))
    if progress is not None:
        progress(len(names), len(names), rows_read)
    by_join: dict[int, tuple[FromClause, list[_RowRule]]] = {}  # a join's only rule is counted as it is read
    for rule in runnable:
        if rule.source is not None:
            by_join.setdefault(id(rule.source), (rule.source, []))[1].append(rule)
    for source, join_rules in by_join.values():
        tallied = _tally(conn, source, [rule.condition for rule in join_rules]) if len(join_rules) > 1 else None
        if tallied:
            broken.update((id(rule), count) for rule, count in zip(join_rules, tallied[1:], strict=True))
    findings = type_findings
    for rule in runnable:
        if broken.get(id(rule)) == 0:
            continue
        finding = _run(conn, rule)
        if finding is not None:
            findings.append(finding)
    return findings


def _tally(conn: Connection, source: FromClause, conditions: list[ColumnElement[bool]]) -> tuple[int, ...] | None:
    """The rows of ``source`` (a table or join), then how many meet each condition, in one scan;
    None when the database refuses."""
    counts = [func.count(), *(func.count().filter(condition) for condition in conditions)]
    statement = select(*counts).select_from(source)
    try:
        with conn.begin_nested():
            return tuple(int(count) for count in conn.execute(statement).one())
    except SQLAlchemyError:
        return None


def _enforced_by_database(conn: Connection, inspector: Inspector, rule: _RowRule) -> bool:
    """Whether the database itself rules out what ``rule`` looks for, so that no row can break it:
    a primary key or unique constraint of a table (not a view) on the rule's column, or on
    PostgreSQL a validated foreign key to the row the contract names. (SQLite does not enforce
    foreign keys unless each writer asks it to, so there they are always checked.)"""
    if rule.check == DUPLICATE_VALUE:
        return rule.column in _unique_columns(inspector, rule.table)
    if rule.check == ORPHANED_REFERENCE and rule.column is not None and conn.dialect.name == "postgresql":
        (foreign_key,) = CONTRACT[rule.table].c[rule.column].foreign_keys
        referenced = foreign_key.column
        statement = text(
            "SELECT count(*) FROM pg_constraint AS c "
            "JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute AS r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND c.convalidated AND cardinality(c.conkey) = 1 "
            "AND c.conrelid = to_regclass(:table) AND c.confrelid = to_regclass(:referenced_table) "
            "AND a.attname = :column AND r.attname = :referenced_column"
        )
        inputs = {
            "table": rule.table,
            "column": rule.column,
            "referenced_table": referenced.table.name,
            "referenced_column": referenced.name,
        }
        with conn.begin_nested():
            return bool(conn.execute(statement, inputs).scalar_one())
    return False


def _unique_columns(inspector: Inspector, name: str) -> set[str]:
    """The single columns a key or unique constraint (or unique index) of table ``name`` keeps
    unique; none for a view, whose rows nothing constrains."""
    if name not in inspector.get_table_names():
        return set()
    keys: list[Sequence[str | None]] = [inspector.get_pk_constraint(name).get("constrained_columns") or []]
    keys += [constraint["column_names"] for constraint in inspector.get_unique_constraints(name)]
    keys += [index["column_names"] for index in inspector.get_indexes(name) if index.get("unique")]
    return {column for columns in keys if len(columns) == 1 and (column := columns[0]) is not None}


def _check_schema(conn: Connection, findings: list[Finding], tables: Iterable[str]) -> set[tuple[str, str]]:
    """Report missing tables, columns and wrong types of ``tables``; return the (table, column)
    pairs fit to query."""
    dialect_name = conn.dialect.name
    inspector = inspect(conn)
    present = set(inspector.get_table_names()) | set(inspector.get_view_names())
    try:
        present |= set(inspector.get_materialized_view_names())
    except NotImplementedError:
        pass
    usable: set[tuple[str, str]] = set()
    for name in tables:
        table = CONTRACT[name]
        if name not in present:
            findings.append(Finding(MISSING_TABLE, name, None, f"table {name} is missing (no table or view)", 0, ()))
            continue
        try:
            with conn.begin_nested():
                reflected = {column["name"]: column["type"] for column in inspector.get_columns(name)}
        except SQLAlchemyError as error:
            findings.append(_could_not_check(name, None, f"the columns of {name}", error))
            continue
        for column in table.columns:
            if column.name not in reflected:
                findings.append(Finding(MISSING_COLUMN, name, column.name, f"{name}.{column.name} is missing", 0, ()))
                continue
            expected = type_family(column.type)
            found = type_family(reflected[column.name], dialect_name)
            if not _acceptable(expected, found, dialect_name):
                declared = _type_name(reflected[column.name], conn)
                problem = f"{name}.{column.name} is of type {declared}, but the contract says {expected}"
                findings.append(Finding(WRONG_TYPE, name, column.name, problem, 0, ()))
                continue
            usable.add((name, column.name))
    return usable


@dataclass(frozen=True)
class _RowRule:
    """Rows of ``table`` (joined as ``source`` says) that meet ``condition`` break the rule."""

    check: str
    table: str
    column: str | None
    problem: str
    condition: ColumnElement[bool]
    source: FromClause | None = None
    shown: ColumnElement[Any] | None = None  # values quoted from the example rows

    @property
    def needs(self) -> frozenset[tuple[str, str]]:
        """Every contract column the rule's SQL touches, so a rule runs only when they all exist."""
        parts: list[Any] = [self.condition, CONTRACT[self.table].c[key_column(self.table)]]
        parts += [part for part in (self.source, self.shown) if part is not None]
        return frozenset(
            (base.table.name, base.name)
            for part in parts
            for element in visitors.iterate(part)
            for base in getattr(element, "base_columns", ())
            if isinstance(getattr(base, "table", None), Table)
        )


def _run(conn: Connection, rule: _RowRule) -> Finding | None:
    table = CONTRACT[rule.table]
    key = table.c[key_column(rule.table)]
    columns: list[ColumnElement[Any]] = [key.label("example_id"), func.count().over().label("total")]
    if rule.shown is not None:
        columns.append(rule.shown.label("shown"))
    statement = (
        select(*columns)
        .select_from(rule.source if rule.source is not None else table)
        .where(rule.condition)
        .order_by(nulls_last(key))
        .limit(EXAMPLES)
    )
    try:
        with conn.begin_nested():
            rows = conn.execute(statement).all()
    except SQLAlchemyError as error:
        return _could_not_check(rule.table, rule.column, f"whether {rule.problem}", error)
    if not rows:
        return None
    problem = rule.problem
    if rule.shown is not None:
        shown = _distinct(repr(row.shown) for row in rows)
        problem = f"{problem} (found {', '.join(shown)})"
    example_ids = tuple(_distinct(row.example_id for row in rows if _is_id(row.example_id)))
    return Finding(rule.check, rule.table, rule.column, problem, int(rows[0].total), example_ids)


def _could_not_check(table: str, column: str | None, what: str, error: SQLAlchemyError) -> Finding:
    return Finding(COULD_NOT_CHECK, table, column, f"could not check {what}: {describe_database_error(error)}", 0, ())


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _distinct(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


# --- values of the wrong type (SQLite) ----------------------------------------------------------


# SQLite's type affinity stores whatever it is given: text in an INTEGER column, a float in a key, a
# date that does not exist. What the contract's type allows, as SQL on SQLite's own storage classes;
# dates must be ISO text whose day survives a round trip through julianday() (date() alone accepts
# 2024-02-30; the round trip rolls it over to 2024-03-01).
@dataclass(frozen=True)
class _StoredAs:
    check: str  # the kind of finding for a value stored otherwise
    must_be: str  # what a value must be, for the problem's sentence
    condition: Callable[[ColumnElement[Any]], ColumnElement[bool]]  # true for a non-null value stored right


def _is_iso_day(value: ColumnElement[Any]) -> ColumnElement[bool]:
    return func.date(func.julianday(value)).is_not_distinct_from(func.substr(value, 1, 10))


_STORED_AS: dict[str, _StoredAs] = {
    INTEGER: _StoredAs(WRONG_TYPE, "a whole number", lambda c: func.typeof(c) == "integer"),
    REAL: _StoredAs(WRONG_TYPE, "a number", lambda c: func.typeof(c).in_(["integer", "real"])),
    TEXT: _StoredAs(WRONG_TYPE, "text", lambda c: func.typeof(c) == "text"),
    BOOLEAN: _StoredAs(
        WRONG_TYPE,
        "true or false (1 or 0)",
        lambda c: and_(func.typeof(c) == "integer", type_coerce(c, Integer).in_([0, 1])),
    ),
    DATE: _StoredAs(
        NOT_A_DATE, "an ISO date (YYYY-MM-DD text)", lambda c: and_(func.typeof(c) == "text", _is_iso_day(c))
    ),
    TIMESTAMP: _StoredAs(
        NOT_A_DATE,
        "an ISO date and time (YYYY-MM-DD HH:MM:SS text)",
        lambda c: and_(func.typeof(c) == "text", func.datetime(c).is_not(None), _is_iso_day(c)),
    ),
}


def _stored_as_contract_says(column: ColumnElement[Any], family: str, dialect_name: str) -> ColumnElement[bool]:
    """True where a value of ``column`` is stored as its contract type ``family`` says; always on
    PostgreSQL, whose column types allow nothing else."""
    if dialect_name != "sqlite" or family not in _STORED_AS:
        return true()
    return _STORED_AS[family].condition(column)


def _wrongly_stored(
    conn: Connection, name: str, usable: set[tuple[str, str]]
) -> list[tuple[Column[Any], ColumnElement[bool]]]:
    """On SQLite, each usable column of table ``name`` with the condition true for a value stored
    as something its contract type does not allow; none on PostgreSQL, or without a usable key."""
    table = CONTRACT[name]
    if conn.dialect.name != "sqlite" or (name, key_column(name)) not in usable:
        return []
    return [
        (column, and_(column.is_not(None), ~_stored_as_contract_says(column, type_family(column.type), "sqlite")))
        for column in table.columns
        if (name, column.name) in usable
    ]


def _stored_type_findings(
    conn: Connection,
    name: str,
    wrong: list[tuple[Column[Any], ColumnElement[bool]]],
    counts: tuple[int, ...] | None,
) -> list[Finding]:
    """A finding for each column of ``wrong`` with values stored wrongly, quoting the first few by key
    (read through the key's index). ``counts`` are the wrong values of each column, counted here when
    not given."""
    key = CONTRACT[name].c[key_column(name)]
    findings = []
    try:
        with conn.begin_nested():
            if counts is None:
                tallies = select(*(func.count().filter(condition) for _, condition in wrong)).select_from(
                    CONTRACT[name]
                )
                counts = tuple(conn.execute(tallies).one())
            for (column, condition), rows in zip(wrong, counts, strict=True):
                if not rows:
                    continue
                first = select(key.label("example_id"), func.quote(column).label("shown"))
                examples = conn.execute(first.where(condition).order_by(key).limit(EXAMPLES)).all()
                stored_as = _STORED_AS[type_family(column.type)]
                shown = ", ".join(_distinct(example.shown for example in examples))
                problem = f"{name}.{column.name} holds a value that is not {stored_as.must_be} (found {shown})"
                example_ids = tuple(_distinct(example.example_id for example in examples if _is_id(example.example_id)))
                findings.append(Finding(stored_as.check, name, column.name, problem, int(rows), example_ids))
    except SQLAlchemyError as error:
        return [_could_not_check(name, None, f"the types of the values in {name}", error)]
    return findings


# --- the rules ----------------------------------------------------------------------------------


def _day(value: date) -> ColumnElement[Any]:
    return literal(value, Date())


def _row_rules(today: date, dialect_name: str) -> Iterator[_RowRule]:
    """Every row-level rule of the contract, table by table."""
    for name, table in CONTRACT.items():
        yield from _generic_rules(name, table, today, dialect_name)
        if name in _SPECIFIC_RULES:
            yield from _SPECIFIC_RULES[name](dialect_name)


def _required_value_rules(name: str, table: Table) -> Iterator[_RowRule]:
    for column in table.columns:
        if not column.nullable:
            problem = f"{name}.{column.name} is empty, but the contract requires a value"
            yield _RowRule(MISSING_VALUE, name, column.name, problem, column.is_(None))


def _generic_rules(name: str, table: Table, today: date, dialect_name: str) -> Iterator[_RowRule]:
    """Rules that follow from the columns' declarations: not null, allowed values, keys, dates.
    (Values of the wrong type are found by ``_wrongly_stored``.)"""
    yield from _required_value_rules(name, table)
    for column in table.columns:
        allowed = ALLOWED_VALUES.get((name, column.name))
        if allowed:
            problem = f"{name}.{column.name} holds a value that is not one of {', '.join(allowed)}"
            # A chain of != rather than NOT IN (...): the same answer, and SQLite's NOT IN probes a
            # temporary index per row (0.4 s more over 2,000,000 contacts).
            condition = and_(column.is_not(None), *(column != value for value in allowed))
            yield _RowRule(NOT_ALLOWED, name, column.name, problem, condition, shown=column)
    for column in table.columns:
        if column.primary_key or column.unique:
            other = table.alias(f"other_{name}")
            repeated = (
                select(other.c[column.name])
                .where(other.c[column.name].is_not(None))
                .group_by(other.c[column.name])
                .having(func.count() > 1)
            )
            problem = f"{name}.{column.name} repeats a value that must be unique"
            yield _RowRule(DUPLICATE_VALUE, name, column.name, problem, column.in_(repeated))
    for column in table.columns:
        for foreign_key in column.foreign_keys:
            referenced = foreign_key.column
            problem = f"{name}.{column.name} refers to a row of {referenced.table.name} that does not exist"
            # NOT IN an uncorrelated list: the database builds the set of keys once (a correlated
            # NOT EXISTS looks each row up alone, three times slower over millions of contacts);
            # the list leaves out nulls, which would make NOT IN unknown for every row.
            keys = select(referenced).where(referenced.is_not(None))
            condition = and_(column.is_not(None), column.not_in(keys))
            yield _RowRule(ORPHANED_REFERENCE, name, column.name, problem, condition)
    dated = [column for column in table.columns if isinstance(column.type, (Date, DateTime))]
    for column in dated:
        problem = f"{name}.{column.name} is after today ({today.isoformat()})"
        yield _RowRule(FUTURE_DATE, name, column.name, problem, date_of(column) > _day(today))


_teams, _referrals, _enrollments, _arrests, _services, _consents = (
    CONTRACT[name] for name in ("care_teams", "referrals", "enrollments", "arrests", "services", "consents")
)


def _before(table: Table, later: str, earlier: str) -> _RowRule:
    problem = f"{table.name}.{later} is before {earlier}"
    condition = date_of(table.c[later]) < date_of(table.c[earlier])
    return _RowRule(IMPOSSIBLE_DATE, table.name, later, problem, condition)


def _coordinate_rules(table: Table, dialect_name: str) -> Iterator[_RowRule]:
    latitude, longitude = table.c.latitude, table.c.longitude
    site = load_site()
    # A coordinate that is not a number is a wrong type, not a place outside the city.
    numbers = and_(*(_stored_as_contract_says(part, REAL, dialect_name) for part in (latitude, longitude)))
    problem = f"{table.name}.latitude/longitude lie outside {site.city_name} (the boundary in {site.file})"
    outside = _crossings(site.city, longitude, latitude) % 2 == 0
    condition = and_(latitude.is_not(None), longitude.is_not(None), numbers, outside)
    yield _RowRule(OUTSIDE_CITY, table.name, "latitude, longitude", problem, condition)
    problem = f"{table.name} has a latitude without a longitude, or a longitude without a latitude"
    condition = or_(and_(latitude.is_(None), longitude.is_not(None)), and_(latitude.is_not(None), longitude.is_(None)))
    yield _RowRule(INCONSISTENT, table.name, "latitude, longitude", problem, condition)


def _crossings(area: Area, longitude: ColumnElement[Any], latitude: ColumnElement[Any]) -> ColumnElement[Any]:
    """How many edges of ``area`` a ray from the point due east crosses: odd inside, even outside.

    Point-in-polygon in portable SQL, so the check counts in the database like every other rule.
    An edge (x1, y1)-(x2, y2) is crossed when the point's latitude lies in [lower y, upper y) and
    its longitude is west of the edge at that latitude.
    """
    crossed = []
    for ring in area.rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if y1 == y2:
                continue  # a ray along a level edge crosses nothing
            slope = (x2 - x1) / (y2 - y1)
            edge_longitude = literal(x1, Float()) + (latitude - literal(y1, Float())) * literal(slope, Float())
            within = and_(latitude >= literal(min(y1, y2), Float()), latitude < literal(max(y1, y2), Float()))
            crossed.append(case((and_(within, longitude < edge_longitude), 1), else_=0))
    return sum(crossed[1:], crossed[0])


def _care_team_rules(dialect_name: str) -> Iterator[_RowRule]:
    problem = "care_teams.caseload_cap is not a positive number"
    cap = _teams.c.caseload_cap
    yield _RowRule(NOT_ALLOWED, "care_teams", "caseload_cap", problem, cap <= 0, shown=cap)


def _referral_rules(dialect_name: str) -> Iterator[_RowRule]:
    referrals = _referrals.c
    problem = "referrals.sao_verified_on is before the referral date (referred_at)"
    condition = date_of(referrals.sao_verified_on) < date_of(referrals.referred_at)
    yield _RowRule(IMPOSSIBLE_DATE, "referrals", "sao_verified_on", problem, condition)
    problem = "referrals.ineligible_reason is set, but eligibility is not 'ineligible'"
    condition = and_(
        referrals.ineligible_reason.is_not(None),
        or_(referrals.eligibility.is_(None), referrals.eligibility != "ineligible"),
    )
    yield _RowRule(INCONSISTENT, "referrals", "ineligible_reason", problem, condition)
    yield from _coordinate_rules(_referrals, dialect_name)


def _enrollment_rules(dialect_name: str) -> Iterator[_RowRule]:
    enrollments, referrals = _enrollments.c, _referrals.c
    with_referral = _enrollments.join(_referrals, enrollments.referral_id == referrals.referral_id)
    yield _before(_enrollments, "exited_on", "intake_on")
    problem = "enrollments.intake_on is before the date of its referral (referrals.referred_at)"
    condition = date_of(enrollments.intake_on) < date_of(referrals.referred_at)
    yield _RowRule(IMPOSSIBLE_DATE, "enrollments", "intake_on", problem, condition, source=with_referral)
    problem = "enrollments.exit_reason is set, but exited_on is empty"
    condition = and_(enrollments.exit_reason.is_not(None), enrollments.exited_on.is_(None))
    yield _RowRule(INCONSISTENT, "enrollments", "exit_reason", problem, condition)
    problem = "enrollments.exited_on is set, but exit_reason is empty"
    condition = and_(enrollments.exited_on.is_not(None), enrollments.exit_reason.is_(None))
    yield _RowRule(INCONSISTENT, "enrollments", "exited_on", problem, condition)
    problem = "enrollments.participant_id is not the participant of its referral"
    condition = enrollments.participant_id != referrals.participant_id
    yield _RowRule(INCONSISTENT, "enrollments", "participant_id", problem, condition, source=with_referral)


def _arrest_rules(dialect_name: str) -> Iterator[_RowRule]:
    arrests, referrals = _arrests.c, _referrals.c
    with_referral = _arrests.join(_referrals, arrests.referral_id == referrals.referral_id)
    problem = "arrests.participant_id is not the participant of the referral it was diverted to"
    condition = arrests.participant_id != referrals.participant_id
    yield _RowRule(INCONSISTENT, "arrests", "participant_id", problem, condition, source=with_referral)
    yield from _coordinate_rules(_arrests, dialect_name)


def _service_rules(dialect_name: str) -> Iterator[_RowRule]:
    yield _before(_services, "started_on", "referred_on")


def _consent_rules(dialect_name: str) -> Iterator[_RowRule]:
    yield _before(_consents, "revoked_on", "signed_on")


# Version 2 of the contract: the outcome tables.

_assessments, _bookings, _comparison_people, _comparison_arrests = (
    CONTRACT[name] for name in ("assessments", "bookings", "comparison_people", "comparison_arrests")
)


def _assessment_rules(dialect_name: str) -> Iterator[_RowRule]:
    # A case manager assesses people in the program, so never before their first referral.
    assessments, referrals = _assessments.c, _referrals.c
    first_referral = (
        select(func.min(date_of(referrals.referred_at)))
        .where(referrals.participant_id == assessments.participant_id)
        .scalar_subquery()
    )
    problem = "assessments.assessed_on is before the participant's first referral (referrals.referred_at)"
    condition = date_of(assessments.assessed_on) < first_referral
    yield _RowRule(IMPOSSIBLE_DATE, "assessments", "assessed_on", problem, condition)


def _booking_rules(dialect_name: str) -> Iterator[_RowRule]:
    bookings, arrests = _bookings.c, _arrests.c
    with_arrest = _bookings.join(_arrests, bookings.arrest_id == arrests.arrest_id)
    yield _before(_bookings, "released_on", "booked_on")
    problem = "bookings.booked_on is before the date of its arrest (arrests.arrested_at)"
    condition = date_of(bookings.booked_on) < date_of(arrests.arrested_at)
    yield _RowRule(IMPOSSIBLE_DATE, "bookings", "booked_on", problem, condition, source=with_arrest)
    problem = "bookings.participant_id is not the participant of its arrest"
    condition = bookings.participant_id != arrests.participant_id
    yield _RowRule(INCONSISTENT, "bookings", "participant_id", problem, condition, source=with_arrest)


def _comparison_person_rules(dialect_name: str) -> Iterator[_RowRule]:
    yield _before(_comparison_people, "index_on", "date_of_birth")


def _comparison_arrest_rules(dialect_name: str) -> Iterator[_RowRule]:
    arrests, people = _comparison_arrests.c, _comparison_people.c
    with_person = _comparison_arrests.join(_comparison_people, arrests.person_id == people.person_id)
    problem = "comparison_arrests.arrested_at is before the person's date of birth (comparison_people.date_of_birth)"
    condition = date_of(arrests.arrested_at) < date_of(people.date_of_birth)
    yield _RowRule(IMPOSSIBLE_DATE, "comparison_arrests", "arrested_at", problem, condition, source=with_person)


_SPECIFIC_RULES = {
    "care_teams": _care_team_rules,
    "referrals": _referral_rules,
    "enrollments": _enrollment_rules,
    "arrests": _arrest_rules,
    "services": _service_rules,
    "consents": _consent_rules,
    "assessments": _assessment_rules,
    "bookings": _booking_rules,
    "comparison_people": _comparison_person_rules,
    "comparison_arrests": _comparison_arrest_rules,
}


# --- presenting ---------------------------------------------------------------------------------

FRAME_COLUMNS = ("check", "table", "column", "problem", "rows", "example_ids")


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """One row per finding; ``example_ids`` as text ("3, 7, 12") so it displays as written."""
    records = [
        {
            "check": finding.check,
            "table": finding.table,
            "column": finding.column,
            "problem": finding.problem,
            "rows": finding.rows,
            "example_ids": ", ".join(str(example) for example in finding.example_ids),
        }
        for finding in findings
    ]
    return pd.DataFrame(records, columns=list(FRAME_COLUMNS)).astype({"rows": "int64"})


def format_report(findings: list[Finding], *, url_for_display: str) -> str:
    """A readable report: what was checked, then the findings grouped by table."""
    lines = [f"Checked {url_for_display} against DATA_CONTRACT.md.", ""]
    if not findings:
        lines.append("No problems found.")
        return "\n".join(lines) + "\n"
    tables = _distinct(finding.table for finding in findings)
    lines.append(f"{_plural(len(findings), 'problem')} found in {_plural(len(tables), 'table')}:")
    order = {name: index for index, name in enumerate(CONTRACT)}
    for table in sorted(tables, key=lambda name: order.get(name, len(order))):
        in_table = [finding for finding in findings if finding.table == table]
        lines += ["", f"{table} ({_plural(len(in_table), 'problem')})"]
        for finding in in_table:
            lines.append(f"  - [{finding.check}] {finding.problem}{_rows_text(finding)}")
    lines += ["", "Fix these in the source system, then run the check again."]
    return "\n".join(lines) + "\n"


def _rows_text(finding: Finding) -> str:
    if not finding.rows:
        return ""
    text = f": {_plural(finding.rows, 'row')}"
    if finding.example_ids:
        key = key_column(finding.table) if finding.table in CONTRACT else "id"
        first = "first " if finding.rows > len(finding.example_ids) else ""
        text += f" ({first}{key} {', '.join(str(example) for example in finding.example_ids)})"
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def check_url(url: str, *, today: date, progress: StepProgress | None = None) -> list[Finding]:
    """Open ``url`` read-only and check it; DatabaseProblem (one line) when it cannot be opened or read."""
    try:
        engine = read_only_engine(url)
    except SQLAlchemyError as error:
        raise DatabaseProblem(f"cannot open {display_url(url)}: {describe_database_error(error)}") from error
    except ImportError as error:
        raise DatabaseProblem(
            f"cannot open {display_url(url)}: its database driver is not installed ({error.name or error})"
        ) from error
    try:
        with engine.connect() as conn:
            return check_database(conn, today=today, progress=progress)
    except SQLAlchemyError as error:
        raise DatabaseProblem(f"cannot read {display_url(url)}: {describe_database_error(error)}") from error
    finally:
        engine.dispose()
