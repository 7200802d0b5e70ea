"""A deterministic, obviously fake program database shaped like Baltimore's LEAD program.

The dashboard, its tests and anyone trying it out need data that exercises every figure of
DATA_CONTRACT.md, awkward cases included (an over-cap team, unassigned clients, an inactive team
still holding clients, participants in the wind, arrests on the intake day or after exit), without
a single real person in it: names read "Cedar Demo-0421", officers "Officer Demo-17".

One seeded ``random.Random`` draws everything, so a seed and an as-of date name exactly one
database; the wall clock is read only for the default as-of date. The state on the as-of date is
decided first (how many clients each team holds, who is engaged) and the history is drawn to agree
with it, so that shape holds for any as-of date from 2019 on, not just for today.
"""

from __future__ import annotations

import json
import math
import os
import random
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from sqlalchemy import Connection, Engine, create_engine, insert, inspect, select, text

from lead_data.demo_outcomes import build_outcome_rows
from lead_data.models import (
    CONTACT_KINDS,
    DEFAULT_CASELOAD_CAP,
    ELIGIBILITY,
    EXIT_REASONS,
    INELIGIBLE_REASONS,
    OFFENSES,
    REACHED_CONTACT_KINDS,
    REFERRAL_TYPES,
    SERVICE_CATEGORIES,
    SEVERITIES,
    STAFF_ROLES,
    Base,
)
from lead_data.schema import create_schema
from lead_data.site import load_site

PROGRAM_START = date(2017, 2, 1)  # the demo program's first day; its officers' training days are set around it

DEFAULT_SEED = 2017
# Rows per INSERT executemany when loading: big enough to be fast, small enough to bound memory
# and statement size on any server.
BATCH_ROWS = 5_000

Row = dict[str, Any]
# Unpacked from the contract's tuples so that a renamed value breaks here, not in the data.
PENDING, ELIGIBLE, INELIGIBLE = ELIGIBILITY
FELONY, MISDEMEANOR, OTHER_SEVERITY = SEVERITIES
ARREST_DIVERSION, SOCIAL_CONTACT = REFERRAL_TYPES

# Referral volume: the program ramps up from its launch, then runs at a steady pace.
FIRST_MONTH_REFERRALS = 3.0
STEADY_MONTHLY_REFERRALS = 14.0
RAMP_MONTHS = 30
REFERRAL_HOUR_WEIGHTS = (2, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8, 7, 6, 5, 4, 3, 2)
REFERRAL_TYPE_WEIGHTS = {ARREST_DIVERSION: 70, SOCIAL_CONTACT: 30}
OFFENSE_WEIGHTS: dict[str | None, int] = dict(zip((*OFFENSES, None), (74, 16, 8, 2), strict=True))

# Eligibility and the way to intake.
PENDING_WINDOW_DAYS = 21
PENDING_SHARE_IN_WINDOW = 0.6
INELIGIBLE_SHARE = 0.17
INELIGIBLE_REASON_WEIGHTS = (30, 25, 25, 8, 12)
ENROLLING_SHARE_OF_VERIFIED = 0.9
MAX_DAYS_TO_INTAKE = 30
MEAN_EXTRA_DAYS_TO_INTAKE = 7.0

# Exits: each reason comes with its own span of time in the program, in months.
EXIT_REASON_WEIGHTS = (40, 25, 12, 12, 2, 9)
MONTHS_ENROLLED_BY_EXIT_REASON = {
    "graduated": (20, 60),
    "disengaged": (3, 24),
    "moved": (2, 36),
    "incarcerated": (2, 36),
    "deceased": (1, 48),
    "other": (2, 36),
}
DAYS_PER_MONTH = 30.44
# Intakes this recent are never the ones sent out early to fit the as-of caseloads.
PROTECTED_RECENT_INTAKE_DAYS = 30

# Teams on the as-of date.
RETIRED_TEAM_NUMBER = 2
TYPICAL_CASELOAD = 25.5
NEAR_CAP_CASELOADS = (22, DEFAULT_CASELOAD_CAP - 1)
OVER_CAP_CASELOADS = (DEFAULT_CASELOAD_CAP + 2, DEFAULT_CASELOAD_CAP + 3)
UNASSIGNED_CLIENTS = (3, 6)
CLIENTS_LEFT_ON_RETIRED_TEAM = (1, 2)
UNASSIGNED_FROM_LATEST_INTAKES = 12
EXITED_WITHOUT_TEAM_SHARE = 0.03
SUPERVISORS = 2

# Engagement of active participants on the as-of date (DATA_CONTRACT.md, "Engagement").
OVERDUE_SHARE = (0.10, 0.15)
IN_THE_WIND_SHARE = (0.05, 0.10)
NEVER_REACHED_CLIENTS = (1, 2)
NEVER_REACHED_DAYS_ENROLLED = (3, 40)
ENGAGED_DAYS = 14
OVERDUE_DAYS = (15, 30)
IN_THE_WIND_DAYS = (31, 150)
CONTACT_KIND_WEIGHTS = (60, 25, 15)
EARLY_CONTACT_DAYS = 90
EARLY_CONTACT_GAP = (2, 7)
LATER_CONTACT_GAP = (7, 18)
ATTEMPT_GAP = (4, 12)
CONTACT_WITHOUT_STAFF_SHARE = 0.02
QUIET_DAYS_BEFORE_EXIT = {"graduated": (0, 0), "disengaged": (21, 60), "incarcerated": (3, 20)}
USUAL_QUIET_DAYS_BEFORE_EXIT = (0, 14)

# Officers.
OFFICERS = 40
LAUNCH_COHORT = 14
UNTRAINED_OFFICERS = 4
LAUNCH_TRAINING_DAY = date(2017, 1, 10)
LATER_TRAINING_FROM = date(2017, 4, 1)
OFFICER_UNITS = (
    ("Central District Patrol", 40),
    ("Western District Patrol", 25),
    ("Southern District Patrol", 15),
    ("Downtown Foot Patrol", 20),
)
REFERRAL_WITHOUT_OFFICER_SHARE = 0.02

# Arrests.
PRIOR_ARREST_SHARE = 0.22
PRIOR_ARREST_WINDOW_DAYS = 180
RE_ARREST_SHARE = (0.06, 0.09)
MEAN_DAYS_TO_RE_ARREST = 365  # sooner more often than later
INTAKE_DAY_ARRESTS = 3
NEVER_ENROLLED_ARREST_SHARE = 0.15
DIVERTED_CHARGES = {
    "drug": ("CDS possession", "CDS possession - paraphernalia"),
    "prostitution": ("Prostitution",),
    "other": ("Trespassing", "Loitering", "Theft under $100"),
}
# (charge, severity, warrant_only, weight) for arrests other than the diverted one.
OTHER_ARRESTS = (
    ("CDS possession", MISDEMEANOR, False, 25),
    ("CDS possession with intent to distribute", FELONY, False, 8),
    ("Theft under $100", MISDEMEANOR, False, 10),
    ("Trespassing", MISDEMEANOR, False, 8),
    ("Second-degree assault", MISDEMEANOR, False, 6),
    ("Burglary", FELONY, False, 4),
    ("Robbery", FELONY, False, 3),
    ("Prostitution", MISDEMEANOR, False, 5),
    ("Open container", OTHER_SEVERITY, False, 5),
    ("Failure to appear (bench warrant)", OTHER_SEVERITY, True, 8),
    ("Violation of probation (warrant)", OTHER_SEVERITY, True, 4),
)
UNRECORDED_SEVERITY_SHARE = 0.06
UNRECORDED_WARRANT_SHARE = 0.03

# Services and consents.
SERVICES_PER_ENROLLMENT_WEIGHTS = (35, 30, 22, 13)
SERVICE_CATEGORY_WEIGHTS = (22, 14, 14, 16, 8, 10, 9, 4, 3)
SERVICE_REFERRAL_WITHIN_DAYS = 120
SERVICE_STARTED_SHARE = 0.72
SERVICE_START_WITHIN_DAYS = 45
CONSENT_SHARE = 0.85
CONSENT_ON_INTAKE_DAY_SHARE = 0.6
CONSENT_REVOKED_SHARE = 0.10

# Places: (location text, longitude, latitude, weight). The pilot-zone ones cluster around
# Lexington Market, the University of Maryland, Baltimore campus and the west-side corridors.
# Another site's demo moves them all onto its own zones (_shift_to_site).
PLACES_DRAWN_AROUND = Path(__file__).with_name("pilot_zone.geojson")  # Baltimore's pilot zone
IN_ZONE_PLACES = (
    ("N Eutaw St & W Lexington St", -76.6206, 39.2918, 10),
    ("N Paca St & W Lexington St", -76.6229, 39.2916, 8),
    ("N Howard St & W Lexington St", -76.6188, 39.2919, 6),
    ("N Eutaw St & W Saratoga St", -76.6207, 39.2929, 5),
    ("N Howard St & W Saratoga St", -76.6189, 39.2930, 4),
    ("W Fayette St & N Eutaw St", -76.6206, 39.2905, 4),
    ("W Baltimore St & N Eutaw St", -76.6205, 39.2893, 5),
    ("W Baltimore St & N Paca St", -76.6228, 39.2892, 4),
    ("W Baltimore St & N Greene St", -76.6245, 39.2891, 4),
    ("W Lombard St & S Greene St", -76.6248, 39.2880, 4),
    ("W Fayette St & N Greene St", -76.6247, 39.2903, 3),
    ("W Saratoga St & N Greene St", -76.6250, 39.2928, 2),
    ("N Howard St & W Baltimore St", -76.6190, 39.2893, 3),
    ("W Lexington St & N Liberty St", -76.6172, 39.2920, 2),
    ("W Mulberry St & N Howard St", -76.6190, 39.2941, 2),
)
OUTSIDE_ZONE_PLACES = (
    ("Pennsylvania Ave & W Lafayette Ave", -76.6400, 39.3005, 4),
    ("N Fulton Ave & W Baltimore St", -76.6455, 39.2885, 3),
    ("E Fayette St & N Gay St", -76.6045, 39.2915, 3),
    ("E Baltimore St & N Central Ave", -76.6000, 39.2910, 2),
    ("Washington Blvd & S Carey St", -76.6390, 39.2835, 2),
    ("N Charles St & E North Ave", -76.6165, 39.3115, 2),
    ("W Franklin St & N Fremont Ave", -76.6335, 39.2960, 2),
)
IN_ZONE_SHARE = 0.82
OUTSIDE_ZONE_SHARE = 0.13  # the rest have no coordinates
IN_ZONE_JITTER_DEGREES = 0.0004
OUTSIDE_ZONE_JITTER_DEGREES = 0.0015
NAMED_LOCATION_SHARE = 0.9
NAMED_LOCATION_WITHOUT_COORDINATES_SHARE = 0.5

# People.
FIRST_NAMES = (
    "Cedar",
    "Maple",
    "Willow",
    "Birch",
    "Aspen",
    "Hazel",
    "Rowan",
    "Alder",
    "Juniper",
    "Linden",
    "Cypress",
    "Laurel",
    "Holly",
    "Spruce",
    "Ash",
    "Oak",
    "Elm",
    "Magnolia",
    "Sycamore",
    "Poplar",
    "Wren",
    "Robin",
    "Sparrow",
    "Finch",
    "Heron",
    "Jay",
    "Lark",
    "Raven",
    "Oriole",
    "Starling",
    "Kestrel",
    "Swift",
    "Plover",
    "Dove",
    "Egret",
    "Crane",
    "Ochre",
    "Indigo",
    "Amber",
    "Scarlet",
    "Sienna",
    "Teal",
    "Cobalt",
    "Saffron",
    "Slate",
    "Umber",
    "Olive",
    "Russet",
    "Sage",
    "Coral",
)
STAFF_FIRST_NAMES = FIRST_NAMES[:20]
SEXES = (("Male", 64), ("Female", 34), (None, 2))
SEXES_FOR_PROSTITUTION = (("Female", 80), ("Male", 18), (None, 2))
RACES = (
    ("Black", 72),
    ("White", 22),
    ("Asian", 1),
    ("American Indian or Alaska Native", 1),
    ("Other", 2),
    (None, 2),
)
ETHNICITIES = (("Not Hispanic or Latino", 93), ("Hispanic or Latino", 4), (None, 3))
UNKNOWN_BIRTH_DATE_SHARE = 0.03
AGE_AT_REFERRAL_YEARS = (18, 66, 32)  # low, high, mode
OLDEST_AGE_AT_REFERRAL = 70
REPEAT_REFERRAL_SHARE = 0.012
DAYS_BETWEEN_EXIT_AND_NEW_REFERRAL = 60


@dataclass(frozen=True)
class Place:
    longitude: float | None
    latitude: float | None
    text: str | None


@dataclass(eq=False)
class Person:
    """Who was referred; one person may carry several referrals, so identity matters, not value."""

    first_name: str
    date_of_birth: date | None
    sex: str | None
    race: str | None
    ethnicity: str | None
    participant_id: int = 0


@dataclass(eq=False)
class Case:
    """One referral and what followed it: at most one enrollment, its team, exit and contacts."""

    person: Person
    referred_at: datetime
    referral_type: str
    offense: str | None
    officer_id: int | None
    place: Place
    eligibility: str = PENDING
    ineligible_reason: str | None = None
    sao_verified_on: date | None = None
    intake_on: date | None = None
    planned_exit_on: date | None = None
    planned_exit_reason: str | None = None
    exited_on: date | None = None
    exit_reason: str | None = None
    team_id: int | None = None
    last_reached_on: date | None = None
    referral_id: int = 0
    enrollment_id: int = 0

    @property
    def referred_on(self) -> date:
        return self.referred_at.date()

    @property
    def is_enrolled(self) -> bool:
        return self.intake_on is not None

    @property
    def is_active(self) -> bool:
        return self.intake_on is not None and self.exited_on is None


@dataclass(frozen=True)
class Officer:
    officer_id: int
    unit: str
    lead_trained_on: date | None
    referral_weight: float


@dataclass
class Teams:
    """Team numbers (= team_id) and who works on each; the retired team keeps its number."""

    active_numbers: list[int]
    retired_number: int
    staff_by_team: dict[int, tuple[int, int]] = field(default_factory=dict)
    supervisor_ids: list[int] = field(default_factory=list)


# progress(stage, fraction): what is being done and how much of the whole is done, 0.0 to 1.0.
Progress = Callable[[str, float], None]
DRAWN, SCHEMA_CREATED = 0.35, 0.45  # shares of the whole (measured: drawing ~0.6 s, writing ~1 s)


def _no_progress(stage: str, fraction: float) -> None:
    """The default: say nothing."""


def generate_demo_database(
    path: Path, *, seed: int = DEFAULT_SEED, as_of: date | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Write a fresh demo SQLite database at path; return row counts per table."""
    report = progress or _no_progress
    report("Drawing the program's history", 0.0)
    rows = build_demo_rows(seed=seed, as_of=as_of or date.today())
    _write_atomically(Path(path), rows, report)
    report("Done", 1.0)
    return _counts(rows)


def load_demo(
    url: str, *, seed: int = DEFAULT_SEED, as_of: date | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Load the demo rows into the database at url (any SQLAlchemy URL); return row counts per table.

    Creates the contract schema through the migrations when its tables are absent. Refuses with a
    ValueError, changing nothing, when a contract table already holds rows, so demo rows are never
    mixed into a program's real data. All rows go in one transaction: all or nothing.
    """
    report = progress or _no_progress
    report("Drawing the program's history", 0.0)
    rows = build_demo_rows(seed=seed, as_of=as_of or date.today())
    _load(url, rows, report)
    report("Done", 1.0)
    return _counts(rows)


def build_demo_rows(*, seed: int, as_of: date) -> dict[str, list[Row]]:
    """Every contract table's rows, keyed by table name, drawn from one generator seeded with seed."""
    if as_of < PROGRAM_START:
        raise ValueError(f"as-of date {as_of} is before the program started on {PROGRAM_START}")
    rng = random.Random(seed)
    officers = _draw_officers(rng, as_of)
    cases = _draw_referrals(rng, officers, as_of)
    for case in cases:
        _decide_eligibility_and_intake(rng, case, as_of)
    ineligible = [case for case in cases if case.eligibility == INELIGIBLE]
    for index, reason in _one_of_each_value(rng, len(ineligible), INELIGIBLE_REASONS).items():
        ineligible[index].ineligible_reason = reason
    enrolled = [case for case in cases if case.is_enrolled]
    teams = _settle_enrollments_on_as_of(rng, enrolled, as_of)
    _decide_engagement_on_as_of(rng, [case for case in enrolled if case.is_active], as_of)
    for case in enrolled:
        if not case.is_active:
            case.last_reached_on = _last_reached_before_exit(rng, case)
    _link_repeat_referrals(rng, cases)
    _number_rows(cases)
    staff = _staff_rows(rng, teams)
    rows = {
        "officers": _officer_rows(officers),
        "staff": staff,
        "care_teams": _care_team_rows(teams),
        "participants": _participant_rows(cases),
        "referrals": [_referral_row(case) for case in cases],
        "enrollments": _enrollment_rows(cases),
        "arrests": _arrest_rows(rng, cases, as_of),
        "contacts": _contact_rows(rng, cases, teams, as_of),
        "services": _service_rows(rng, cases, as_of),
        "consents": _consent_rows(rng, cases, as_of),
    }
    rows.update(build_outcome_rows(rng, rows, as_of))  # drawn last: the tables above stay as they were
    return rows


# --- writing ------------------------------------------------------------------------------


# Written into every demo file the generator makes (SQLite's header field for "which program made
# this file"): only a file carrying it is shown without sign-in, whatever setting names it.
DEMO_APPLICATION_ID = 0x4C454144  # "LEAD" in ASCII


def is_generated_demo(path: Path) -> bool:
    """Whether the SQLite file at path is a demo database this generator wrote."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            return connection.execute("PRAGMA application_id").fetchone()[0] == DEMO_APPLICATION_ID
    except sqlite3.Error:  # not there, not readable, or not a SQLite file
        return False


def _write_atomically(path: Path, rows: dict[str, list[Row]], progress: Progress = _no_progress) -> None:
    """Build the database in a temporary file beside path, then move it into place in one step,
    so a reader (or a concurrent first run) never sees a half-written database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        _load(f"sqlite:///{temporary}", rows, progress)
        with closing(sqlite3.connect(temporary)) as connection:
            connection.execute(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the dashboard may run as another user
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _load(url: str, rows: dict[str, list[Row]], progress: Progress = _no_progress) -> None:
    """Create the schema if its tables are absent, then insert rows in one transaction, refusing a
    database whose contract tables already hold rows."""
    engine = create_engine(url)
    try:
        if _missing_tables(engine):
            progress("Creating the schema", DRAWN)
            create_schema(url)
        with engine.begin() as connection:
            _refuse_unless_empty(connection)
            _insert(connection, rows, progress)
    finally:
        engine.dispose()


def _missing_tables(engine: Engine) -> list[str]:
    present = set(inspect(engine).get_table_names())
    return [table.name for table in Base.metadata.sorted_tables if table.name not in present]


def _refuse_unless_empty(connection: Connection) -> None:
    holding = [
        table.name
        for table in Base.metadata.tables.values()
        if connection.execute(select(text("1")).select_from(table).limit(1)).first() is not None
    ]
    if holding:
        raise ValueError(
            f"the database already holds rows in {', '.join(holding)}; "
            "the demo is only loaded into an empty database, never beside a program's data"
        )


def _insert(connection: Connection, rows: dict[str, list[Row]], progress: Progress = _no_progress) -> None:
    """Every table's rows, parents before children, in executemany batches."""
    total, written = max(1, sum(map(len, rows.values()))), 0
    for table in Base.metadata.sorted_tables:
        table_rows = rows[table.name]
        progress(f"Writing {table.name}", SCHEMA_CREATED + (1 - SCHEMA_CREATED) * written / total)
        for start in range(0, len(table_rows), BATCH_ROWS):
            connection.execute(insert(table), table_rows[start : start + BATCH_ROWS])
            written += len(table_rows[start : start + BATCH_ROWS])
            progress(f"Writing {table.name}", SCHEMA_CREATED + (1 - SCHEMA_CREATED) * written / total)
    if connection.dialect.name == "postgresql":
        # The keys were given explicitly, so the serial sequences never moved: set each past the
        # largest key, or the next row inserted without a key would collide with a demo row.
        for table in Base.metadata.sorted_tables:
            (key,) = table.primary_key.columns
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence(:table, :key), COALESCE(MAX({key.name}), 0) + 1, false) "
                    f"FROM {table.name}"
                ),
                {"table": table.name, "key": key.name},
            )


def _counts(rows: dict[str, list[Row]]) -> dict[str, int]:
    return {table: len(table_rows) for table, table_rows in rows.items()}


# --- officers and referrals ---------------------------------------------------------------


def _draw_officers(rng: random.Random, as_of: date) -> list[Officer]:
    """A launch cohort trained before the program opened, later officers trained over the years
    up to a few weeks before as_of, and a few not trained yet (who therefore refer no one)."""
    later = OFFICERS - LAUNCH_COHORT - UNTRAINED_OFFICERS
    later_until = max(LATER_TRAINING_FROM, as_of - timedelta(days=21))
    later_span = (later_until - LATER_TRAINING_FROM).days
    units = [unit for unit, _ in OFFICER_UNITS]
    unit_weights = [weight for _, weight in OFFICER_UNITS]
    officers = []
    for number in range(1, OFFICERS + 1):
        if number <= LAUNCH_COHORT:
            trained_on = LAUNCH_TRAINING_DAY + timedelta(days=rng.randrange(14))
        elif number <= LAUNCH_COHORT + later:
            position = (number - LAUNCH_COHORT - 1 + rng.random()) / later
            trained_on = min(LATER_TRAINING_FROM + timedelta(days=round(position * later_span)), as_of)
        else:
            trained_on = None
        unit = rng.choices(units, unit_weights)[0]
        officers.append(Officer(number, unit, trained_on, rng.paretovariate(1.5)))
    return officers


def _monthly_referral_rate(month_index: int) -> float:
    """Referrals expected in the program's month_index-th month: a ramp, then a plateau."""
    ramp = min(1.0, month_index / RAMP_MONTHS)
    return FIRST_MONTH_REFERRALS + (STEADY_MONTHLY_REFERRALS - FIRST_MONTH_REFERRALS) * ramp


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _draw_referral_times(rng: random.Random, as_of: date) -> list[datetime]:
    """Month by month, about as many referrals as the ramp expects (a partial last month pro rata),
    each on a random day at a time of day weighted towards patrol hours."""
    times = []
    month_start, month_index = PROGRAM_START, 0
    while month_start <= as_of:
        next_month = _first_of_next_month(month_start)
        open_days = (min(next_month - timedelta(days=1), as_of) - month_start).days + 1
        expected = _monthly_referral_rate(month_index) * open_days / (next_month - month_start).days
        count = max(0, round(rng.gauss(expected, math.sqrt(expected))))
        for _ in range(count):
            day = month_start + timedelta(days=rng.randrange(open_days))
            hour = rng.choices(range(24), REFERRAL_HOUR_WEIGHTS)[0]
            times.append(datetime.combine(day, time(hour, rng.randrange(60))))
        month_start, month_index = next_month, month_index + 1
    return sorted(times)


def _draw_referrals(rng: random.Random, officers: list[Officer], as_of: date) -> list[Case]:
    zone = _site_zones()
    cases = []
    for referred_at in _draw_referral_times(rng, as_of):
        offense = rng.choices(list(OFFENSE_WEIGHTS), list(OFFENSE_WEIGHTS.values()))[0]
        cases.append(
            Case(
                person=_draw_person(rng, referred_at.date(), offense),
                referred_at=referred_at,
                referral_type=rng.choices(list(REFERRAL_TYPE_WEIGHTS), list(REFERRAL_TYPE_WEIGHTS.values()))[0],
                offense=offense,
                officer_id=_draw_referring_officer(rng, officers, referred_at.date()),
                place=_draw_place(rng, zone),
            )
        )
    return cases


def _draw_referring_officer(rng: random.Random, officers: list[Officer], referred_on: date) -> int | None:
    """An officer trained before the referral date, busier officers more often; rarely unrecorded."""
    if rng.random() < REFERRAL_WITHOUT_OFFICER_SHARE:
        return None
    trained = [o for o in officers if o.lead_trained_on is not None and o.lead_trained_on < referred_on]
    return rng.choices(trained, [o.referral_weight for o in trained])[0].officer_id


def _draw_person(rng: random.Random, referred_on: date, offense: str | None) -> Person:
    if rng.random() < UNKNOWN_BIRTH_DATE_SHARE:
        date_of_birth = None
    else:
        low, high, mode = AGE_AT_REFERRAL_YEARS
        age_days = rng.triangular(low * 365.25 + 2, high * 365.25, mode * 365.25)
        date_of_birth = referred_on - timedelta(days=round(age_days))
    sexes = SEXES_FOR_PROSTITUTION if offense == "prostitution" else SEXES
    return Person(
        first_name=rng.choice(FIRST_NAMES),
        date_of_birth=date_of_birth,
        sex=_weighted_choice(rng, sexes),
        race=_weighted_choice(rng, RACES),
        ethnicity=_weighted_choice(rng, ETHNICITIES),
    )


def _weighted_choice(rng: random.Random, options: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([value for value, _ in options], [weight for _, weight in options])[0]


def _draw_place(rng: random.Random, zone: shapely.Polygon) -> Place:
    """Mostly around the pilot zone's hot spots, some elsewhere in the city, a few unrecorded."""
    draw = rng.random()
    if draw < IN_ZONE_SHARE:
        return _draw_place_near(rng, IN_ZONE_PLACES, IN_ZONE_JITTER_DEGREES, lambda x, y: _inside(zone, x, y))
    if draw < IN_ZONE_SHARE + OUTSIDE_ZONE_SHARE:
        return _draw_place_near(
            rng,
            OUTSIDE_ZONE_PLACES,
            OUTSIDE_ZONE_JITTER_DEGREES,
            lambda x, y: not _inside(zone, x, y) and _in_city(x, y),
        )
    text = rng.choice(IN_ZONE_PLACES)[0] if rng.random() < NAMED_LOCATION_WITHOUT_COORDINATES_SHARE else None
    return Place(None, None, text)


def _draw_place_near(
    rng: random.Random,
    places: tuple[tuple[str, float, float, int], ...],
    jitter: float,
    acceptable: Callable[[float, float], bool],
) -> Place:
    """A point scattered around a weighted choice of places, redrawn until it is acceptable."""
    text, longitude, latitude, _ = rng.choices(places, [place[3] for place in places])[0]
    longitude, latitude = (a + b for a, b in zip((longitude, latitude), _shift_to_site(), strict=True))
    while True:
        x = round(rng.gauss(longitude, jitter), 6)
        y = round(rng.gauss(latitude, jitter), 6)
        if acceptable(x, y):
            return Place(x, y, text if rng.random() < NAMED_LOCATION_SHARE else None)


def _inside(zone: shapely.Polygon, longitude: float, latitude: float) -> bool:
    return bool(shapely.contains_xy(zone, longitude, latitude))


def _in_city(longitude: float, latitude: float) -> bool:
    return bool(shapely.intersects_xy(load_site().city.polygon, longitude, latitude))


def _site_zones() -> shapely.MultiPolygon:
    """The configured site's pilot zones (lead_data.site), as one shape."""
    return shapely.MultiPolygon([zone.polygon for zone in load_site().zones])


@lru_cache(maxsize=1)
def _centre_of_places() -> tuple[float, float]:
    west, south, east, north = shapely.geometry.shape(
        json.loads(PLACES_DRAWN_AROUND.read_text())["features"][0]["geometry"]
    ).bounds
    return (west + east) / 2, (south + north) / 2


def _shift_to_site() -> tuple[float, float]:
    """How far the places move so they lie on the site's zones as they lie on Baltimore's pilot zone
    (the centre of one's extent onto the other's): nothing for Baltimore."""
    west, south, east, north = _site_zones().bounds
    x, y = _centre_of_places()
    return (west + east) / 2 - x, (south + north) / 2 - y


# --- eligibility, intake and exit ---------------------------------------------------------


def _decide_eligibility_and_intake(rng: random.Random, case: Case, as_of: date) -> None:
    """Pending only in the last three weeks; eligible ones are verified within days and most come
    to intake within a month (about a week typically), unless that would fall after as_of."""
    if (as_of - case.referred_on).days <= PENDING_WINDOW_DAYS and rng.random() < PENDING_SHARE_IN_WINDOW:
        case.eligibility = PENDING
        return
    if rng.random() < INELIGIBLE_SHARE:
        case.eligibility = INELIGIBLE
        case.ineligible_reason = rng.choices(INELIGIBLE_REASONS, INELIGIBLE_REASON_WEIGHTS)[0]
        return
    case.eligibility = ELIGIBLE
    days_to_verify = rng.randint(0, 4)
    verified_on = case.referred_on + timedelta(days=days_to_verify)
    if verified_on > as_of:
        return
    case.sao_verified_on = verified_on
    if rng.random() >= ENROLLING_SHARE_OF_VERIFIED:
        return
    extra_days = round(rng.expovariate(1 / MEAN_EXTRA_DAYS_TO_INTAKE))
    intake_on = case.referred_on + timedelta(days=min(MAX_DAYS_TO_INTAKE, days_to_verify + extra_days))
    if intake_on > as_of:
        return
    case.intake_on = intake_on
    case.planned_exit_reason = rng.choices(EXIT_REASONS, EXIT_REASON_WEIGHTS)[0]
    shortest, longest = MONTHS_ENROLLED_BY_EXIT_REASON[case.planned_exit_reason]
    case.planned_exit_on = intake_on + timedelta(days=round(rng.uniform(shortest, longest) * DAYS_PER_MONTH))


def _one_of_each_value(rng: random.Random, item_count: int, values: tuple[str, ...]) -> dict[int, str]:
    """Distinct random item positions, each to be given one of values, so that even a small
    database shows every value; the weights alone would leave a rare one out now and then."""
    positions = rng.sample(range(item_count), min(item_count, len(values)))
    return dict(zip(positions, values, strict=False))


def _team_caseloads(rng: random.Random, team_count: int, clients_available: int) -> list[int]:
    """One team over its cap, one exactly at it, the others a little under: team_count teams, or
    fewer when a young program has not enrolled enough clients to fill them."""
    caseloads = [rng.randint(*OVER_CAP_CASELOADS), DEFAULT_CASELOAD_CAP]
    caseloads += [rng.randint(*NEAR_CAP_CASELOADS) for _ in range(team_count - 2)]
    caseloads = caseloads[:team_count]
    while len(caseloads) > 1 and sum(caseloads) > clients_available:
        caseloads.pop()
    rng.shuffle(caseloads)
    return caseloads


def _settle_enrollments_on_as_of(rng: random.Random, enrolled: list[Case], as_of: date) -> Teams:
    """Decide who is active on as_of and on which team, then give everyone else an exit.

    The number of teams follows the number of clients the program would naturally hold; the
    caseloads are then fixed (near the cap, one over, a few unassigned, one or two left on the
    retired team) and the enrollments planned to last longest are the ones kept active."""
    unassigned = rng.randint(*UNASSIGNED_CLIENTS)
    on_retired_team = rng.randint(*CLIENTS_LEFT_ON_RETIRED_TEAM)
    naturally_active = sum(1 for case in enrolled if case.planned_exit_on > as_of)
    team_count = max(1, round((naturally_active - unassigned - on_retired_team) / TYPICAL_CASELOAD))
    caseloads = _team_caseloads(rng, team_count, len(enrolled) - unassigned - on_retired_team)
    active_numbers = [n for n in range(1, len(caseloads) + 2) if n != RETIRED_TEAM_NUMBER]

    active_count = min(len(enrolled), sum(caseloads) + unassigned + on_retired_team)
    protected_since = as_of - timedelta(days=PROTECTED_RECENT_INTAKE_DAYS)
    by_staying_power = sorted(enrolled, key=lambda c: (c.intake_on > protected_since, c.planned_exit_on), reverse=True)
    active, leaving = by_staying_power[:active_count], by_staying_power[active_count:]
    _assign_active_clients(rng, active, active_numbers, caseloads, unassigned, on_retired_team)

    all_numbers = sorted([*active_numbers, RETIRED_TEAM_NUMBER])
    for case in leaving:
        if case.planned_exit_on <= as_of:
            case.exited_on = case.planned_exit_on
        else:  # sent out before its planned time; leaves within the last three months
            case.exited_on = as_of - timedelta(days=rng.randrange(min(90, (as_of - case.intake_on).days)))
        case.exit_reason = case.planned_exit_reason
        case.team_id = None if rng.random() < EXITED_WITHOUT_TEAM_SHARE else rng.choice(all_numbers)
    return Teams(active_numbers, RETIRED_TEAM_NUMBER)


def _assign_active_clients(
    rng: random.Random,
    active: list[Case],
    active_numbers: list[int],
    caseloads: list[int],
    unassigned: int,
    on_retired_team: int,
) -> None:
    """The retired team keeps its longest-standing clients; the newest intakes wait unassigned;
    the rest fill the active teams round-robin (which only matters when there are too few)."""
    by_intake = sorted(active, key=lambda c: c.intake_on)
    for case in by_intake[:on_retired_team]:
        case.team_id = RETIRED_TEAM_NUMBER
    rest = by_intake[on_retired_team:]
    latest = rest[-UNASSIGNED_FROM_LATEST_INTAKES:]
    waiting = rng.sample(latest, min(unassigned, len(latest)))
    on_teams = [case for case in rest if case not in waiting]
    rng.shuffle(on_teams)
    slots = [
        number
        for round_index in range(max(caseloads))
        for number, caseload in zip(active_numbers, caseloads, strict=True)
        if round_index < caseload
    ]
    for case, number in zip(on_teams, slots, strict=False):  # shorter only in a program's first months
        case.team_id = number


# --- engagement and contacts --------------------------------------------------------------


def _decide_engagement_on_as_of(rng: random.Random, active: list[Case], as_of: date) -> None:
    """Set each active client's last reached contact so that on as_of most are engaged, about one
    in eight is overdue, about one in thirteen is in the wind and one or two were never reached
    (their engagement falls back on the days since intake)."""
    remaining = list(active)
    _take_clients(rng, remaining, rng.randint(*NEVER_REACHED_CLIENTS), as_of, *NEVER_REACHED_DAYS_ENROLLED)
    in_the_wind_count = round(len(active) * rng.uniform(*IN_THE_WIND_SHARE))
    in_the_wind = _take_clients(rng, remaining, in_the_wind_count, as_of, IN_THE_WIND_DAYS[0])
    overdue_count = round(len(active) * rng.uniform(*OVERDUE_SHARE))
    overdue = _take_clients(rng, remaining, overdue_count, as_of, OVERDUE_DAYS[0])
    for clients, (fewest_days, most_days) in (
        (in_the_wind, IN_THE_WIND_DAYS),
        (overdue, OVERDUE_DAYS),
        (remaining, (0, ENGAGED_DAYS)),
    ):
        for case in clients:
            days_enrolled = (as_of - case.intake_on).days
            case.last_reached_on = as_of - timedelta(days=rng.randint(fewest_days, min(most_days, days_enrolled)))


def _take_clients(
    rng: random.Random,
    remaining: list[Case],
    count: int,
    as_of: date,
    fewest_days_enrolled: int,
    most_days_enrolled: float = math.inf,
) -> list[Case]:
    """Up to count clients enrolled for fewest to most days on as_of, moved out of remaining."""
    pool = [case for case in remaining if fewest_days_enrolled <= (as_of - case.intake_on).days <= most_days_enrolled]
    chosen = rng.sample(pool, min(count, len(pool)))
    for case in chosen:
        remaining.remove(case)
    return chosen


def _last_reached_before_exit(rng: random.Random, case: Case) -> date:
    """Graduates are seen up to the end; disengaged clients stop answering weeks before exit."""
    quiet_days = QUIET_DAYS_BEFORE_EXIT.get(case.exit_reason, USUAL_QUIET_DAYS_BEFORE_EXIT)
    last_reached = case.exited_on - timedelta(days=rng.randint(*quiet_days))
    return max(case.intake_on, last_reached)


def _contact_gap(rng: random.Random, days_since_intake: int) -> timedelta:
    """Every few days in the first months, then every one to two weeks."""
    gap = EARLY_CONTACT_GAP if days_since_intake < EARLY_CONTACT_DAYS else LATER_CONTACT_GAP
    return timedelta(days=rng.randint(*gap))


def _contact_rows(rng: random.Random, cases: list[Case], teams: Teams, as_of: date) -> list[Row]:
    rows = []
    for case in cases:
        if case.is_enrolled:
            staff_pool = _contact_staff_pool(case, teams)
            for contacted_on, kind in _contact_history(rng, case, as_of):
                staff_id = None if rng.random() < CONTACT_WITHOUT_STAFF_SHARE else rng.choice(staff_pool)
                rows.append(
                    {
                        "participant_id": case.person.participant_id,
                        "staff_id": staff_id,
                        "contacted_on": contacted_on,
                        "kind": kind,
                    }
                )
    rows.sort(key=lambda row: (row["contacted_on"], row["participant_id"]))
    return _with_ids(rows, "contact_id")


def _contact_staff_pool(case: Case, teams: Teams) -> list[int]:
    """The team's peer and case manager; supervisors cover unassigned clients and those still
    listed on the retired team, whose staff have left."""
    if case.team_id is None or (case.is_active and case.team_id == teams.retired_number):
        return teams.supervisor_ids
    return list(teams.staff_by_team[case.team_id])


def _contact_history(rng: random.Random, case: Case, as_of: date) -> list[tuple[date, str]]:
    """Contacts from intake up to the last reached one (which is reached by construction), then
    only attempts until exit or as_of."""
    end = case.exited_on or as_of
    history = []
    attempts_after = case.intake_on
    if case.last_reached_on is not None:
        history.append((case.intake_on, "in_person"))
        day = case.intake_on + _contact_gap(rng, 0)
        while day < case.last_reached_on:
            history.append((day, rng.choices(CONTACT_KINDS, CONTACT_KIND_WEIGHTS)[0]))
            day += _contact_gap(rng, (day - case.intake_on).days)
        if case.last_reached_on > case.intake_on:
            history.append((case.last_reached_on, rng.choice(REACHED_CONTACT_KINDS)))
        attempts_after = case.last_reached_on
    day = attempts_after + timedelta(days=rng.randint(*ATTEMPT_GAP))
    while day <= end:
        history.append((day, "attempt"))
        day += timedelta(days=rng.randint(*ATTEMPT_GAP))
    return history


# --- people and identifiers ---------------------------------------------------------------


def _age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def _link_repeat_referrals(rng: random.Random, cases: list[Case]) -> None:
    """A few people come back: a later referral is given to someone whose enrollment ended well
    before it, so they hold two referrals (and maybe two enrollments) but each referral one."""
    wanted = round(len(cases) * REPEAT_REFERRAL_SHARE)
    exited = [case for case in cases if case.exited_on is not None]
    used: set[Person] = set()
    for later in rng.sample(cases, len(cases)):
        if wanted == 0:
            return
        if later.person in used:
            continue
        earlier = [
            case
            for case in exited
            if case.person not in used
            and case.exited_on + timedelta(days=DAYS_BETWEEN_EXIT_AND_NEW_REFERRAL) <= later.referred_on
            and (
                case.person.date_of_birth is None
                or _age_on(case.person.date_of_birth, later.referred_on) <= OLDEST_AGE_AT_REFERRAL
            )
        ]
        if earlier:
            returning = rng.choice(earlier)
            used.update((returning.person, later.person))
            later.person = returning.person
            wanted -= 1


def _number_rows(cases: list[Case]) -> None:
    """Keys in time order: referrals by referral time, participants by first referral,
    enrollments by intake date."""
    next_participant_id = 1
    for referral_id, case in enumerate(cases, start=1):
        case.referral_id = referral_id
        if case.person.participant_id == 0:
            case.person.participant_id = next_participant_id
            next_participant_id += 1
    enrolled = sorted((case for case in cases if case.is_enrolled), key=lambda c: (c.intake_on, c.referral_id))
    for enrollment_id, case in enumerate(enrolled, start=1):
        case.enrollment_id = enrollment_id


def _with_ids(rows: list[Row], key: str) -> list[Row]:
    for number, row in enumerate(rows, start=1):
        row[key] = number
    return rows


# --- rows of each table -------------------------------------------------------------------


def _officer_rows(officers: list[Officer]) -> list[Row]:
    return [
        {
            "officer_id": officer.officer_id,
            "badge_number": f"DEMO-{1000 + officer.officer_id}",
            "name": f"Officer Demo-{officer.officer_id:02d}",
            "unit": officer.unit,
            "lead_trained_on": officer.lead_trained_on,
        }
        for officer in officers
    ]


def _staff_rows(rng: random.Random, teams: Teams) -> list[Row]:
    """A peer and a case manager per team (inactive for the retired team), then supervisors;
    records the staff of each team on teams."""
    peer, case_manager, supervisor = STAFF_ROLES
    rows = []
    for number in sorted([*teams.active_numbers, teams.retired_number]):
        active = number != teams.retired_number
        for role, title in ((peer, "Peer"), (case_manager, "Casemgr")):
            rows.append(
                {"name": f"{rng.choice(STAFF_FIRST_NAMES)} {title}-{number:02d}", "role": role, "active": active}
            )
        teams.staff_by_team[number] = (len(rows) - 1, len(rows))
    for number in range(1, SUPERVISORS + 1):
        rows.append(
            {"name": f"{rng.choice(STAFF_FIRST_NAMES)} Supervisor-{number:02d}", "role": supervisor, "active": True}
        )
        teams.supervisor_ids.append(len(rows))
    return _with_ids(rows, "staff_id")


def _care_team_rows(teams: Teams) -> list[Row]:
    return [
        {
            "team_id": number,
            "name": f"Team {number}",
            "peer_id": teams.staff_by_team[number][0],
            "case_manager_id": teams.staff_by_team[number][1],
            "caseload_cap": DEFAULT_CASELOAD_CAP,
            "active": number != teams.retired_number,
        }
        for number in sorted(teams.staff_by_team)
    ]


def _participant_rows(cases: list[Case]) -> list[Row]:
    people = {case.person.participant_id: case.person for case in cases}
    return [
        {
            "participant_id": participant_id,
            "first_name": person.first_name,
            "last_name": f"Demo-{participant_id:04d}",
            "date_of_birth": person.date_of_birth,
            "sex": person.sex,
            "race": person.race,
            "ethnicity": person.ethnicity,
        }
        for participant_id, person in sorted(people.items())
    ]


def _referral_row(case: Case) -> Row:
    return {
        "referral_id": case.referral_id,
        "participant_id": case.person.participant_id,
        "officer_id": case.officer_id,
        "referred_at": case.referred_at,
        "referral_type": case.referral_type,
        "offense": case.offense,
        "latitude": case.place.latitude,
        "longitude": case.place.longitude,
        "location_text": case.place.text,
        "eligibility": case.eligibility,
        "ineligible_reason": case.ineligible_reason,
        "sao_verified_on": case.sao_verified_on,
    }


def _enrollment_rows(cases: list[Case]) -> list[Row]:
    rows = [
        {
            "enrollment_id": case.enrollment_id,
            "participant_id": case.person.participant_id,
            "referral_id": case.referral_id,
            "team_id": case.team_id,
            "intake_on": case.intake_on,
            "exited_on": case.exited_on,
            "exit_reason": case.exit_reason,
        }
        for case in cases
        if case.is_enrolled
    ]
    return sorted(rows, key=lambda row: row["enrollment_id"])


# --- arrests ------------------------------------------------------------------------------


def _arrest_rows(rng: random.Random, cases: list[Case], as_of: date) -> list[Row]:
    """The diverted arrest of each arrest-diversion referral, some arrests in the half year before
    a referral, some of people never enrolled, and a low rate of re-arrests after intake
    (a few on the intake day itself, which the contract does not count, and some after exit)."""
    zone = _site_zones()
    rows = []
    for case in cases:
        if case.referral_type == ARREST_DIVERSION:
            rows.append(_diverted_arrest(rng, case))
        if rng.random() < PRIOR_ARREST_SHARE:
            for _ in range(rng.choices((1, 2), (70, 30))[0]):
                arrested_on = case.referred_on - timedelta(days=rng.randint(3, PRIOR_ARREST_WINDOW_DAYS))
                rows.append(_other_arrest(rng, zone, case.person, arrested_on))
    rows += _never_enrolled_arrests(rng, zone, cases, as_of)
    rows += _arrests_after_intake(rng, zone, cases, as_of)
    rows.sort(key=lambda row: (row["arrested_at"], row["participant_id"]))
    return _with_ids(rows, "arrest_id")


def _diverted_arrest(rng: random.Random, case: Case) -> Row:
    charges = DIVERTED_CHARGES.get(case.offense)
    return {
        "participant_id": case.person.participant_id,
        "arrested_at": case.referred_at,
        "charge": rng.choice(charges) if charges else None,
        "severity": MISDEMEANOR,
        "referral_id": case.referral_id,
        "warrant_only": False,
        "latitude": case.place.latitude,
        "longitude": case.place.longitude,
    }


def _other_arrest(rng: random.Random, zone: shapely.Polygon, person: Person, arrested_on: date) -> Row:
    charge, severity, warrant_only, _ = rng.choices(OTHER_ARRESTS, [arrest[3] for arrest in OTHER_ARRESTS])[0]
    place = _draw_place(rng, zone)
    return {
        "participant_id": person.participant_id,
        "arrested_at": datetime.combine(arrested_on, time(rng.randrange(24), rng.randrange(60))),
        "charge": charge,
        "severity": None if rng.random() < UNRECORDED_SEVERITY_SHARE else severity,
        "referral_id": None,
        "warrant_only": None if rng.random() < UNRECORDED_WARRANT_SHARE else warrant_only,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def _first_intakes(cases: list[Case]) -> dict[int, tuple[Person, date]]:
    """Each enrolled person with the date of their earliest intake, by participant id."""
    first: dict[int, tuple[Person, date]] = {}
    for case in sorted((c for c in cases if c.is_enrolled), key=lambda c: c.intake_on):
        first.setdefault(case.person.participant_id, (case.person, case.intake_on))
    return first


def _never_enrolled_arrests(rng: random.Random, zone: shapely.Polygon, cases: list[Case], as_of: date) -> list[Row]:
    enrolled_people = set(_first_intakes(cases))
    rows = []
    for case in cases:
        days_since = (as_of - case.referred_on).days
        if (
            case.eligibility == INELIGIBLE
            and case.person.participant_id not in enrolled_people
            and days_since >= 1
            and rng.random() < NEVER_ENROLLED_ARREST_SHARE
        ):
            rows.append(
                _other_arrest(rng, zone, case.person, case.referred_on + timedelta(days=rng.randint(1, days_since)))
            )
    return rows


def _arrests_after_intake(rng: random.Random, zone: shapely.Polygon, cases: list[Case], as_of: date) -> list[Row]:
    """Re-arrests (strictly after the first intake, up to as_of, sometimes after the person exited)
    for a small share of enrolled people, and a few arrests on the intake day itself."""
    first_intakes = [entry for _, entry in sorted(_first_intakes(cases).items()) if entry[1] < as_of]
    re_arrested_count = round(len(first_intakes) * rng.uniform(*RE_ARREST_SHARE))
    chosen = rng.sample(first_intakes, min(len(first_intakes), re_arrested_count + INTAKE_DAY_ARRESTS))
    rows = []
    for person, intake_on in chosen[:re_arrested_count]:
        for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
            window = (as_of - intake_on).days
            days_after = 1 + round(rng.expovariate(1 / MEAN_DAYS_TO_RE_ARREST))
            if days_after > window:  # not happened yet: spread over the time there was, not onto as_of
                days_after = rng.randint(1, window)
            arrested_on = intake_on + timedelta(days=days_after)
            rows.append(_other_arrest(rng, zone, person, arrested_on))
    for person, intake_on in chosen[re_arrested_count:]:
        rows.append(_other_arrest(rng, zone, person, intake_on))
    return rows


# --- services and consents ----------------------------------------------------------------


def _service_rows(rng: random.Random, cases: list[Case], as_of: date) -> list[Row]:
    """One to four linkages per enrollment, referred after intake and before exit; most started."""
    rows = []
    for case in cases:
        end = case.exited_on or as_of
        if not case.is_enrolled or end <= case.intake_on:
            continue
        for _ in range(rng.choices((1, 2, 3, 4), SERVICES_PER_ENROLLMENT_WEIGHTS)[0]):
            within = min(SERVICE_REFERRAL_WITHIN_DAYS, (end - case.intake_on).days)
            referred_on = case.intake_on + timedelta(days=rng.randint(1, within))
            started_on = None
            if rng.random() < SERVICE_STARTED_SHARE:
                started_on = referred_on + timedelta(days=rng.randint(1, SERVICE_START_WITHIN_DAYS))
                started_on = started_on if started_on <= as_of else None
            rows.append(
                {
                    "participant_id": case.person.participant_id,
                    "category": rng.choices(SERVICE_CATEGORIES, SERVICE_CATEGORY_WEIGHTS)[0],
                    "referred_on": referred_on,
                    "started_on": started_on,
                }
            )
    for index, category in _one_of_each_value(rng, len(rows), SERVICE_CATEGORIES).items():
        rows[index]["category"] = category
    rows.sort(key=lambda row: (row["referred_on"], row["participant_id"], row["category"]))
    return _with_ids(rows, "service_id")


def _consent_rows(rng: random.Random, cases: list[Case], as_of: date) -> list[Row]:
    """Most enrollments bring a release of information signed at intake or soon after; a few are
    revoked later; some people never sign."""
    rows = []
    for case in cases:
        if not case.is_enrolled or rng.random() >= CONSENT_SHARE:
            continue
        delay = 0 if rng.random() < CONSENT_ON_INTAKE_DAY_SHARE else rng.randint(1, 21)
        signed_on = min(as_of, case.intake_on + timedelta(days=delay))
        revoked_on = None
        if rng.random() < CONSENT_REVOKED_SHARE:
            revoked_on = signed_on + timedelta(days=rng.randint(30, 900))
            revoked_on = revoked_on if revoked_on <= as_of else None
        rows.append({"participant_id": case.person.participant_id, "signed_on": signed_on, "revoked_on": revoked_on})
    rows.sort(key=lambda row: (row["signed_on"], row["participant_id"]))
    return _with_ids(rows, "consent_id")
