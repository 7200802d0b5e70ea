"""A text progress bar for long command-line work (generating the demo database).

On a terminal it redraws one line in place; into a file or a CI log, where a redrawn line would be
noise, it writes one line per stage instead, each once that stage is over (so a command that stops
on a mistake before any work is done still says only what the mistake was). Either way it writes
to stderr, so stdout stays the command's result.
"""

from __future__ import annotations

import sys
from typing import TextIO

BAR_WIDTH = 30


class TextProgress:
    """A ``progress(stage, fraction)`` callback that draws ``[#####-----]  45%  Writing contacts``."""

    def __init__(self, stream: TextIO | None = None, *, interactive: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.stage: str | None = None
        self.pending: str | None = None  # a log's line for the stage under way
        self.width = 0  # of the line last drawn in place

    def __call__(self, stage: str, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        filled = round(BAR_WIDTH * fraction)
        line = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {fraction:>4.0%}  {stage}"
        if self.interactive:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
            if fraction >= 1.0:
                self.stream.write("\n")
                self.width = 0
        elif stage != self.stage:
            if self.pending:
                self.stream.write(self.pending + "\n")
            self.pending = line
            if fraction >= 1.0:
                self.stream.write(line + "\n")
                self.pending = None
        self.stage = stage
        self.stream.flush()

    def abandon(self) -> None:
        """The work stopped: wipe the bar (or forget the stage under way) before the error is shown."""
        if self.interactive and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
        self.width = 0
        self.pending = None
