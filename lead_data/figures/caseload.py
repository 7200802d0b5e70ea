"""Caseload: each care team against its cap, unassigned clients, the balance among teams, and the
caseload at the current pace.

The forecast: each pair's intakes and exits over the last 90 days, when it reaches its cap at that
pace, and which pair is best placed for the next intake.

Intakes and exits are counted by each enrollment's current team, as the caseload itself is (the
contract keeps no assignment history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import (
    Connection,
    func,
    or_,
    select,
    true,
)

from lead_data import sql
from lead_data.access import aggregate, needs, shown_by_role
from lead_data.models import (
    CareTeam,
    Enrollment,
    Staff,
)
from lead_data.periods import Period
from lead_data.sqlfunctions import (
    days_between,
)

PACE_DAYS = 90  # the window the current pace is measured over


HORIZON_DAYS = 28  # how far ahead the next-intake suggestion looks at that pace


FORECAST_SENTENCES_SHOWN = 12  # the page's forecast sentences: a network's 400 teams are in its table


DAYS_PER_WEEK = 7


# --- each team against its cap ----------------------------------------------------------------


@shown_by_role(with_staff_names="staff_names")
def caseload_by_team(conn: Connection, *, as_of: date, with_staff_names: bool = False) -> pd.DataFrame:
    """Each care team that is active or holds active enrollments, against its cap.

    Columns: team_id, team, peer and case_manager (their names; only ``with_staff_names``),
    team_active, caseload, caseload_cap, open_slots, utilisation (caseload ÷ cap), over_cap,
    contact_overdue, in_the_wind. Ordered by team id. Unassigned active enrollments are not here:
    see ``unassigned_clients``.
    """
    engagement = sql.active_engagement(as_of)
    peer = Staff.__table__.alias("peer")
    case_manager = Staff.__table__.alias("case_manager")
    caseload = func.count(engagement.c.enrollment_id)

    statement = (
        select(
            CareTeam.team_id,
            CareTeam.name.label("team"),
            peer.c.name.label("peer"),
            case_manager.c.name.label("case_manager"),
            CareTeam.active.label("team_active"),
            caseload.label("caseload"),
            CareTeam.caseload_cap,
            sql.count_where(engagement.c.engagement == sql.CONTACT_OVERDUE).label("contact_overdue"),
            sql.count_where(engagement.c.engagement == sql.IN_THE_WIND).label("in_the_wind"),
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
    frame = sql.frame(conn, statement)
    frame["team_active"] = frame["team_active"].astype(bool)
    # Raises on a cap that is not a whole number (a NULL or text through a view), so ``load`` names
    # care_teams.caseload_cap instead of a chart failing on it later.
    frame["caseload_cap"] = frame["caseload_cap"].astype(int)
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
    engagement = sql.active_engagement(as_of)
    statement = (
        select(
            engagement.c.participant_id,
            engagement.c.intake_on,
            days_between(engagement.c.intake_on, sql.day(as_of)).label("days_since_intake"),
            engagement.c.days_since_contact,
            engagement.c.engagement,
        )
        .where(engagement.c.team_id.is_(None))
        .order_by(engagement.c.intake_on, engagement.c.participant_id)
    )
    return sql.frame(conn, statement)


@aggregate
def unassigned_count(conn: Connection, *, as_of: date) -> int:
    """Active enrollments with no care team."""
    statement = select(func.count()).select_from(Enrollment).where(sql.is_active(as_of), Enrollment.team_id.is_(None))
    return sql.scalar(conn, statement)


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


# --- at the current pace ------------------------------------------------------------------------


@aggregate
def caseload_forecast(conn: Connection, *, as_of: date) -> pd.DataFrame:
    """Each team of ``caseload_by_team`` with its pace over the 90 days ending D and when it reaches
    its cap at that pace.

    Columns: team_id, team, team_active, caseload, caseload_cap, open_slots, utilisation, intakes and
    exits (enrollments of the team with intake / exit in those 90 days), intakes_per_week,
    exits_per_week, days_to_cap (0 when at or over cap now; None when exits keep pace with intakes,
    so it never does at this pace) and reaches_cap_on (D + days_to_cap, or None).
    """
    window = Period(as_of - timedelta(days=PACE_DAYS - 1), as_of)
    intakes = (
        select(Enrollment.team_id, func.count().label("intakes"))
        .where(Enrollment.team_id.is_not(None), sql.in_period(Enrollment.intake_on, window, as_of))
        .group_by(Enrollment.team_id)
    )
    exits = (
        select(Enrollment.team_id, func.count().label("exits"))
        .where(
            Enrollment.team_id.is_not(None),
            Enrollment.exited_on.is_not(None),
            sql.in_period(Enrollment.exited_on, window, as_of),
        )
        .group_by(Enrollment.team_id)
    )
    teams = caseload_by_team(conn, as_of=as_of)[
        ["team_id", "team", "team_active", "caseload", "caseload_cap", "open_slots", "utilisation"]
    ]
    forecast = teams.merge(sql.frame(conn, intakes), on="team_id", how="left").merge(
        sql.frame(conn, exits), on="team_id", how="left"
    )
    for flow in ("intakes", "exits"):
        forecast[flow] = forecast[flow].fillna(0).astype(int)
        forecast[f"{flow}_per_week"] = forecast[flow] * DAYS_PER_WEEK / PACE_DAYS
    days = [
        _days_to_cap(room=cap - caseload, net=intakes - exits)
        for cap, caseload, intakes, exits in forecast[["caseload_cap", "caseload", "intakes", "exits"]].itertuples(
            index=False
        )
    ]
    forecast["days_to_cap"] = pd.Series(days, index=forecast.index, dtype="Int64")
    forecast["reaches_cap_on"] = [None if day is None else as_of + timedelta(days=day) for day in days]
    return forecast


def _days_to_cap(*, room: int, net: int) -> int | None:
    """Whole days until ``room`` more clients at ``net`` clients gained per 90 days (rounded up:
    the day the last slot fills)."""
    if room <= 0:
        return 0
    if net <= 0:
        return None
    return -(-room * PACE_DAYS // net)


def forecast_sentence(team: pd.Series) -> str:
    """One team's forecast as the page says it: "Team 3: 27 of 28, about 9 days at the current pace"."""
    load = f"{team['team']}: {team['caseload']} of {team['caseload_cap']}"
    if team["caseload"] > team["caseload_cap"]:
        return f"{load}, over its cap now"
    if team["caseload"] == team["caseload_cap"]:
        return f"{load}, at its cap now"
    if pd.isna(team["days_to_cap"]):
        return f"{load}, not at the current pace"
    days = int(team["days_to_cap"])
    return f"{load}, about {days} day{'s' if days != 1 else ''} at the current pace"


def nearest_cap_first(forecast: pd.DataFrame) -> pd.DataFrame:
    """``caseload_forecast``'s teams, those nearest their cap first: the most over it, then at it,
    then the fewest days to it at the current pace; teams that do not reach it last; ties by name."""
    return (
        forecast.assign(over_by=forecast["caseload"] - forecast["caseload_cap"])
        .sort_values(
            ["days_to_cap", "over_by", "team"], ascending=[True, False, True], na_position="last", kind="stable"
        )
        .drop(columns="over_by")
    )


def projected_open_slots(forecast: pd.DataFrame) -> pd.Series:
    """Open slots ``HORIZON_DAYS`` ahead if intakes and exits go on at the current pace (not below zero)."""
    growth = (forecast["intakes"] - forecast["exits"]) * HORIZON_DAYS / PACE_DAYS
    return (forecast["caseload_cap"] - forecast["caseload"] - growth).clip(lower=0)


def next_intake_team(forecast: pd.DataFrame) -> pd.Series | None:
    """The active team best placed for the next intake, from ``caseload_forecast``: a team with an
    open slot now before a full one; then the most open slots four weeks ahead at the current pace;
    then the most open slots now, the lowest utilisation and the longest-standing team (lowest id).

    A suggestion only; None when there is no active team. The row carries projected_open_slots.
    """
    active = forecast[forecast["team_active"]].assign(
        has_room=lambda teams: teams["open_slots"] > 0, projected_open_slots=projected_open_slots
    )
    if active.empty:
        return None
    ranked = active.sort_values(
        ["has_room", "projected_open_slots", "open_slots", "utilisation", "team_id"],
        ascending=[False, False, False, True, True],
    )
    return ranked.iloc[0].drop("has_room")
