"""Property tests: on random small programs, each figure equals DATA_CONTRACT.md's definition computed
in plain pandas from the raw tables.

These are the safety net for rewriting the figures' SQL for speed: whatever shape a query takes, it
must give what the contract's sentence says. Each reference below quotes the sentence it implements.
One database per backend serves the whole module; each example replaces all its rows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, Integer, create_engine, select

from lead_data import sql
from lead_data.db import read_only_engine
from lead_data.figures import caseload, enrollment, equity, meeting, participants, rearrest_outcomes
from lead_data.figures.caseload import PACE_DAYS, caseload_forecast
from lead_data.figures.meeting import AGENDA_REASONS, meeting_agenda
from lead_data.figures.rearrests import (
    BEFORE_AFTER_DAYS,
    arrests_before_and_after,
    days_to_first_rearrest,
    rearrest_rate,
    rearrests_by_month,
    rearrests_in,
)
from lead_data.models import REACHED_CONTACT_KINDS, Base
from lead_data.periods import Period
from tests.conftest import BACKENDS
from tests.figure_strategies import Program, load, programs

# Function-scoped fixtures of conftest (roles file, engines closed) hold nothing an example changes.
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DATE_COLUMNS = {
    "referrals": ("referred_at", "sao_verified_on"),
    "enrollments": ("intake_on", "exited_on"),
    "arrests": ("arrested_at",),
    "contacts": ("contacted_on",),
    "consents": ("signed_on", "revoked_on"),
    "services": ("referred_on", "started_on"),
}


@dataclass
class ProgramDatabase:
    """A database with the contract's schema: written as its owner, read as the dashboard reads it."""

    writer: Engine
    reader: Engine

    @contextmanager
    def holding(self, program: Program) -> Iterator[tuple[Connection, Tables]]:
        """The dashboard's connection to the database holding ``program``, and its raw tables."""
        load(self.writer, program)
        with self.reader.connect() as conn:
            yield conn, Tables(self.writer)


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProgramDatabase]:
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('properties')) / 'program.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database("properties")
    writer = create_engine(url)
    Base.metadata.create_all(writer)
    reader = read_only_engine(url)
    yield ProgramDatabase(writer, reader)
    reader.dispose()
    writer.dispose()


# --- the raw tables, and the contract's definitions in pandas ----------------------------------


class Tables:
    """The contract's tables as read with pandas, each on first use; dates as Timestamps, ids as
    nullable integers (an empty table or a null team_id leaves them typed all the same)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._read: dict[str, pd.DataFrame] = {}

    def __getattr__(self, table: str) -> pd.DataFrame:
        if table.startswith("_") or table not in Base.metadata.tables:
            raise AttributeError(table)
        if table not in self._read:
            columns = Base.metadata.tables[table].columns
            with self._engine.connect() as conn:
                frame = pd.read_sql(select(columns), conn)
            frame = frame.astype({column.name: "Int64" for column in columns if isinstance(column.type, Integer)})
            for column in DATE_COLUMNS.get(table, ()):
                frame[column] = pd.to_datetime(frame[column])
            if table == "arrests":
                frame["arrested_on"] = frame["arrested_at"].dt.normalize()
            if table == "referrals":
                frame["referred_on"] = frame["referred_at"].dt.normalize()
            self._read[table] = frame
        return self._read[table]


def day(value: date) -> pd.Timestamp:
    return pd.Timestamp(value)


def active(t: Tables, as_of: date) -> pd.DataFrame:
    # "Active: enrollments with intake_on ≤ D and (exited_on is null or exited_on > D)."
    e = t.enrollments
    return e[(e["intake_on"] <= day(as_of)) & (e["exited_on"].isna() | (e["exited_on"] > day(as_of)))]


def enrolled_ever(t: Tables, as_of: date) -> int:
    # "Enrolled (ever): distinct participants with an enrollment whose intake_on ≤ D."
    return t.enrollments.loc[t.enrollments["intake_on"] <= day(as_of), "participant_id"].nunique()


def rearrests(t: Tables, as_of: date) -> pd.DataFrame:
    # "Re-arrest: an arrest of a participant with referral_id null (not the diverted arrest) whose
    # arrested_at date is strictly after that participant's earliest intake_on, and ≤ D. Arrests of
    # people never enrolled are not re-arrests. Exiting the program does not stop the count."
    # (Rows dated after D do not exist, so the earliest intake is the earliest on or before D.)
    e = t.enrollments[t.enrollments["intake_on"] <= day(as_of)]
    first_intake = e.groupby("participant_id", as_index=False).agg(first_intake_on=("intake_on", "min"))
    a = t.arrests.merge(first_intake, on="participant_id")
    return a[a["referral_id"].isna() & (a["arrested_on"] > a["first_intake_on"]) & (a["arrested_on"] <= day(as_of))]


def in_period(dates: pd.Series, period: Period, as_of: date) -> pd.Series:
    # "A filter on a period [start, end] applies to the event's own date." (and nothing after D exists)
    inside = dates <= day(min(period.end, as_of))
    return inside & (dates >= day(period.start)) if period.start else inside


def last_contacts(t: Tables, as_of: date) -> pd.Series:
    # "Last contact: latest contacted_on ≤ D with kind in_person or phone (attempts do not count)."
    c = t.contacts
    reached = c[c["kind"].isin(REACHED_CONTACT_KINDS) & (c["contacted_on"] <= day(as_of))]
    return reached.groupby("participant_id")["contacted_on"].max()


def engagement_level(days: int) -> str:
    # "≤ 14 days engaged; 15–30 contact overdue; more than 30 in the wind."
    return sql.ENGAGED if days <= 14 else sql.CONTACT_OVERDUE if days <= 30 else sql.IN_THE_WIND


def engagement(t: Tables, as_of: date, enrollments: pd.DataFrame) -> pd.DataFrame:
    # "Engagement of an active participant, from days since last contact (or since intake, when there
    # is none)". The enrollments with last_contact_on, days_since_contact and engagement.
    frame = enrollments.join(last_contacts(t, as_of).rename("last_contact_on"), on="participant_id")
    since = frame["last_contact_on"].fillna(frame["intake_on"])
    frame["days_since_contact"] = (day(as_of) - since).dt.days
    frame["engagement"] = frame["days_since_contact"].map(engagement_level)
    return frame


def caseload_by_team(t: Tables, as_of: date) -> list[dict]:
    # "Caseload of a team: active enrollments whose team_id is that team. Over cap: caseload >
    # caseload_cap. Open slots: cap − caseload, not below zero. [...] Inactive teams with active
    # enrollments are shown and flagged." (and active teams are shown, with none)
    clients = engagement(t, as_of, active(t, as_of))
    rows = []
    for team in t.care_teams.sort_values("team_id").itertuples():
        mine = clients[clients["team_id"] == team.team_id]
        if not team.active and mine.empty:
            continue
        rows.append(
            {
                "team_id": team.team_id,
                "team": team.name,
                "team_active": bool(team.active),
                "caseload": len(mine),
                "caseload_cap": team.caseload_cap,
                "open_slots": max(team.caseload_cap - len(mine), 0),
                "utilisation": len(mine) / team.caseload_cap if team.caseload_cap else None,
                "over_cap": len(mine) > team.caseload_cap,
                "contact_overdue": int((mine["engagement"] == sql.CONTACT_OVERDUE).sum()),
                "in_the_wind": int((mine["engagement"] == sql.IN_THE_WIND).sum()),
            }
        )
    return rows


def unassigned(t: Tables, as_of: date) -> int:
    # "Active enrollments with a null team_id are unassigned and shown as such, never silently dropped."
    return int(active(t, as_of)["team_id"].isna().sum())


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as plain Python values; anything missing (None, NaN, NaT, NA) as None."""
    return [
        {key: None if is_missing(value) else value for key, value in row.items()}
        for row in frame[columns].astype(object).to_dict("records")
    ]


def is_missing(value: object) -> bool:
    return value is None or (not isinstance(value, (str, tuple, list)) and bool(pd.isna(value)))


def approx_rows(rows: list[dict]) -> list[dict]:
    return [{key: pytest.approx(value) if isinstance(value, float) else value for key, value in row.items()}
            for row in rows]  # fmt: skip


periods = st.tuples(st.one_of(st.none(), st.integers(0, 240)), st.integers(-30, 10))


def period_of(as_of: date, drawn: tuple[int | None, int]) -> Period:
    """A period starting that many days before D (None: since the start) and ending near D."""
    start_days, end_days = drawn
    end = as_of + timedelta(days=end_days)
    start = None if start_days is None else min(as_of - timedelta(days=start_days), end)
    return Period(start, end)


# --- enrolled, active, unassigned -----------------------------------------------------------


@PROPERTY
@given(program=programs())
def test_active_count_is_enrollments_with_intake_by_as_of_and_no_exit_by_as_of(database, program):
    with database.holding(program) as (conn, t):
        assert enrollment.active_count(conn, as_of=program.as_of) == len(active(t, program.as_of))


@PROPERTY
@given(program=programs())
def test_enrolled_ever_is_distinct_people_with_an_intake_by_as_of(database, program):
    with database.holding(program) as (conn, t):
        assert enrollment.enrolled_ever(conn, as_of=program.as_of) == enrolled_ever(t, program.as_of)


@PROPERTY
@given(program=programs())
def test_unassigned_count_is_active_enrollments_without_a_team(database, program):
    with database.holding(program) as (conn, t):
        assert caseload.unassigned_count(conn, as_of=program.as_of) == unassigned(t, program.as_of)


@PROPERTY
@given(program=programs(), start_days=st.one_of(st.none(), st.integers(0, 240)))
def test_active_by_month_counts_active_enrollments_at_each_month_end_and_on_as_of(database, program, start_days):
    as_of = program.as_of
    period = None if start_days is None else Period(as_of - timedelta(days=start_days), as_of)
    with database.holding(program) as (conn, t):
        figure = enrollment.active_by_month(conn, as_of=as_of, period=period)
    # "Active enrollments at the end of each month (the last month ends on D)", from the month of the
    # first intake; "Active" as the contract defines it, on each month's last day (D for D's month).
    intakes = t.enrollments.loc[t.enrollments["intake_on"] <= day(as_of), "intake_on"]
    expected = []
    if not intakes.empty:
        for month in pd.date_range(intakes.min().replace(day=1), day(as_of).replace(day=1), freq="MS"):
            month_end = min(month + pd.offsets.MonthEnd(0), day(as_of))
            if period is None or month >= day(period.start).replace(day=1):
                expected.append({"month": month.strftime("%Y-%m-01"), "active": len(active(t, month_end.date()))})
    assert records(figure, ["month", "active"]) == expected


# --- caseload ---------------------------------------------------------------------------------


@PROPERTY
@given(program=programs())
def test_caseload_by_team_counts_each_team_s_active_clients_and_their_engagement(database, program):
    columns = [
        "team_id", "team", "team_active", "caseload", "caseload_cap", "open_slots", "utilisation", "over_cap",
        "contact_overdue", "in_the_wind",
    ]  # fmt: skip
    with database.holding(program) as (conn, t):
        expected = caseload_by_team(t, program.as_of)
        figure = caseload.caseload_by_team(conn, as_of=program.as_of)
    assert records(figure, columns) == approx_rows(expected)


@PROPERTY
@given(program=programs())
def test_caseload_forecast_has_each_team_s_current_load_and_its_pace_over_90_days(database, program):
    as_of = program.as_of
    with database.holding(program) as (conn, t):
        figure = caseload_forecast(conn, as_of=as_of)
    window_start = day(as_of - timedelta(days=PACE_DAYS - 1))
    e = t.enrollments
    expected = []
    for team in caseload_by_team(t, as_of):
        # The current load is the caseload's; the pace counts enrollments of the team (its current one)
        # with intake, or exit, in the 90 days ending D.
        mine = e[e["team_id"] == team["team_id"]]
        intakes = int(mine["intake_on"].between(window_start, day(as_of)).sum())
        exits = int(mine["exited_on"].between(window_start, day(as_of)).sum())
        room, net = team["caseload_cap"] - team["caseload"], intakes - exits
        # "days_to_cap (0 when at or over cap now; None when exits keep pace with intakes)", else the day
        # the last slot fills: room ÷ (net per day), rounded up.
        days_to_cap = 0 if room <= 0 else None if net <= 0 else math.ceil(room * PACE_DAYS / net)
        expected.append(
            {
                **{key: team[key] for key in ("team_id", "caseload", "caseload_cap", "open_slots", "utilisation")},
                "intakes": intakes,
                "exits": exits,
                "days_to_cap": days_to_cap,
            }
        )
    assert records(figure, list(expected[0]) if expected else ["team_id"]) == approx_rows(expected)


# --- re-arrests -----------------------------------------------------------------------------


@PROPERTY
@given(program=programs(), drawn_period=periods)
def test_rearrests_in_the_period_are_rearrests_dated_in_the_period(database, program, drawn_period):
    as_of = program.as_of
    period = period_of(as_of, drawn_period)
    with database.holding(program) as (conn, t):
        figure = rearrests_in(rearrests_by_month(conn, as_of=as_of, period=period))
    found = rearrests(t, as_of)
    # Warrant-only arrests are re-arrests like any other: the contract splits them out ("New offense or
    # warrant-only") but never leaves them out of the count.
    assert figure == int(in_period(found["arrested_on"], period, as_of).sum())


@PROPERTY
@given(program=programs(), drawn_period=periods)
def test_both_ways_to_the_rearrests_find_the_same_rows(database, program, drawn_period):
    """``sql.rearrests`` from the period's arrests and from each participant's first intake: one rule,
    two SQL shapes kept for speed, the same re-arrests."""
    as_of = program.as_of
    period = period_of(as_of, drawn_period)
    with database.holding(program) as (conn, _):
        found = [
            sql.frame(conn, select(shape).order_by(shape.c.arrest_id)).to_dict("records")
            for shape in (
                sql.rearrests(as_of, period, from_arrests=True),
                sql.rearrests(as_of, period, from_arrests=False),
            )
        ]
    assert found[0] == found[1]


@PROPERTY
@given(program=programs(), drawn_period=periods)
def test_rearrests_by_month_count_rearrests_dated_in_the_period_by_month_and_severity(database, program, drawn_period):
    as_of = program.as_of
    period = period_of(as_of, drawn_period)
    with database.holding(program) as (conn, t):
        figure = rearrests_by_month(conn, as_of=as_of, period=period)
    # "A filter on a period [start, end] applies to the event's own date": grouped by its month.
    found = rearrests(t, as_of)
    found = found[in_period(found["arrested_on"], period, as_of)]
    months = found["arrested_on"].dt.strftime("%Y-%m-01")
    severities = found["severity"].fillna(sql.NOT_RECORDED)
    expected = sorted(Counter(zip(months, severities, strict=True)).items())
    assert records(figure, ["month", "severity", "rearrests"]) == [
        {"month": month, "severity": severity, "rearrests": n} for (month, severity), n in expected
    ]


@PROPERTY
@given(program=programs())
def test_rearrest_rate_is_people_rearrested_over_people_enrolled_ever(database, program):
    as_of = program.as_of
    with database.holding(program) as (conn, t):
        figure = rearrest_rate(conn, as_of=as_of)
    # "Participants re-arrested: distinct participants with at least one re-arrest. Re-arrest rate:
    # participants re-arrested ÷ enrolled (ever), shown with both counts."
    rearrested, enrolled = rearrests(t, as_of)["participant_id"].nunique(), enrolled_ever(t, as_of)
    assert (figure.rearrested, figure.enrolled) == (rearrested, enrolled)
    assert figure.rate == (pytest.approx(rearrested / enrolled) if enrolled else None)


@PROPERTY
@given(program=programs())
def test_days_to_first_rearrest_counts_days_from_first_intake_to_first_rearrest(database, program):
    as_of = program.as_of
    with database.holding(program) as (conn, t):
        figure = days_to_first_rearrest(conn, as_of=as_of)
    # "Time to first re-arrest: days from T0 to the first re-arrest", T0 the earliest intake_on.
    first = (
        rearrests(t, as_of)
        .groupby("participant_id")
        .agg(arrested_on=("arrested_on", "min"), first_intake_on=("first_intake_on", "first"))
    )
    days = (first["arrested_on"] - first["first_intake_on"]).dt.days
    expected = days.value_counts().sort_index()
    assert records(figure, ["days", "participants"]) == [
        {"days": int(d), "participants": int(n)} for d, n in expected.items()
    ]


# --- services ---------------------------------------------------------------------------------


@PROPERTY
@given(program=programs(), drawn_period=periods)
def test_service_linkage_counts_services_referred_in_the_period_and_those_started_by_as_of(
    database, program, drawn_period
):
    as_of = program.as_of
    period = period_of(as_of, drawn_period)
    with database.holding(program) as (conn, t):
        figure = participants.service_linkage(conn, as_of=as_of, period=period)
    s = t.services[in_period(t.services["referred_on"], period, as_of)]
    # "Service linkage: a service counts as connected when started_on ≤ D."
    connected = s["started_on"].notna() & (s["started_on"] <= day(as_of))
    expected = {
        category: {"referred": int(len(group)), "connected": int(connected[group.index].sum())}
        for category, group in s.groupby("category")
    }
    assert {row["category"]: {"referred": row["referred"], "connected": row["connected"]}
            for row in records(figure, ["category", "referred", "connected"])} == expected  # fmt: skip
    assert figure["referred"].is_monotonic_decreasing  # most referred first


# --- the participant list ---------------------------------------------------------------------


def latest_enrollments(t: Tables, as_of: date) -> pd.DataFrame:
    """Each person's latest enrollment with intake on or before D (latest intake, then highest id)."""
    e = t.enrollments[t.enrollments["intake_on"] <= day(as_of)]
    return e.sort_values(["intake_on", "enrollment_id"]).groupby("participant_id").tail(1)


@PROPERTY
@given(program=programs())
def test_participant_list_shows_each_enrolled_person_s_status_engagement_and_team(database, program):
    as_of = program.as_of
    columns = ["participant_id", "name", "status", "engagement", "team", "referral_type", "intake_on",
               "exited_on", "last_contact_on", "days_since_contact"]  # fmt: skip
    with database.holding(program) as (conn, t):
        figure = participants.participant_list(conn, as_of=as_of)
    people = engagement(t, as_of, latest_enrollments(t, as_of))
    people = people.merge(t.participants, on="participant_id").merge(
        t.referrals[["referral_id", "referral_type"]], on="referral_id", how="left"
    )
    teams = dict(zip(t.care_teams["team_id"], t.care_teams["name"], strict=True))
    expected = []
    for person in people.sort_values(["last_name", "first_name", "participant_id"]).itertuples():
        exited = pd.notna(person.exited_on) and person.exited_on <= day(as_of)
        expected.append(
            {
                "participant_id": person.participant_id,
                "name": f"{person.first_name} {person.last_name}",
                "status": "exited" if exited else "active",
                # Engagement is a flag on active participants only.
                "engagement": None if exited else person.engagement,
                "team": teams.get(person.team_id, sql.UNASSIGNED),
                "referral_type": person.referral_type,
                "intake_on": person.intake_on,
                "exited_on": person.exited_on if exited else None,
                "last_contact_on": None if pd.isna(person.last_contact_on) else person.last_contact_on,
                "days_since_contact": person.days_since_contact,
            }
        )
    assert records(figure, columns) == expected


# --- the weekly meeting -----------------------------------------------------------------------


def week_of(end: date) -> Period:
    return Period(end - timedelta(days=6), end)


def exits_in(t: Tables, period: Period, as_of: date) -> pd.DataFrame:
    e = t.enrollments
    return e[e["exited_on"].notna() & in_period(e["exited_on"], period, as_of)]


@PROPERTY
@given(program=programs())
def test_weekly_changes_compare_the_seven_days_ending_as_of_with_the_seven_before(database, program):
    as_of = program.as_of
    with database.holding(program) as (conn, t):
        figure = meeting.weekly_changes(conn, as_of=as_of)

    def figures(week: Period) -> dict[str, int]:
        end = week.end
        exits = exits_in(t, week, end)
        graduated = exits["exit_reason"] == "graduated"
        return {
            "New referrals": int(in_period(t.referrals["referred_on"], week, end).sum()),
            "Intakes": int(in_period(t.enrollments["intake_on"], week, end).sum()),
            "Re-arrests": int(in_period(rearrests(t, end)["arrested_on"], week, end).sum()),
            "Graduations": int(graduated.sum()),
            "Other exits": int((~graduated).sum()),  # any other reason, or none recorded
            "Active participants": len(active(t, end)),
            "Unassigned": unassigned(t, end),
            "Teams over cap": sum(team["over_cap"] for team in caseload_by_team(t, end)),
        }

    now, before = figures(week_of(as_of)), figures(week_of(as_of - timedelta(days=7)))
    expected = [
        {"figure": name, "this_week": now[name], "last_week": before[name], "change": now[name] - before[name]}
        for name in now
    ]
    assert records(figure, ["figure", "this_week", "last_week", "change"]) == expected


def short_day(value: pd.Timestamp) -> str:
    return f"{value:%a} {value.day} {value:%b}"


def agenda_events(t: Tables, as_of: date) -> pd.DataFrame:
    """Everything to discuss this week, one row per event: participant_id, reason, line."""
    week = week_of(as_of)
    events: list[dict] = []
    e = t.enrollments
    # "a new intake [...] dated in the week", with its referral's type and the referring officer's unit
    intakes = (
        e[in_period(e["intake_on"], week, as_of)]
        .merge(t.referrals, on=["referral_id", "participant_id"])
        .merge(t.officers[["officer_id", "unit"]], on="officer_id", how="left")
    )
    for row in intakes.itertuples():
        events.append(
            {
                "participant_id": row.participant_id,
                "reason": "new_intake",
                "line": f"New intake {short_day(row.intake_on)}: {row.referral_type.replace('_', ' ')} referral, "
                + (f"officer's unit {row.unit}" if isinstance(row.unit, str) else "officer's unit not recorded"),
            }
        )
    # "a re-arrest [...] dated in the week" (the contract's re-arrest)
    found = rearrests(t, as_of)
    for row in found[in_period(found["arrested_on"], week, as_of)].itertuples():
        kind = (
            "new offense or warrant only not recorded"
            if pd.isna(row.warrant_only)
            else ("warrant only" if row.warrant_only else "new offense")
        )
        severity = f"{row.severity}, " if isinstance(row.severity, str) else "severity not recorded, "
        events.append(
            {
                "participant_id": row.participant_id,
                "reason": "rearrested",
                "line": f"Re-arrested {short_day(row.arrested_on)}: charge not recorded, {severity}{kind}",
            }
        )
    # "contact overdue or in the wind (on D)": an active client, once, at their longest gap
    flagged = engagement(t, as_of, active(t, as_of))
    flagged = flagged[flagged["engagement"].isin((sql.CONTACT_OVERDUE, sql.IN_THE_WIND))]
    flagged = flagged.sort_values("days_since_contact", ascending=False).drop_duplicates("participant_id")
    c = t.contacts
    for row in flagged.itertuples():
        # Outreach attempts since: attempts on or before D after the last reached contact, or on or
        # after intake when the client was never reached.
        mine = c[
            (c["participant_id"] == row.participant_id) & (c["kind"] == "attempt") & (c["contacted_on"] <= day(as_of))
        ]
        since = (
            mine["contacted_on"] > row.last_contact_on
            if pd.notna(row.last_contact_on)
            else mine["contacted_on"] >= row.intake_on
        )
        attempts = int(since.sum())
        label = "Contact overdue" if row.engagement == sql.CONTACT_OVERDUE else "In the wind"
        events.append(
            {
                "participant_id": row.participant_id,
                "reason": row.engagement,
                "line": f"{label}: {row.days_since_contact} days since "
                + ("the last contact" if pd.notna(row.last_contact_on) else "intake, never reached")
                + f", {attempts} outreach attempt{'' if attempts == 1 else 's'} since",
            }
        )
    # "a graduation, another exit, each dated in the week"
    for row in exits_in(t, week, as_of).itertuples():
        graduated = row.exit_reason == "graduated"
        reason = row.exit_reason.replace("_", " ") if isinstance(row.exit_reason, str) else "not recorded"
        events.append(
            {
                "participant_id": row.participant_id,
                "reason": "graduated" if graduated else "exited",
                "line": f"Graduated {short_day(row.exited_on)}: good news"
                if graduated
                else f"Exited {short_day(row.exited_on)}: {reason}",
            }
        )
    return pd.DataFrame(events, columns=["participant_id", "reason", "line"])


@PROPERTY
@given(program=programs())
def test_meeting_agenda_lists_everyone_with_something_to_discuss_by_team_with_their_reasons(database, program):
    as_of = program.as_of
    with database.holding(program) as (conn, t):
        agenda = meeting_agenda(conn, as_of=as_of, with_names=True, with_ids=True)
    events = agenda_events(t, as_of)
    # "A client's team is that of their latest enrollment (intake on or before D); none is
    # 'Unassigned'." Only people enrolled by D are clients.
    latest = latest_enrollments(t, as_of).merge(t.participants, on="participant_id")
    teams = dict(zip(t.care_teams["team_id"], t.care_teams["name"], strict=True))
    # "people with a release in force on D, signed on or before D and not revoked by D"
    c = t.consents
    released = set(
        c.loc[
            (c["signed_on"] <= day(as_of)) & (c["revoked_on"].isna() | (c["revoked_on"] > day(as_of))), "participant_id"
        ]
    )
    clients = []
    for person in latest[latest["participant_id"].isin(events["participant_id"])].itertuples():
        mine = events[events["participant_id"] == person.participant_id]
        reasons = tuple(reason for reason in AGENDA_REASONS if reason in set(mine["reason"]))
        clients.append(
            {
                "participant_id": person.participant_id,
                "team": teams.get(person.team_id, sql.UNASSIGNED),
                "name": f"{person.first_name} {person.last_name}",
                "reasons": reasons,
                "good_news": "graduated" in reasons,
                "lines": sorted(mine["line"]),
                # "Teams are in team id order (the caseload's), 'Unassigned' last", then by name.
                "order": (pd.isna(person.team_id), 0 if pd.isna(person.team_id) else person.team_id,
                          person.last_name, f"{person.first_name} {person.last_name}", person.participant_id),
                "released": person.participant_id in released,
            }
        )  # fmt: skip
    clients.sort(key=lambda client: client["order"])

    listed = agenda.listed.assign(lines=agenda.listed["discuss"].map(lambda text: sorted(text.split("\n"))))
    keys = ["participant_id", "team", "name", "reasons", "good_news", "lines"]
    assert records(listed, keys) == [{key: client[key] for key in keys} for client in clients if client["released"]]

    team_order = list(dict.fromkeys(client["team"] for client in clients))
    not_named = Counter(client["team"] for client in clients if not client["released"])
    assert records(agenda.not_named, ["team", "clients"]) == [
        {"team": team, "clients": not_named[team]} for team in team_order if not_named[team]
    ]
    # Counts: everyone, named or not, per team and reason (a client with two reasons under each).
    assert records(agenda.counts, ["team", *AGENDA_REASONS, "clients"]) == [
        {
            "team": team,
            **{reason: sum(reason in c["reasons"] for c in clients if c["team"] == team) for reason in AGENDA_REASONS},
            "clients": sum(c["team"] == team for c in clients),
        }
        for team in team_order
    ]


# --- outcomes (version 2 of the contract) ---------------------------------------------------------


def first_intakes(t: Tables, as_of: date) -> pd.DataFrame:
    # "T0: the participant's earliest intake_on (≤ D)", with the referral behind that first
    # enrollment (the earliest by intake_on, then enrollment_id).
    e = t.enrollments[t.enrollments["intake_on"] <= day(as_of)].sort_values(["intake_on", "enrollment_id"])
    first = e.drop_duplicates("participant_id")[["participant_id", "intake_on", "referral_id"]]
    return first.merge(t.referrals[["referral_id", "referred_on"]], on="referral_id").rename(
        columns={"intake_on": "start_on"}
    )


def first_rearrest_on(t: Tables, as_of: date) -> pd.Series:
    return rearrests(t, as_of).groupby("participant_id")["arrested_on"].min()


@PROPERTY
@given(program=programs())
def test_rearrested_within_counts_people_followed_n_months_and_rearrested_by_then(database, program):
    as_of = program.as_of
    with database.holding(program) as (conn, t):
        figure = rearrest_outcomes.rearrest_outcomes(conn, as_of=as_of).within
    # "Re-arrested within N months: among participants with T0 + N calendar months ≤ D (followed that
    # long), those whose first re-arrest is on or before T0 + N months."
    people = first_intakes(t, as_of).set_index("participant_id")
    first = first_rearrest_on(t, as_of).reindex(people.index)
    expected = []
    for months in rearrest_outcomes.FOLLOW_UP_MONTHS:
        horizon = people["start_on"] + pd.DateOffset(months=months)
        followed = horizon <= day(as_of)
        rearrested = followed & (first <= horizon)
        expected.append({"months": months, "rearrested": int(rearrested.sum()), "followed": int(followed.sum())})
    assert records(figure, ["months", "rearrested", "followed"]) == expected


@PROPERTY
@given(program=programs())
def test_equity_rearrested_within_a_year_sums_to_the_program_s_figure_in_every_breakdown(database, program):
    as_of = program.as_of
    with database.holding(program) as (conn, t):
        by_group = equity.rearrested_within_year_by_group(conn, as_of=as_of, with_small_counts=True)
        overall = rearrest_outcomes.rearrest_outcomes(conn, as_of=as_of).within.set_index("months").loc[12]
    # Counted in one pass by every combination of groups: each dimension's groups add up to the
    # program's row, which is the 12-month figure of the Outcomes page.
    for dimension, rows in by_group.groupby("dimension"):
        assert int(rows["followed"].sum()) == overall["followed"], dimension
        assert int(rows["rearrested"].sum()) == overall["rearrested"], dimension
    sexes = t.participants.set_index("participant_id")["sex"].fillna(sql.NOT_RECORDED)
    people = first_intakes(t, as_of).set_index("participant_id")
    followed = people["start_on"] + pd.DateOffset(months=12) <= day(as_of)
    expected = sexes.reindex(people.index)[followed].value_counts()
    shown = by_group[by_group["dimension"] == "sex"].set_index("group")["followed"]
    assert {group: int(n) for group, n in shown.items() if n} == {group: int(n) for group, n in expected.items()}


@PROPERTY
@given(program=programs())
def test_arrests_before_and_after_compares_180_days_before_referral_with_180_after_intake(database, program):
    as_of = program.as_of
    with database.holding(program) as (conn, t):
        figure = arrests_before_and_after(conn, as_of=as_of)
    # "For participants with at least 180 days since their first intake: arrests (not the diverted
    # one) in the 180 days before the referral date against re-arrests in the 180 days after intake."
    people = first_intakes(t, as_of)
    people = people[(day(as_of) - people["start_on"]).dt.days >= BEFORE_AFTER_DAYS]
    a = t.arrests[t.arrests["referral_id"].isna() & (t.arrests["arrested_on"] <= day(as_of))]
    joined = people.merge(a, on="participant_id")
    before = (joined["referred_on"] - joined["arrested_on"]).dt.days.between(1, BEFORE_AFTER_DAYS)
    after = (joined["arrested_on"] - joined["start_on"]).dt.days.between(1, BEFORE_AFTER_DAYS)
    assert (figure.participants, figure.arrests_before, figure.rearrests_after) == (
        len(people),
        int(before.sum()),
        int(after.sum()),
    )
