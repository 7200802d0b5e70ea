"""The program's history as drawn: officers, referrals, eligibility and intake, the teams and
exits settled on the as-of date, and engagement on it."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta

from lead_data.demo.people import Case, Officer, Teams, draw_person
from lead_data.demo.places import draw_place
from lead_data.demo.tuning import (
    CLIENTS_LEFT_ON_RETIRED_TEAM,
    DAYS_PER_MONTH,
    ELIGIBLE,
    ENGAGED_DAYS,
    ENROLLING_SHARE_OF_VERIFIED,
    EXIT_REASON_WEIGHTS,
    EXITED_WITHOUT_TEAM_SHARE,
    FIRST_MONTH_REFERRALS,
    IN_THE_WIND_DAYS,
    IN_THE_WIND_SHARE,
    INELIGIBLE,
    INELIGIBLE_REASON_WEIGHTS,
    INELIGIBLE_SHARE,
    LATER_TRAINING_FROM,
    LAUNCH_COHORT,
    LAUNCH_TRAINING_DAY,
    MAX_DAYS_TO_INTAKE,
    MEAN_EXTRA_DAYS_TO_INTAKE,
    MONTHS_ENROLLED_BY_EXIT_REASON,
    NEAR_CAP_CASELOADS,
    NEVER_REACHED_CLIENTS,
    NEVER_REACHED_DAYS_ENROLLED,
    OFFENSE_WEIGHTS,
    OFFICER_UNITS,
    OFFICERS,
    OVER_CAP_CASELOADS,
    OVERDUE_DAYS,
    OVERDUE_SHARE,
    PENDING,
    PENDING_SHARE_IN_WINDOW,
    PENDING_WINDOW_DAYS,
    PROTECTED_RECENT_INTAKE_DAYS,
    QUIET_DAYS_BEFORE_EXIT,
    RAMP_MONTHS,
    REFERRAL_HOUR_WEIGHTS,
    REFERRAL_TYPE_WEIGHTS,
    REFERRAL_WITHOUT_OFFICER_SHARE,
    RETIRED_TEAM_NUMBER,
    STEADY_MONTHLY_REFERRALS,
    TYPICAL_CASELOAD,
    UNASSIGNED_CLIENTS,
    UNASSIGNED_FROM_LATEST_INTAKES,
    UNTRAINED_OFFICERS,
    USUAL_QUIET_DAYS_BEFORE_EXIT,
)
from lead_data.models import DEFAULT_CASELOAD_CAP, EXIT_REASONS, INELIGIBLE_REASONS
from lead_data.periods import PROGRAM_START
from lead_data.zone import DEFAULT_PILOT_ZONE, load_pilot_zone

# --- officers and referrals ---------------------------------------------------------------


def draw_officers(rng: random.Random, as_of: date) -> list[Officer]:
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


def draw_referrals(rng: random.Random, officers: list[Officer], as_of: date) -> list[Case]:
    zone = load_pilot_zone(DEFAULT_PILOT_ZONE).polygon
    cases = []
    for referred_at in _draw_referral_times(rng, as_of):
        offense = rng.choices(list(OFFENSE_WEIGHTS), list(OFFENSE_WEIGHTS.values()))[0]
        cases.append(
            Case(
                person=draw_person(rng, referred_at.date(), offense),
                referred_at=referred_at,
                referral_type=rng.choices(list(REFERRAL_TYPE_WEIGHTS), list(REFERRAL_TYPE_WEIGHTS.values()))[0],
                offense=offense,
                officer_id=_draw_referring_officer(rng, officers, referred_at.date()),
                place=draw_place(rng, zone),
            )
        )
    return cases


def _draw_referring_officer(rng: random.Random, officers: list[Officer], referred_on: date) -> int | None:
    """An officer trained before the referral date, busier officers more often; rarely unrecorded."""
    if rng.random() < REFERRAL_WITHOUT_OFFICER_SHARE:
        return None
    trained = [o for o in officers if o.lead_trained_on is not None and o.lead_trained_on < referred_on]
    return rng.choices(trained, [o.referral_weight for o in trained])[0].officer_id


# --- eligibility, intake and exit ---------------------------------------------------------


def decide_eligibility_and_intake(rng: random.Random, case: Case, as_of: date) -> None:
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


def one_of_each_value(rng: random.Random, item_count: int, values: tuple[str, ...]) -> dict[int, str]:
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


def settle_enrollments_on_as_of(rng: random.Random, enrolled: list[Case], as_of: date) -> Teams:
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


def decide_engagement_on_as_of(rng: random.Random, active: list[Case], as_of: date) -> None:
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


def last_reached_before_exit(rng: random.Random, case: Case) -> date:
    """Graduates are seen up to the end; disengaged clients stop answering weeks before exit."""
    quiet_days = QUIET_DAYS_BEFORE_EXIT.get(case.exit_reason, USUAL_QUIET_DAYS_BEFORE_EXIT)
    last_reached = case.exited_on - timedelta(days=rng.randint(*quiet_days))
    return max(case.intake_on, last_reached)
