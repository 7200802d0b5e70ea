"""The run log: one JSON line per page run on standard output, for a site's log shipper.

Each line says when the run started (UTC), which page, the viewer's role, how long the run took,
how it ended, and the figures it loaded, each marked cached or not; never a name, neither the
viewer's (who looked at what is the audit log's business) nor a participant's. Streamlit's own
messages go to standard error, so standard output carries only these lines (and Streamlit's
start-up banner).

The router wraps each run in ``script_run``; ``ui.data.load`` notes each figure
(``note_figure``) and its cache-miss body notes that the figure was computed (``note_computed``).
While ``recording_figure_calls`` is open, those notes also keep each figure's function and inputs
(never logged), and ``recording_script_runs`` keeps each run's duration: scripts/benchmark.py times
the figures a page really loaded, directly, against the run that loaded them.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

EVENT = "page_run"
# Each session's script runs in its own thread, so each run has its own list.
_figures_of_this_run: ContextVar[list[dict[str, Any]] | None] = ContextVar("lead_figures_of_this_run", default=None)
_write_lock = threading.Lock()


@dataclass
class FigureCall:
    """A figure a run loaded: the query function, its inputs as given to it, and whether this run
    computed it (a cache miss) or took it from the cache."""

    figure: Callable[..., Any]
    inputs: dict[str, Any]
    computed: bool = False


# Process-wide, not per run: AppTest runs the page in a thread of its own.
_recorded_calls: list[FigureCall] | None = None
_recorded_run_seconds: list[float] | None = None


@dataclass
class ScriptRun:
    """What the log line of a run says about it, filled in as the router learns it."""

    page: str | None = None
    role: str | None = None


@contextmanager
def script_run() -> Iterator[ScriptRun]:
    """Log the router's whole run when it ends, however it ends: the sign-in, the menu, the sidebar
    and the page, so ``duration_ms`` is the server's time for the viewer's request. The router sets
    the page and the viewer's role on the yielded record as soon as it knows them."""
    run = ScriptRun()
    figures: list[dict[str, Any]] = []
    token = _figures_of_this_run.set(figures)
    started_at, started = datetime.now(UTC), time.perf_counter()
    outcome = "error"
    try:
        yield run
        outcome = "ok"
    except StopException:  # st.stop: a refusal or a problem the page explained
        outcome = "stopped"
        raise
    except RerunException:  # st.rerun or a switch to another page
        outcome = "rerun"
        raise
    finally:
        _figures_of_this_run.reset(token)
        seconds = time.perf_counter() - started
        if _recorded_run_seconds is not None:
            _recorded_run_seconds.append(seconds)
        write(
            {
                "at": started_at.isoformat(timespec="milliseconds"),
                "event": EVENT,
                "page": run.page,
                "role": run.role,
                "duration_ms": round(seconds * 1000),
                "outcome": outcome,
                "figures": figures,
            }
        )


@contextmanager
def recording_figure_calls() -> Iterator[list[FigureCall]]:
    """Every figure loaded while this is open, in any session, in order: for one benchmark at a time."""
    global _recorded_calls
    calls: list[FigureCall] = []
    _recorded_calls = calls
    try:
        yield calls
    finally:
        _recorded_calls = None


@contextmanager
def recording_script_runs() -> Iterator[list[float]]:
    """The duration in seconds (unrounded) of every run that ends while this is open, in any session."""
    global _recorded_run_seconds
    durations: list[float] = []
    _recorded_run_seconds = durations
    try:
        yield durations
    finally:
        _recorded_run_seconds = None


def note_figure(figure: Callable[..., Any], inputs: dict[str, Any]) -> None:
    """A figure this run is loading with ``inputs``; cached unless ``note_computed`` follows."""
    figures = _figures_of_this_run.get()
    if figures is not None:
        figures.append({"figure": figure.__name__, "cached": True})
    if _recorded_calls is not None:
        _recorded_calls.append(FigureCall(figure, dict(inputs)))


def note_computed() -> None:
    """The figure just noted was not in the cache: it is being computed now."""
    figures = _figures_of_this_run.get()
    if figures:
        figures[-1]["cached"] = False
    if _recorded_calls:
        _recorded_calls[-1].computed = True


def write(line: dict[str, Any]) -> None:
    encoded = json.dumps(line, default=str) + "\n"
    with _write_lock:  # sessions run in parallel threads: one whole line at a time
        sys.stdout.write(encoded)
        sys.stdout.flush()
