"""Who and what the demo's history is made of (people, officers, referrals and their cases, teams),
and the drawing of people."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from lead_data.demo.tuning import (
    AGE_AT_REFERRAL_YEARS,
    DAYS_BETWEEN_EXIT_AND_NEW_REFERRAL,
    ETHNICITIES,
    FIRST_NAMES,
    OLDEST_AGE_AT_REFERRAL,
    PENDING,
    RACES,
    REPEAT_REFERRAL_SHARE,
    SEXES,
    SEXES_FOR_PROSTITUTION,
    UNKNOWN_BIRTH_DATE_SHARE,
)


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

    # The days an enrolled case always has, typed as dates: intake and the planned exit are drawn
    # together at enrollment, the exit when the case ends. Asking a case without one is a bug in
    # the drawing, not a state of the data.
    @property
    def intake_day(self) -> date:
        return _drawn(self.intake_on, "intake_on")

    @property
    def planned_exit_day(self) -> date:
        return _drawn(self.planned_exit_on, "planned_exit_on")

    @property
    def exit_day(self) -> date:
        return _drawn(self.exited_on, "exited_on")

    @property
    def is_active(self) -> bool:
        return self.intake_on is not None and self.exited_on is None


def _drawn(day: date | None, name: str) -> date:
    if day is None:
        raise ValueError(f"the case has no {name} yet: it is read before it is drawn")
    return day


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


def draw_person(rng: random.Random, referred_on: date, offense: str | None) -> Person:
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


def _age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def link_repeat_referrals(rng: random.Random, cases: list[Case]) -> None:
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
            and case.exit_day + timedelta(days=DAYS_BETWEEN_EXIT_AND_NEW_REFERRAL) <= later.referred_on
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
