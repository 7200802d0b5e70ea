"""One function per figure of DATA_CONTRACT.md.

Every function takes an open SQLAlchemy connection and the as-of date D: rows dated after D do not
exist for it. "Per period" figures also take a Period and count events whose own date falls in it
(clipped to D). Aggregation happens in SQL with bound parameters; the constructs in
``sqlfunctions`` keep the SQL identical in meaning on SQLite and PostgreSQL. Each function's
docstring lists the columns it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
    true,
)

from lead_data.access import aggregate, needs, shown_by_role
from lead_data.models import (
    REACHED_CONTACT_KINDS,
    Arrest,
    CareTeam,
    Contact,
    Enrollment,
    Officer,
    Participant,
    Referral,
    Service,
    Staff,
)
from lead_data.periods import Period, week_ending
from lead_data.sqlfunctions import add_days, date_of, days_between, fold, folded, month_of, quarter_of

NOT_RECORDED = "not recorded"
UNASSIGNED = "Unassigned"
ENGAGED, CONTACT_OVERDUE, IN_THE_WIND = "engaged", "contact_overdue", "in_the_wind"
ENGAGEMENT_LEVELS = (ENGAGED, CONTACT_OVERDUE, IN_THE_WIND)
ENGAGED_MAX_DAYS, OVERDUE_MAX_DAYS = 14, 30
BEFORE_AFTER_DAYS = 180


# --- shared building blocks -------------------------------------------------------------------


def _day(value: date) -> ColumnElement[Any]:
    return literal(value, Date())


def _next_midnight(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min)


def _on_or_before(column: Any, as_of: date, *, timestamp: bool = False) -> ColumnElement[bool]:
    # Timestamps compare against the next midnight so an index on the column stays usable.
    return column < _next_midnight(as_of) if timestamp else column <= as_of


def _in_period(column: Any, period: Period | None, as_of: date, *, timestamp: bool = False) -> ColumnElement[bool]:
    end = min(period.end, as_of) if period else as_of
    condition = _on_or_before(column, end, timestamp=timestamp)
    if period and period.start:
        start = datetime.combine(period.start, time.min) if timestamp else period.start
        condition = and_(condition, column >= start)
    return condition


def _labelled(column: Any) -> ColumnElement[Any]:
    return func.coalesce(column, NOT_RECORDED)


def _frame(conn: Connection, statement: Select[Any]) -> pd.DataFrame:
    result = conn.execute(statement)
    # Plain tuples: pandas probes each SQLAlchemy Row for namedtuple fields, several times slower.
    return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))


def _scalar(conn: Connection, statement: Select[Any]) -> int:
    return int(conn.execute(statement).scalar_one() or 0)


def _is_active(as_of: date) -> ColumnElement[bool]:
    return and_(
        Enrollment.intake_on <= as_of,
        or_(Enrollment.exited_on.is_(None), Enrollment.exited_on > as_of),
    )


def _first_intakes(as_of: date) -> Any:
    """Each enrolled participant's earliest intake on or before D."""
    return (
        select(Enrollment.participant_id, func.min(Enrollment.intake_on).label("first_intake_on"))
        .where(Enrollment.intake_on <= as_of)
        .group_by(Enrollment.participant_id)
        .subquery("first_intakes")
    )


def _rearrests(as_of: date, period: Period | None = None) -> Any:
    """Re-arrests on or before D (and in the period, if given): non-diverted arrests dated strictly
    after the first intake. Columns: arrest_id, participant_id, severity, arrested_on."""
    arrested_on = date_of(Arrest.arrested_at)
    if period is not None and period.start is not None:
        # A period's arrests through ix_arrests_arrested_at, each asking whether an intake came
        # before it (that is, the first one did): a week reads a week's arrests. "+ 0" keeps SQLite,
        # which has no statistics, from reading every non-diverted arrest through ix_arrests_referral_id.
        intake_before = (
            select(Enrollment.enrollment_id)
            .where(
                Enrollment.participant_id == Arrest.participant_id,
                Enrollment.intake_on <= as_of,
                Enrollment.intake_on < arrested_on,
            )
            .exists()
        )
        rearrests = select(Arrest.arrest_id, Arrest.participant_id, Arrest.severity, arrested_on.label("arrested_on"))
        return rearrests.where(
            (Arrest.referral_id + 0).is_(None),
            _in_period(Arrest.arrested_at, period, as_of, timestamp=True),
            intake_before,
        ).subquery("rearrests")
    first = _first_intakes(as_of)
    return (
        select(Arrest.arrest_id, Arrest.participant_id, Arrest.severity, arrested_on.label("arrested_on"))
        .select_from(first)
        # From each participant's first intake to their arrests (ix_arrests_participant_id_arrested_at),
        # rather than from every arrest in the database.
        .join(Arrest, Arrest.participant_id == first.c.participant_id)
        .where(
            Arrest.referral_id.is_(None),
            *_after_first_intake(first),
            _in_period(Arrest.arrested_at, period, as_of, timestamp=True),
        )
        .subquery("rearrests")
    )


def _after_first_intake(first: Any) -> tuple[ColumnElement[bool], ...]:
    """An arrest dated strictly after ``first``'s (``_first_intakes``) first_intake_on. The arrest
    date decides; the timestamp bound it implies lets the index skip the arrests up to intake day."""
    return (Arrest.arrested_at > first.c.first_intake_on, date_of(Arrest.arrested_at) > first.c.first_intake_on)


def _first_rearrest_days(as_of: date) -> Any:
    """One row per participant re-arrested by D: participant_id, days (from first intake to first
    re-arrest). Both the number re-arrested and the days to first re-arrest are read off it."""
    first = _first_intakes(as_of)
    return (
        select(
            first.c.participant_id,
            days_between(first.c.first_intake_on, func.min(date_of(Arrest.arrested_at))).label("days"),
        )
        .select_from(first)
        .join(Arrest, Arrest.participant_id == first.c.participant_id)
        .where(
            Arrest.referral_id.is_(None),
            *_after_first_intake(first),
            _on_or_before(Arrest.arrested_at, as_of, timestamp=True),
        )
        .group_by(first.c.participant_id, first.c.first_intake_on)
        .subquery("first_rearrests")
    )


def _last_contact_on(participant_id: ColumnElement[int], as_of: date) -> ColumnElement[date]:
    """The participant's latest reached contact (in person or phone) on or before D.

    Correlated, so that it reads the few index entries of one participant (ix_contacts_participant_id_kind_contacted_on)
    instead of grouping every contact in the database to answer for a page of people.
    """
    return (
        select(func.max(Contact.contacted_on))
        .where(
            Contact.participant_id == participant_id,
            Contact.kind.in_(REACHED_CONTACT_KINDS),
            Contact.contacted_on <= as_of,
        )
        .scalar_subquery()
    )


def _engagement(days_since_contact: ColumnElement[Any]) -> ColumnElement[str]:
    return case(
        (days_since_contact <= ENGAGED_MAX_DAYS, ENGAGED),
        (days_since_contact <= OVERDUE_MAX_DAYS, CONTACT_OVERDUE),
        else_=IN_THE_WIND,
    )


def _active_engagement(as_of: date) -> Any:
    """Active enrollments with days since last contact (or intake) and their engagement level."""
    active = (
        select(
            Enrollment.enrollment_id,
            Enrollment.participant_id,
            Enrollment.team_id,
            Enrollment.intake_on,
            _last_contact_on(Enrollment.participant_id, as_of).label("last_contact_on"),
        )
        .where(_is_active(as_of))
        # Materialized, so each participant's last contact is looked up once, not once per use.
        .cte("active")
        .prefix_with("MATERIALIZED")
    )
    days_since = days_between(func.coalesce(active.c.last_contact_on, active.c.intake_on), _day(as_of))
    return select(
        active.c.enrollment_id,
        active.c.participant_id,
        active.c.team_id,
        active.c.intake_on,
        active.c.last_contact_on,
        days_since.label("days_since_contact"),
        _engagement(days_since).label("engagement"),
    ).subquery("active_engagement")


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


# --- referrals and enrollment ----------------------------------------------------------------

REFERRAL_DIMENSIONS = {
    "month": lambda: month_of(Referral.referred_at),
    "quarter": lambda: quarter_of(Referral.referred_at),
    "referral_type": lambda: _labelled(Referral.referral_type),
    "offense": lambda: _labelled(Referral.offense),
    "unit": lambda: _labelled(Officer.unit),
}


@aggregate
def referral_count(conn: Connection, *, as_of: date, period: Period | None = None) -> int:
    """Referrals with ``referred_at`` in the period (default: all on or before D)."""
    statement = (
        select(func.count())
        .select_from(Referral)
        .where(_in_period(Referral.referred_at, period, as_of, timestamp=True))
    )
    return _scalar(conn, statement)


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
        .where(_in_period(Referral.referred_at, period, as_of, timestamp=True))
        .group_by(*groups)
        .order_by(*groups)
    )
    return _frame(conn, statement)


@aggregate
def enrolled_ever(conn: Connection, *, as_of: date) -> int:
    """Distinct participants with an enrollment whose intake is on or before D."""
    statement = select(func.count(distinct(Enrollment.participant_id))).where(Enrollment.intake_on <= as_of)
    return _scalar(conn, statement)


@aggregate
def active_count(conn: Connection, *, as_of: date) -> int:
    """Active enrollments: intake on or before D and not exited by D."""
    return _scalar(conn, select(func.count()).select_from(Enrollment).where(_is_active(as_of)))


@aggregate
def intake_count(conn: Connection, *, as_of: date, period: Period) -> int:
    """Enrollments whose intake falls in the period."""
    statement = select(func.count()).select_from(Enrollment).where(_in_period(Enrollment.intake_on, period, as_of))
    return _scalar(conn, statement)


@aggregate
def exit_count(conn: Connection, *, as_of: date, period: Period, graduated: bool | None = None) -> int:
    """Enrollments whose exit falls in the period; only graduations (``graduated`` True), or only
    the other exits (False)."""
    conditions = [Enrollment.exited_on.is_not(None), _in_period(Enrollment.exited_on, period, as_of)]
    if graduated is not None:
        is_graduation = func.coalesce(Enrollment.exit_reason, "") == "graduated"
        conditions.append(is_graduation if graduated else ~is_graduation)
    return _scalar(conn, select(func.count()).select_from(Enrollment).where(*conditions))


@aggregate
def intakes_by_month(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Enrollments with intake in the period by month and the referral's type.

    Columns: month ('YYYY-MM-01'), referral_type, intakes.
    """
    month = month_of(Enrollment.intake_on).label("month")
    referral_type = _labelled(Referral.referral_type).label("referral_type")
    statement = (
        select(month, referral_type, func.count().label("intakes"))
        .select_from(Enrollment)
        .outerjoin(Referral, Referral.referral_id == Enrollment.referral_id)
        .where(_in_period(Enrollment.intake_on, period, as_of))
        .group_by(month, referral_type)
        .order_by(month, referral_type)
    )
    return _frame(conn, statement)


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
    moves = _frame(conn, intakes.union_all(exits))
    if moves.empty:
        return pd.DataFrame({"month": pd.Series(dtype=str), "active": pd.Series(dtype=int)})
    net = moves.groupby("month")["moves"].sum()
    months = pd.date_range(min(net.index), as_of.replace(day=1), freq="MS").strftime("%Y-%m-01")
    active = net.reindex(months, fill_value=0).cumsum()
    frame = pd.DataFrame({"month": active.index, "active": active.to_numpy(dtype=int)})
    if period and period.start:
        frame = frame[frame["month"] >= period.start.replace(day=1).isoformat()]
    return frame.reset_index(drop=True)


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

    def tally(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    statement = select(
        func.count().label("referred"),
        tally(decided).label("decided"),
        tally(eligible).label("eligible"),
        tally(verified).label("sao_verified"),
        tally(enrolled).label("enrolled"),
    ).where(_in_period(Referral.referred_at, period, as_of, timestamp=True))
    row = conn.execute(statement).one()._mapping
    return pd.DataFrame({"stage": FUNNEL_STAGES, "referrals": [int(row[stage]) for stage in FUNNEL_STAGES]})


@aggregate
def ineligibility_reasons(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Ineligible referrals in the period by reason. Columns: reason, referrals (most first)."""
    reason = _labelled(Referral.ineligible_reason).label("reason")
    statement = (
        select(reason, func.count().label("referrals"))
        .where(
            Referral.eligibility == "ineligible",
            _in_period(Referral.referred_at, period, as_of, timestamp=True),
        )
        .group_by(reason)
        .order_by(func.count().desc(), reason)
    )
    return _frame(conn, statement)


@aggregate
def days_to_intake(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Days from referral date to intake, for enrollments with intake in the period.

    Columns: days, enrollments (how many took that many days). Median: ``median_of_counts``.
    """
    days = days_between(date_of(Referral.referred_at), Enrollment.intake_on).label("days")
    statement = (
        select(days, func.count().label("enrollments"))
        .select_from(Enrollment)
        .join(Referral, Referral.referral_id == Enrollment.referral_id)
        .where(_in_period(Enrollment.intake_on, period, as_of))
        .group_by(days)
        .order_by(days)
    )
    return _frame(conn, statement)


# --- re-arrests ------------------------------------------------------------------------------


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


@aggregate
def rearrest_rate(conn: Connection, *, as_of: date) -> RearrestRate:
    """Participants with at least one re-arrest on or before D, over participants enrolled (ever)."""
    rearrested = _scalar(conn, select(func.count()).select_from(_first_rearrest_days(as_of)))
    return RearrestRate(rearrested=rearrested, enrolled=enrolled_ever(conn, as_of=as_of))


@aggregate
def rearrests_by_month(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Re-arrests dated in the period by month and severity. Their number: ``rearrests_in``.

    Columns: month ('YYYY-MM-01'), severity ("not recorded" when null), rearrests.
    """
    rearrests = _rearrests(as_of, period)
    month = month_of(rearrests.c.arrested_on).label("month")
    severity = _labelled(rearrests.c.severity).label("severity")
    statement = (
        select(month, severity, func.count().label("rearrests")).group_by(month, severity).order_by(month, severity)
    )
    return _frame(conn, statement)


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
    frame = _frame(conn, statement)
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
    # 180 days since the first intake: the first enrollment is among those with intake by D − 180.
    earlier = Enrollment.__table__.alias("earlier")
    first_enrollment = (
        select(
            Enrollment.participant_id,
            Enrollment.intake_on,
            date_of(Referral.referred_at).label("referred_on"),
        )
        .join(Referral, Referral.referral_id == Enrollment.referral_id)
        .where(
            Enrollment.intake_on <= as_of - timedelta(days=window),
            # No enrollment before it (by intake, then id): an index lookup per enrollment, where a
            # window function would sort every enrollment.
            ~select(earlier.c.enrollment_id)
            .where(
                earlier.c.participant_id == Enrollment.participant_id,
                earlier.c.intake_on <= Enrollment.intake_on,
                or_(earlier.c.intake_on < Enrollment.intake_on, earlier.c.enrollment_id < Enrollment.enrollment_id),
            )
            .exists(),
        )
        .subquery("first_enrollment")
    )
    # Each window as a half-open range of arrested_at, [first day, day after the last), so each
    # participant's arrests in it are read off ix_arrests_participant_id_arrested_at.
    cohort = (
        select(
            first_enrollment.c.participant_id,
            add_days(first_enrollment.c.referred_on, literal(-window)).label("before_from"),
            first_enrollment.c.referred_on.label("before_until"),
            add_days(first_enrollment.c.intake_on, literal(1)).label("after_from"),
            add_days(first_enrollment.c.intake_on, literal(window + 1)).label("after_until"),
        )
        # Made once: SQLite would otherwise search the subquery for every row of the outer query.
        .cte("cohort")
        .prefix_with("MATERIALIZED")
    )

    before = and_(Arrest.arrested_at >= cohort.c.before_from, Arrest.arrested_at < cohort.c.before_until)
    after = and_(Arrest.arrested_at >= cohort.c.after_from, Arrest.arrested_at < cohort.c.after_until)
    # One range from the first window's start to the last one's end: one index search per
    # participant on SQLite, one hash join on PostgreSQL.
    earliest = case((cohort.c.before_from < cohort.c.after_from, cohort.c.before_from), else_=cohort.c.after_from)
    latest = case((cohort.c.before_until > cohort.c.after_until, cohort.c.before_until), else_=cohort.c.after_until)
    row = conn.execute(
        select(
            select(func.count()).select_from(cohort).scalar_subquery(),
            func.coalesce(func.sum(case((before, 1), else_=0)), 0),
            func.coalesce(func.sum(case((after, 1), else_=0)), 0),
        )
        .select_from(cohort)
        .join(
            Arrest,
            and_(
                Arrest.participant_id == cohort.c.participant_id,
                Arrest.arrested_at >= earliest,
                Arrest.arrested_at < latest,
                Arrest.referral_id.is_(None),
                _on_or_before(Arrest.arrested_at, as_of, timestamp=True),
            ),
        )
    ).one()
    return BeforeAndAfter(participants=int(row[0]), arrests_before=int(row[1]), rearrests_after=int(row[2]))


# --- caseload --------------------------------------------------------------------------------


@shown_by_role(with_staff_names="staff_names")
def caseload_by_team(conn: Connection, *, as_of: date, with_staff_names: bool = False) -> pd.DataFrame:
    """Each care team that is active or holds active enrollments, against its cap.

    Columns: team_id, team, peer and case_manager (their names; only ``with_staff_names``),
    team_active, caseload, caseload_cap, open_slots, utilisation (caseload ÷ cap), over_cap,
    contact_overdue, in_the_wind. Ordered by team id. Unassigned active enrollments are not here:
    see ``unassigned_clients``.
    """
    engagement = _active_engagement(as_of)
    peer = Staff.__table__.alias("peer")
    case_manager = Staff.__table__.alias("case_manager")
    caseload = func.count(engagement.c.enrollment_id)

    def tally(level: str) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((engagement.c.engagement == level, 1), else_=0)), 0)

    statement = (
        select(
            CareTeam.team_id,
            CareTeam.name.label("team"),
            peer.c.name.label("peer"),
            case_manager.c.name.label("case_manager"),
            CareTeam.active.label("team_active"),
            caseload.label("caseload"),
            CareTeam.caseload_cap,
            tally(CONTACT_OVERDUE).label("contact_overdue"),
            tally(IN_THE_WIND).label("in_the_wind"),
        )
        .select_from(CareTeam)
        .outerjoin(engagement, engagement.c.team_id == CareTeam.team_id)
        .outerjoin(peer, peer.c.staff_id == CareTeam.peer_id)
        .outerjoin(case_manager, case_manager.c.staff_id == CareTeam.case_manager_id)
        .group_by(
            CareTeam.team_id, CareTeam.name, peer.c.name, case_manager.c.name, CareTeam.active, CareTeam.caseload_cap
        )
        .having(or_(CareTeam.active == true(), caseload > 0))
        .order_by(CareTeam.team_id)
    )
    frame = _frame(conn, statement)
    frame["team_active"] = frame["team_active"].astype(bool)
    frame["open_slots"] = (frame["caseload_cap"] - frame["caseload"]).clip(lower=0)
    frame["utilisation"] = (frame["caseload"] / frame["caseload_cap"].where(frame["caseload_cap"] > 0)).astype(float)
    frame["over_cap"] = frame["caseload"] > frame["caseload_cap"]
    columns = [
        "team_id", "team", "peer", "case_manager", "team_active", "caseload", "caseload_cap",
        "open_slots", "utilisation", "over_cap", "contact_overdue", "in_the_wind",
    ]  # fmt: skip
    if not with_staff_names:
        columns = [column for column in columns if column not in ("peer", "case_manager")]
    return frame[columns]


@needs("participant_lists")
def unassigned_clients(conn: Connection, *, as_of: date) -> pd.DataFrame:
    """Active enrollments with no care team, longest waiting first.

    Columns: participant_id, intake_on, days_since_intake, days_since_contact, engagement.
    """
    engagement = _active_engagement(as_of)
    statement = (
        select(
            engagement.c.participant_id,
            engagement.c.intake_on,
            days_between(engagement.c.intake_on, _day(as_of)).label("days_since_intake"),
            engagement.c.days_since_contact,
            engagement.c.engagement,
        )
        .where(engagement.c.team_id.is_(None))
        .order_by(engagement.c.intake_on, engagement.c.participant_id)
    )
    return _frame(conn, statement)


@aggregate
def unassigned_count(conn: Connection, *, as_of: date) -> int:
    """Active enrollments with no care team."""
    statement = select(func.count()).select_from(Enrollment).where(_is_active(as_of), Enrollment.team_id.is_(None))
    return _scalar(conn, statement)


@dataclass(frozen=True)
class CaseloadBalance:
    """Spread of caseloads among active teams (largest − smallest) and what it is made of."""

    active_teams: int
    largest: int
    smallest: int
    teams_over_cap: int

    @property
    def spread(self) -> int:
        return self.largest - self.smallest


def caseload_balance(caseload: pd.DataFrame) -> CaseloadBalance:
    """Balance figures from ``caseload_by_team`` output; over-cap counts inactive teams too."""
    active = caseload[caseload["team_active"]]
    return CaseloadBalance(
        active_teams=len(active),
        largest=int(active["caseload"].max()) if len(active) else 0,
        smallest=int(active["caseload"].min()) if len(active) else 0,
        teams_over_cap=int(caseload["over_cap"].sum()),
    )


# --- participants ----------------------------------------------------------------------------

STATUSES = ("active", "exited")


@dataclass(frozen=True)
class ParticipantFilters:
    """Staff's filters on the participant list; an empty tuple or None means "any"."""

    statuses: tuple[str, ...] = ()
    engagement: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()  # team names, or UNASSIGNED
    referral_types: tuple[str, ...] = ()
    intake_from: date | None = None
    intake_to: date | None = None
    min_days_since_contact: int | None = None
    name: str = ""

    def for_audit(self) -> dict[str, Any]:
        """The filters as the audit log records them: a searched name is never written down."""
        return {
            "statuses": list(self.statuses),
            "engagement": list(self.engagement),
            "teams": list(self.teams),
            "referral_types": list(self.referral_types),
            "intake_from": self.intake_from,
            "intake_to": self.intake_to,
            "min_days_since_contact": self.min_days_since_contact,
            "name_search": bool(self.name.strip()),
        }


PARTICIPANTS_PER_PAGE = 100


@dataclass(frozen=True)
class ListPage:
    """One page of a long list: ``number`` counts from 1, each page holds ``size`` rows."""

    number: int
    size: int = PARTICIPANTS_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_count(total: int, size: int = PARTICIPANTS_PER_PAGE) -> int:
    """How many pages ``total`` rows fill; an empty list still has its one (empty) page."""
    return max(1, -(-total // size))


@needs("participant_lists")
def participant_list(
    conn: Connection, *, as_of: date, filters: ParticipantFilters = ParticipantFilters(), page: ListPage | None = None
) -> pd.DataFrame:
    """Enrolled participants (latest enrollment with intake on or before D), filtered: every one, or
    only the rows of ``page`` (none past the last page).

    Columns: participant_id, name, status (active / exited), engagement (active only), team,
    referral_type, intake_on, exited_on, last_contact_on, days_since_contact (since the last reached
    contact, or since intake when there is none). Ordered by last name, first name, id.
    """
    frame = _frame(conn, _participant_rows(as_of, filters, page))
    for column in ("intake_on", "exited_on", "last_contact_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


@needs("participant_lists")
def participant_count(conn: Connection, *, as_of: date, filters: ParticipantFilters = ParticipantFilters()) -> int:
    """How many rows ``participant_list`` gives with these filters, all pages together."""
    if _filters_on_contact(filters):
        rows = _participant_rows(as_of, filters, None).order_by(None).subquery("listed")
    else:
        rows = _people_listed(as_of, filters).subquery("listed")
    return _scalar(conn, select(func.count()).select_from(rows))


# The list's order; the id last, so consecutive pages neither repeat nor skip anyone.
_LIST_ORDER = ("last_name", "first_name", "participant_id")


def _filters_on_contact(filters: ParticipantFilters) -> bool:
    return bool(filters.engagement) or filters.min_days_since_contact is not None


def _people_listed(as_of: date, filters: ParticipantFilters) -> Select[Any]:
    """The listed people and their latest enrollment, with every filter that needs no contact."""
    latest = (
        select(
            Enrollment,
            func.row_number()
            .over(
                partition_by=Enrollment.participant_id,
                order_by=(Enrollment.intake_on.desc(), Enrollment.enrollment_id.desc()),
            )
            .label("recency"),
        )
        .where(Enrollment.intake_on <= as_of)
        .subquery("latest")
    )
    exited = and_(latest.c.exited_on.is_not(None), latest.c.exited_on <= as_of)
    status = case((exited, "exited"), else_="active")
    team = func.coalesce(CareTeam.name, UNASSIGNED)
    referral_type = _labelled(Referral.referral_type)
    return (
        select(
            Participant.participant_id,
            Participant.first_name,
            Participant.last_name,
            status.label("status"),
            team.label("team"),
            referral_type.label("referral_type"),
            latest.c.intake_on,
            case((exited, latest.c.exited_on), else_=None).label("exited_on"),
        )
        .select_from(latest)
        .join(Participant, Participant.participant_id == latest.c.participant_id)
        .outerjoin(CareTeam, CareTeam.team_id == latest.c.team_id)
        .outerjoin(Referral, Referral.referral_id == latest.c.referral_id)
        .where(latest.c.recency == 1, *_participant_conditions(filters, status, team, referral_type, latest))
    )


def _participant_rows(as_of: date, filters: ParticipantFilters, page: ListPage | None) -> Select[Any]:
    """The list's rows: people first, then each one's last contact and engagement. Without a filter
    on contact, a page is taken before the contacts are looked up, so a page of 100 reads the
    contacts of 100 people, not of everyone enrolled."""
    people = _people_listed(as_of, filters)
    on_contact = _filters_on_contact(filters)
    if page is not None and not on_contact:
        people = people.order_by(*(people.selected_columns[name] for name in _LIST_ORDER))
        people = people.limit(page.size).offset(page.offset)
    listed = people.subquery("people")
    last_contact_on = _last_contact_on(listed.c.participant_id, as_of)
    days_since = days_between(func.coalesce(last_contact_on, listed.c.intake_on), _day(as_of))
    engagement = case((listed.c.status == "exited", None), else_=_engagement(days_since))
    rows = select(
        listed.c.participant_id,
        (listed.c.first_name + " " + listed.c.last_name).label("name"),
        listed.c.status,
        engagement.label("engagement"),
        listed.c.team,
        listed.c.referral_type,
        listed.c.intake_on,
        listed.c.exited_on,
        last_contact_on.label("last_contact_on"),
        days_since.label("days_since_contact"),
    ).order_by(*(listed.c[name] for name in _LIST_ORDER))
    if filters.engagement:
        rows = rows.where(engagement.in_(filters.engagement))
    if filters.min_days_since_contact is not None:
        rows = rows.where(days_since >= filters.min_days_since_contact)
    if page is not None and on_contact:
        rows = rows.limit(page.size).offset(page.offset)
    return rows


def _participant_conditions(
    filters: ParticipantFilters,
    status: ColumnElement[str],
    team: ColumnElement[str],
    referral_type: ColumnElement[str],
    latest: Any,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    search = fold(filters.name)
    if search:
        # Both sides folded alike (sqlfunctions.folded), so "ñúñ" finds "Ñúñez" on SQLite as on PostgreSQL.
        name = folded(Participant.first_name + " " + Participant.last_name)
        conditions.append(name.contains(search, autoescape=True))
    if filters.statuses:
        conditions.append(status.in_(filters.statuses))
    if filters.teams:
        conditions.append(team.in_(filters.teams))
    if filters.referral_types:
        conditions.append(referral_type.in_(filters.referral_types))
    if filters.intake_from:
        conditions.append(latest.c.intake_on >= filters.intake_from)
    if filters.intake_to:
        conditions.append(latest.c.intake_on <= filters.intake_to)
    if not conditions:
        conditions.append(true())
    return conditions


@needs("participant_lists")
def team_names(conn: Connection, *, as_of: date) -> list[str]:
    """Names of teams a filter can offer: active teams and teams holding active enrollments."""
    return caseload_by_team(conn, as_of=as_of)["team"].tolist()


# --- services --------------------------------------------------------------------------------


@needs("services")
def service_linkage(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Services referred in the period by category, and how many are connected (started by D).

    Columns: category, referred, connected. Ordered by referrals, most first.
    """
    connected = func.coalesce(
        func.sum(case((and_(Service.started_on.is_not(None), Service.started_on <= as_of), 1), else_=0)), 0
    )
    statement = (
        select(Service.category, func.count().label("referred"), connected.label("connected"))
        .where(_in_period(Service.referred_on, period, as_of))
        .group_by(Service.category)
        .order_by(func.count().desc(), Service.category)
    )
    return _frame(conn, statement)


# --- the weekly meeting ----------------------------------------------------------------------


@aggregate
def weekly_changes(conn: Connection, *, as_of: date) -> pd.DataFrame:
    """This week (the 7 days ending D) against the 7 days before.

    Columns: figure, this_week, last_week, change. Event counts are per week; active, unassigned and
    teams over cap are as at the end of each week.
    """

    def figures(period: Period) -> dict[str, int]:
        end = period.end
        return {
            "New referrals": referral_count(conn, as_of=end, period=period),
            "Intakes": intake_count(conn, as_of=end, period=period),
            "Re-arrests": rearrests_in(rearrests_by_month(conn, as_of=end, period=period)),
            "Graduations": exit_count(conn, as_of=end, period=period, graduated=True),
            "Other exits": exit_count(conn, as_of=end, period=period, graduated=False),
            "Active participants": active_count(conn, as_of=end),
            "Unassigned": unassigned_count(conn, as_of=end),
            "Teams over cap": _teams_over_cap(conn, as_of=end),
        }

    now, before = figures(week_ending(as_of)), figures(week_ending(as_of, weeks_back=1))
    return pd.DataFrame(
        {
            "figure": list(now),
            "this_week": list(now.values()),
            "last_week": [before[name] for name in now],
            "change": [now[name] - before[name] for name in now],
        }
    )


def _teams_over_cap(conn: Connection, *, as_of: date) -> int:
    """Teams whose active enrollments on D outnumber their cap (``caseload_by_team``'s over_cap),
    counted without working out each client's engagement."""
    over_cap = (
        select(CareTeam.team_id)
        .join(Enrollment, Enrollment.team_id == CareTeam.team_id)
        .where(_is_active(as_of))
        .group_by(CareTeam.team_id, CareTeam.caseload_cap)
        .having(func.count() > CareTeam.caseload_cap)
        .subquery("over_cap")
    )
    return _scalar(conn, select(func.count()).select_from(over_cap))


def caseload_change(now: pd.DataFrame, week_before: pd.DataFrame) -> pd.DataFrame:
    """Each team's caseload now against a week before, from ``caseload_by_team`` at D and D − 7 days.

    Columns: team, caseload, caseload_cap, over_cap, last_week, change.
    """
    before = week_before[["team_id", "caseload"]].rename(columns={"caseload": "last_week"})
    merged = now.merge(before, on="team_id", how="left")
    merged["last_week"] = merged["last_week"].fillna(0).astype(int)
    merged["change"] = merged["caseload"] - merged["last_week"]
    return merged[["team", "caseload", "caseload_cap", "over_cap", "last_week", "change"]]
