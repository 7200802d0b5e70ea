"""Equity: does diversion reach every group alike? Referrals, eligibility decisions, enrollment, days
to intake, re-arrest within 12 months and exits, each broken down by race, sex and age band at
referral, as counts and rates beside the program's overall rate.

LEAD began in Seattle after a decade of litigation over racial disparities in drug arrests: a program
that diverts unevenly repeats the harm, so these figures are read group against program.

Groups. Race and sex as recorded at referral ("not recorded" when null). Age band: whole years of age
on the referral date, from ``participants.date_of_birth`` (``AGE_BANDS``; "not recorded" when null).
A person turns N on the same calendar day N years after birth; someone born on 29 February turns N
on 28 February of a year that has no 29th (``sqlfunctions.add_months``'s clamping).

Suppression. Each figure returns exact counts only when the role passes ``with_small_counts`` (staff);
for every other role, counts from 1 to 10 are shown as "<11" and complementary cells as "*", exactly
as on the public summary (``lead_data.suppression``), over every equation a reader of the page has:
each count column's groups add up to its "All" row in each breakdown (so the three breakdowns share
that total), and each row's counts add up within it (referred = pending + decided, and so on, a
difference of two shown counts being a count of its own). Taking hidden cells one equation at a time
is not enough when equations combine (race groups and sex groups add up to the same total), so cells
are hidden until linear algebra over all the equations together pins down none of them
(``hidden_cells``). A rate (or median) is hidden when a count behind it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, case, literal, select, true

from lead_data import sql
from lead_data.access import shown_by_role
from lead_data.figures.rearrest_outcomes import followed_and_rearrested
from lead_data.models import INELIGIBLE_REASONS, Enrollment, Participant, Referral
from lead_data.periods import Period
from lead_data.sqlfunctions import add_months, date_of, days_between
from lead_data.suppression import COMPLEMENT, HIDDEN, Equation, hidden_entries, is_small

DIMENSIONS = ("race", "sex", "age_band")
ALL = "all"  # the dimension of the program's own row
EVERYONE_GROUP = "All"
# (youngest age in the band, band), oldest first: the first band whose age is reached is the person's.
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (65, "65 and over"),
    (55, "55–64"),
    (45, "45–54"),
    (35, "35–44"),
    (25, "25–34"),
    (18, "18–24"),
)
UNDER_18 = "under 18"
AGE_BAND_ORDER = (UNDER_18, *(band for _, band in reversed(AGE_BANDS)), sql.NOT_RECORDED)
REARREST_MONTHS = 12
INELIGIBLE_REASON_COLUMNS = {
    reason: f"ineligible_{reason.replace(' ', '_')}" for reason in (*INELIGIBLE_REASONS, sql.NOT_RECORDED)
}
_SEPARATOR = "\x1f"  # between a cell's column, dimension and group in its name: never in recorded text


def age_band(date_of_birth: Any, on: Any) -> ColumnElement[str]:
    """The age band of someone born on ``date_of_birth`` on the day ``on``."""
    reached = [(add_months(date_of_birth, literal(12 * years)) <= on, band) for years, band in AGE_BANDS]
    return case((date_of_birth.is_(None), sql.NOT_RECORDED), *reached, else_=UNDER_18)


def _group_columns(referred_on: Any) -> list[ColumnElement[Any]]:
    return [
        sql.labelled(Participant.race).label("race"),
        sql.labelled(Participant.sex).label("sex"),
        age_band(Participant.date_of_birth, referred_on).label("age_band"),
    ]


# --- how a breakdown is laid out, and suppressed -------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """The counts of one figure and the sums a reader can form from them.

    ``shown``: count columns on the page. ``implied``: counts not shown but known to a reader as the
    difference of two shown ones; they are suppressed like shown ones. ``partitions``: within each
    row, a count and the counts it splits into. ``rates``: (name, numerator, denominator).
    """

    shown: tuple[str, ...]
    implied: tuple[str, ...] = ()
    partitions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rates: tuple[tuple[str, str, str], ...] = ()

    @property
    def counts(self) -> tuple[str, ...]:
        return (*self.shown, *self.implied)


def _cell(column: str, dimension: str, group: str) -> str:
    return _SEPARATOR.join((column, dimension, group))


def equations_of(counts: pd.DataFrame, layout: Layout) -> list[Equation]:
    """Every sum a reader of the breakdown can form: per count column and dimension, the groups add
    up to the "All" row; per row, each partition."""
    equations = []
    for column in layout.counts:
        total = _cell(column, ALL, EVERYONE_GROUP)
        for dimension in DIMENSIONS:
            groups = counts.loc[counts["dimension"] == dimension, "group"]
            if groups.empty:
                continue  # nobody counted: the total is 0
            equations.append(Equation(total, tuple(_cell(column, dimension, group) for group in groups)))
    for row in counts.itertuples():
        for total, parts in layout.partitions:
            equations.append(
                Equation(
                    _cell(total, row.dimension, row.group),
                    tuple(_cell(part, row.dimension, row.group) for part in parts),
                )
            )
    return equations


def determined_cells(counts: Mapping[str, int], equations: Sequence[Equation], hidden: set[str]) -> list[str]:
    """Hidden cells whose value the visible ones and the equations, taken together, pin down: those
    whose unit vector lies in the row space of the equations over the hidden cells."""
    unknown = sorted(hidden)
    if not unknown:
        return []
    position = {name: index for index, name in enumerate(unknown)}
    rows = []
    for equation in equations:
        row = np.zeros(len(unknown))
        for name, sign in ((equation.total, 1.0), *((part, -1.0) for part in equation.parts)):
            if name in position:
                row[position[name]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    _, singular, right = np.linalg.svd(np.array(rows), full_matrices=True)
    rank = int((singular > 1e-9).sum())
    null_space = right[rank:].T  # one column per free direction; a zero row is a determined cell
    return [name for name, index in position.items() if not np.any(np.abs(null_space[index]) > 1e-9)]


def hidden_cells(counts: Mapping[str, int], equations: Sequence[Equation]) -> set[str]:
    """The cells to hide: ``suppression.hidden_entries``'s, and more, until none is determined by
    the equations taken together.

    A cell hidden only to break such a derivation enters ``hidden_entries`` as if it were small, so
    that its own equations get their complements too.
    """
    forced: set[str] = set()
    while True:
        hidden = hidden_entries({name: 1 if name in forced else count for name, count in counts.items()}, equations)
        determined = determined_cells(counts, equations, hidden)
        if not determined:
            return hidden
        breaker = _breaker(counts, equations, hidden, determined[0])
        if breaker is None:
            return hidden
        forced.add(breaker)


def _breaker(counts: Mapping[str, int], equations: Sequence[Equation], hidden: set[str], cell: str) -> str | None:
    """The visible cell to hide so that ``cell`` is no longer pinned down: the smallest non-zero part
    of an equation ``cell`` is in (it discloses least), else any visible cell sharing an equation
    with a hidden one."""
    near = [equation for equation in equations if cell in (equation.total, *equation.parts)]
    for candidates in (near, equations):
        members = [
            name
            for equation in candidates
            if any(member in hidden for member in (equation.total, *equation.parts))
            for name in (*equation.parts, equation.total)
            if name not in hidden
        ]
        if members:
            return min(members, key=lambda name: (counts[name] == 0, counts[name], name))
    return None


def _as_shown(counts: pd.DataFrame, layout: Layout, with_small_counts: bool) -> pd.DataFrame:
    """The breakdown as a role sees it: counts (ints, or "<11" / "*"), then each rate and its
    difference from the "All" row's rate (floats, "*" when a count behind it is hidden, None when
    its denominator is 0)."""
    cells = {
        _cell(column, row.dimension, row.group): int(getattr(row, column))
        for row in counts.itertuples()
        for column in layout.counts
    }
    hidden = set() if with_small_counts else hidden_cells(cells, equations_of(counts, layout))

    def shown(column: str, dimension: str, group: str) -> int | str:
        name = _cell(column, dimension, group)
        if name not in hidden:
            return cells[name]
        return HIDDEN if is_small(cells[name]) else COMPLEMENT

    def rate(numerator: str, denominator: str, dimension: str, group: str) -> float | str | None:
        values = shown(numerator, dimension, group), shown(denominator, dimension, group)
        if isinstance(values[0], str) or isinstance(values[1], str):
            return COMPLEMENT
        return values[0] / values[1] if values[1] else None

    records = []
    for row in counts.itertuples():
        record: dict[str, Any] = {"dimension": row.dimension, "group": row.group}
        record |= {column: shown(column, row.dimension, row.group) for column in layout.shown}
        for name, numerator, denominator in layout.rates:
            mine = rate(numerator, denominator, row.dimension, row.group)
            overall = rate(numerator, denominator, ALL, EVERYONE_GROUP)
            record[name] = mine
            record[f"{name}_difference"] = _difference(mine, overall)
        records.append(record)
    columns = ["dimension", "group", *layout.shown]
    columns += [column for name, _, _ in layout.rates for column in (name, f"{name}_difference")]
    return pd.DataFrame(records, columns=columns, dtype=object)


def _difference(mine: float | str | None, overall: float | str | None) -> float | str | None:
    if isinstance(mine, str) or isinstance(overall, str):
        return COMPLEMENT
    if mine is None or overall is None:
        return None
    return mine - overall


def _group_order(dimension: str, group: str) -> tuple[int, Any]:
    if dimension == "age_band":
        return (0, AGE_BAND_ORDER.index(group) if group in AGE_BAND_ORDER else len(AGE_BAND_ORDER))
    return (group == sql.NOT_RECORDED, group)


def _counts_by_group(conn: Connection, rows: Any, conditions: Mapping[str, ColumnElement[bool]]) -> pd.DataFrame:
    """Per group of every dimension, and for everyone ("All"), how many of ``rows`` meet each condition.

    Columns: dimension (``ALL`` or a dimension), group, one column per condition.
    """
    sums = [sql.count_where(condition).label(name) for name, condition in conditions.items()]
    groups = [rows.c[dimension] for dimension in DIMENSIONS]
    # One pass over the rows, by every combination of groups (a few hundred at most); each
    # dimension's groups and the program's row are sums of those combinations.
    combinations = sql.frame(conn, select(*groups, *sums).group_by(*groups))
    counts = list(conditions)
    everyone = combinations[counts].sum().to_frame().T
    frames = [everyone.assign(dimension=ALL, group=EVERYONE_GROUP)]
    for dimension in DIMENSIONS:
        frame = combinations.groupby(dimension, sort=False)[counts].sum().rename_axis("group").reset_index()
        frame = frame.assign(dimension=dimension)
        frames.append(frame.iloc[sorted(range(len(frame)), key=lambda i: _group_order(dimension, frame["group"][i]))])
    combined = pd.concat(frames, ignore_index=True)
    for name in conditions:
        combined[name] = combined[name].astype(int)
    return combined[["dimension", "group", *conditions]]


# --- the figures ------------------------------------------------------------------------------------

REFERRAL_LAYOUT = Layout(
    shown=("referred", "pending", "decided", "eligible", "ineligible", "enrolled", *INELIGIBLE_REASON_COLUMNS.values()),
    implied=("eligible_not_enrolled",),
    partitions=(
        ("referred", ("pending", "decided")),
        ("decided", ("eligible", "ineligible")),
        ("eligible", ("enrolled", "eligible_not_enrolled")),
        ("ineligible", tuple(INELIGIBLE_REASON_COLUMNS.values())),
    ),
    rates=(("eligible_rate", "eligible", "decided"), ("enrolled_rate", "enrolled", "referred")),
)


@shown_by_role(with_small_counts="small_counts")
def referrals_by_group(
    conn: Connection, *, as_of: date, period: Period, with_small_counts: bool = False
) -> pd.DataFrame:
    """Referrals in the period, their eligibility decisions, reasons for ineligibility and enrollment,
    by race, sex and age band at referral.

    Counted per referral. Enrolled: as the eligibility funnel's last stage (eligible, SAO verified
    by D, with an enrollment whose intake is on or before D). Columns: dimension, group, referred,
    pending, decided, eligible, ineligible, enrolled, ineligible_<reason> (each reason of the
    contract and ``ineligible_not_recorded``), eligible_rate (eligible ÷ decided), enrolled_rate
    (enrolled ÷ referred), each rate's _difference from the "All" row.
    """
    enrolled_referrals = select(Enrollment.referral_id).where(Enrollment.intake_on <= as_of)
    enrolled = and_(
        Referral.eligibility == "eligible",
        Referral.sao_verified_on <= as_of,
        Referral.referral_id.in_(enrolled_referrals),
    )
    rows = (
        select(
            *_group_columns(date_of(Referral.referred_at)),
            Referral.eligibility,
            sql.labelled(Referral.ineligible_reason).label("ineligible_reason"),
            case((enrolled, 1), else_=0).label("enrolled"),
        )
        .join(Participant, Participant.participant_id == Referral.participant_id)
        .where(sql.in_period(Referral.referred_at, period, as_of, timestamp=True))
        .subquery("equity_referrals")
    )
    is_enrolled, ineligible = rows.c.enrolled == 1, rows.c.eligibility == "ineligible"
    conditions: dict[str, ColumnElement[bool]] = {
        "referred": true(),
        "pending": rows.c.eligibility == "pending",
        "decided": rows.c.eligibility != "pending",
        "eligible": rows.c.eligibility == "eligible",
        "ineligible": ineligible,
        "enrolled": is_enrolled,
        "eligible_not_enrolled": and_(rows.c.eligibility == "eligible", rows.c.enrolled == 0),
    }
    for reason, column in INELIGIBLE_REASON_COLUMNS.items():
        conditions[column] = and_(ineligible, rows.c.ineligible_reason == reason)
    return _as_shown(_counts_by_group(conn, rows, conditions), REFERRAL_LAYOUT, with_small_counts)


INTAKE_LAYOUT = Layout(shown=("enrollments",))


@shown_by_role(with_small_counts="small_counts")
def days_to_intake_by_group(
    conn: Connection, *, as_of: date, period: Period, with_small_counts: bool = False
) -> pd.DataFrame:
    """Median days from referral to intake, for enrollments with intake in the period (as the
    Enrollment page's), by race, sex and age band at referral.

    Columns: dimension, group, enrollments, median_days (None with no enrollments; "*" when the
    count is hidden), median_days_difference (against the "All" row).
    """
    days = days_between(date_of(Referral.referred_at), Enrollment.intake_on)
    rows = (
        select(*_group_columns(date_of(Referral.referred_at)), days.label("days"))
        .select_from(Enrollment)
        .join(Referral, Referral.referral_id == Enrollment.referral_id)
        .join(Participant, Participant.participant_id == Enrollment.participant_id)
        .where(sql.in_period(Enrollment.intake_on, period, as_of))
        .subquery("equity_intakes")
    )
    shown = _as_shown(_counts_by_group(conn, rows, {"enrollments": true()}), INTAKE_LAYOUT, with_small_counts)
    by_days = [sql.frame(conn, select(rows.c.days, sql.count_where(true()).label("enrollments")).group_by(rows.c.days))]
    medians = {(ALL, EVERYONE_GROUP): sql.median_of_counts(by_days[0], "days", "enrollments")}
    for dimension in DIMENSIONS:
        group = rows.c[dimension]
        counts = sql.frame(
            conn,
            select(group.label("group"), rows.c.days, sql.count_where(true()).label("enrollments")).group_by(
                group, rows.c.days
            ),
        )
        for name, of_group in counts.groupby("group"):
            medians[(dimension, str(name))] = sql.median_of_counts(of_group, "days", "enrollments")
    overall = medians[(ALL, EVERYONE_GROUP)]
    median_days, differences = [], []
    for row in shown.itertuples():
        median = COMPLEMENT if isinstance(row.enrollments, str) else medians.get((row.dimension, row.group))
        median_days.append(median)
        differences.append(_difference(median, overall))
    return shown.assign(median_days=median_days, median_days_difference=differences)


REARREST_LAYOUT = Layout(
    shown=("followed", "rearrested"),
    implied=("not_rearrested",),
    partitions=(("followed", ("rearrested", "not_rearrested")),),
    rates=(("rearrested_share", "rearrested", "followed"),),
)


@shown_by_role(with_small_counts="small_counts")
def rearrested_within_year_by_group(conn: Connection, *, as_of: date, with_small_counts: bool = False) -> pd.DataFrame:
    """Re-arrested within 12 months of the start T0 (the contract's version-2 rule, as
    ``outcomes.rearrest_outcomes``), among participants with 12 months of follow-up by D, by race,
    sex and age band on their referral date R. Not per period: everyone followed a full year counts.

    Columns: dimension, group, followed, rearrested, rearrested_share, rearrested_share_difference.
    """
    people = sql.cohort(as_of, sql.EVERYONE)
    first = sql.first_rearrests(as_of, people)
    followed, rearrested = followed_and_rearrested(first, as_of=as_of, months=REARREST_MONTHS)
    rows = (
        select(
            *_group_columns(people.c.referred_on),
            case((followed, 1), else_=0).label("followed"),
            case((rearrested, 1), else_=0).label("rearrested"),
        )
        .select_from(people)
        .join(Participant, Participant.participant_id == people.c.participant_id)
        .outerjoin(first, first.c.participant_id == people.c.participant_id)
        .subquery("equity_followed")
    )
    conditions = {
        "followed": rows.c.followed == 1,
        "rearrested": rows.c.rearrested == 1,
        "not_rearrested": and_(rows.c.followed == 1, rows.c.rearrested == 0),
    }
    return _as_shown(_counts_by_group(conn, rows, conditions), REARREST_LAYOUT, with_small_counts)


EXIT_LAYOUT = Layout(
    shown=("exits", "graduated", "other_exits"),
    partitions=(("exits", ("graduated", "other_exits")),),
    rates=(("graduated_share", "graduated", "exits"),),
)


@shown_by_role(with_small_counts="small_counts")
def exits_by_group(conn: Connection, *, as_of: date, period: Period, with_small_counts: bool = False) -> pd.DataFrame:
    """Enrollments that exited in the period, graduations among them, by race, sex and age band at the
    referral behind the enrollment. No exit reason is a failure; a graduation is the good outcome.

    Columns: dimension, group, exits, graduated, other_exits (every other reason, or none recorded),
    graduated_share, graduated_share_difference.
    """
    rows = (
        select(*_group_columns(date_of(Referral.referred_at)), Enrollment.exit_reason)
        .select_from(Enrollment)
        .join(Referral, Referral.referral_id == Enrollment.referral_id)
        .join(Participant, Participant.participant_id == Enrollment.participant_id)
        .where(
            Enrollment.intake_on <= as_of,
            Enrollment.exited_on.is_not(None),
            sql.in_period(Enrollment.exited_on, period, as_of),
        )
        .subquery("equity_exits")
    )
    graduated = sql.labelled(rows.c.exit_reason) == "graduated"
    conditions = {"exits": true(), "graduated": graduated, "other_exits": ~graduated}
    return _as_shown(_counts_by_group(conn, rows, conditions), EXIT_LAYOUT, with_small_counts)


# --- as text, for a table on screen or in a CSV ----------------------------------------------------

NOT_AVAILABLE = "—"  # a rate over nobody


def as_table(frame: pd.DataFrame, dimension: str, columns: Sequence[str]) -> pd.DataFrame:
    """The program's row and one breakdown's groups of a figure above, as text: counts as shown
    ("<11" and "*" included), shares as percentages, their differences in percentage points, days
    as numbers. Columns: group, then ``columns``."""
    rows = frame[(frame["dimension"] == ALL) | (frame["dimension"] == dimension)]
    text = pd.DataFrame(
        {"group": rows["group"].map(lambda group: "Not recorded" if group == sql.NOT_RECORDED else group)}
    )
    for column in columns:
        text[column] = rows[column].map(lambda value, column=column: _as_text(column, value))
    return text.reset_index(drop=True)


def _as_text(column: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return NOT_AVAILABLE
    if column.endswith("days_difference"):
        return f"{value:+g} days" if value else "0 days"
    if column.endswith("_difference"):
        points = round(100 * value)
        return f"{points:+d} pts" if points else "0 pts"
    if column.endswith(("_rate", "_share")):
        return f"{value:.0%}"
    if column.endswith("days"):
        return f"{value:g}"
    return f"{int(value):,}"
