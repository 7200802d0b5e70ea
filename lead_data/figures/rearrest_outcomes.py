"""Re-arrest outcomes of DATA_CONTRACT.md ("Outcome figures", contract version 2): is LEAD working?

Every function takes an open connection, the as-of date D and a ``sql.Cohort`` (which participants
count: all, or those whose first referral was of some types, or in some year). A participant's
start T0 is their earliest intake on or before D; their referral date R is the date of the
referral behind that enrollment. SQL does the counting, with bound parameters and the
dialect-neutral date constructs of ``sqlfunctions``; statsmodels does the statistics (Kaplan–Meier
with Greenwood standard errors, the log-rank test, a Poisson rate ratio) on per-person rows that
SQL returns. Each function's docstring lists what it returns.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)

# The parts used, not statsmodels.api: that imports every model (about 25 MB more in each server).
from statsmodels.duration.survfunc import SurvfuncRight, survdiff
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.tools import add_constant

from lead_data import sql
from lead_data.access import aggregate
from lead_data.figures.outcomes import DAYS_PER_YEAR
from lead_data.models import (
    Arrest,
    Booking,
    ComparisonArrest,
    ComparisonPerson,
)
from lead_data.sqlfunctions import (
    add_months,
    date_of,
    days_between,
    quarter_of,
)

FOLLOW_UP_MONTHS = (6, 12, 24)


# The Kaplan–Meier curve is in days; "N months" is read at N × 365.25 / 12 days, rounded.
DAYS_AT_MONTHS = {months: round(months * 365.25 / 12) for months in FOLLOW_UP_MONTHS}  # 183, 365, 730


WINDOW_DAYS = 365  # the before and after windows of the per-person-year rates


Z_95 = 1.959963984540054


WARRANT_ONLY, NEW_OFFENSE = "warrant_only", "new_offense"


PARTICIPANTS, COMPARISON = "participants", "comparison"


# --- Kaplan–Meier --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """The share with the event by ``day`` and its 95% confidence interval; None past the data."""

    months: int
    day: int
    share: float | None
    lower: float | None
    upper: float | None


def kaplan_meier(days: np.ndarray, events: np.ndarray) -> pd.DataFrame:
    """The product-limit estimate of the share with the event by each day, with a 95% band.

    Greenwood standard errors (statsmodels), turned into a pointwise interval on the log(−log)
    scale so that it stays within 0 and 1. Columns: day, at_risk, events, share, lower, upper; the
    first row is day 0 (share 0), then one row per day on which an event happened.
    """
    start = pd.DataFrame(
        {"day": [0], "at_risk": [len(days)], "events": [0], "share": [0.0], "lower": [0.0], "upper": [0.0]}
    )
    if len(days) == 0 or not np.any(events):
        return start
    fit = SurvfuncRight(np.asarray(days, dtype=float), np.asarray(events, dtype=float))
    survival, se = np.asarray(fit.surv_prob), np.asarray(fit.surv_prob_se)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.exp(Z_95 * se / np.abs(survival * np.log(survival)))
        lower_survival = np.where((survival > 0) & (survival < 1), survival**spread, survival)
        upper_survival = np.where((survival > 0) & (survival < 1), survival ** (1 / spread), survival)
    curve = pd.DataFrame(
        {
            "day": np.asarray(fit.surv_times).astype(int),
            "at_risk": np.asarray(fit.n_risk).astype(int),
            "events": np.asarray(fit.n_events).astype(int),
            "share": 1 - survival,
            "lower": 1 - upper_survival,
            "upper": 1 - lower_survival,
        }
    )
    return pd.concat([start, curve], ignore_index=True)


def read_curve(curve: pd.DataFrame, *, months: int, longest_follow_up: int) -> Reading:
    """The curve at ``DAYS_AT_MONTHS[months]``.

    None past the longest follow-up, where the estimate is undefined, unless everyone already had
    the event by then (the share stays 1).
    """
    day = DAYS_AT_MONTHS[months]
    row = curve[curve["day"] <= day].iloc[-1]
    if longest_follow_up < day and row["share"] < 1:
        return Reading(months, day, None, None, None)
    return Reading(months, day, float(row["share"]), float(row["lower"]), float(row["upper"]))


# --- re-arrest -----------------------------------------------------------------------------------


def latest_start_followed(as_of: date, months: int) -> date:
    """The latest start T0 with a full ``months`` calendar months of follow-up by D: T0 + N months ≤ D,
    months added as ``sqlfunctions.add_months`` adds them (clamped to the end of a shorter month).

    Adding months never moves a later start before an earlier one's, so "T0 + N months ≤ D" is
    "T0 ≤ this date": one constant for every participant instead of date arithmetic on each row.
    The starts of the month N months before D's month reach D's month on their own day, capped at its
    last day, so they qualify up to D's day, or all of them when D is the last day of its month.
    """
    year, month = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return date(year, month, last_day)
    return date(year, month, min(as_of.day, last_day))


def followed_and_rearrested(first: Any, *, as_of: date, months: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The contract's "re-arrested within N months" for a row of ``first`` (``sql.first_rearrests``):
    whether it has a full N months of follow-up (T0 + N calendar months ≤ D), and whether it was
    re-arrested within them (first re-arrest ≤ T0 + N months)."""
    followed = first.c.start_on <= latest_start_followed(as_of, months)
    # In this order, only the followed with a re-arrest have their horizon worked out.
    horizon = add_months(first.c.start_on, literal(months))
    return followed, and_(followed, first.c.first_rearrest_on.is_not(None), first.c.first_rearrest_on <= horizon)


def time_to_first_rearrest_rows(as_of: date, people: Any) -> Any:
    """Per participant of ``people`` (a ``sql.cohort``): ``_rearrest_clock``'s columns."""
    return _rearrest_clock(as_of, sql.first_rearrests(as_of, people)).subquery("time_to_first_rearrest")


def _rearrest_clock(as_of: date, first: Any) -> Select[Any]:
    """Per row of ``first`` (``sql.first_rearrests``): participant_id, days from T0 to the first re-arrest
    (or to D), the event flag, and for each N of ``FOLLOW_UP_MONTHS`` followed_N and rearrested_N (1
    or 0, as ``followed_and_rearrested``)."""
    rearrested = first.c.first_rearrest_on.is_not(None)
    days = case(
        (rearrested, days_between(first.c.start_on, first.c.first_rearrest_on)),
        else_=days_between(first.c.start_on, sql.day(as_of)),
    )
    flags = []
    for months in FOLLOW_UP_MONTHS:
        followed, rearrested_within_months = followed_and_rearrested(first, as_of=as_of, months=months)
        flags.append(case((followed, 1), else_=0).label(f"followed_{months}"))
        flags.append(case((rearrested_within_months, 1), else_=0).label(f"rearrested_{months}"))
    return select(
        first.c.participant_id,
        days.label("days"),
        case((rearrested, 1), else_=0).label("event"),
        *flags,
    )


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan–Meier curve of the share with a first (re-)arrest by each day, with its readings."""

    people: int
    events: int
    longest_follow_up: int  # days; -1 when nobody is in the curve
    curve: pd.DataFrame  # kaplan_meier's columns
    readings: tuple[Reading, ...]


def _survival(rows: pd.DataFrame) -> SurvivalCurve:
    days, events = rows["days"].to_numpy(dtype=float), rows["event"].to_numpy(dtype=int)
    curve = kaplan_meier(days, events)
    longest = int(days.max()) if len(days) else -1
    readings = tuple(read_curve(curve, months=months, longest_follow_up=longest) for months in FOLLOW_UP_MONTHS)
    return SurvivalCurve(
        people=len(rows), events=int(events.sum()), longest_follow_up=longest, curve=curve, readings=readings
    )


@dataclass(frozen=True)
class RearrestOutcomes:
    """Re-arrest after the start T0: within 6, 12 and 24 months, the time to the first one, and every
    re-arrest by quarter, kind and severity."""

    # months, rearrested, followed (the denominator), share (None when nobody is followed)
    within: pd.DataFrame
    survival: SurvivalCurve  # the share re-arrested by each day after T0
    # quarter ('YYYY-Qn'), kind (new_offense, warrant_only, "not recorded"), severity ("not recorded"
    # when null), rearrests
    by_kind: pd.DataFrame
    # participants whose start T0 cannot be read as a date: in no count, not in the curve
    unreadable_starts: int = 0


FOLLOW_UP_FLAGS = tuple(f"{flag}_{months}" for months in FOLLOW_UP_MONTHS for flag in ("followed", "rearrested"))


# Which of rearrest_outcomes' two counts a row of its statement belongs to (a constant in the SQL text,
# not a parameter, so that both backends type the union's column alike).
CURVE_PART, KIND_PART = 0, 1


def _rearrest_kind(warrant_only: Any) -> ColumnElement[str]:
    return case((warrant_only == true(), WARRANT_ONLY), (warrant_only.is_(None), sql.NOT_RECORDED), else_=NEW_OFFENSE)


@aggregate
def rearrest_outcomes(conn: Connection, *, as_of: date, cohort: sql.Cohort = sql.EVERYONE) -> RearrestOutcomes:
    """Re-arrested within N months, the time to first re-arrest, and re-arrests by kind, from one
    pass over the cohort.

    Within N months (6, 12, 24): among participants followed that long (T0 + N calendar months ≤ D),
    those whose first re-arrest is dated on or before T0 + N months. Time to first re-arrest: the
    Kaplan–Meier estimate of the share re-arrested by day t after T0, with its 95% band, read at 6,
    12 and 24 months; participants without a re-arrest are censored at D, and exit does not censor.
    By kind: the cohort's re-arrests per quarter, split new offense / warrant-only / not recorded
    (``warrant_only`` false / true / null) and by severity.

    One statement works the cohort and each one's first re-arrest out once, and counts twice: each
    participant's days, event and follow-up flags per (days, event), the flags summed (every within-N
    count is a sum of those; statsmodels computes the curve from the (days, event) pairs repeated as
    many times as there are participants with them); and the re-arrests of those with any, per
    quarter, kind and severity.
    """
    counted = _rearrest_counts(conn, as_of, cohort)
    groups = counted[counted["part"] == CURVE_PART]
    # A start that cannot be read as a date has no days: it is in no count, and not in the curve either.
    readable = groups[groups["days"].notna()]
    unreadable_starts = int(groups.loc[groups["days"].isna(), "count"].sum())
    people = readable.loc[readable.index.repeat(readable["count"].to_numpy(dtype=int)), ["days", "event"]]
    kinds = (
        counted.loc[counted["part"] == KIND_PART, ["quarter", "kind", "severity", "count"]]
        .rename(columns={"count": "rearrests"})
        .astype({"rearrests": int})
        .reset_index(drop=True)
    )
    return RearrestOutcomes(
        within=_within(groups), survival=_survival(people), by_kind=kinds, unreadable_starts=unreadable_starts
    )


@aggregate
def rearrested_within(conn: Connection, *, as_of: date, cohort: sql.Cohort = sql.EVERYONE) -> pd.DataFrame:
    """``rearrest_outcomes``' within-N-months counts alone (the public summary's): the same clock's
    follow-up flags summed in one row, without the curve's grouping by day or the re-arrests by kind
    (a quarter of the time). Columns: months, rearrested, followed, share (None when nobody is followed)."""
    clock = _rearrest_clock(as_of, sql.first_rearrests(as_of, sql.cohort(as_of, cohort, referral_columns=False)))
    flags = clock.subquery("time_to_first_rearrest")
    return _within(
        sql.frame(conn, select(*(func.coalesce(func.sum(flags.c[flag]), 0).label(flag) for flag in FOLLOW_UP_FLAGS)))
    )


def _rearrest_counts(conn: Connection, as_of: date, cohort: sql.Cohort) -> pd.DataFrame:
    """``rearrest_outcomes``' statement: per (days, event) the participants and their follow-up flags
    summed (part CURVE_PART), and the re-arrests per quarter, kind and severity (part KIND_PART)."""
    first = sql.first_rearrests(as_of, sql.cohort(as_of, cohort, referral_columns=False))
    clock = _rearrest_clock(as_of, first).subquery("time_to_first_rearrest")
    curve = select(
        literal_column(str(CURVE_PART)).label("part"),
        clock.c.days,
        clock.c.event,
        null().label("quarter"),
        null().label("kind"),
        null().label("severity"),
        func.count().label("count"),
        *(func.sum(clock.c[flag]).label(flag) for flag in FOLLOW_UP_FLAGS),
    ).group_by(clock.c.days, clock.c.event)
    quarter = quarter_of(Arrest.arrested_at)
    kind = _rearrest_kind(Arrest.warrant_only)
    severity = sql.labelled(Arrest.severity)
    rearrests = (
        select(
            literal_column(str(KIND_PART)),
            null(),
            null(),
            quarter,
            kind,
            severity,
            func.count(),
            *(null() for _ in FOLLOW_UP_FLAGS),
        )
        .select_from(first)
        # A participant's re-arrests are their non-diverted arrests from the day of their first one
        # to D (every later one is also after T0): only those with a first re-arrest have any, found
        # through the arrests index from that day on, with no date worked out per arrest.
        .join(
            Arrest,
            and_(
                first.c.first_rearrest_on.is_not(None),
                Arrest.participant_id == first.c.participant_id,
                Arrest.referral_id.is_(None),
                Arrest.arrested_at >= first.c.first_rearrest_on,
                sql.on_or_before(Arrest.arrested_at, as_of, timestamp=True),
            ),
        )
        .group_by(quarter, kind, severity)
    )
    both = union_all(curve, rearrests).subquery("rearrest_counts")
    return sql.frame(
        conn,
        select(both).order_by(both.c.part, both.c.days, both.c.event, both.c.quarter, both.c.kind, both.c.severity),
    )


def _within(groups: pd.DataFrame) -> pd.DataFrame:
    """The within-N-months counts, from the follow-up flags summed (per (days, event), or in one row)."""
    within = []
    for months in FOLLOW_UP_MONTHS:
        followed, rearrested = int(groups[f"followed_{months}"].sum()), int(groups[f"rearrested_{months}"].sum())
        within.append(
            {
                "months": months,
                "rearrested": rearrested,
                "followed": followed,
                "share": rearrested / followed if followed else None,
            }
        )
    return pd.DataFrame(within)


def quarterly_totals(by_kind: pd.DataFrame, column: str) -> pd.DataFrame:
    """``RearrestOutcomes.by_kind`` summed over everything but the quarter and ``column`` (kind or severity)."""
    return by_kind.groupby(["quarter", column], as_index=False)["rearrests"].sum()


# --- before and after, per person-year ------------------------------------------------------------


def per_participant_before_after(as_of: date, people: Any) -> Any:
    """Per participant of ``people`` (a ``sql.cohort``): the after window's length and the counts in each window.

    Before: the 365 days ending the day before R. After: the day after T0 to the earlier of D and
    T0 + 365 days. Jail days are the days of a booking inside the window, a booking counting every
    day from booked_on to released_on, both included; a booking still open on D (released_on null
    or after D) runs to D.
    """
    after_days = sql.smaller(days_between(people.c.start_on, sql.day(as_of)), WINDOW_DAYS)
    arrested_on = date_of(Arrest.arrested_at)
    days_before_referral = days_between(arrested_on, people.c.referred_on)
    arrests_before = (
        select(func.count())
        .where(
            Arrest.participant_id == people.c.participant_id,
            Arrest.referral_id.is_(None),
            sql.on_or_before(Arrest.arrested_at, as_of, timestamp=True),
            days_before_referral >= 1,
            days_before_referral <= WINDOW_DAYS,
        )
        .scalar_subquery()
    )
    # The contract's re-arrests, written out for one participant (read through the arrests index):
    # T0 is their first intake by D, so these are their non-diverted arrests dated after T0.
    rearrests_after = (
        select(func.count())
        .where(
            Arrest.participant_id == people.c.participant_id,
            Arrest.referral_id.is_(None),
            arrested_on > people.c.start_on,
            sql.on_or_before(Arrest.arrested_at, as_of, timestamp=True),
            days_between(people.c.start_on, arrested_on) <= after_days,
        )
        .scalar_subquery()
    )
    held_until = case(
        (or_(Booking.released_on.is_(None), Booking.released_on > as_of), sql.day(as_of)), else_=Booking.released_on
    )

    def bookings_in(anchor: Any, first_day: int, last_day: Any) -> tuple[Any, Any]:
        """Bookings starting in, and jail days inside, the window [anchor + first_day, anchor + last_day]."""
        starts, ends = days_between(anchor, Booking.booked_on), days_between(anchor, held_until)
        overlap = sql.smaller(ends, last_day) - sql.larger(starts, first_day) + 1
        mine = and_(Booking.participant_id == people.c.participant_id, Booking.booked_on <= as_of)
        booked = select(func.count()).where(mine, starts >= first_day, starts <= last_day).scalar_subquery()
        jail_days = (
            select(func.coalesce(func.sum(case((overlap > 0, overlap), else_=0)), 0)).where(mine).scalar_subquery()
        )
        return booked, jail_days

    bookings_before, jail_days_before = bookings_in(people.c.referred_on, -WINDOW_DAYS, -1)
    bookings_after, jail_days_after = bookings_in(people.c.start_on, 1, after_days)
    return select(
        people.c.participant_id,
        people.c.start_on,
        people.c.referred_on,
        people.c.referral_type,
        people.c.referral_month,
        literal(WINDOW_DAYS).label("before_days"),
        after_days.label("after_window_days"),
        arrests_before.label("arrests_before"),
        rearrests_after.label("arrests_after"),
        bookings_before.label("bookings_before"),
        bookings_after.label("bookings_after"),
        jail_days_before.label("jail_days_before"),
        jail_days_after.label("jail_days_after"),
    ).subquery("before_after")


@aggregate
def rates_before_and_after(conn: Connection, *, as_of: date, cohort: sql.Cohort = sql.EVERYONE) -> pd.DataFrame:
    """Arrests, jail bookings and jail days per person-year, the year before referral against the
    year after intake (after: re-arrests; before: arrests, the diverted one excluded).

    Sums over participants divided by the summed window lengths in years (days ÷ 365.25).
    Columns: window ("before", "after"), participants, person_years, arrests, bookings, jail_days,
    arrests_per_person_year, bookings_per_person_year, jail_days_per_person_year (None when the
    window has no length yet).
    """
    rows = per_participant_before_after(as_of, sql.cohort(as_of, cohort))
    sums = (
        conn.execute(
            select(
                func.count().label("participants"),
                *(
                    func.coalesce(func.sum(rows.c[column]), 0).label(column)
                    for column in (
                        "before_days",
                        "after_window_days",
                        "arrests_before",
                        "arrests_after",
                        "bookings_before",
                        "bookings_after",
                        "jail_days_before",
                        "jail_days_after",
                    )
                ),
            )  # fmt: skip
        )
        .one()
        ._mapping
    )
    records = []
    for window in ("before", "after"):
        days = sums["before_days"] if window == "before" else sums["after_window_days"]
        person_years = int(days) / DAYS_PER_YEAR
        record: dict[str, Any] = {
            "window": window,
            "participants": int(sums["participants"]),
            "person_years": person_years,
        }
        for measure in ("arrests", "bookings", "jail_days"):
            record[measure] = int(sums[f"{measure}_{window}"])
        for measure in ("arrests", "bookings", "jail_days"):
            record[f"{measure}_per_person_year"] = record[measure] / person_years if person_years else None
        records.append(record)
    return pd.DataFrame(records)


# --- the comparison group ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRatio:
    """Arrests per person-year, participants ÷ comparison, with its 95% interval (Poisson GLM)."""

    ratio: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class Comparison:
    """Participants against the evaluator's comparison group: an observational comparison."""

    comparison_people: int
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)  # group, people, arrests, person_years, per_person_year
    curves: dict[str, SurvivalCurve] = field(default_factory=dict)
    logrank_chi2: float | None = None
    logrank_p: float | None = None
    rate_ratio: RateRatio = RateRatio(None, None, None)

    @property
    def available(self) -> bool:
        return self.comparison_people > 0


def _participant_clock(as_of: date, cohort: sql.Cohort) -> Any:
    """Participants' comparison clock: from R, arrests strictly after R except the diverted one."""
    people = sql.cohort(as_of, cohort)
    arrested_on = date_of(Arrest.arrested_at)
    arrests = (
        select(
            people.c.participant_id,
            func.min(arrested_on).label("first_arrest_on"),
            func.count().label("arrests"),
        )
        .join(Arrest, Arrest.participant_id == people.c.participant_id)
        .where(
            Arrest.referral_id.is_(None),
            arrested_on > people.c.referred_on,
            sql.on_or_before(Arrest.arrested_at, as_of, timestamp=True),
        )
        .group_by(people.c.participant_id)
        .subquery("participant_arrests")
    )
    return _clock_rows(people.c.participant_id, people.c.referred_on, arrests, people, as_of, PARTICIPANTS)


def _comparison_clock(as_of: date, cohort: sql.Cohort) -> Any:
    """Comparison people's clock: from index_on, arrests strictly after it."""
    people = (
        select(ComparisonPerson.person_id, ComparisonPerson.index_on)
        .where(ComparisonPerson.index_on <= as_of, sql.in_year(ComparisonPerson.index_on, cohort.referral_year))
        .subquery("comparison_cohort")
    )
    arrested_on = date_of(ComparisonArrest.arrested_at)
    arrests = (
        select(
            people.c.person_id.label("participant_id"),
            func.min(arrested_on).label("first_arrest_on"),
            func.count().label("arrests"),
        )
        .join(ComparisonArrest, ComparisonArrest.person_id == people.c.person_id)
        .where(arrested_on > people.c.index_on, sql.on_or_before(ComparisonArrest.arrested_at, as_of, timestamp=True))
        .group_by(people.c.person_id)
        .subquery("comparison_arrest_counts")
    )
    return _clock_rows(people.c.person_id, people.c.index_on, arrests, people, as_of, COMPARISON)


def _clock_rows(person: Any, clock_start: Any, arrests: Any, people: Any, as_of: date, group: str) -> Any:
    arrested = arrests.c.first_arrest_on.is_not(None)
    return (
        select(
            literal(group).label("group"),
            person.label("person"),
            case(
                (arrested, days_between(clock_start, arrests.c.first_arrest_on)),
                else_=days_between(clock_start, sql.day(as_of)),
            ).label("days"),
            case((arrested, 1), else_=0).label("event"),
            func.coalesce(arrests.c.arrests, 0).label("arrests"),
            days_between(clock_start, sql.day(as_of)).label("follow_up_days"),
        )
        .select_from(people)
        .outerjoin(arrests, arrests.c.participant_id == person)
    )


def _rate_ratio(rows: pd.DataFrame) -> RateRatio:
    followed = rows[rows["follow_up_days"] > 0]
    totals = followed.groupby("group")["arrests"].sum()
    if followed["group"].nunique() < 2 or (totals == 0).any():
        return RateRatio(None, None, None)  # a group with no follow-up or no arrests: no finite ratio
    exposure = np.log(followed["follow_up_days"].to_numpy(dtype=float) / DAYS_PER_YEAR)
    design = add_constant((followed["group"] == PARTICIPANTS).to_numpy(dtype=float))
    fit = GLM(followed["arrests"].to_numpy(dtype=float), design, family=Poisson(), offset=exposure).fit()
    estimate, se = float(fit.params[1]), float(fit.bse[1])
    return RateRatio(math.exp(estimate), math.exp(estimate - Z_95 * se), math.exp(estimate + Z_95 * se))


@aggregate
def comparison(conn: Connection, *, as_of: date, cohort: sql.Cohort = sql.EVERYONE) -> Comparison:
    """Participants against the comparison group, where the evaluator has supplied one.

    Clocks: comparison people from ``index_on``, counting arrests strictly after it; participants
    from R, counting arrests strictly after R except the diverted one; both censored at D. The
    cohort's year narrows comparison people by the year of ``index_on``; referral types apply to
    participants only. Returns both Kaplan–Meier curves of the share arrested, the log-rank test,
    and arrests per person-year with the participants ÷ comparison rate ratio and its 95%
    interval (Poisson GLM, log person-years offset; people with no follow-up yet left out).
    """
    comparison_rows = _comparison_clock(as_of, cohort)
    counted = sql.frame(conn, select(func.count().label("people")).select_from(comparison_rows.subquery()))
    if int(counted["people"].iloc[0]) == 0:
        return Comparison(comparison_people=0)
    both = _participant_clock(as_of, cohort).union_all(comparison_rows).subquery("clocks")
    rows = sql.frame(conn, select(both).order_by(both.c.group, both.c.person))
    groups = (
        rows.groupby("group", sort=False)
        .agg(people=("person", "size"), arrests=("arrests", "sum"), follow_up_days=("follow_up_days", "sum"))
        .reindex([PARTICIPANTS, COMPARISON], fill_value=0)
        .reset_index()
    )
    groups["person_years"] = groups["follow_up_days"] / DAYS_PER_YEAR
    groups["per_person_year"] = (groups["arrests"] / groups["person_years"].where(groups["person_years"] > 0)).astype(
        float
    )
    curves = {group: _survival(rows[rows["group"] == group]) for group in (PARTICIPANTS, COMPARISON)}
    chi2 = p_value = None
    if rows["group"].nunique() == 2 and rows["event"].any():
        statistic, p = survdiff(
            rows["days"].to_numpy(dtype=float), rows["event"].to_numpy(dtype=float), rows["group"].to_numpy()
        )
        chi2, p_value = float(statistic), float(p)
    return Comparison(
        comparison_people=int((rows["group"] == COMPARISON).sum()),
        groups=groups.drop(columns="follow_up_days"),
        curves=curves,
        logrank_chi2=chi2,
        logrank_p=p_value,
        rate_ratio=_rate_ratio(rows),
    )
