"""Outcome figures of DATA_CONTRACT.md ("Outcome figures", contract version 2) other than re-arrest:
housing, employment and income from the assessments, exits by reason, active participant-months,
what the outcome tables hold, and the contract's own words for them.

Every figure takes an open connection, the as-of date D and a ``sql.Cohort`` (which participants
count); re-arrest outcomes are in ``rearrest_outcomes``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    func,
    or_,
    select,
    true,
)

from lead_data import sql
from lead_data.access import aggregate
from lead_data.models import (
    Assessment,
    Booking,
    ComparisonArrest,
    ComparisonPerson,
    Enrollment,
)
from lead_data.sqlfunctions import (
    days_between,
    month_number,
    quarter_of,
)

DAYS_PER_YEAR = 365.25


LAST_OUTCOME_MONTH = 24


CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "DATA_CONTRACT.md"


@aggregate
def active_participant_months(conn: Connection, *, as_of: date, cohort: sql.Cohort = sql.EVERYONE) -> float:
    """Months enrolled and active, summed over the cohort's enrollments up to D.

    An enrollment is active from its intake day through the day before its exit (or through D);
    a month is 365.25 ÷ 12 days.
    """
    people = sql.cohort(as_of, cohort)
    still_active = or_(Enrollment.exited_on.is_(None), Enrollment.exited_on > as_of)
    active_days = case(
        (still_active, days_between(Enrollment.intake_on, sql.day(as_of)) + 1),
        else_=days_between(Enrollment.intake_on, Enrollment.exited_on),
    )
    statement = (
        select(func.coalesce(func.sum(active_days), 0))
        .select_from(Enrollment)
        .join(people, people.c.participant_id == Enrollment.participant_id)
        .where(Enrollment.intake_on <= as_of)
    )
    return int(conn.execute(statement).scalar_one()) / (DAYS_PER_YEAR / 12)


# --- housing, employment, income --------------------------------------------------------------------


OUTCOME_MEASURES: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "housed": lambda table: table.c.housing == "housed",
    "employed": lambda table: table.c.employed == true(),
    "legal_income": lambda table: table.c.legal_income == true(),
}


ANSWERED = {"housed": "housing", "employed": "employed", "legal_income": "legal_income"}


def _measure_columns(
    table: Any, *, only: ColumnElement[bool] | None = None, suffix: str = ""
) -> list[ColumnElement[Any]]:
    """Per measure, the yes answers and the answers (null left out), among ``table``'s rows or those
    ``only`` picks."""
    columns: list[ColumnElement[Any]] = []
    for measure, is_yes in OUTCOME_MEASURES.items():
        answered = table.c[ANSWERED[measure]].is_not(None)
        if only is not None:
            answered = and_(only, answered)
        columns.append(sql.count_where(and_(answered, is_yes(table))).label(f"{measure}{suffix}"))
        columns.append(sql.count_where(answered).label(f"{measure}_answered{suffix}"))
    return columns


def _with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    for measure in OUTCOME_MEASURES:
        yes, answered = frame[measure], frame[f"{measure}_answered"]
        frame[f"{measure}_share"] = (yes / answered.where(answered > 0)).astype(float)
    return frame


@aggregate
def outcomes_by_month(conn: Connection, *, as_of: date, cohort: sql.Cohort = sql.EVERYONE) -> pd.DataFrame:
    """Housed, employed and with legal income by month k = 0…24 after the referral month.

    Among participants assessed in month k (their latest assessment in it), each share's n is
    the assessments that answered it (null answers are left out). Months nobody was assessed in
    are absent. Columns: month (k), assessed, then per measure (housed, employed, legal_income):
    the measure (yes answers), <measure>_answered, <measure>_share (None when nobody answered).
    """
    people = sql.cohort(as_of, cohort)
    month = (month_number(Assessment.assessed_on) - month_number(people.c.referred_on)).label("month")
    latest = (
        select(
            Assessment.participant_id,
            Assessment.housing,
            Assessment.employed,
            Assessment.legal_income,
            month,
            func.row_number()
            .over(
                partition_by=(Assessment.participant_id, month),
                order_by=(Assessment.assessed_on.desc(), Assessment.assessment_id.desc()),
            )
            .label("recency"),
        )
        .join(people, people.c.participant_id == Assessment.participant_id)
        .where(Assessment.assessed_on <= as_of)
        .subquery("latest_in_month")
    )
    statement = (
        select(latest.c.month, func.count().label("assessed"), *_measure_columns(latest))
        .where(latest.c.recency == 1, latest.c.month >= 0, latest.c.month <= LAST_OUTCOME_MONTH)
        .group_by(latest.c.month)
        .order_by(latest.c.month)
    )
    return _with_shares(sql.frame(conn, statement))


@aggregate
def first_and_latest_assessment(conn: Connection, *, as_of: date, cohort: sql.Cohort = sql.EVERYONE) -> pd.DataFrame:
    """For participants with two or more assessments by D: their first against their latest.

    Columns: measure (housed, employed, legal_income), participants (with two or more), first,
    first_answered, first_share, latest, latest_answered, latest_share (NaN when nobody answered).
    Null answers are left out of that share's n.
    """
    people = sql.cohort(as_of, cohort)
    ordered = (
        select(
            Assessment.participant_id,
            Assessment.housing,
            Assessment.employed,
            Assessment.legal_income,
            func.row_number()
            .over(partition_by=Assessment.participant_id, order_by=(Assessment.assessed_on, Assessment.assessment_id))
            .label("position"),
            func.count().over(partition_by=Assessment.participant_id).label("assessments"),
        )
        .join(people, people.c.participant_id == Assessment.participant_id)
        .where(Assessment.assessed_on <= as_of)
        .subquery("ordered_assessments")
    )
    first, latest = ordered.c.position == 1, ordered.c.position == ordered.c.assessments
    statement = select(
        sql.count_where(first).label("participants"),
        *_measure_columns(ordered, only=first, suffix="_first"),
        *_measure_columns(ordered, only=latest, suffix="_latest"),
    ).where(ordered.c.assessments >= 2)
    counts = conn.execute(statement).one()._mapping
    records = []
    for measure in OUTCOME_MEASURES:
        record: dict[str, Any] = {"measure": measure, "participants": int(counts["participants"])}
        for which in ("first", "latest"):
            yes, answered = int(counts[f"{measure}_{which}"]), int(counts[f"{measure}_answered_{which}"])
            record |= {
                which: yes,
                f"{which}_answered": answered,
                f"{which}_share": yes / answered if answered else None,
            }
        records.append(record)
    return pd.DataFrame(records)


# --- exits ----------------------------------------------------------------------------------------


@aggregate
def exits_by_reason(conn: Connection, *, as_of: date, cohort: sql.Cohort = sql.EVERYONE) -> pd.DataFrame:
    """Exited enrollments of the cohort's participants by exit reason and quarter of exit.

    A graduation is the good outcome; no reason is a failure. Columns: quarter ('YYYY-Qn'),
    exit_reason ("not recorded" when null), exits.
    """
    people = sql.cohort(as_of, cohort)
    quarter = quarter_of(Enrollment.exited_on).label("quarter")
    reason = sql.labelled(Enrollment.exit_reason).label("exit_reason")
    statement = (
        select(quarter, reason, func.count().label("exits"))
        .select_from(Enrollment)
        .join(people, people.c.participant_id == Enrollment.participant_id)
        .where(Enrollment.intake_on <= as_of, Enrollment.exited_on.is_not(None), Enrollment.exited_on <= as_of)
        .group_by(quarter, reason)
        .order_by(quarter, reason)
    )
    return sql.frame(conn, statement)


def graduations_of(exits: pd.DataFrame) -> tuple[int, int]:
    """Graduations and all exits in ``exits_by_reason``."""
    return int(exits.loc[exits["exit_reason"] == "graduated", "exits"].sum()), int(exits["exits"].sum())


# --- what the outcome tables hold -----------------------------------------------------------------------


@aggregate
def outcome_rows(conn: Connection, *, as_of: date) -> dict[str, int]:
    """Rows dated on or before D in each outcome table of contract version 2 (they may be empty):
    assessments, bookings, comparison_people, comparison_arrests."""
    counts = {
        "assessments": select(func.count()).where(Assessment.assessed_on <= as_of),
        "bookings": select(func.count()).where(Booking.booked_on <= as_of),
        "comparison_people": select(func.count()).where(ComparisonPerson.index_on <= as_of),
        "comparison_arrests": select(func.count()).where(
            sql.on_or_before(ComparisonArrest.arrested_at, as_of, timestamp=True)
        ),
    }
    return {table: int(conn.execute(statement).scalar_one()) for table, statement in counts.items()}


# --- the contract's own words -----------------------------------------------------------------------


def outcome_definitions(path: Path = CONTRACT) -> list[tuple[str, str]]:
    """The contract's definitions behind the outcome figures, quoted from DATA_CONTRACT.md: the
    start and referral date, the version-1 re-arrest rule, and every outcome figure. Pairs of
    (name, Markdown text). Empty when the contract file is not deployed with the dashboard.
    """
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    figures, _, outcomes = text.partition("### Outcome figures")
    rearrest = re.search(r"^- \*\*Re-arrest\*\*:.*?(?=^- )", figures, flags=re.S | re.M)
    preamble = outcomes.strip().split("\n\n")[0]
    bullets = re.findall(r"^- \*\*(.+?)\*\*(.*?)(?=^- |\Z)", outcomes, flags=re.S | re.M)
    definitions = [("Start and referral date", " ".join(preamble.split()))]
    if rearrest:
        definitions.append(("Re-arrest (version 1)", " ".join(rearrest.group(0)[2:].split())))
    definitions += [(name, " ".join(f"**{name}**{rest}".split())) for name, rest in bullets]
    return definitions
