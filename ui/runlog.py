"""The run log: one JSON line per page run on standard output, for a site's log shipper.

Each line says when the run started (UTC), which page, the viewer's role, how long the run took,
how it ended, and the figures it loaded, each marked cached or not; never a name, neither the
viewer's (who looked at what is the audit log's business) nor a participant's. Streamlit's own
messages go to standard error, so standard output carries only these lines (and Streamlit's
start-up banner).

The router wraps each page run in ``page_run``; ``ui.data.load`` notes each figure
(``note_figure``) and its cache-miss body notes that the figure was computed (``note_computed``).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

EVENT = "page_run"
# Each session's script runs in its own thread, so each run has its own list.
_figures_of_this_run: ContextVar[list[dict[str, Any]] | None] = ContextVar("lead_figures_of_this_run", default=None)
_write_lock = threading.Lock()


@contextmanager
def page_run(page: str, role: str | None) -> Iterator[None]:
    """Log the run of ``page`` for a viewer of ``role`` when it ends, however it ends."""
    figures: list[dict[str, Any]] = []
    token = _figures_of_this_run.set(figures)
    started_at, started = datetime.now(UTC), time.perf_counter()
    outcome = "error"
    try:
        yield
        outcome = "ok"
    except StopException:  # st.stop: a refusal or a problem the page explained
        outcome = "stopped"
        raise
    except RerunException:  # st.rerun or a switch to another page
        outcome = "rerun"
        raise
    finally:
        _figures_of_this_run.reset(token)
        write(
            {
                "at": started_at.isoformat(timespec="milliseconds"),
                "event": EVENT,
                "page": page,
                "role": role,
                "duration_ms": round((time.perf_counter() - started) * 1000),
                "outcome": outcome,
                "figures": figures,
            }
        )


def note_figure(name: str) -> None:
    """A figure this run is loading; cached unless ``note_computed`` follows."""
    figures = _figures_of_this_run.get()
    if figures is not None:
        figures.append({"figure": name, "cached": True})


def note_computed() -> None:
    """The figure just noted was not in the cache: it is being computed now."""
    figures = _figures_of_this_run.get()
    if figures:
        figures[-1]["cached"] = False


def write(line: dict[str, Any]) -> None:
    encoded = json.dumps(line, default=str) + "\n"
    with _write_lock:  # sessions run in parallel threads: one whole line at a time
        sys.stdout.write(encoded)
        sys.stdout.flush()
