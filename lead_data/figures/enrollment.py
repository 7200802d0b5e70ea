"""Referrals and enrollment: the figures of DATA_CONTRACT.md "Figures" from referral to intake and exit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    distinct,
    func,
    select,
)

from lead_data import sql
from lead_data.access import aggregate
from lead_data.models import (
    Enrollment,
    Officer,
    Referral,
)
from lead_data.periods import Period
from lead_data.sqlfunctions import (
    date_of,
    days_between,
    month_of,
    quarter_of,
)

# --- referrals ------------------------------------------------------------------------------


REFERRAL_DIMENSIONS: dict[str, Callable[[], ColumnElement[Any]]] = {
    "month": lambda: month_of(Referral.referred_at),
    "quarter": lambda: quarter_of(Referral.referred_at),
    "referral_type": lambda: sql.labelled(Referral.referral_type),
    "offense": lambda: sql.labelled(Referral.offense),
    "unit": lambda: sql.labelled(Officer.unit),
}


@aggregate
def referral_count(conn: Connection, *, as_of: date, period: Period | None = None) -> int:
    """Referrals with ``referred_at`` in the period (default: all on or before D)."""
    statement = (
        select(func.count())
        .select_from(Referral)
        .where(sql.in_period(Referral.referred_at, period, as_of, timestamp=True))
    )
    return sql.scalar(conn, statement)


@aggregate
def referrals_by(
    conn: Connection, *, as_of: date, period: Period | None = None, by: Sequence[str] = ("month", "referral_type")
) -> pd.DataFrame:
    """Referrals in the period grouped by ``by`` (any of month, quarter, referral_type, offense, unit).

    Columns: the ``by`` columns (month as 'YYYY-MM-01', quarter as 'YYYY-Qn'; missing values as
    "not recorded"), referrals.
    """
    unknown = set(by) - set(REFERRAL_DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot group referrals by {sorted(unknown)}")
    groups = [REFERRAL_DIMENSIONS[name]().label(name) for name in by]
    statement = (
        select(*groups, func.count().label("referrals"))
        .select_from(Referral)
        .outerjoin(Officer, Officer.officer_id == Referral.officer_id)
        .where(sql.in_period(Referral.referred_at, period, as_of, timestamp=True))
        .group_by(*groups)
        .order_by(*groups)
    )
    return sql.frame(conn, statement)


# --- enrollment -----------------------------------------------------------------------------


@aggregate
def enrolled_ever(conn: Connection, *, as_of: date) -> int:
    """Distinct participants with an enrollment whose intake is on or before D."""
    statement = select(func.count(distinct(Enrollment.participant_id))).where(Enrollment.intake_on <= as_of)
    return sql.scalar(conn, statement)


@aggregate
def active_count(conn: Connection, *, as_of: date) -> int:
    """Active enrollments: intake on or before D and not exited by D."""
    return sql.scalar(conn, select(func.count()).select_from(Enrollment).where(sql.is_active(as_of)))


@aggregate
def intake_count(conn: Connection, *, as_of: date, period: Period) -> int:
    """Enrollments whose intake falls in the period."""
    statement = select(func.count()).select_from(Enrollment).where(sql.in_period(Enrollment.intake_on, period, as_of))
    return sql.scalar(conn, statement)


@aggregate
def exit_count(conn: Connection, *, as_of: date, period: Period, graduated: bool | None = None) -> int:
    """Enrollments whose exit falls in the period; only graduations (``graduated`` True), or only
    the other exits (False)."""
    conditions = [Enrollment.exited_on.is_not(None), sql.in_period(Enrollment.exited_on, period, as_of)]
    if graduated is not None:
        is_graduation = func.coalesce(Enrollment.exit_reason, "") == "graduated"
        conditions.append(is_graduation if graduated else ~is_graduation)
    return sql.scalar(conn, select(func.count()).select_from(Enrollment).where(*conditions))


@aggregate
def intakes_by_month(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Enrollments with intake in the period by month and the referral's type.

    Columns: month ('YYYY-MM-01'), referral_type, intakes.
    """
    month = month_of(Enrollment.intake_on).label("month")
    referral_type = sql.labelled(Referral.referral_type).label("referral_type")
    statement = (
        select(month, referral_type, func.count().label("intakes"))
        .select_from(Enrollment)
        .outerjoin(Referral, Referral.referral_id == Enrollment.referral_id)
        .where(sql.in_period(Enrollment.intake_on, period, as_of))
        .group_by(month, referral_type)
        .order_by(month, referral_type)
    )
    return sql.frame(conn, statement)


@aggregate
def active_by_month(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Active enrollments at the end of each month (the last month ends on D).

    Columns: month ('YYYY-MM-01'), active. Months before the period's start are left out.
    """
    intakes = (
        select(month_of(Enrollment.intake_on).label("month"), func.count().label("moves"))
        .where(Enrollment.intake_on <= as_of)
        .group_by(month_of(Enrollment.intake_on))
    )
    exits = (
        select(month_of(Enrollment.exited_on).label("month"), (-func.count()).label("moves"))
        .where(Enrollment.intake_on <= as_of, Enrollment.exited_on <= as_of)
        .group_by(month_of(Enrollment.exited_on))
    )
    moves = sql.frame(conn, intakes.union_all(exits))
    if moves.empty:
        return pd.DataFrame({"month": pd.Series(dtype=str), "active": pd.Series(dtype=int)})
    net = moves.groupby("month")["moves"].sum()
    months = pd.date_range(min(net.index), as_of.replace(day=1), freq="MS").strftime("%Y-%m-01")
    active = net.reindex(months, fill_value=0).cumsum()
    frame = pd.DataFrame({"month": active.index, "active": active.to_numpy(dtype=int)})
    if period and period.start:
        frame = frame[frame["month"] >= period.start.replace(day=1).isoformat()]
    return frame.reset_index(drop=True)


# --- from referral to intake ----------------------------------------------------------------


FUNNEL_STAGES = ("referred", "decided", "eligible", "sao_verified", "enrolled")


@aggregate
def eligibility_funnel(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Referrals in the period at each stage: referred → decided → eligible → SAO verified → enrolled.

    Each stage is a subset of the one before: decided = not pending; SAO verified = eligible with
    ``sao_verified_on`` on or before D; enrolled = verified with an enrollment whose intake is on or
    before D. Columns: stage, referrals.
    """
    enrolled_referrals = select(Enrollment.referral_id).where(Enrollment.intake_on <= as_of)
    decided = Referral.eligibility != "pending"
    eligible = Referral.eligibility == "eligible"
    verified = and_(eligible, Referral.sao_verified_on <= as_of)
    enrolled = and_(verified, Referral.referral_id.in_(enrolled_referrals))

    statement = select(
        func.count().label("referred"),
        sql.count_where(decided).label("decided"),
        sql.count_where(eligible).label("eligible"),
        sql.count_where(verified).label("sao_verified"),
        sql.count_where(enrolled).label("enrolled"),
    ).where(sql.in_period(Referral.referred_at, period, as_of, timestamp=True))
    row = conn.execute(statement).one()._mapping
    return pd.DataFrame({"stage": FUNNEL_STAGES, "referrals": [int(row[stage]) for stage in FUNNEL_STAGES]})


@aggregate
def ineligibility_reasons(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Ineligible referrals in the period by reason. Columns: reason, referrals (most first)."""
    reason = sql.labelled(Referral.ineligible_reason).label("reason")
    statement = (
        select(reason, func.count().label("referrals"))
        .where(
            Referral.eligibility == "ineligible",
            sql.in_period(Referral.referred_at, period, as_of, timestamp=True),
        )
        .group_by(reason)
        .order_by(func.count().desc(), reason)
    )
    return sql.frame(conn, statement)


@aggregate
def days_to_intake(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Days from referral date to intake, for enrollments with intake in the period.

    Columns: days, enrollments (how many took that many days). Median: ``sql.median_of_counts``.
    """
    days = days_between(date_of(Referral.referred_at), Enrollment.intake_on).label("days")
    statement = (
        select(days, func.count().label("enrollments"))
        .select_from(Enrollment)
        .join(Referral, Referral.referral_id == Enrollment.referral_id)
        .where(sql.in_period(Enrollment.intake_on, period, as_of))
        .group_by(days)
        .order_by(days)
    )
    return sql.frame(conn, statement)
