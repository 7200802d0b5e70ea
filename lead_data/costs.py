"""Unit costs and the cost estimate (DATA_CONTRACT.md, "Cost (an estimate)").

Unit costs are configuration, never code: a TOML file named by ``LEAD_COSTS``, by default
``lead_data/costs.toml``, whose shipped values are placeholders a site must replace. Every cost
figure carries the unit costs it was computed from, so a page can print them beside it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection

from lead_data import sql
from lead_data.access import aggregate
from lead_data.figures.outcomes import active_participant_months

COSTS_VARIABLE = "LEAD_COSTS"
DEFAULT_COSTS_FILE = Path(__file__).with_name("costs.toml")
UNIT_COST_NAMES = ("arrest", "booking", "jail_day", "participant_month")


class CostsFileProblem(Exception):
    """The unit-costs file cannot be used; no cost figure is shown."""


@dataclass(frozen=True)
class UnitCosts:
    arrest: float
    booking: float
    jail_day: float
    participant_month: float
    currency: str
    placeholder: bool  # true: the shipped placeholders, not a site's own costs
    source: str  # where the numbers come from, in the file's own words, and the file

    def describe(self) -> str:
        """The unit costs in one line, as printed beside every cost figure."""
        money = self.money
        return (
            f"{money(self.arrest)} per arrest, {money(self.booking)} per booking, {money(self.jail_day)} per jail day, "
            f"{money(self.participant_month)} per participant-month"
        )

    def money(self, amount: float) -> str:
        sign = "-" if amount < 0 else ""
        symbol = "$" if self.currency == "USD" else f"{self.currency} "
        return f"{sign}{symbol}{abs(amount):,.0f}"


def costs_file() -> Path:
    return Path(os.environ.get(COSTS_VARIABLE) or DEFAULT_COSTS_FILE)


def load_unit_costs(path: Path | None = None) -> UnitCosts:
    """Read the unit costs (see ``costs.toml``); a clear CostsFileProblem when they cannot be used."""
    path = path or costs_file()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CostsFileProblem(f"The unit-costs file {path} does not exist (set {COSTS_VARIABLE}).") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CostsFileProblem(f"The unit-costs file {path} is not valid TOML: {error}") from error
    table = document.get("unit_costs")
    if not isinstance(table, dict):
        raise CostsFileProblem(f"The unit-costs file {path} has no [unit_costs] table.")
    values = {}
    for name in UNIT_COST_NAMES:
        value = table.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise CostsFileProblem(f"{path}: [unit_costs] {name} must be a number of at least 0, not {value!r}.")
        values[name] = float(value)
    placeholder = document.get("placeholder", True)
    if not isinstance(placeholder, bool):
        raise CostsFileProblem(f"{path}: placeholder must be true or false, not {placeholder!r}.")
    return UnitCosts(
        **values,
        currency=str(document.get("currency", "USD")),
        placeholder=placeholder,
        source=f"{document.get('source', 'not stated')} ({path})",
    )


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
