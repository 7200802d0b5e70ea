"""Small-cell suppression for figures shown to the public.

Any count from 1 to 10 is shown as "<11". Hiding the small cells alone is not enough: a reader who
sees a total and all but one of its parts can subtract. So every count on one screen is suppressed
together, with the sums a reader could use ("equations"): in each equation either no entry is
hidden or at least two are (complementary suppression). A count hidden only to protect another is
shown as "*", not "<11", which would misstate it. A ratio is hidden ("*") when either of its
counts is. Zero is shown: it discloses no one.

A figure published again and again as it grows (a running total, or a count of people enrolled at
the time) would give away each month's change when two publications are compared, so it is
rounded (``rounded``) instead of shown exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SMALLEST_SHOWN = 11
HIDDEN = f"<{SMALLEST_SHOWN}"
COMPLEMENT = "*"
ROUNDING_BASE = 5
SMALLEST_ROUNDED = 15  # 11 and 12 round up to it, so no rounded figure reads as a count from 1 to 10


@dataclass(frozen=True)
class Equation:
    """``total`` is the sum of ``parts``: all of them are on the same screen."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Ratio:
    """``name`` is ``numerator`` ÷ ``denominator``."""

    name: str
    numerator: str
    denominator: str


def is_small(count: int) -> bool:
    return 0 < count < SMALLEST_SHOWN


def rounded(count: int) -> int | str:
    """A figure that is republished as it grows, as shown to the public: "<11" from 1 to 10, else
    the nearest multiple of 5 (never below 15).

    Comparing two publications then gives a multiple of 5, d, and the true change could be anything
    from d - 4 to d + 4: a month's small change is never pinned down.
    """
    if count == 0:
        return 0
    if is_small(count):
        return HIDDEN
    return max(SMALLEST_ROUNDED, ROUNDING_BASE * round(count / ROUNDING_BASE))


def as_text(shown: int | float | str | None) -> str:
    """A count as shown (an int, "<11" or "*") as table text: thousands separated, so every cell of
    a public table is text and the hidden markers sit beside the numbers."""
    return f"{shown:,}" if isinstance(shown, int) else str(shown)


def hidden_entries(counts: Mapping[str, int], equations: Sequence[Equation]) -> set[str]:
    """Names of the counts to hide: the small ones, and enough others that none can be derived."""
    hidden = {name for name, count in counts.items() if is_small(count)}
    changed = True
    while changed:
        changed = False
        for equation in equations:
            members = (equation.total, *equation.parts)
            if sum(member in hidden for member in members) != 1:
                continue
            hidden.add(_complement(counts, equation, hidden))
            changed = True
    return hidden


def _complement(counts: Mapping[str, int], equation: Equation, hidden: set[str]) -> str:
    # Hide the smallest other part that is not zero (it discloses least), else a zero part, else the total.
    visible_parts = [part for part in equation.parts if part not in hidden]
    nonzero = sorted((part for part in visible_parts if counts[part] > 0), key=lambda part: (counts[part], part))
    if nonzero:
        return nonzero[0]
    if visible_parts:
        return sorted(visible_parts)[0]
    return equation.total


def suppress(
    counts: Mapping[str, int], equations: Sequence[Equation] = (), ratios: Sequence[Ratio] = ()
) -> dict[str, int | float | str | None]:
    """Every count as shown to the public (an int, "<11" or "*"), and every ratio (a float, or "*").

    A ratio with a zero denominator is None.
    """
    hidden = hidden_entries(counts, equations)
    shown: dict[str, int | float | str | None] = {
        name: (HIDDEN if is_small(count) else COMPLEMENT) if name in hidden else count for name, count in counts.items()
    }
    for ratio in ratios:
        if ratio.numerator in hidden or ratio.denominator in hidden:
            shown[ratio.name] = COMPLEMENT
        elif counts[ratio.denominator] == 0:
            shown[ratio.name] = None
        else:
            shown[ratio.name] = counts[ratio.numerator] / counts[ratio.denominator]
    return shown
