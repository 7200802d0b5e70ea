"""Re-arrests as DATA_CONTRACT.md "Figures" counts them: the rate, by month, the days to the first one,
and arrests before and after intake. The outcome figures of re-arrest (within N months, the
Kaplan–Meier curve, the comparison group) are in ``rearrest_outcomes``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    and_,
    func,
    literal,
    select,
)

from lead_data import sql
from lead_data.access import aggregate
from lead_data.figures.enrollment import enrolled_ever
from lead_data.models import (
    Arrest,
)
from lead_data.periods import Period
from lead_data.sqlfunctions import (
    add_days,
    days_between,
    month_of,
)

BEFORE_AFTER_DAYS = 180


@dataclass(frozen=True)
class RearrestRate:
    rearrested: int
    enrolled: int

    @property
    def rate(self) -> float | None:
        return self.rearrested / self.enrolled if self.enrolled else None

    @classmethod
    def of(cls, first_rearrest: pd.DataFrame, enrolled: int) -> RearrestRate:
        """The rate from ``days_to_first_rearrest`` (one participant per re-arrested person) and
        ``enrolled_ever``, for a page that loads both anyway."""
        return cls(rearrested=int(first_rearrest["participants"].sum()), enrolled=enrolled)


def _first_rearrest_days(as_of: date) -> Any:
    """One row per participant re-arrested by D: participant_id, days (from first intake to first
    re-arrest). Both the number re-arrested and the days to first re-arrest are read off it."""
    first = sql.first_rearrests(as_of, sql.cohort(as_of, sql.EVERYONE, referral_columns=False))
    days = days_between(first.c.start_on, first.c.first_rearrest_on).label("days")
    return (
        select(first.c.participant_id, days)
        .where(first.c.first_rearrest_on.is_not(None))
        .subquery("first_rearrest_days")
    )


@aggregate
def rearrest_rate(conn: Connection, *, as_of: date) -> RearrestRate:
    """Participants with at least one re-arrest on or before D, over participants enrolled (ever)."""
    rearrested = sql.scalar(conn, select(func.count()).select_from(_first_rearrest_days(as_of)))
    return RearrestRate(rearrested=rearrested, enrolled=enrolled_ever(conn, as_of=as_of))


@aggregate
def rearrests_by_month(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Re-arrests dated in the period by month and severity. Their number: ``rearrests_in``.

    Columns: month ('YYYY-MM-01'), severity ("not recorded" when null), rearrests.
    """
    rearrests = sql.rearrests(as_of, period)
    month = month_of(rearrests.c.arrested_on).label("month")
    severity = sql.labelled(rearrests.c.severity).label("severity")
    statement = (
        select(month, severity, func.count().label("rearrests")).group_by(month, severity).order_by(month, severity)
    )
    return sql.frame(conn, statement)


def rearrests_in(by_month: pd.DataFrame) -> int:
    """Re-arrests (events, not people) dated in the period of ``rearrests_by_month``'s frame."""
    return int(by_month["rearrests"].sum())


@aggregate
def days_to_first_rearrest(conn: Connection, *, as_of: date) -> pd.DataFrame:
    """Days from first intake to first re-arrest, for participants re-arrested by D.

    Columns: days, participants (how many were first re-arrested that many days after intake).
    The participants sum to ``rearrest_rate``'s rearrested (``RearrestRate.of``).
    """
    first = _first_rearrest_days(as_of)
    statement = select(first.c.days, func.count().label("participants")).group_by(first.c.days).order_by(first.c.days)
    frame = sql.frame(conn, statement)
    if frame["days"].isna().any():  # SQL could not read a date as one: not a number of days to draw
        raise ValueError("days_to_first_rearrest: an intake or arrest date that is not a date")
    return frame


@dataclass(frozen=True)
class BeforeAndAfter:
    participants: int
    arrests_before: int
    rearrests_after: int


@aggregate
def arrests_before_and_after(conn: Connection, *, as_of: date) -> BeforeAndAfter:
    """For participants with at least 180 days since first intake: arrests in the 180 days before
    the referral date against re-arrests in the 180 days after intake, diverted arrests excluded.

    The referral is the one behind the participant's first enrollment.
    """
    window = BEFORE_AFTER_DAYS
    # 180 days since the first intake: a start T0 on or before D − 180.
    people = sql.cohort(as_of - timedelta(days=window), sql.EVERYONE)
    # Each window as a half-open range of arrested_at, [first day, day after the last), so each
    # participant's arrests in it are read off ix_arrests_participant_id_arrested_at.
    windows = (
        select(
            people.c.participant_id,
            add_days(people.c.referred_on, literal(-window)).label("before_from"),
            people.c.referred_on.label("before_until"),
            add_days(people.c.start_on, literal(1)).label("after_from"),
            add_days(people.c.start_on, literal(window + 1)).label("after_until"),
        )
        # Made once: SQLite would otherwise search the subquery for every row of the outer query.
        .cte("windows")
        .prefix_with("MATERIALIZED")
    )

    before = and_(Arrest.arrested_at >= windows.c.before_from, Arrest.arrested_at < windows.c.before_until)
    # The window after is the re-arrest rule's (sql.is_rearrest) for days 1 to 180 after T0.
    after = and_(Arrest.arrested_at >= windows.c.after_from, Arrest.arrested_at < windows.c.after_until)
    # One range from the first window's start to the last one's end: one index search per
    # participant on SQLite, one hash join on PostgreSQL.
    row = conn.execute(
        select(
            select(func.count()).select_from(windows).scalar_subquery(),
            sql.count_where(before),
            sql.count_where(after),
        )
        .select_from(windows)
        .join(
            Arrest,
            and_(
                Arrest.participant_id == windows.c.participant_id,
                Arrest.arrested_at >= sql.smaller(windows.c.before_from, windows.c.after_from),
                Arrest.arrested_at < sql.larger(windows.c.before_until, windows.c.after_until),
                Arrest.referral_id.is_(None),
                sql.on_or_before(Arrest.arrested_at, as_of, timestamp=True),
            ),
        )
    ).one()
    return BeforeAndAfter(participants=int(row[0]), arrests_before=int(row[1]), rearrests_after=int(row[2]))
