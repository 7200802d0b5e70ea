"""The pages' only road to the database: which one, opened read-only, queried through a cache.

A page calls ``load(queries.some_figure, as_of=..., ...)``. Results are cached on the database URL,
the figure and its inputs; a database error stops the page with a plain message (and a log line)
instead of a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import streamlit as st
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

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
from ui import runlog
from ui.access import require_figure

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


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return read_only_engine(url)


@st.cache_data(ttl=60, show_spinner=False)
def _missing_tables(url: str) -> list[str]:
    return missing_tables(_engine(url))


def require_database() -> DatabaseChoice:
    """Stop the page with what to do when the database is missing, unreachable or not the contract's.

    The connection is checked on every run (cheaply: one pooled ping), so an outage shows at once
    instead of cached figures, and recovery needs no restart.
    """
    choice = database()
    try:
        with _engine(choice.url).connect() as conn:
            conn.execute(select(1))
        missing = _missing_tables(choice.url)
    except DatabaseProblem as problem:
        stop_with_problem(f"The program database at {choice.display_url} cannot be opened. {problem}")
    except SQLAlchemyError as error:
        stop_with_problem(
            f"The program database at {choice.display_url} is unavailable ({describe_database_error(error)}). "
            "Figures will return when it answers again: reload the page in a moment, "
            "or tell the database's administrator."
        )
    if missing:
        stop_with_problem(
            f"The database at {choice.display_url} is not a LEAD program database: it lacks the "
            f"table(s) {', '.join(missing)}. Point {DATABASE_URL_VARIABLE} or {SECRETS_FILE} at a "
            "database that has the tables of DATA_CONTRACT.md (or SQL views with those names)."
        )
    return choice


def load(figure: Callable[..., Figure], /, **inputs: Any) -> Figure:
    """The value of a ``lead_data`` query function on the dashboard's database, if the viewer's role
    may see it. What the figure declares the role decides (e.g. ``with_names``) comes from the role,
    never from the page."""
    decided_by_role = require_figure(figure)
    if decided_by_role.keys() & inputs.keys():
        raise TypeError(
            f"{figure.__name__}: {', '.join(decided_by_role)} is decided by the viewer's role, not the page"
        )
    inputs = {**inputs, **decided_by_role}
    choice = database()
    runlog.note_figure(figure.__name__)
    try:
        # The spinner appears only when the figure takes over half a second, i.e. on a cache miss.
        with st.spinner(f"Loading {figure.__name__.replace('_', ' ')}…"):
            return _cached_figure(choice.url, f"{figure.__module__}.{figure.__qualname__}", figure, **inputs)
    except (SQLAlchemyError, DatabaseProblem) as error:
        detail = describe_database_error(error) if isinstance(error, SQLAlchemyError) else str(error)
        stop_with_problem(
            f"The program database could not answer ({figure.__name__}). It may be unavailable or "
            f"not match DATA_CONTRACT.md. Reload the page to try again. Details: {detail}"
        )


@st.cache_data(ttl=QUERY_CACHE_SECONDS, max_entries=2000, show_spinner=False)
def _cached_figure(url: str, figure_name: str, _figure: Callable[..., Figure], /, **inputs: Any) -> Figure:
    # Functions cannot be hashed: the figure's qualified name stands for it in the cache key.
    runlog.note_computed()  # only a cache miss gets here
    with _engine(url).connect() as conn:
        return _figure(conn, **inputs)


def stop_with_problem(message: str) -> NoReturn:
    log.error(message)
    st.error(message, icon=":material/database_off:")
    st.stop()
