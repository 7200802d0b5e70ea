"""The cost estimate (DATA_CONTRACT.md, "Cost (an estimate)").

Unit costs are configuration, never code: the ``[costs]`` table of the site file (``lead_data.site``,
``Site.costs``), whose shipped values are placeholders a site must replace. Every cost figure takes the
unit costs it is computed from, so a page can print them beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection

from lead_data import sql
from lead_data.access import aggregate
from lead_data.figures.outcomes import active_participant_months
from lead_data.site import UnitCosts


def criminal_justice_cost(rates: pd.DataFrame, *, costs: UnitCosts) -> pd.DataFrame:
    """Criminal-justice cost per person-year, the year before referral against the year after
    intake: arrests × cost per arrest + bookings × cost per booking + jail days × cost per jail day,
    over the windows of ``rates`` (``outcomes.rates_before_and_after``'s frame, indexed by window:
    the page has it already, so the windows are counted once).

    Columns, indexed by window ("before", "after"): participants, person_years, arrests, bookings,
    jail_days, cost, cost_per_person_year (NaN when the window has no length yet).
    """
    frame = rates[["participants", "person_years", "arrests", "bookings", "jail_days"]].copy()
    frame["cost"] = (
        frame["arrests"] * costs.arrest + frame["bookings"] * costs.booking + frame["jail_days"] * costs.jail_day
    ).astype(float)
    frame["cost_per_person_year"] = (frame["cost"] / frame["person_years"].where(frame["person_years"] > 0)).astype(
        float
    )
    return frame


@dataclass(frozen=True)
class ProgramCost:
    participant_months: float
    cost: float


@aggregate
def program_cost(conn: Connection, *, as_of: date, costs: UnitCosts, cohort: sql.Cohort = sql.EVERYONE) -> ProgramCost:
    """Program cost up to D: active participant-months × cost per participant-month."""
    months = active_participant_months(conn, as_of=as_of, cohort=cohort)
    return ProgramCost(participant_months=months, cost=months * costs.participant_month)
