"""The SQL toolkit every figure module builds on: generic pieces, and each rule of DATA_CONTRACT.md
that more than one figure needs, written once.

Generic pieces:

- dates: ``day`` (a date as a SQL literal), ``next_midnight``, ``on_or_before`` (what exists as of D),
  ``in_period`` (an event's own date in a period, clipped to D), ``in_year``;
- values: ``labelled`` (a missing value as ``NOT_RECORDED``), ``UNASSIGNED``, ``count_where``,
  ``larger``, ``smaller``;
- running a statement: ``frame`` (a DataFrame), ``scalar`` (a count);
- in Python: ``median_of_counts``.

The contract's rules, each a building block quoting the rule it implements:

- ``first_intakes`` (a participant's start T0), ``first_enrollments`` (the enrollment behind it);
- ``is_active`` (an active enrollment);
- ``is_rearrest`` and ``rearrests`` (the re-arrest rule), ``first_rearrests``;
- ``last_contact_on``, ``engagement_level`` (with ``ENGAGEMENT_LEVELS`` and its thresholds) and
  ``active_engagement``;
- ``Cohort``, ``EVERYONE`` and ``cohort`` (the participants an outcome figure counts).

Every building block is SQLAlchemy Core: a condition, a column or a statement a figure joins and
selects from. The constructs of ``sqlfunctions`` keep them identical in meaning on SQLite and PostgreSQL.
Figure modules import the module itself (``from lead_data import sql``) and write ``sql.frame``,
``sql.cohort``, ``sql.day``: the short names stay free for a figure's own variables and parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Connection,
    Date,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import Executable

from lead_data.models import REACHED_CONTACT_KINDS, Arrest, Contact, Enrollment, Referral
from lead_data.periods import Period
from lead_data.sqlfunctions import date_of, days_between, month_of

NOT_RECORDED = "not recorded"
UNASSIGNED = "Unassigned"
ENGAGED, CONTACT_OVERDUE, IN_THE_WIND = "engaged", "contact_overdue", "in_the_wind"
ENGAGEMENT_LEVELS = (ENGAGED, CONTACT_OVERDUE, IN_THE_WIND)
ENGAGED_MAX_DAYS, OVERDUE_MAX_DAYS = 14, 30


# --- dates ------------------------------------------------------------------------------------


def day(value: date) -> ColumnElement[Any]:
    """A date as a SQL value of type DATE."""
    return literal(value, Date())


def next_midnight(value: date) -> datetime:
    """The first moment of the day after ``value``."""
    return datetime.combine(value + timedelta(days=1), time.min)


def on_or_before(column: Any, as_of: date, *, timestamp: bool = False) -> ColumnElement[bool]:
    """The row exists as of D: its date (or, with ``timestamp``, its timestamp's date) is on or before D."""
    # Timestamps compare against the next midnight so an index on the column stays usable.
    condition: ColumnElement[bool] = column < next_midnight(as_of) if timestamp else column <= as_of
    return condition


def in_period(column: Any, period: Period | None, as_of: date, *, timestamp: bool = False) -> ColumnElement[bool]:
    """The event's own date falls in the period, clipped to D (no period: on or before D)."""
    end = min(period.end, as_of) if period else as_of
    condition = on_or_before(column, end, timestamp=timestamp)
    if period and period.start:
        start = datetime.combine(period.start, time.min) if timestamp else period.start
        condition = and_(condition, column >= start)
    return condition


def in_year(column: Any, year: int | None, *, timestamp: bool = False) -> ColumnElement[bool]:
    """The date falls in the calendar year (None: any year)."""
    if year is None:
        return true()
    # Half-open, in the column's own type (SQLite compares dates and timestamps as text).
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    if timestamp:
        return and_(column >= datetime.combine(start, time.min), column < datetime.combine(end, time.min))
    return and_(column >= start, column < end)


# --- values -----------------------------------------------------------------------------------


def labelled(column: Any) -> ColumnElement[Any]:
    """The value, or ``NOT_RECORDED`` where it is null: a missing value is shown, never dropped."""
    return func.coalesce(column, NOT_RECORDED)


def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of the group meet ``condition`` (0, not null, for none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def larger(first: Any, second: Any) -> ColumnElement[Any]:
    """The larger of two values (SQLite and PostgreSQL spell GREATEST differently)."""
    return case((first > second, first), else_=second)


def smaller(first: Any, second: Any) -> ColumnElement[Any]:
    """The smaller of two values."""
    return case((first < second, first), else_=second)


# --- running a statement ----------------------------------------------------------------------


def frame(conn: Connection, statement: Executable) -> pd.DataFrame:
    """The statement's rows as a DataFrame with its column names."""
    result = conn.execute(statement)
    # Plain tuples: pandas probes each SQLAlchemy Row for namedtuple fields, several times slower.
    return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))


def scalar(conn: Connection, statement: Select[Any]) -> int:
    """The statement's one value as a whole number (0 for null)."""
    return int(conn.execute(statement).scalar_one() or 0)


def median_of_counts(counts: pd.DataFrame, value: str, weight: str) -> float | None:
    """The median of ``value`` when each row stands for ``weight`` observations; None if empty."""
    counts = counts[counts[weight] > 0].sort_values(value)
    total = int(counts[weight].sum())
    if total == 0:
        return None
    cumulative = counts[weight].cumsum().to_numpy()
    values = counts[value].to_numpy(dtype=float)
    lower = values[np.searchsorted(cumulative, (total + 1) // 2)]
    upper = values[np.searchsorted(cumulative, total // 2 + 1)]
    return float((lower + upper) / 2)


# --- enrollment -------------------------------------------------------------------------------


def first_intakes(as_of: date) -> Select[int, date]:
    """Each enrolled participant's start T0: participant_id, start_on.

    The contract: "A participant's **start** T0 is their earliest ``intake_on`` [...]. Only participants
    with T0 ≤ D count."
    """
    # A minimum per participant: one hash aggregate on PostgreSQL, the (participant_id, intake_on)
    # index on SQLite (finding the first enrollment itself took three times as long on PostgreSQL).
    return (
        select(Enrollment.participant_id, func.min(Enrollment.intake_on).label("start_on"))
        .where(Enrollment.intake_on <= as_of)
        .group_by(Enrollment.participant_id)
    )


def first_enrollments(as_of: date) -> Any:
    """The enrollment whose intake is each participant's start T0 (``first_intakes``), the lowest
    enrollment_id among several on that day: participant_id, enrollment_id.

    The contract: "their **referral date** R is the date of the referral behind that enrollment."
    """
    # The lowest enrollment_id among those with no earlier intake. Set-based (a minimum per
    # participant), not a window ranking every enrollment: PostgreSQL then estimates the rows well
    # and hashes the joins, and SQLite reads the (participant_id, intake_on) index.
    earlier = aliased(Enrollment, name="earlier_enrollments")
    return (
        select(Enrollment.participant_id, func.min(Enrollment.enrollment_id).label("enrollment_id"))
        .where(
            Enrollment.intake_on <= as_of,
            ~select(earlier.enrollment_id)
            .where(earlier.participant_id == Enrollment.participant_id, earlier.intake_on < Enrollment.intake_on)
            .exists(),
        )
        .group_by(Enrollment.participant_id)
        .subquery("first_enrollments")
    )


def is_active(as_of: date) -> ColumnElement[bool]:
    """An enrollment active on D.

    The contract: "**Active**: enrollments with ``intake_on`` ≤ D and (``exited_on`` is null or
    ``exited_on`` > D)."
    """
    return and_(
        Enrollment.intake_on <= as_of,
        or_(Enrollment.exited_on.is_(None), Enrollment.exited_on > as_of),
    )


# --- re-arrests -------------------------------------------------------------------------------


def is_rearrest(start_on: Any, as_of: date, period: Period | None = None) -> ColumnElement[bool]:
    """An arrest (``models.Arrest``) that is a re-arrest of the participant whose start T0 is
    ``start_on`` (a column of ``first_intakes`` or ``cohort`` joined by participant), dated on or
    before D (and in the period, if given).

    The contract: "**Re-arrest**: an arrest of a participant with ``referral_id`` null (not the
    diverted arrest) whose ``arrested_at`` date is strictly after that participant's earliest
    ``intake_on``, and ≤ D."
    """
    return and_(
        Arrest.referral_id.is_(None),
        # The bare comparison starts an index's range at T0 (on T0's own day the date rule decides).
        Arrest.arrested_at > start_on,
        date_of(Arrest.arrested_at) > start_on,
        in_period(Arrest.arrested_at, period, as_of, timestamp=True),
    )


def rearrests(as_of: date, period: Period | None = None, *, from_arrests: bool | None = None) -> Any:
    """Every re-arrest (``is_rearrest``) on or before D, and in the period if given: arrest_id,
    participant_id, severity, arrested_on.

    Two ways to the same rows, for speed: ``from_arrests`` reads the period's arrests and asks of each
    whether an intake came before it (the first one did: "strictly after the earliest intake"), so a
    week reads a week's arrests; otherwise each participant's first intake leads to their arrests. The
    default: from the arrests when the period has a start. tests/test_sql.py shows both agree.
    """
    if from_arrests is None:
        from_arrests = period is not None and period.start is not None
    arrested_on = date_of(Arrest.arrested_at)
    columns = select(Arrest.arrest_id, Arrest.participant_id, Arrest.severity, arrested_on.label("arrested_on"))
    if from_arrests:
        # Through ix_arrests_arrested_at. "+ 0" keeps SQLite, which has no statistics, from reading
        # every non-diverted arrest through ix_arrests_referral_id.
        intake_before = (
            select(Enrollment.enrollment_id)
            .where(
                Enrollment.participant_id == Arrest.participant_id,
                Enrollment.intake_on <= as_of,
                Enrollment.intake_on < arrested_on,
            )
            .exists()
        )
        return columns.where(
            (Arrest.referral_id + 0).is_(None),
            in_period(Arrest.arrested_at, period, as_of, timestamp=True),
            intake_before,
        ).subquery("rearrests")
    first = first_intakes(as_of).subquery("first_intakes")
    return (
        columns.select_from(first)
        # From each participant's first intake to their arrests (ix_arrests_participant_id_arrested_at),
        # rather than from every arrest in the database.
        .join(Arrest, Arrest.participant_id == first.c.participant_id)
        .where(is_rearrest(first.c.start_on, as_of, period))
        .subquery("rearrests")
    )


def first_rearrests(as_of: date, people: Any) -> Any:
    """Each participant of ``people`` (a ``cohort``) with their start T0 (start_on) and their first
    re-arrest on or before D (first_rearrest_on, null for none): their earliest arrest by ``is_rearrest``."""
    # Grouped over the joined arrests rather than looked up per participant: PostgreSQL hashes the
    # arrests once instead of probing the index 75,000 times; SQLite walks the same index either way.
    earliest = (
        select(people.c.participant_id, func.min(Arrest.arrested_at).label("first_rearrest_at"))
        .join(
            Arrest,
            and_(Arrest.participant_id == people.c.participant_id, is_rearrest(people.c.start_on, as_of)),
        )
        .group_by(people.c.participant_id)
        .subquery("earliest_rearrests")
    )
    # Made once: the figures read it several times per participant. T0 as a date: null where it cannot
    # be read as one (the Data quality page lists it), so that such a start is followed for no N.
    return (
        select(
            people.c.participant_id,
            date_of(people.c.start_on).label("start_on"),
            date_of(earliest.c.first_rearrest_at).label("first_rearrest_on"),
        )
        .outerjoin(earliest, earliest.c.participant_id == people.c.participant_id)
        .cte("first_rearrests")
        .prefix_with("MATERIALIZED")
    )


# --- contact and engagement -------------------------------------------------------------------


def last_contact_on(participant_id: ColumnExpressionArgument[int], as_of: date) -> ColumnElement[date]:
    """The participant's last contact.

    The contract: "**Last contact**: latest ``contacted_on`` ≤ D with kind ``in_person`` or ``phone``
    (attempts do not count)."
    """
    # Correlated, so that it reads the few index entries of one participant
    # (ix_contacts_participant_id_kind_contacted_on) instead of grouping every contact in the database
    # to answer for a page of people.
    return (
        select(func.max(Contact.contacted_on))
        .where(
            Contact.participant_id == participant_id,
            Contact.kind.in_(REACHED_CONTACT_KINDS),
            Contact.contacted_on <= as_of,
        )
        .scalar_subquery()
    )


def engagement_level(days_since_contact: ColumnElement[Any]) -> ColumnElement[str]:
    """One of ``ENGAGEMENT_LEVELS`` from the days since last contact (or since intake, when there is none).

    The contract: "**Engagement** of an active participant [...]: ≤ 14 days *engaged*; 15–30 *contact
    overdue*; more than 30 *in the wind*."
    """
    return case(
        (days_since_contact <= ENGAGED_MAX_DAYS, ENGAGED),
        (days_since_contact <= OVERDUE_MAX_DAYS, CONTACT_OVERDUE),
        else_=IN_THE_WIND,
    )


def active_engagement(as_of: date) -> Any:
    """Active enrollments (``is_active``) with their last contact and engagement: enrollment_id,
    participant_id, team_id, intake_on, last_contact_on, days_since_contact (since the last contact,
    or since intake when there is none), engagement (``engagement_level``)."""
    active = (
        select(
            Enrollment.enrollment_id,
            Enrollment.participant_id,
            Enrollment.team_id,
            Enrollment.intake_on,
            last_contact_on(Enrollment.participant_id, as_of).label("last_contact_on"),
        )
        .where(is_active(as_of))
        # Materialized, so each participant's last contact is looked up once, not once per use.
        .cte("active")
        .prefix_with("MATERIALIZED")
    )
    days_since = days_between(func.coalesce(active.c.last_contact_on, active.c.intake_on), day(as_of))
    return select(
        active.c.enrollment_id,
        active.c.participant_id,
        active.c.team_id,
        active.c.intake_on,
        active.c.last_contact_on,
        days_since.label("days_since_contact"),
        engagement_level(days_since).label("engagement"),
    ).subquery("active_engagement")


# --- the cohort of the outcome figures --------------------------------------------------------


@dataclass(frozen=True)
class Cohort:
    """Which participants an outcome figure counts; empty ``referral_types`` and None mean "all".

    Both narrow by the referral behind a participant's first enrollment: its type, and the
    calendar year of its date R.
    """

    referral_types: tuple[str, ...] = ()
    referral_year: int | None = None

    def describe(self) -> str:
        types = " and ".join(kind.replace("_", " ") for kind in self.referral_types) or "all referral types"
        year = f"referred in {self.referral_year}" if self.referral_year else "every referral year"
        return f"{types}, {year}"

    def for_audit(self) -> dict[str, Any]:
        return {"referral_types": list(self.referral_types), "referral_year": self.referral_year}


EVERYONE = Cohort()


def cohort(as_of: date, who: Cohort, *, referral_columns: bool = True) -> Any:
    """One row per participant with T0 ≤ D in the cohort: participant_id, start_on (T0), and unless
    ``referral_columns`` is false (for figures that need only T0: they cost a date worked out per
    participant) referred_on (R), referral_type and referral_month of the referral behind their first
    enrollment (``first_enrollments``).

    The contract: "A participant's **start** T0 is their earliest ``intake_on``; their **referral
    date** R is the date of the referral behind that enrollment. Only participants with T0 ≤ D count."
    """
    if who == EVERYONE and not referral_columns:
        people = first_intakes(as_of)
    else:
        people = _first_enrollment_rows(as_of, who, referral_columns=referral_columns)
    # Made once and joined by participant: folded into the outer query, SQLite (with no statistics
    # to go on) would work it out again for every row of the other side.
    return people.cte("cohort").prefix_with("MATERIALIZED")


def _first_enrollment_rows(as_of: date, who: Cohort, *, referral_columns: bool) -> Select[Any]:
    """``cohort``'s rows from each participant's first enrollment and the referral behind it."""
    first = first_enrollments(as_of)
    conditions = [in_year(Referral.referred_at, who.referral_year, timestamp=True)]
    if who.referral_types:
        conditions.append(Referral.referral_type.in_(who.referral_types))
    referral = (
        [
            date_of(Referral.referred_at).label("referred_on"),
            Referral.referral_type,
            month_of(Referral.referred_at).label("referral_month"),
        ]
        if referral_columns
        else []
    )
    return (
        select(Enrollment.participant_id, Enrollment.intake_on.label("start_on"), *referral)
        .select_from(first)
        .join(Enrollment, Enrollment.enrollment_id == first.c.enrollment_id)
        .join(Referral, Referral.referral_id == Enrollment.referral_id)
        .where(*conditions)
    )
