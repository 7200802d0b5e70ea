"""Hypothesis strategies for small random program databases, and how to load one into a test database.

A drawn ``Program`` is an as-of date D and rows for every table of the first contract version, dated
around D so that the figures' edges come up often: contacts 14/15/30/31 days before D, arrests on and
the day after an intake, intakes and exits in the meeting's week and either side of a month's end, rows
dated after D that do not exist yet. Rows are valid as the contract defines them (an exit is on or
after its intake); one person may hold two enrollments at once, which the contract does not forbid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import count
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import Engine, delete, insert

from lead_data.models import (
    CONTACT_KINDS,
    ELIGIBILITY,
    EXIT_REASONS,
    REFERRAL_TYPES,
    SERVICE_CATEGORIES,
    SEVERITIES,
    Arrest,
    Base,
    CareTeam,
    Consent,
    Contact,
    Enrollment,
    Officer,
    Participant,
    Referral,
    Service,
    Staff,
)

FIRST_NAMES = ("Al", "Bo", "Cy")
LAST_NAMES = ("Ash", "Bay", "Cole", "Dunn")  # few, so that the lists' ordering by name meets ties
# Times of day that put a timestamp at either edge of its date, or in the middle of it.
TIMES = (time(0, 0), time(10, 30), time(23, 59, 59))
OFFICER_UNITS = ("Central District Patrol", "Western District")
# Days from D at the edges of the figures' windows: D itself and the day after, the meeting's week
# (D − 6 to D) and the one before, the caseload pace's 90 days (D − 89 to D).
EDGES_NEAR_AS_OF = (0, 1, -6, -7, -13, -14, -89, -90)


def _offsets(near: int, far: int, after: int) -> st.SearchStrategy[int]:
    """Days from an anchor: mostly near it (where the rules' edges are), sometimes far before it, and
    up to ``after`` days after it."""
    return st.one_of(st.integers(-near, after), st.integers(-far, after))


@dataclass(frozen=True)
class DrawnEnrollment:
    referred_days_before: int  # referral date = intake − this
    referred_at: time
    referral_type: str
    officer: int | None  # index into the officers
    intake: int | None  # days from D; None: the day of the person's first intake (D for the first)
    stay: int | None  # exit = intake + stay; None: still enrolled (unless exit_near_as_of)
    exit_near_as_of: int | None  # exit = D + this (not before intake), so that exits meet D's edges
    exit_reason: str | None
    team: int | None  # index into the teams


@dataclass(frozen=True)
class DrawnArrest:
    anchor: str  # "intake" (the person's first drawn intake) or "as_of"
    offset: int
    at: time
    diverted: bool  # carries the referral_id of the person's first referral
    warrant_only: bool | None
    severity: str | None


@dataclass(frozen=True)
class DrawnPerson:
    first_name: str
    last_name: str
    enrollments: tuple[DrawnEnrollment, ...]
    other_referrals: tuple[tuple[int, time, str, str], ...]  # (days from D, time, type, eligibility)
    arrests: tuple[DrawnArrest, ...]
    contacts: tuple[tuple[int, str], ...]  # (days from D, kind)
    consent: tuple[int, int | None] | None  # (signed, days from D; revoked days after signing or None)
    services: tuple[tuple[str, int, int | None], ...]  # (category, referred days from D, started days after)


@dataclass(frozen=True)
class DrawnTeam:
    cap: int
    active: bool


@dataclass
class Program:
    """The as-of date D and every table's rows, keyed by table name, ids given."""

    as_of: date
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


enrollments = st.builds(
    DrawnEnrollment,
    referred_days_before=st.one_of(st.just(0), st.integers(0, 40)),
    referred_at=st.sampled_from(TIMES),
    referral_type=st.sampled_from(REFERRAL_TYPES),
    officer=st.one_of(st.none(), st.integers(0, len(OFFICER_UNITS) - 1)),
    intake=st.one_of(st.none(), st.sampled_from(EDGES_NEAR_AS_OF), _offsets(near=40, far=200, after=5)),
    stay=st.one_of(st.none(), st.integers(0, 10), st.integers(0, 200)),
    exit_near_as_of=st.one_of(st.none(), st.none(), st.sampled_from(EDGES_NEAR_AS_OF)),
    exit_reason=st.one_of(st.none(), st.sampled_from(EXIT_REASONS)),
    team=st.one_of(st.none(), st.integers(0, 3)),
)

arrests = st.builds(
    DrawnArrest,
    anchor=st.sampled_from(("intake", "as_of")),
    offset=st.one_of(st.integers(-2, 2), st.integers(-200, 10)),
    at=st.sampled_from(TIMES),
    diverted=st.booleans(),
    warrant_only=st.one_of(st.none(), st.booleans()),
    severity=st.one_of(st.none(), st.sampled_from(SEVERITIES)),
)

# Contacts 14, 15, 30 and 31 days before D sit on the engagement levels' edges.
contact_days = st.one_of(st.sampled_from((0, -14, -15, -30, -31, 1)), _offsets(near=40, far=200, after=3))

people = st.builds(
    DrawnPerson,
    first_name=st.sampled_from(FIRST_NAMES),
    last_name=st.sampled_from(LAST_NAMES),
    enrollments=st.lists(enrollments, max_size=2).map(tuple),
    other_referrals=st.lists(
        st.tuples(
            _offsets(near=20, far=200, after=3),
            st.sampled_from(TIMES),
            st.sampled_from(REFERRAL_TYPES),
            st.sampled_from(ELIGIBILITY),
        ),
        max_size=1,
    ).map(tuple),
    arrests=st.lists(arrests, max_size=3).map(tuple),
    contacts=st.lists(st.tuples(contact_days, st.sampled_from(CONTACT_KINDS)), max_size=4).map(tuple),
    consent=st.one_of(
        st.none(),
        st.tuples(_offsets(near=10, far=200, after=3), st.one_of(st.none(), st.integers(0, 60))),
    ),
    services=st.lists(
        st.tuples(
            st.sampled_from(SERVICE_CATEGORIES),
            _offsets(near=20, far=200, after=3),
            st.one_of(st.none(), st.integers(0, 30)),
        ),
        max_size=1,
    ).map(tuple),
)

teams = st.lists(st.builds(DrawnTeam, cap=st.integers(0, 5), active=st.booleans()), min_size=1, max_size=4)
# D between 2024 and 2025, so that a leap day and every month's end can be within reach.
as_of_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31))


@st.composite
def programs(draw: st.DrawFn, *, min_people: int = 10, max_people: int = 30) -> Program:
    """A small program: one to four teams (small caps, so over-cap happens) and 10 to 30 people."""
    as_of = draw(as_of_dates)
    drawn_teams = draw(teams)
    drawn_people = draw(st.lists(people, min_size=min_people, max_size=max_people))
    return build(as_of, drawn_teams, drawn_people)


def build(as_of: date, drawn_teams: Sequence[DrawnTeam], drawn_people: Sequence[DrawnPerson]) -> Program:
    """The rows of a drawn program, with ids."""
    ids = count(1)
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in Base.metadata.tables}

    def day(offset: int) -> date:
        return as_of + timedelta(days=offset)

    def add(model: type[Base], **values: Any) -> int:
        key = model.__table__.primary_key.columns.values()[0].name
        values[key] = next(ids)
        rows[model.__tablename__].append(values)
        return values[key]

    officer_ids = [
        add(Officer, badge_number=f"B-{number}", name=f"Officer {number}", unit=unit, lead_trained_on=None)
        for number, unit in enumerate(OFFICER_UNITS)
    ]
    team_ids = []
    for number, team in enumerate(drawn_teams):
        peer = add(Staff, name=f"Peer {number}", role="peer", active=True)
        case_manager = add(Staff, name=f"Case manager {number}", role="case_manager", active=True)
        team_ids.append(
            add(
                CareTeam,
                name=f"Team {number}",
                peer_id=peer,
                case_manager_id=case_manager,
                caseload_cap=team.cap,
                active=team.active,
            )
        )

    for person in drawn_people:
        participant = add(Participant, first_name=person.first_name, last_name=person.last_name)
        referral_ids, intakes = [], []
        for enrollment in person.enrollments:
            intake = intakes[0] if enrollment.intake is None and intakes else day(enrollment.intake or 0)
            referral = add(
                Referral,
                participant_id=participant,
                officer_id=None if enrollment.officer is None else officer_ids[enrollment.officer],
                referred_at=datetime.combine(
                    intake - timedelta(days=enrollment.referred_days_before), enrollment.referred_at
                ),
                referral_type=enrollment.referral_type,
                offense="drug",
                eligibility="eligible",
                sao_verified_on=intake,
            )
            exited = None if enrollment.stay is None else intake + timedelta(days=enrollment.stay)
            if enrollment.exit_near_as_of is not None:
                exited = max(intake, day(enrollment.exit_near_as_of))
            # A drawn team index beyond the teams drawn means no team: unassigned.
            on_a_team = enrollment.team is not None and enrollment.team < len(team_ids)
            add(
                Enrollment,
                participant_id=participant,
                referral_id=referral,
                team_id=team_ids[enrollment.team] if on_a_team else None,
                intake_on=intake,
                exited_on=exited,
                exit_reason=enrollment.exit_reason if exited else None,
            )
            referral_ids.append(referral)
            intakes.append(intake)
        for offset, at, referral_type, eligibility in person.other_referrals:
            referral_ids.append(
                add(
                    Referral,
                    participant_id=participant,
                    officer_id=None,
                    referred_at=datetime.combine(day(offset), at),
                    referral_type=referral_type,
                    offense=None,
                    eligibility=eligibility,
                )
            )
        for arrest in person.arrests:
            anchor = intakes[0] if arrest.anchor == "intake" and intakes else as_of
            add(
                Arrest,
                participant_id=participant,
                arrested_at=datetime.combine(anchor + timedelta(days=arrest.offset), arrest.at),
                severity=arrest.severity,
                referral_id=referral_ids[0] if arrest.diverted and referral_ids else None,
                warrant_only=arrest.warrant_only,
            )
        for offset, kind in person.contacts:
            add(Contact, participant_id=participant, contacted_on=day(offset), kind=kind)
        if person.consent is not None:
            signed, revoked_after = person.consent
            add(
                Consent,
                participant_id=participant,
                signed_on=day(signed),
                revoked_on=None if revoked_after is None else day(signed + revoked_after),
            )
        for category, referred, started_after in person.services:
            add(
                Service,
                participant_id=participant,
                category=category,
                referred_on=day(referred),
                started_on=None if started_after is None else day(referred + started_after),
            )
    return Program(as_of=as_of, rows=rows)


def load(engine: Engine, program: Program) -> None:
    """Replace every row of the database with the program's, in one transaction."""
    tables = Base.metadata.sorted_tables
    with engine.begin() as conn:
        for table in reversed(tables):
            conn.execute(delete(table))
        for table in tables:
            rows = program.rows.get(table.name)
            if rows:  # every row names every column, as one executemany needs
                conn.execute(
                    insert(table), [{column.name: row.get(column.name) for column in table.columns} for row in rows]
                )
