"""The pages' only road to the database: which one, opened read-only, queried through a cache.

A page calls ``load(enrollment.some_figure, as_of=..., ...)``. Results are cached on the database URL,
the figure and its inputs; a database error stops the page with a plain message (and a log line)
instead of a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import streamlit as st
from sqlalchemy import Engine, event
from sqlalchemy.exc import DataError, InvalidRequestError, ProgrammingError, SQLAlchemyError

from lead_data.db import (
    DATABASE_URL_VARIABLE,
    SECRETS_FILE,
    DatabaseChoice,
    DatabaseProblem,
    choose_database,
    demo_database_path,
    describe_database_error,
    missing_tables,
    read_only_engine,
)
from lead_data.demo import write_demo
from lead_data.figures import quality
from ui import runlog
from ui.access import may_see_the_database_address, require_figure

log = logging.getLogger("lead_dashboard")
Figure = TypeVar("Figure")
QUERY_CACHE_SECONDS = 300


def database() -> DatabaseChoice:
    """The database this dashboard reads; the demo database is generated on first use."""
    try:
        choice = choose_database()
    except DatabaseProblem as problem:
        stop_with_problem(str(problem))
    if choice.is_demo and not demo_database_path().is_file():
        _generate_demo()
    return choice


@st.cache_resource(show_spinner="Generating the demo database (first run only)…")
def _generate_demo() -> None:
    counts = write_demo(demo_database_path())
    log.info("generated demo database at %s: %s", demo_database_path(), counts)


@st.cache_resource(show_spinner=False, on_release=Engine.dispose)
def engine(url: str) -> Engine:
    """The read-only engine of ``url``: one per server, its connections pooled for every session."""
    return read_only_engine(url)


@st.cache_data(ttl=60, show_spinner=False)
def _missing_tables(url: str) -> list[str]:
    with engine(url).connect() as conn:
        return missing_tables(conn)


def require_database() -> DatabaseChoice:
    """Stop the page with what to do when the database is missing, unreachable or not the contract's.

    The connection is checked on every run (cheaply: taking a pooled connection pings it), so an
    outage shows at once instead of cached figures, and recovery needs no restart; the tables, one
    catalogue query, once a minute.
    """
    choice = database()
    where = f"Database: {choice.display_url}."
    try:
        with engine(choice.url).connect():
            pass  # taking a pooled connection pings the database (see lead_data.db.read_only_engine)
        missing = _missing_tables(choice.url)
    except DatabaseProblem as problem:
        stop_with_problem("The program database cannot be opened.", detail=f"{where} {problem}")
    except SQLAlchemyError as error:
        stop_with_problem(
            "The program database is unavailable. Figures will return when it answers again: reload the page "
            "in a moment, or tell the database's administrator.",
            detail=f"{where} {describe_database_error(error)}",
        )
    if missing:
        stop_with_problem(
            f"The database is not a LEAD program database: it lacks the table(s) {', '.join(missing)}.",
            detail=f"{where} Point {DATABASE_URL_VARIABLE} or {SECRETS_FILE} at a database that has the tables "
            "of DATA_CONTRACT.md (or SQL views with those names).",
        )
    return choice


def load(figure: Callable[..., Figure], /, **inputs: Any) -> Figure:
    """The value of a ``lead_data`` query function on the dashboard's database, if the viewer's role
    may see it. What the figure declares the role decides (e.g. ``with_names``) comes from the role,
    never from the page."""
    inputs = with_role_decisions(figure, inputs)
    choice = database()
    runlog.note_figure(figure, inputs)
    try:
        # The spinner appears only when the figure takes over half a second, i.e. on a cache miss.
        with st.spinner(f"Loading {figure.__name__.replace('_', ' ')}…"):
            return _cached_figure(choice.url, f"{figure.__module__}.{figure.__qualname__}", figure, **inputs)
    except (SQLAlchemyError, DatabaseProblem, *UNREADABLE_VALUE_ERRORS) as error:
        message, detail = failure_message(choice.url, figure, inputs, error)
        stop_with_problem(message, detail=detail)


def load_later(figure: Callable[..., Figure], /, **inputs: Any) -> Callable[[], Figure]:
    """``load`` put off until the returned function is called: the viewer's role is checked now, the
    figure runs (uncached) then. For a download button's file, made on the click outside the page's
    run, where ``load``'s session, spinner and messages do not exist: a failure is logged and raised."""
    inputs = with_role_decisions(figure, inputs)
    url = database().url

    def run() -> Figure:
        try:
            with engine(url).connect() as conn:
                return figure(conn, **inputs)
        except SQLAlchemyError as error:
            log.error("%s failed for a download: %s", figure.__name__, describe_database_error(error))
            raise

    return run


def with_role_decisions(figure: Callable[..., Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """``inputs`` and what the viewer's role decides for ``figure``; stops the page if the role may not
    run it."""
    decided_by_role = require_figure(figure)
    if decided_by_role.keys() & inputs.keys():
        raise TypeError(
            f"{figure.__name__}: {', '.join(decided_by_role)} is decided by the viewer's role, not the page"
        )
    return {**inputs, **decided_by_role}


# What Python, pandas and pyarrow raise on a value of the wrong type (text in a number column, a date
# that does not exist, a NULL where a figure needs a value): pyarrow's and pandas' errors subclass these.
UNREADABLE_VALUE_ERRORS = (TypeError, ValueError, ArithmeticError)
# What the database raises on one, e.g. a view's text column compared with a date on PostgreSQL
# (ProgrammingError), text it cannot cast (DataError), a column type SQLAlchemy cannot read.
UNREADABLE_VALUE_SQL_ERRORS = (DataError, ProgrammingError, InvalidRequestError)


def failure_message(url: str, figure: Callable[..., Any], inputs: dict[str, Any], error: Exception) -> tuple[str, str]:
    """What to tell the viewer when ``figure`` failed, and the technical detail: the columns it reads
    that hold values of the wrong type when there are any, else that the database could not answer, and why."""
    if isinstance(error, UNREADABLE_VALUE_ERRORS):
        log.error("%s failed on a value it cannot read", figure.__name__, exc_info=error)
    if isinstance(error, (*UNREADABLE_VALUE_ERRORS, *UNREADABLE_VALUE_SQL_ERRORS)):
        findings = _unreadable_values(url, f"{figure.__module__}.{figure.__qualname__}", figure, **inputs)
        if findings or isinstance(error, UNREADABLE_VALUE_ERRORS):
            return _unreadable_value_message(figure.__name__, findings), ""
    detail = describe_database_error(error) if isinstance(error, SQLAlchemyError) else str(error)
    return (
        f"The program database could not answer ({figure.__name__}). It may be unavailable or "
        "not match DATA_CONTRACT.md. Reload the page to try again.",
        f"Details: {detail}",
    )


@st.cache_data(ttl=QUERY_CACHE_SECONDS, max_entries=200, show_spinner=False)
def _unreadable_values(
    url: str, figure_name: str, _figure: Callable[..., Any], /, **inputs: Any
) -> list[quality.Finding]:
    """What makes values unreadable in the tables a failed figure reads.

    The figure is run once more, uncached, to record the tables its statements read (its failure is
    already logged); then only those tables are checked, one query per table (and per required column).
    """
    tables: set[str] = set()

    def record(conn: Any, statement: Any, *arguments: Any) -> None:
        tables.update(quality.contract_tables_read(statement))

    try:
        with engine(url).connect() as conn:
            event.listen(conn, "before_execute", record)
            try:
                _figure(conn, **inputs)
            except (*UNREADABLE_VALUE_ERRORS, *UNREADABLE_VALUE_SQL_ERRORS):
                pass
        # A fresh connection: on PostgreSQL the failed statement aborted the other one's transaction.
        with engine(url).connect() as conn:
            return quality.unreadable_values(conn, tables)
    except SQLAlchemyError as error:
        log.error("could not check the values %s reads: %s", figure_name, describe_database_error(error))
        return []


def _unreadable_value_message(figure_name: str, findings: list[quality.Finding]) -> str:
    """Names the columns, with kinds and counts but not the values or ids: a value in the wrong column
    may be a name, and the page's viewer may not be allowed to see rows (the Data quality page lists them)."""
    if not findings:
        return (
            f"The program database has a value the dashboard cannot read ({figure_name}). "
            "See the Data quality page for values that break DATA_CONTRACT.md, and fix them in the source system."
        )
    where = "; ".join(f"{finding.table}.{finding.column} ({_kind_and_count(finding)})" for finding in findings)
    return (
        f"The program database has a value the dashboard cannot read in {where}. "
        "See the Data quality page for the rows, and fix them in the source system."
    )


def _kind_and_count(finding: quality.Finding) -> str:
    if not finding.rows:
        return finding.check
    return f"{finding.check}, {finding.rows:,} row{'' if finding.rows == 1 else 's'}"


@st.cache_data(ttl=QUERY_CACHE_SECONDS, max_entries=2000, show_spinner=False)
def _cached_figure(url: str, figure_name: str, _figure: Callable[..., Figure], /, **inputs: Any) -> Figure:
    # Functions cannot be hashed: the figure's qualified name stands for it in the cache key.
    runlog.note_computed()  # only a cache miss gets here
    with engine(url).connect() as conn:
        return _figure(conn, **inputs)


def stop_with_problem(message: str, *, detail: str = "") -> NoReturn:
    """Stop the page with ``message``; the technical ``detail`` (the database's address, the driver's
    error) goes to the log, and on screen only to roles that may see where the database is."""
    log.error("%s %s", message, detail)
    shown = f"{message} {detail}" if detail and may_see_the_database_address() else message
    st.error(shown, icon=":material/database_off:")
    st.stop()
