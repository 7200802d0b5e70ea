"""The public summary: aggregate figures safe for community and business presentations.

It is published once a month, as of the end of the last complete month, and a reader may compare
any two publications, so nothing on it may change by a small count from one month to the next:

- running totals and counts of people at the time (enrolled since launch, enrolled now, re-arrested
  after enrolling) are rounded to the nearest 5 (``suppression.rounded``), and the re-arrest rate
  is worked out from the rounded counts, so it tells no more than they do;
- referrals are counted per complete calendar quarter only, by type and by place, for the last four
  complete quarters. A complete quarter's counts do not change, and each quarter's counts pass
  through small-cell suppression on their own (its total is the sum of its types and of its
  places), so a quarter is shown the same way, hidden cells included, in every publication that
  shows it. No figure adds up several quarters: a rolling total would change by one month's or one
  quarter's count as its window moved.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection

from lead_data.access import aggregate
from lead_data.figures import enrollment, rearrest_outcomes, rearrests, referral_places
from lead_data.periods import Period
from lead_data.site import Site
from lead_data.suppression import COMPLEMENT, Equation, as_text, rounded, suppress
from lead_data.zone import place_labels

TOTAL = "Total"
QUARTERS_SHOWN = 4
NOT_AVAILABLE = "—"  # a rate over nobody, or no complete quarter yet


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @property
    def label(self) -> str:
        """As ``enrollment.referrals_by`` names a quarter: '2024-Q2'."""
        return f"{self.year}-Q{self.number}"

    @property
    def months(self) -> str:
        """'Apr–Jun 2024'."""
        first = 3 * self.number - 2
        return f"{calendar.month_abbr[first]}–{calendar.month_abbr[first + 2]} {self.year}"

    @property
    def period(self) -> Period:
        first, last = 3 * self.number - 2, 3 * self.number
        return Period(date(self.year, first, 1), date(self.year, last, calendar.monthrange(self.year, last)[1]))

    def before(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)


@dataclass(frozen=True)
class PublicSummary:
    """The public summary exactly as shown: every figure is text."""

    month_end: date
    quarters: tuple[Quarter, ...]  # the last complete quarters of the program, oldest first
    # enrolled, active, rearrested (rounded), rearrest_rate, followed_12_months and rearrested_12_months
    # (rounded), rearrest_12_month_share, and referrals (the latest quarter's total)
    headline: dict[str, str]
    referrals_by_type: pd.DataFrame  # quarter, one column per referral type, Total
    referrals_by_place: pd.DataFrame  # quarter, one column per place of the site (zone.place_labels), Total

    @property
    def month_label(self) -> str:
        return self.month_end.strftime("%B %Y")

    @property
    def latest_quarter(self) -> Quarter | None:
        return self.quarters[-1] if self.quarters else None


def last_month_end(as_of: date) -> date:
    """``as_of`` if it is the last day of its month, else the last day of the month before."""
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return as_of
    return as_of.replace(day=1) - timedelta(days=1)


def complete_quarters(month_end: date, launch_date: date) -> tuple[Quarter, ...]:
    """The last four calendar quarters complete by ``month_end``, oldest first, leaving out any that
    ended before the program's launch date."""
    latest = Quarter(month_end.year, (month_end.month - 1) // 3 + 1)
    if month_end.month % 3:
        latest = latest.before()
    quarters = [latest]
    while len(quarters) < QUARTERS_SHOWN:
        quarters.append(quarters[-1].before())
    return tuple(quarter for quarter in reversed(quarters) if quarter.period.end >= launch_date)


@aggregate
def public_summary(conn: Connection, *, as_of: date, site: Site) -> PublicSummary:
    month_end = last_month_end(as_of)
    quarters = complete_quarters(month_end, site.launch_date)

    rate = rearrests.rearrest_rate(conn, as_of=month_end)
    enrolled, rearrested = rounded(rate.enrolled), rounded(rate.rearrested)
    headline = {
        "enrolled": as_text(enrolled),
        "active": as_text(rounded(enrollment.active_count(conn, as_of=month_end))),
        "rearrested": as_text(rearrested),
        "rearrest_rate": _rate(rearrested, enrolled),
    }
    within_year = rearrest_outcomes.rearrested_within(conn, as_of=month_end).set_index("months").loc[12]
    followed, rearrested_in_year = rounded(int(within_year["followed"])), rounded(int(within_year["rearrested"]))
    headline["followed_12_months"] = as_text(followed)
    headline["rearrested_12_months"] = as_text(rearrested_in_year)
    headline["rearrest_12_month_share"] = _rate(rearrested_in_year, followed)

    by_type = (
        enrollment.referrals_by(
            conn,
            as_of=quarters[-1].period.end,
            period=Period(quarters[0].period.start, quarters[-1].period.end),
            by=("quarter", "referral_type"),
        )
        if quarters
        else pd.DataFrame(columns=["quarter", "referral_type", "referrals"])
    )
    types = sorted(by_type["referral_type"].unique())
    type_counts = {(row.quarter, row.referral_type): int(row.referrals) for row in by_type.itertuples()}
    type_rows, place_rows = [], []
    for quarter in quarters:
        places = referral_places.location_counts(
            referral_places.referral_locations(conn, as_of=quarter.period.end, site=site, period=quarter.period), site
        )
        shown = _quarter_shown(
            {kind: type_counts.get((quarter.label, kind), 0) for kind in types},
            dict(zip(places["location"], (int(count) for count in places["referrals"]), strict=True)),
        )
        type_rows.append(
            {"quarter": quarter.label, **{kind: shown[f"type|{kind}"] for kind in types}, TOTAL: shown[TOTAL]}
        )
        place_rows.append(
            {
                "quarter": quarter.label,
                **{place: shown[f"place|{place}"] for place in places["location"]},
                TOTAL: shown[TOTAL],
            }
        )
    headline["referrals"] = type_rows[-1][TOTAL] if type_rows else NOT_AVAILABLE
    return PublicSummary(
        month_end=month_end,
        quarters=quarters,
        headline=headline,
        referrals_by_type=pd.DataFrame(type_rows, columns=["quarter", *types, TOTAL], dtype=object),
        referrals_by_place=pd.DataFrame(place_rows, columns=["quarter", *place_labels(site), TOTAL], dtype=object),
    )


def _quarter_shown(by_type: dict[str, int], by_place: dict[str, int]) -> dict[str, str]:
    """One quarter's counts as shown, suppressed together and apart from every other quarter's."""
    counts = {TOTAL: sum(by_type.values())}
    counts.update({f"type|{kind}": count for kind, count in by_type.items()})
    counts.update({f"place|{place}": count for place, count in by_place.items()})
    equations = [
        Equation(TOTAL, tuple(f"type|{kind}" for kind in by_type)),
        Equation(TOTAL, tuple(f"place|{place}" for place in by_place)),
    ]
    return {name: as_text(value) for name, value in suppress(counts, equations).items()}


def _rate(rearrested: int | str, enrolled: int | str) -> str:
    """Re-arrested over enrolled (or followed), from the rounded counts; hidden ("*") when either is."""
    if isinstance(rearrested, str) or isinstance(enrolled, str):
        return COMPLEMENT
    if enrolled == 0:
        return NOT_AVAILABLE
    return f"{rearrested / enrolled:.0%}"
