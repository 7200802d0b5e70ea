"""Officer engagement: who has been trained in LEAD, unit by unit and over time, and whether trained
officers refer. A program that trains a district's patrol and then expands to other units reads here
how far training has reached and where referrals still come from officers not yet trained (a gap to
close).

An officer is trained from ``officers.lead_trained_on`` on (that day included); a referral is "after
training" when its date is on or after its officer's training date, and "before training" when the
officer was not trained yet on the referral's date (never trained, or trained later). A referral with
no officer recorded is counted under the unit "not recorded" and is neither.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from lead_data import sql
from lead_data.access import aggregate, shown_by_role
from lead_data.models import Officer, Referral
from lead_data.periods import Period
from lead_data.sqlfunctions import date_of, month_of

ALL_UNITS = "All units"
SOCIAL_CONTACT = "social_contact"


def _trained_by(as_of: date) -> ColumnElement[bool]:
    return and_(Officer.lead_trained_on.is_not(None), Officer.lead_trained_on <= as_of)


def _after_training(officer: Any = Officer) -> ColumnElement[bool]:
    """The referral's officer was trained on or before the referral's date."""
    return and_(officer.lead_trained_on.is_not(None), officer.lead_trained_on <= date_of(Referral.referred_at))


def _before_training() -> ColumnElement[bool]:
    """The referral's officer was not trained yet on the referral's date."""
    return and_(
        Referral.officer_id.is_not(None),
        or_(Officer.lead_trained_on.is_(None), Officer.lead_trained_on > date_of(Referral.referred_at)),
    )


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).astype(float)


def _by_unit_and_overall(conn: Connection, statement: Any, unit: Any) -> pd.DataFrame:
    """``statement``'s aggregates per unit, then once more for every unit together (``ALL_UNITS``)."""
    per_unit = sql.frame(conn, statement.add_columns(unit.label("unit")).group_by(unit).order_by(unit))
    overall = sql.frame(conn, statement).assign(unit=ALL_UNITS)
    return pd.concat([per_unit, overall], ignore_index=True)


@aggregate
def officers_trained_by_unit(conn: Connection, *, as_of: date) -> pd.DataFrame:
    """Officers of each unit and how many were trained in LEAD by D, and every unit together.

    Columns: unit (the last row ``ALL_UNITS``), officers, trained, trained_share (NaN for no officers).
    """
    statement = select(
        func.count().label("officers"), sql.count_where(_trained_by(as_of)).label("trained")
    ).select_from(Officer)
    frame = _by_unit_and_overall(conn, statement, Officer.unit)
    frame = frame[["unit", "officers", "trained"]]
    return frame.assign(trained_share=_share(frame["trained"], frame["officers"]))


@aggregate
def officers_trained_by_month(conn: Connection, *, as_of: date) -> pd.DataFrame:
    """Officers trained each month by unit, with the unit's running total: training over time.

    Only months in which a unit trained someone appear. Columns: month ('YYYY-MM-01'), unit,
    newly_trained, trained_to_date.
    """
    month = month_of(Officer.lead_trained_on).label("month")
    trained = (
        select(month, Officer.unit.label("unit"), func.count().label("newly_trained"))
        .where(_trained_by(as_of))
        .group_by(month, Officer.unit)
        .subquery("trained_by_month")
    )
    to_date = func.sum(trained.c.newly_trained).over(partition_by=trained.c.unit, order_by=trained.c.month)
    statement = select(trained, to_date.label("trained_to_date")).order_by(trained.c.month, trained.c.unit)
    frame = sql.frame(conn, statement)
    return frame.astype({"newly_trained": int, "trained_to_date": int})


@aggregate
def officer_engagement_by_unit(conn: Connection, *, as_of: date, period: Period) -> pd.DataFrame:
    """Per unit, and every unit together: trained officers and their referrals in the period.

    Columns: unit (referrals without an officer under "not recorded"; the last row ``ALL_UNITS``),
    trained (officers trained by D), trained_referring (of them, those with a referral in the period
    made after their training), trained_referring_share, referrals (in the period), referrals_after_training,
    referrals_per_trained_officer (referrals after training ÷ trained officers), social_contact,
    social_contact_share (of referrals), referrals_before_training (by officers not trained yet:
    the training gap).
    """
    in_period = sql.in_period(Referral.referred_at, period, as_of, timestamp=True)
    # Its own alias of officers, so the subquery is not correlated with the officers counted outside it.
    referrer = aliased(Officer)
    referring = (
        select(Referral.officer_id)
        .join(referrer, referrer.officer_id == Referral.officer_id)
        .where(in_period, _after_training(referrer))
    )
    officers = select(
        sql.count_where(_trained_by(as_of)).label("trained"),
        sql.count_where(and_(_trained_by(as_of), Officer.officer_id.in_(referring))).label("trained_referring"),
    ).select_from(Officer)
    referrals = (
        select(
            func.count().label("referrals"),
            sql.count_where(_after_training()).label("referrals_after_training"),
            sql.count_where(Referral.referral_type == SOCIAL_CONTACT).label("social_contact"),
            sql.count_where(_before_training()).label("referrals_before_training"),
        )
        .select_from(Referral)
        .outerjoin(Officer, Officer.officer_id == Referral.officer_id)
        .where(in_period)
    )
    frame = pd.merge(
        _by_unit_and_overall(conn, officers, Officer.unit),
        _by_unit_and_overall(conn, referrals, sql.labelled(Officer.unit)),
        on="unit",
        how="outer",
        sort=False,
    )
    counts = ["trained", "trained_referring", "referrals", "referrals_after_training", "social_contact"]
    counts.append("referrals_before_training")
    frame[counts] = frame[counts].fillna(0).astype(int)
    # Units in name order, "not recorded" after them and every unit together last.
    order = sorted(frame["unit"], key=lambda unit: (unit == ALL_UNITS, unit == sql.NOT_RECORDED, unit))
    frame = frame.set_index("unit").loc[order].reset_index()
    return frame.assign(
        trained_referring_share=_share(frame["trained_referring"], frame["trained"]),
        referrals_per_trained_officer=_share(frame["referrals_after_training"], frame["trained"]),
        social_contact_share=_share(frame["social_contact"], frame["referrals"]),
    )[
        [
            "unit",
            "trained",
            "trained_referring",
            "trained_referring_share",
            "referrals",
            "referrals_after_training",
            "referrals_per_trained_officer",
            "social_contact",
            "social_contact_share",
            "referrals_before_training",
        ]
    ].reset_index(drop=True)


@shown_by_role(with_officer_names="officer_names")
def referrals_by_officer(
    conn: Connection, *, as_of: date, period: Period, with_officer_names: bool = False
) -> pd.DataFrame:
    """Every officer trained by D or with a referral in the period: their referrals in the period.

    Most referrals first. Columns: officer (the name, only ``with_officer_names``), unit, trained
    (by D), lead_trained_on (only ``with_officer_names``: a date can pick an officer out), referrals,
    social_contact, referrals_before_training.
    """
    in_period = sql.in_period(Referral.referred_at, period, as_of, timestamp=True)
    made = (
        select(
            Referral.officer_id,
            func.count().label("referrals"),
            sql.count_where(Referral.referral_type == SOCIAL_CONTACT).label("social_contact"),
            sql.count_where(_before_training()).label("referrals_before_training"),
        )
        .join(Officer, Officer.officer_id == Referral.officer_id)
        .where(in_period)
        .group_by(Referral.officer_id)
        .subquery("referrals_made")
    )
    columns = [
        Officer.name.label("officer"),
        Officer.unit,
        case((_trained_by(as_of), True), else_=False).label("trained"),
        case((_trained_by(as_of), Officer.lead_trained_on)).label("lead_trained_on"),
        func.coalesce(made.c.referrals, 0).label("referrals"),
        func.coalesce(made.c.social_contact, 0).label("social_contact"),
        func.coalesce(made.c.referrals_before_training, 0).label("referrals_before_training"),
    ]
    statement = (
        select(*columns)
        .select_from(Officer)
        .outerjoin(made, made.c.officer_id == Officer.officer_id)
        .where(or_(made.c.officer_id.is_not(None), _trained_by(as_of)))
        .order_by(func.coalesce(made.c.referrals, 0).desc(), Officer.unit, Officer.officer_id)
    )
    frame = sql.frame(conn, statement).astype({"trained": bool})
    if not with_officer_names:
        frame = frame.drop(columns=["officer", "lead_trained_on"])
    return frame


def split_units(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """A by-unit figure's rows for single units, and its row for every unit together."""
    is_all = frame["unit"] == ALL_UNITS
    return frame[~is_all].reset_index(drop=True), frame[is_all].iloc[0]
