"""A long figure computed in a background thread shared by every session, so its page never blocks.

``load_in_background(figure, **inputs)`` is ``ui.data.load`` for a figure that may take seconds (the
data-quality check reads every row of the database): the viewer's role is checked the same way, and
one run of the figure serves every session asking for the same database, figure and inputs for as
long as ``load``'s cache keeps a value (clearing ``st.cache_data`` starts it afresh, as it does
``load``'s figures). The page waits for it while the database looks small (``_waited_enough``), so a
small database's value comes back in that same run, as from ``load``. Otherwise the page shows that
the figure is being computed, with its progress, and stops; a fragment polls every ``POLL_SECONDS``
and reruns the page once the value is there. A failure gets ``load``'s message, on screen and in the log.

The figure must take a ``progress`` keyword: a function it calls with (steps done, steps, rows read).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import uuid4
from zoneinfo import ZoneInfo

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from lead_data.db import DatabaseProblem
from ui import runlog
from ui.data import (
    QUERY_CACHE_SECONDS,
    UNREADABLE_VALUE_ERRORS,
    database,
    engine,
    failure_message,
    stop_with_problem,
    with_role_decisions,
)
from ui.settings import current_site

Figure = TypeVar("Figure")

# A page waits for a figure until it is done or has read this many rows: a figure over a small
# database is quick however many statements it sends (a tiny database's check can take a second on a
# busy machine; the demo's, 105,000 rows in 0.7 s, passes this only in its last tables), while a large
# database's check passes it within a few hundred milliseconds (participants, its fourth table, holds
# a row per person).
SMALL_DATABASE_ROWS = 100_000
# and never longer than this.
LONGEST_WAIT_SECONDS = 3.0
# How often a waiting page looks again.
POLL_SECONDS = 1.0

# Two threads: a second database's (or date's) check need not queue behind the first.
_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="lead-background")
_started: list[Future[Any]] = []  # every run started and not yet seen finished, for wait_for_background_figures


@dataclass
class _Job(Generic[Figure]):
    """One run of a figure in the background, shared by every session that asks for it."""

    started_at: datetime
    future: Future[Figure] = field(init=False)
    progress: tuple[int, int, int] = (0, 0, 0)  # (steps done, steps, rows read), as the figure last said

    def report(self, done: int, steps: int, rows: int) -> None:
        self.progress = (done, steps, rows)  # one assignment: the page's thread reads it whole


def load_in_background(figure: Callable[..., Figure], /, *, label: str, steps: str, **inputs: Any) -> Figure:
    """The value of ``figure`` on the dashboard's database, if the viewer's role may see it; while it
    is still being computed, shows "``label``… started HH:MM" and how many of its ``steps`` (a plural
    noun: "tables") are done, and stops the page."""
    inputs = with_role_decisions(figure, inputs)
    url = database().url
    runlog.note_figure(figure, inputs)
    job = _job(url, _name(figure), figure, _run_token(url, _name(figure), **inputs), **inputs)
    waiting_since = time.monotonic()
    while not job.future.done() and not _waited_enough(job, time.monotonic() - waiting_since):
        wait_for([job.future], timeout=0.05)
    if not job.future.done():
        _progress_until_done(job, label, steps)
        st.stop()
    error = job.future.exception()
    if isinstance(error, (SQLAlchemyError, DatabaseProblem, *UNREADABLE_VALUE_ERRORS)):
        _run_token.clear(url, _name(figure), **inputs)  # reloading the page tries again, as with load
        message, detail = failure_message(url, figure, inputs, error)
        stop_with_problem(message, detail=detail)
    return job.future.result()  # a bug's exception is raised here, as from load


def start_again(figure: Callable[..., Any], /, **inputs: Any) -> None:
    """Forget ``figure``'s value for ``inputs`` (for every session), so the next load computes it afresh."""
    inputs = with_role_decisions(figure, inputs)
    _run_token.clear(database().url, _name(figure), **inputs)


def _waited_enough(job: _Job[Any], waited: float) -> bool:
    return job.progress[2] >= SMALL_DATABASE_ROWS or waited >= LONGEST_WAIT_SECONDS


def _name(figure: Callable[..., Any]) -> str:
    return f"{figure.__module__}.{figure.__qualname__}"


@st.cache_data(ttl=QUERY_CACHE_SECONDS, max_entries=200, show_spinner=False)
def _run_token(url: str, figure_name: str, /, **inputs: Any) -> str:
    """Names the current run of a figure: a job lasts as long as its token, which ``st.cache_data``
    keeps like ``load``'s values (a Future cannot be kept there: cached data is pickled)."""
    return uuid4().hex


@st.cache_resource(ttl=QUERY_CACHE_SECONDS, max_entries=50, show_spinner=False)
def _job(url: str, figure_name: str, _figure: Callable[..., Figure], token: str, /, **inputs: Any) -> _Job[Figure]:
    # Functions cannot be hashed: the figure's qualified name stands for it in the cache key.
    runlog.note_computed()  # only a cache miss gets here
    job: _Job[Figure] = _Job(started_at=datetime.now(ZoneInfo(current_site().time_zone)))
    figure_engine = engine(url)  # taken here: the worker thread has no Streamlit session to look it up in

    def run() -> Figure:
        with figure_engine.connect() as conn:
            return _figure(conn, progress=job.report, **inputs)

    job.future = _workers.submit(run)
    # Finished runs are dropped here: without the benchmark, nothing else empties the list.
    _started[:] = [future for future in _started if not future.done()]
    _started.append(job.future)
    return job


def wait_for_background_figures() -> bool:
    """Wait until every figure started in the background so far has finished; whether any was
    running. For scripts/benchmark.py, which times a page's figures again directly and must not
    race a check still reading the database."""
    running = [future for future in _started if not future.done()]
    wait_for(running)
    _started.clear()
    return bool(running)


@st.fragment(run_every=POLL_SECONDS)
def _progress_until_done(job: _Job[Any], label: str, steps: str) -> None:
    if job.future.done():
        st.rerun(scope="app")
    # Not st.status's with-block: leaving it marks the status complete.
    status = st.status(f"{label}… started {job.started_at:%H:%M}", state="running", expanded=True)
    done, total, rows = job.progress
    text = f"{done} of {total} {steps} done, {rows:,} rows read" if total else "Starting…"
    status.progress(done / total if total else 0.0, text=text)
    status.caption("This page shows the result by itself when it is ready; the other pages work meanwhile.")
