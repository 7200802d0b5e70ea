"""Reporting periods: the window [start, end] a "per period" figure counts events in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """Inclusive calendar dates; ``start`` None means since the first record."""

    start: date | None
    end: date

    def label(self) -> str:
        start = self.start.isoformat() if self.start else "the start"
        return f"{start} to {self.end.isoformat()}"


PERIOD_CHOICES: dict[str, str] = {
    "4w": "Last 4 weeks",
    "13w": "Last 13 weeks",
    "12m": "Last 12 months",  # this month and the 11 before
    "ytd": "Year to date",
    "all": "Since launch",
}
DEFAULT_PERIOD = "12m"


def period_ending(as_of: date, choice: str) -> Period:
    """The period named by ``choice`` (a key of PERIOD_CHOICES) that ends on ``as_of``."""
    if choice == "4w":
        return Period(as_of - timedelta(days=27), as_of)
    if choice == "13w":
        return Period(as_of - timedelta(days=90), as_of)
    if choice == "12m":  # whole calendar months, so monthly charts have no stub first month
        first_month = as_of.year * 12 + as_of.month - 1 - 11
        return Period(date(first_month // 12, first_month % 12 + 1, 1), as_of)
    if choice == "ytd":
        return Period(date(as_of.year, 1, 1), as_of)
    if choice == "all":
        return Period(None, as_of)
    raise ValueError(f"unknown period {choice!r}; expected one of {', '.join(PERIOD_CHOICES)}")


def week_ending(as_of: date, weeks_back: int = 0) -> Period:
    """The seven days ending on ``as_of`` (or that many weeks earlier): the weekly meeting's window."""
    end = as_of - timedelta(weeks=weeks_back)
    return Period(end - timedelta(days=6), end)
