"""The demo's outcome tables (contract version 2): assessments, jail bookings and a comparison group.

They are drawn from the version-1 rows the demo has already built (enrollments, referrals,
participants, arrests) with the same seeded generator, after everything else, so the version-1
tables come out exactly as they would without them. No figure is written in: housing, work and
income move by small chances at each assessment, and the comparison group's arrests come from a
rate, so what the Outcomes page shows is whatever those draws add up to.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from lead_data.demo.tuning import ARREST_PACE_SHAPE, DAYS_PER_YEAR
from lead_data.models import EXIT_REASONS, HOUSING_STATUSES, OFFENSES, SEVERITIES

Row = dict[str, Any]
FELONY, MISDEMEANOR, OTHER_SEVERITY = SEVERITIES
DRUG, PROSTITUTION, _ = OFFENSES
GRADUATED, DISENGAGED, MOVED, INCARCERATED, DECEASED, OTHER_EXIT = EXIT_REASONS

# Assessments: most enrollments get one soon after intake, then one every one to three months.
ASSESSED_SHARE = 0.92
FIRST_ASSESSMENT_WITHIN_DAYS = 14
DAYS_BETWEEN_ASSESSMENTS = (30, 91)
NOT_ASKED_SHARE = 0.07  # each answer on its own
# At intake most are unsheltered or in a shelter, few work, some have benefits; at each later
# assessment a person may move one step up (or, less often, down) and gain or lose work and income.
HOUSING_AT_INTAKE_WEIGHTS = (42, 30, 11, 17)
HOUSING_STEP_UP, HOUSING_STEP_DOWN = 0.12, 0.03
EMPLOYED_AT_INTAKE, FINDS_WORK, LOSES_WORK = 0.08, 0.06, 0.12
INCOME_AT_INTAKE, GAINS_INCOME, LOSES_INCOME = 0.30, 0.10, 0.04

# Bookings: most arrests other than the diverted one (that is what LEAD diverts from) lead to one.
BOOKED_SHARE = 0.85
LATE_ARREST_HOUR = 20  # arrested this late, booked the next day about half the time
SHORT_STAY_SHARE = 0.94
SAME_OR_NEXT_DAY_SHARE = 0.35
MEAN_SHORT_STAY_DAYS = 8
LONGEST_SHORT_STAY_DAYS = 30
LONG_STAY_DAYS = (31, 240)
BOOKING_WITHOUT_ARREST_SHARE = 0.04  # the detention record names no arrest
INCARCERATION_BOOKED_BEFORE_EXIT_DAYS = 14
INCARCERATION_DAYS = (60, 540)

# Comparison group: about as many people as were enrolled, each drawn to resemble one enrolled
# participant (sex, race, age, offense, a date near their referral), arrested for a LEAD-eligible
# offense and not referred. They go on being arrested at about the rate participants had in the
# year before their referral, each at their own pace (a gamma-distributed multiple of it).
COMPARISON_GROUP_SIZE = (0.9, 1.1)  # times the enrolled participants
INDEX_DAYS_FROM_MATCHED_REFERRAL = 45
AGE_DAYS_FROM_MATCHED_AGE = 365
YOUNGEST_AGE_DAYS = round(18 * DAYS_PER_YEAR) + 2
PROSTITUTION_SHARE_OF_OTHER_OFFENSES = 0.15
COMPARISON_ARRESTS_PER_PERSON_YEAR = 0.25
PRIOR_ARREST_SHARE = 0.25
PRIOR_ARREST_WINDOW_DAYS = 365
# (severity, warrant_only, weight) of comparison arrests other than the index one.
COMPARISON_ARRESTS = (
    (MISDEMEANOR, False, 55),
    (FELONY, False, 15),
    (OTHER_SEVERITY, False, 6),
    (OTHER_SEVERITY, True, 14),
    (None, False, 4),
    (MISDEMEANOR, None, 6),
)


def build_outcome_rows(rng: random.Random, rows: dict[str, list[Row]], as_of: date) -> dict[str, list[Row]]:
    """Rows of the four outcome tables, keyed by table name, consistent with the version-1 ``rows``."""
    assessments = _assessment_rows(rng, rows["enrollments"], as_of)
    bookings = _booking_rows(rng, rows, as_of)
    comparison_people, comparison_arrests = _comparison_rows(rng, rows, as_of)
    return {
        "assessments": assessments,
        "bookings": bookings,
        "comparison_people": comparison_people,
        "comparison_arrests": comparison_arrests,
    }


def _with_ids(rows: list[Row], key: str) -> list[Row]:
    for number, row in enumerate(rows, start=1):
        row[key] = number
    return rows


def _at_random_time(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randrange(24), rng.randrange(60)))


# --- assessments --------------------------------------------------------------------------


def _assessment_rows(rng: random.Random, enrollments: list[Row], as_of: date) -> list[Row]:
    rows = []
    for enrollment in enrollments:
        if rng.random() >= ASSESSED_SHARE:
            continue
        end = enrollment["exited_on"] or as_of
        answers = _answers_over_time(rng)
        day = enrollment["intake_on"] + timedelta(days=rng.randint(0, FIRST_ASSESSMENT_WITHIN_DAYS))
        while day <= end:
            housing, employed, legal_income = next(answers)
            rows.append(
                {
                    "participant_id": enrollment["participant_id"],
                    "assessed_on": day,
                    "housing": _unless_not_asked(rng, housing),
                    "employed": _unless_not_asked(rng, employed),
                    "legal_income": _unless_not_asked(rng, legal_income),
                }
            )
            day += timedelta(days=rng.randint(*DAYS_BETWEEN_ASSESSMENTS))
    rows.sort(key=lambda row: (row["assessed_on"], row["participant_id"]))
    return _with_ids(rows, "assessment_id")


def _answers_over_time(rng: random.Random) -> Iterator[tuple[str, bool, bool]]:
    """(housing, employed, legal_income) at intake, then at each later assessment in turn."""
    step = rng.choices(range(len(HOUSING_STATUSES)), HOUSING_AT_INTAKE_WEIGHTS)[0]
    employed = rng.random() < EMPLOYED_AT_INTAKE
    legal_income = rng.random() < INCOME_AT_INTAKE
    while True:
        yield HOUSING_STATUSES[step], employed, legal_income
        draw = rng.random()
        if draw < HOUSING_STEP_UP:
            step = min(step + 1, len(HOUSING_STATUSES) - 1)
        elif draw < HOUSING_STEP_UP + HOUSING_STEP_DOWN:
            step = max(step - 1, 0)
        employed = rng.random() >= LOSES_WORK if employed else rng.random() < FINDS_WORK
        legal_income = rng.random() >= LOSES_INCOME if legal_income else rng.random() < GAINS_INCOME


def _unless_not_asked(rng: random.Random, answer: Any) -> Any:
    return None if rng.random() < NOT_ASKED_SHARE else answer


# --- bookings -----------------------------------------------------------------------------


def _booking_rows(rng: random.Random, rows: dict[str, list[Row]], as_of: date) -> list[Row]:
    """Bookings for arrests and for exits to jail, each released before the person is next seen
    outside (arrested, referred or booked again), or still held on as_of."""
    from_arrests = list(_arrest_bookings(rng, rows["arrests"], as_of))
    taken = {(booking["participant_id"], booking["booked_on"]) for booking in from_arrests}
    bookings = from_arrests + [
        booking
        for booking in _incarceration_bookings(rng, rows["enrollments"])
        if (booking["participant_id"], booking["booked_on"]) not in taken
    ]
    seen_on: dict[int, list[date]] = {}
    for arrest in rows["arrests"]:
        seen_on.setdefault(arrest["participant_id"], []).append(arrest["arrested_at"].date())
    for referral in rows["referrals"]:
        seen_on.setdefault(referral["participant_id"], []).append(referral["referred_at"].date())
    for booking in bookings:
        seen_on[booking["participant_id"]].append(booking["booked_on"])
    for booking in bookings:
        later = [day for day in seen_on[booking["participant_id"]] if day > booking["booked_on"]]
        released_on = min([booking["released_on"], *later])
        booking["released_on"] = released_on if released_on <= as_of else None
    bookings.sort(key=lambda row: (row["booked_on"], row["participant_id"]))
    return _with_ids(bookings, "booking_id")


def _arrest_bookings(rng: random.Random, arrests: list[Row], as_of: date) -> Iterator[Row]:
    """Most arrests that were not diverted: released after days or weeks, a few after months.
    Two arrests of one person booked the same day share the first one's booking."""
    booked_days: set[tuple[int, date]] = set()
    for arrest in arrests:
        if arrest["referral_id"] is not None or rng.random() >= BOOKED_SHARE:
            continue
        arrested_at = arrest["arrested_at"]
        late = arrested_at.hour >= LATE_ARREST_HOUR and rng.random() < 0.5
        booked_on = min(as_of, arrested_at.date() + timedelta(days=int(late)))
        if (arrest["participant_id"], booked_on) in booked_days:
            continue
        booked_days.add((arrest["participant_id"], booked_on))
        yield {
            "participant_id": arrest["participant_id"],
            "booked_on": booked_on,
            "released_on": booked_on + timedelta(days=_days_held(rng)),
            "arrest_id": None if rng.random() < BOOKING_WITHOUT_ARREST_SHARE else arrest["arrest_id"],
        }


def _incarceration_bookings(rng: random.Random, enrollments: list[Row]) -> Iterator[Row]:
    """Who left the program for jail was booked shortly before the exit and held for months
    (on a warrant or a sentence the demo's arrests do not name)."""
    for enrollment in enrollments:
        if enrollment["exit_reason"] != INCARCERATED:
            continue
        days_before_exit = timedelta(days=rng.randint(0, INCARCERATION_BOOKED_BEFORE_EXIT_DAYS))
        booked_on = max(enrollment["intake_on"], enrollment["exited_on"] - days_before_exit)
        yield {
            "participant_id": enrollment["participant_id"],
            "booked_on": booked_on,
            "released_on": booked_on + timedelta(days=rng.randint(*INCARCERATION_DAYS)),
            "arrest_id": None,
        }


def _days_held(rng: random.Random) -> int:
    if rng.random() >= SHORT_STAY_SHARE:
        return rng.randint(*LONG_STAY_DAYS)
    if rng.random() < SAME_OR_NEXT_DAY_SHARE:
        return rng.randint(0, 1)
    return min(LONGEST_SHORT_STAY_DAYS, 2 + round(rng.expovariate(1 / MEAN_SHORT_STAY_DAYS)))


# --- the comparison group -----------------------------------------------------------------


def _comparison_rows(rng: random.Random, rows: dict[str, list[Row]], as_of: date) -> tuple[list[Row], list[Row]]:
    """Comparison people, each resembling a randomly chosen enrolled participant, and their arrests."""
    referrals = {referral["referral_id"]: referral for referral in rows["referrals"]}
    participants = {participant["participant_id"]: participant for participant in rows["participants"]}
    first_referral: dict[int, Row] = {}
    for enrollment in sorted(rows["enrollments"], key=lambda row: row["intake_on"]):
        first_referral.setdefault(enrollment["participant_id"], referrals[enrollment["referral_id"]])
    matched = sorted(first_referral.items())
    size = round(len(matched) * rng.uniform(*COMPARISON_GROUP_SIZE))
    # Matched one to one, as an evaluator would, as far as the participants go round.
    chosen = rng.sample(matched, min(size, len(matched))) + rng.choices(matched, k=max(0, size - len(matched)))
    people = [_resembling(rng, participants[person], referral, as_of) for person, referral in chosen]
    people.sort(key=lambda row: row["index_on"])
    _with_ids(people, "person_id")
    arrests = [arrest for person in people for arrest in _comparison_arrests(rng, person, as_of)]
    arrests.sort(key=lambda row: (row["arrested_at"], row["person_id"]))
    return people, _with_ids(arrests, "comparison_arrest_id")


def _resembling(rng: random.Random, participant: Row, referral: Row, as_of: date) -> Row:
    referred_on = referral["referred_at"].date()
    shift = timedelta(days=rng.randint(-INDEX_DAYS_FROM_MATCHED_REFERRAL, INDEX_DAYS_FROM_MATCHED_REFERRAL))
    index_on = min(as_of, referred_on + shift)
    date_of_birth = None
    if participant["date_of_birth"] is not None:
        age_days = (referred_on - participant["date_of_birth"]).days
        age_days += rng.randint(-AGE_DAYS_FROM_MATCHED_AGE, AGE_DAYS_FROM_MATCHED_AGE)
        date_of_birth = index_on - timedelta(days=max(YOUNGEST_AGE_DAYS, age_days))
    offense = referral["offense"]
    if offense not in (DRUG, PROSTITUTION):
        offense = PROSTITUTION if rng.random() < PROSTITUTION_SHARE_OF_OTHER_OFFENSES else DRUG
    return {
        "index_on": index_on,
        "offense": offense,
        "sex": participant["sex"],
        "race": participant["race"],
        "date_of_birth": date_of_birth,
    }


def _comparison_arrests(rng: random.Random, person: Row, as_of: date) -> Iterator[Row]:
    """The index arrest, maybe one or two in the year before it, then arrests at the person's own
    rate, strictly after the index day, up to as_of."""
    index_on = person["index_on"]
    yield _comparison_arrest(person, _at_random_time(rng, index_on), MISDEMEANOR, False)
    if rng.random() < PRIOR_ARREST_SHARE:
        for _ in range(rng.choices((1, 2), (70, 30))[0]):
            arrested_on = index_on - timedelta(days=rng.randint(3, PRIOR_ARREST_WINDOW_DAYS))
            if person["date_of_birth"] is None or arrested_on >= person["date_of_birth"]:
                yield _drawn_comparison_arrest(rng, person, arrested_on)
    per_day = COMPARISON_ARRESTS_PER_PERSON_YEAR * rng.gammavariate(ARREST_PACE_SHAPE, 1 / ARREST_PACE_SHAPE)
    per_day /= DAYS_PER_YEAR
    day = index_on
    while per_day > 0:
        days_to_next = 1 + rng.expovariate(per_day)
        if days_to_next > (as_of - day).days:
            return
        day += timedelta(days=int(days_to_next))
        yield _drawn_comparison_arrest(rng, person, day)


def _drawn_comparison_arrest(rng: random.Random, person: Row, arrested_on: date) -> Row:
    severity, warrant_only, _ = rng.choices(COMPARISON_ARRESTS, [arrest[2] for arrest in COMPARISON_ARRESTS])[0]
    return _comparison_arrest(person, _at_random_time(rng, arrested_on), severity, warrant_only)


def _comparison_arrest(person: Row, arrested_at: datetime, severity: str | None, warrant_only: bool | None) -> Row:
    return {
        "person_id": person["person_id"],
        "arrested_at": arrested_at,
        "severity": severity,
        "warrant_only": warrant_only,
    }
