"""Progress of long command-line work (``python -m lead_data demo``, ``... check``), drawn by rich.

The work itself only calls a small callback, so it knows nothing of how progress is shown (the
dashboard shows the data-quality check's progress through the same callback: ``ui.background``):

- ``StageProgress(stage, fraction)``: what is being done and how much of the whole is done, 0.0 to 1.0
  (generating the demo);
- ``StepProgress(done, steps, rows)``: steps done so far, steps in all, rows read so far (checking a
  database, a step per table).

A command opens a bar with ``stage_bar()`` or ``step_bar(...)`` around the work and hands the work the
callback it yields. The bar appears once the work first reports. It goes to stderr, so stdout stays
the command's result, and only to a terminal: into a file or a CI log, where a redrawn line is noise,
nothing is written, and stderr holds only the command's warnings and errors. When the work stops on
an exception the bar is wiped, so the error that follows is shown alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn

StageProgress = Callable[[str, float], None]
StepProgress = Callable[[int, int, int], None]


def no_progress(stage: str, fraction: float) -> None:
    """A ``StageProgress`` that says nothing: the default of work run without a bar."""


@contextmanager
def stage_bar() -> Iterator[StageProgress]:
    """A bar named by the stage under way, filled to the fraction of the whole that is done."""
    with _bar("", total=1.0) as (bar, task):

        def report(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=fraction, visible=True)

        yield report


@contextmanager
def step_bar(doing: str) -> Iterator[StepProgress]:
    """A bar of steps, named ``doing`` and the rows read so far: "Checking the tables (12,345 rows read)"."""
    with _bar(doing, total=None) as (bar, task):

        def report(done: int, steps: int, rows: int) -> None:
            bar.update(task, description=f"{doing} ({rows:,} rows read)", completed=done, total=steps, visible=True)

        yield report


@contextmanager
def _bar(description: str, *, total: float | None) -> Iterator[tuple[Progress, TaskID]]:
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    task = bar.add_task(description, total=total, visible=False)  # until the work first says how far it is
    with bar:
        try:
            yield bar, task
        except BaseException:
            bar.update(task, visible=False)  # wiped as the bar stops: the error is shown alone
            raise
