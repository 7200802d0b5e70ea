"""The public summary: aggregate figures safe for community and business presentations.

Everything on it is counted as of the end of the last complete month (dates at month level: a
figure that changed from one day to the next could single out one person), over the twelve
complete months before, and passes through small-cell suppression as one screen: the headline
counts, referrals by quarter and type with their totals, and referrals by place against the zone.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection

from lead_data import queries
from lead_data.access import aggregate
from lead_data.periods import Period
from lead_data.suppression import Equation, Ratio, suppress
from lead_data.zone import LOCATION_LABELS, PilotZone

REFERRALS = "referrals"  # the grand total: the headline and both tables' totals
TOTAL = "Total"


@dataclass(frozen=True)
class PublicSummary:
    month_end: date
    period: Period
    headline: dict[str, int | float | str | None]  # enrolled, active, referrals, rearrested, rearrest_rate
    referrals_by_quarter: pd.DataFrame  # quarter, one column per referral type, Total; last row Total
    referrals_by_place: pd.DataFrame  # place, referrals; last row Total

    @property
    def month_label(self) -> str:
        return self.month_end.strftime("%B %Y")


def last_month_end(as_of: date) -> date:
    """``as_of`` if it is the last day of its month, else the last day of the month before."""
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return as_of
    return as_of.replace(day=1) - timedelta(days=1)


@aggregate
def public_summary(conn: Connection, *, as_of: date, zone: PilotZone) -> PublicSummary:
    month_end = last_month_end(as_of)
    start = (month_end.replace(day=1) - timedelta(days=334)).replace(day=1)
    period = Period(start, month_end)

    by_quarter = queries.referrals_by(conn, as_of=month_end, period=period, by=("quarter", "referral_type"))
    places = queries.location_counts(queries.referral_locations(conn, as_of=month_end, zone=zone, period=period))
    rate = queries.rearrest_rate(conn, as_of=month_end)

    counts: dict[str, int] = {
        "enrolled": rate.enrolled,
        "active": queries.active_count(conn, as_of=month_end),
        "rearrested": rate.rearrested,
        REFERRALS: int(by_quarter["referrals"].sum()),
    }
    quarters = sorted(by_quarter["quarter"].unique())
    types = sorted(by_quarter["referral_type"].unique())
    cells = {(row.quarter, row.referral_type): int(row.referrals) for row in by_quarter.itertuples()}
    for quarter in quarters:
        counts[f"{quarter}|{TOTAL}"] = sum(cells.get((quarter, kind), 0) for kind in types)
        for kind in types:
            counts[f"{quarter}|{kind}"] = cells.get((quarter, kind), 0)
    for kind in types:
        counts[f"{TOTAL}|{kind}"] = sum(cells.get((quarter, kind), 0) for quarter in quarters)
    for place in places.itertuples():
        counts[f"place|{place.location}"] = int(place.referrals)

    equations = [
        *(Equation(f"{quarter}|{TOTAL}", tuple(f"{quarter}|{kind}" for kind in types)) for quarter in quarters),
        *(Equation(f"{TOTAL}|{kind}", tuple(f"{quarter}|{kind}" for quarter in quarters)) for kind in types),
        Equation(REFERRALS, tuple(f"{quarter}|{TOTAL}" for quarter in quarters)),
        Equation(REFERRALS, tuple(f"{TOTAL}|{kind}" for kind in types)),
        Equation(REFERRALS, tuple(f"place|{location}" for location in places["location"])),
    ]
    shown = suppress(counts, equations, [Ratio("rearrest_rate", "rearrested", "enrolled")])

    table = pd.DataFrame(
        [
            {"quarter": row, **{kind: shown[f"{row}|{kind}"] for kind in types}, TOTAL: shown[f"{row}|{TOTAL}"]}
            for row in quarters
        ]
        + [{"quarter": TOTAL, **{kind: shown[f"{TOTAL}|{kind}"] for kind in types}, TOTAL: shown[REFERRALS]}]
    )
    by_place = pd.DataFrame(
        [{"place": LOCATION_LABELS[code], "referrals": shown[f"place|{code}"]} for code in places["location"]]
        + [{"place": TOTAL, "referrals": shown[REFERRALS]}]
    )
    headline = {name: shown[name] for name in ("enrolled", "active", REFERRALS, "rearrested", "rearrest_rate")}
    return PublicSummary(month_end, period, headline, table.astype(object), by_place.astype(object))
