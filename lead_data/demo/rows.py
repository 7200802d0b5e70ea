"""Every contract table's rows, built from the drawn history."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

import shapely

from lead_data.demo.draw import (
    decide_eligibility_and_intake,
    decide_engagement_on_as_of,
    draw_officers,
    draw_referrals,
    last_reached_before_exit,
    one_of_each_value,
    settle_enrollments_on_as_of,
)
from lead_data.demo.outcomes import build_outcome_rows
from lead_data.demo.people import Case, Officer, Person, Teams, link_repeat_referrals
from lead_data.demo.places import draw_place, site_zones
from lead_data.demo.tuning import (
    ADULT_AGE_DAYS,
    ARREST_DIVERSION,
    ARREST_PACE_SHAPE,
    ATTEMPT_GAP,
    CONSENT_ON_INTAKE_DAY_SHARE,
    CONSENT_REVOKED_SHARE,
    CONSENT_SHARE,
    CONTACT_KIND_WEIGHTS,
    CONTACT_WITHOUT_STAFF_SHARE,
    DAYS_PER_YEAR,
    DIVERTED_CHARGES,
    EARLY_CONTACT_DAYS,
    EARLY_CONTACT_GAP,
    INELIGIBLE,
    INTAKE_DAY_ARRESTS,
    LATER_CONTACT_GAP,
    LATEST_PRIOR_ARREST_DAYS,
    MISDEMEANOR,
    NEVER_ENROLLED_ARREST_SHARE,
    OTHER_ARRESTS,
    PRIOR_ARRESTS_PER_PERSON_YEAR,
    PRIOR_RECORD_YEARS,
    PROGRAM_START,
    RE_ARRESTS_PER_PERSON_YEAR,
    SERVICE_CATEGORY_WEIGHTS,
    SERVICE_REFERRAL_WITHIN_DAYS,
    SERVICE_START_WITHIN_DAYS,
    SERVICE_STARTED_SHARE,
    SERVICES_PER_ENROLLMENT_WEIGHTS,
    STAFF_FIRST_NAMES,
    SUPERVISORS,
    UNRECORDED_SEVERITY_SHARE,
    UNRECORDED_WARRANT_SHARE,
)
from lead_data.models import (
    CONTACT_KINDS,
    DEFAULT_CASELOAD_CAP,
    INELIGIBLE_REASONS,
    REACHED_CONTACT_KINDS,
    SERVICE_CATEGORIES,
    STAFF_ROLES,
)

Row = dict[str, Any]


def build_demo_rows(*, seed: int, as_of: date) -> dict[str, list[Row]]:
    """Every contract table's rows, keyed by table name, drawn from one generator seeded with seed."""
    if as_of < PROGRAM_START:
        raise ValueError(f"as-of date {as_of} is before the program started on {PROGRAM_START}")
    rng = random.Random(seed)
    officers = draw_officers(rng, as_of)
    cases = draw_referrals(rng, officers, as_of)
    for case in cases:
        decide_eligibility_and_intake(rng, case, as_of)
    ineligible = [case for case in cases if case.eligibility == INELIGIBLE]
    for index, reason in one_of_each_value(rng, len(ineligible), INELIGIBLE_REASONS).items():
        ineligible[index].ineligible_reason = reason
    enrolled = [case for case in cases if case.is_enrolled]
    teams = settle_enrollments_on_as_of(rng, enrolled, as_of)
    decide_engagement_on_as_of(rng, [case for case in enrolled if case.is_active], as_of)
    for case in enrolled:
        if not case.is_active:
            case.last_reached_on = last_reached_before_exit(rng, case)
    link_repeat_referrals(rng, cases)
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
    attempts_after = case.intake_day
    if case.last_reached_on is not None:
        history.append((case.intake_day, "in_person"))
        day = case.intake_day + _contact_gap(rng, 0)
        while day < case.last_reached_on:
            history.append((day, rng.choices(CONTACT_KINDS, CONTACT_KIND_WEIGHTS)[0]))
            day += _contact_gap(rng, (day - case.intake_day).days)
        if case.last_reached_on > case.intake_day:
            history.append((case.last_reached_on, rng.choice(REACHED_CONTACT_KINDS)))
        attempts_after = case.last_reached_on
    day = attempts_after + timedelta(days=rng.randint(*ATTEMPT_GAP))
    while day <= end:
        history.append((day, "attempt"))
        day += timedelta(days=rng.randint(*ATTEMPT_GAP))
    return history


def _number_rows(cases: list[Case]) -> None:
    """Keys in time order: referrals by referral time, participants by first referral,
    enrollments by intake date."""
    next_participant_id = 1
    for referral_id, case in enumerate(cases, start=1):
        case.referral_id = referral_id
        if case.person.participant_id == 0:
            case.person.participant_id = next_participant_id
            next_participant_id += 1
    enrolled = sorted((case for case in cases if case.is_enrolled), key=lambda c: (c.intake_day, c.referral_id))
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
    """The diverted arrest of each arrest-diversion referral, each person's record of arrests over
    the years before their first referral, some arrests of people never enrolled, and re-arrests
    after intake at a low rate (a few on the intake day itself, which the contract does not count,
    and some after exit)."""
    zone = site_zones()
    rows = []
    with_record: set[Person] = set()
    for case in cases:  # in order of referral: a person's first referral comes first
        if case.referral_type == ARREST_DIVERSION:
            rows.append(_diverted_arrest(rng, case))
        if case.person not in with_record:
            with_record.add(case.person)
            rows += [_other_arrest(rng, zone, case.person, day) for day in _prior_arrest_days(rng, case)]
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


def _other_arrest(rng: random.Random, zone: shapely.MultiPolygon, person: Person, arrested_on: date) -> Row:
    charge, severity, warrant_only, _ = rng.choices(OTHER_ARRESTS, [arrest[3] for arrest in OTHER_ARRESTS])[0]
    place = draw_place(rng, zone)
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


def _arrest_pace(rng: random.Random, per_person_year: float) -> float:
    """One person's arrests per day: per_person_year on average, some far more, many far less."""
    return per_person_year * rng.gammavariate(ARREST_PACE_SHAPE, 1 / ARREST_PACE_SHAPE) / DAYS_PER_YEAR


def _prior_arrest_days(rng: random.Random, case: Case) -> list[date]:
    """Arrests at the person's own pace, going back from a few days before the referral over the
    years of their record (not before they were 18)."""
    earliest = case.referred_on - timedelta(days=round(PRIOR_RECORD_YEARS * DAYS_PER_YEAR))
    if case.person.date_of_birth is not None:
        earliest = max(earliest, case.person.date_of_birth + timedelta(days=ADULT_AGE_DAYS))
    per_day = _arrest_pace(rng, PRIOR_ARRESTS_PER_PERSON_YEAR)
    days: list[date] = []
    day = case.referred_on - timedelta(days=LATEST_PRIOR_ARREST_DAYS - 1)
    while per_day > 0:
        days_back = 1 + rng.expovariate(per_day)
        if days_back > (day - earliest).days:
            return days
        day -= timedelta(days=int(days_back))
        days.append(day)
    return days


def _first_intakes(cases: list[Case]) -> dict[int, tuple[Person, date]]:
    """Each enrolled person with the date of their earliest intake, by participant id."""
    first: dict[int, tuple[Person, date]] = {}
    for case in sorted((c for c in cases if c.is_enrolled), key=lambda c: c.intake_day):
        first.setdefault(case.person.participant_id, (case.person, case.intake_day))
    return first


def _never_enrolled_arrests(
    rng: random.Random, zone: shapely.MultiPolygon, cases: list[Case], as_of: date
) -> list[Row]:
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


def _arrests_after_intake(rng: random.Random, zone: shapely.MultiPolygon, cases: list[Case], as_of: date) -> list[Row]:
    """Re-arrests at each enrolled person's own pace, strictly after the first intake up to as_of
    (in the program or after leaving it), and a few arrests on the intake day itself."""
    first_intakes = [entry for _, entry in sorted(_first_intakes(cases).items()) if entry[1] < as_of]
    rows = []
    for person, intake_on in first_intakes:
        per_day, day = _arrest_pace(rng, RE_ARRESTS_PER_PERSON_YEAR), intake_on
        while per_day > 0:
            days_to_next = 1 + rng.expovariate(per_day)
            if days_to_next > (as_of - day).days:
                break
            day += timedelta(days=int(days_to_next))
            rows.append(_other_arrest(rng, zone, person, day))
    for person, intake_on in rng.sample(first_intakes, min(len(first_intakes), INTAKE_DAY_ARRESTS)):
        rows.append(_other_arrest(rng, zone, person, intake_on))
    return rows


# --- services and consents ----------------------------------------------------------------


def _service_rows(rng: random.Random, cases: list[Case], as_of: date) -> list[Row]:
    """One to four linkages per enrollment, referred after intake and before exit; most started."""
    rows = []
    for case in cases:
        end = case.exited_on or as_of
        if not case.is_enrolled or end <= case.intake_day:
            continue
        for _ in range(rng.choices((1, 2, 3, 4), SERVICES_PER_ENROLLMENT_WEIGHTS)[0]):
            within = min(SERVICE_REFERRAL_WITHIN_DAYS, (end - case.intake_day).days)
            referred_on = case.intake_day + timedelta(days=rng.randint(1, within))
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
    for index, category in one_of_each_value(rng, len(rows), SERVICE_CATEGORIES).items():
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
        signed_on = min(as_of, case.intake_day + timedelta(days=delay))
        revoked_on = None
        if rng.random() < CONSENT_REVOKED_SHARE:
            revoked_on = signed_on + timedelta(days=rng.randint(30, 900))
            revoked_on = revoked_on if revoked_on <= as_of else None
        rows.append({"participant_id": case.person.participant_id, "signed_on": signed_on, "revoked_on": revoked_on})
    rows.sort(key=lambda row: (row["signed_on"], row["participant_id"]))
    return _with_ids(rows, "consent_id")
