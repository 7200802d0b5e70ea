"""The program's history as drawn: officers, referrals, eligibility and intake, the teams and
exits settled on the as-of date, and engagement on it."""

from __future__ import annotations

import heapq
import math
import random
from datetime import date, datetime, time, timedelta

from lead_data.demo.people import Case, Officer, Teams, draw_person
from lead_data.demo.places import draw_place, site_zones
from lead_data.demo.tuning import (
    ARREST_DIVERSION,
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
    INELIGIBLE_OFFENSE,
    INELIGIBLE_REASON_WEIGHTS,
    INELIGIBLE_SHARE,
    LATER_TRAINING_FROM,
    LAUNCH_COHORT,
    LAUNCH_TRAINING_DAY,
    MAX_DAYS_TO_INTAKE,
    MEAN_EXTRA_DAYS_TO_INTAKE,
    MEAN_LATER_DAYS_TO_INTAKE,
    MONTHS_ENROLLED_BY_EXIT_REASON,
    NEAR_CAP_CASELOADS,
    NEVER_REACHED_CLIENTS,
    NEVER_REACHED_DAYS_ENROLLED,
    NEXT_DAY_INTAKE_SHARE,
    OFFENSE_NOT_ELIGIBLE_REASON,
    OFFENSE_WEIGHTS,
    OFFICER_UNITS,
    OFFICERS,
    OPEN_TEAM_AT,
    OVER_CAP_CASELOADS,
    OVERDUE_DAYS,
    OVERDUE_SHARE,
    PANDEMIC_MONTHS,
    PANDEMIC_REFERRAL_FACTOR,
    PENDING,
    PENDING_SHARE_IN_WINDOW,
    PENDING_WINDOW_DAYS,
    PROGRAM_START,
    PROTECTED_RECENT_INTAKE_DAYS,
    QUIET_DAYS_BEFORE_EXIT,
    RAMP_MONTHS,
    REFERRAL_HOUR_WEIGHTS,
    REFERRAL_TYPE_WEIGHTS,
    REFERRAL_WITHOUT_OFFICER_SHARE,
    RETIRED_TEAM_NUMBER,
    SAME_DAY_INTAKE_SHARE,
    STEADY_MONTHLY_REFERRALS,
    TYPICAL_CASELOAD,
    UNASSIGNED_CLIENTS,
    UNASSIGNED_FROM_LATEST_INTAKES,
    UNTRAINED_OFFICERS,
    USUAL_QUIET_DAYS_BEFORE_EXIT,
)
from lead_data.models import DEFAULT_CASELOAD_CAP, EXIT_REASONS, INELIGIBLE_REASONS

# --- officers and referrals ---------------------------------------------------------------


def draw_officers(rng: random.Random, as_of: date) -> list[Officer]:
    """A launch cohort of the first unit trained before the program opened, later officers trained
    over the years up to a few weeks before as_of, each from a unit already joining by then, and a
    few not trained yet (who therefore refer no one)."""
    later = OFFICERS - LAUNCH_COHORT - UNTRAINED_OFFICERS
    later_until = max(LATER_TRAINING_FROM, as_of - timedelta(days=21))
    later_span = (later_until - LATER_TRAINING_FROM).days
    officers = []
    for number in range(1, OFFICERS + 1):
        if number <= LAUNCH_COHORT:
            trained_on = LAUNCH_TRAINING_DAY + timedelta(days=rng.randrange(14))
        elif number <= LAUNCH_COHORT + later:
            position = (number - LAUNCH_COHORT - 1 + rng.random()) / later
            trained_on = min(LATER_TRAINING_FROM + timedelta(days=round(position * later_span)), as_of)
        else:
            trained_on = None
        unit = _draw_unit(rng, trained_on or as_of)
        officers.append(Officer(number, unit, trained_on, rng.paretovariate(1.5)))
    return officers


def _draw_unit(rng: random.Random, trained_on: date) -> str:
    """A unit whose officers were being trained by trained_on, by weight."""
    joined = [(unit, weight) for unit, weight, training_from in OFFICER_UNITS if training_from <= trained_on]
    return rng.choices([unit for unit, _ in joined], [weight for _, weight in joined])[0]


def _monthly_referral_rate(month_index: int, month_start: date) -> float:
    """Referrals expected in the program's month_index-th month: a ramp, then a plateau, lower in
    the pandemic's months."""
    ramp = min(1.0, month_index / RAMP_MONTHS)
    rate = FIRST_MONTH_REFERRALS + (STEADY_MONTHLY_REFERRALS - FIRST_MONTH_REFERRALS) * ramp
    pandemic_from, pandemic_until = PANDEMIC_MONTHS
    return rate * PANDEMIC_REFERRAL_FACTOR if pandemic_from <= month_start < pandemic_until else rate


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
        expected = _monthly_referral_rate(month_index, month_start) * open_days / (next_month - month_start).days
        count = max(0, round(rng.gauss(expected, math.sqrt(expected))))
        for _ in range(count):
            day = month_start + timedelta(days=rng.randrange(open_days))
            hour = rng.choices(range(24), REFERRAL_HOUR_WEIGHTS)[0]
            times.append(datetime.combine(day, time(hour, rng.randrange(60))))
        month_start, month_index = next_month, month_index + 1
    return sorted(times)


def draw_referrals(rng: random.Random, officers: list[Officer], as_of: date) -> list[Case]:
    zone = site_zones()
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
    """Pending only in the last three weeks; an offense other than drugs or prostitution is
    ineligible; eligible ones are verified and most come to intake, arrest diversions mostly the
    same day or the next, social contacts within a month (about a week typically), unless that
    would fall after as_of."""
    if (as_of - case.referred_on).days <= PENDING_WINDOW_DAYS and rng.random() < PENDING_SHARE_IN_WINDOW:
        case.eligibility = PENDING
        return
    if case.offense == INELIGIBLE_OFFENSE:
        case.eligibility, case.ineligible_reason = INELIGIBLE, OFFENSE_NOT_ELIGIBLE_REASON
        return
    if rng.random() < INELIGIBLE_SHARE:
        case.eligibility = INELIGIBLE
        case.ineligible_reason = rng.choices(INELIGIBLE_REASONS, INELIGIBLE_REASON_WEIGHTS)[0]
        return
    case.eligibility = ELIGIBLE
    days_to_verify, days_to_intake = _days_to_verification_and_intake(rng, case.referral_type)
    verified_on = case.referred_on + timedelta(days=days_to_verify)
    if verified_on > as_of:
        return
    case.sao_verified_on = verified_on
    if rng.random() >= ENROLLING_SHARE_OF_VERIFIED:
        return
    intake_on = case.referred_on + timedelta(days=days_to_intake)
    if intake_on > as_of:
        return
    case.intake_on = intake_on
    case.planned_exit_reason = rng.choices(EXIT_REASONS, EXIT_REASON_WEIGHTS)[0]
    shortest, longest = MONTHS_ENROLLED_BY_EXIT_REASON[case.planned_exit_reason]
    case.planned_exit_on = intake_on + timedelta(days=round(rng.uniform(shortest, longest) * DAYS_PER_MONTH))


def _days_to_verification_and_intake(rng: random.Random, referral_type: str) -> tuple[int, int]:
    """Days from referral to the State's Attorney's verification and to intake (should it come)."""
    if referral_type == ARREST_DIVERSION:
        draw = rng.random()
        if draw < SAME_DAY_INTAKE_SHARE:
            return 0, 0
        if draw < SAME_DAY_INTAKE_SHARE + NEXT_DAY_INTAKE_SHARE:
            return 0, 1
        return 0, min(MAX_DAYS_TO_INTAKE, 2 + round(rng.expovariate(1 / MEAN_LATER_DAYS_TO_INTAKE)))
    days_to_verify = rng.randint(0, 4)
    extra_days = round(rng.expovariate(1 / MEAN_EXTRA_DAYS_TO_INTAKE))
    return days_to_verify, min(MAX_DAYS_TO_INTAKE, days_to_verify + extra_days)


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
    """Decide who is active on as_of and how many each team holds then, give everyone else an exit,
    then draw every enrollment's team as the program grew.

    The number of teams follows the number of clients the program would naturally hold; the
    caseloads are then fixed (near the cap, one over, a few unassigned, one or two left on the
    retired team) and the enrollments planned to last longest are the ones kept active."""
    unassigned = rng.randint(*UNASSIGNED_CLIENTS)
    on_retired_team = rng.randint(*CLIENTS_LEFT_ON_RETIRED_TEAM)
    naturally_active = sum(1 for case in enrolled if case.planned_exit_day > as_of)
    team_count = max(1, math.ceil((naturally_active - unassigned - on_retired_team) / TYPICAL_CASELOAD))
    caseloads = _team_caseloads(rng, team_count, len(enrolled) - unassigned - on_retired_team)
    active_numbers = [n for n in range(1, len(caseloads) + 2) if n != RETIRED_TEAM_NUMBER]

    active_count = min(len(enrolled), sum(caseloads) + unassigned + on_retired_team)
    protected_since = as_of - timedelta(days=PROTECTED_RECENT_INTAKE_DAYS)
    by_staying_power = sorted(
        enrolled, key=lambda c: (c.intake_day > protected_since, c.planned_exit_day), reverse=True
    )
    active, leaving = by_staying_power[:active_count], by_staying_power[active_count:]
    on_teams = _set_aside_retired_and_unassigned(rng, active, unassigned, on_retired_team)

    for case in leaving:
        if case.planned_exit_day <= as_of:
            case.exited_on = case.planned_exit_day
        else:  # sent out before its planned time; leaves within the last three months
            case.exited_on = as_of - timedelta(days=rng.randrange(min(90, (as_of - case.intake_day).days)))
        case.exit_reason = case.planned_exit_reason
    _assign_teams_as_the_program_grew(
        rng, enrolled, set(on_teams), dict(zip(active_numbers, caseloads, strict=True)), as_of
    )
    return Teams(active_numbers, RETIRED_TEAM_NUMBER)


def _set_aside_retired_and_unassigned(
    rng: random.Random, active: list[Case], unassigned: int, on_retired_team: int
) -> list[Case]:
    """The retired team keeps its longest-standing clients and some of the newest intakes wait
    unassigned; return the other active clients, who are on the active teams."""
    by_intake = sorted(active, key=lambda c: c.intake_day)
    for case in by_intake[:on_retired_team]:
        case.team_id = RETIRED_TEAM_NUMBER
    rest = by_intake[on_retired_team:]
    latest = rest[-UNASSIGNED_FROM_LATEST_INTAKES:]
    waiting = rng.sample(latest, min(unassigned, len(latest)))
    return [case for case in rest if case not in waiting]


def _assign_teams_as_the_program_grew(
    rng: random.Random, enrolled: list[Case], on_teams: set[Case], caseloads_on_as_of: dict[int, int], as_of: date
) -> None:
    """Every enrollment's team, drawn in order of intake as the program grew.

    Each intake goes to the open team holding the fewest clients that day, and when every open team
    holds OPEN_TEAM_AT or more the next team opens: the program starts with one pair and adds pairs
    as enrollment grows. An intake still active on as_of goes only to a team with a place left in
    its caseload on as_of, so each team ends holding exactly that. The retired team (which opened
    second) takes no one after its last day, drawn between its last active client's intake and
    as_of. A few enrollments that ended name no team."""
    numbers = sorted([*caseloads_on_as_of, RETIRED_TEAM_NUMBER])
    places_left = dict(caseloads_on_as_of)
    on_retired_team = [case.intake_day for case in enrolled if case.is_active and case.team_id == RETIRED_TEAM_NUMBER]
    last_intake = max(on_retired_team, default=PROGRAM_START)
    retired_after = last_intake + timedelta(days=rng.randint(0, max(0, (as_of - last_intake).days)))
    opened: list[int] = []
    caseload = dict.fromkeys(numbers, 0)
    endings: list[tuple[date, int]] = []  # (exit day, team) of the enrollments counted in caseload
    for case in sorted(enrolled, key=lambda c: (c.intake_day, c.referred_at)):
        while endings and endings[0][0] <= case.intake_day:
            caseload[heapq.heappop(endings)[1]] -= 1
        if case in on_teams:
            case.team_id = _next_team(opened, [n for n in numbers if places_left.get(n, 0) > 0], caseload)
            places_left[case.team_id] -= 1
        elif not case.is_active:
            if rng.random() < EXITED_WITHOUT_TEAM_SHARE:
                continue
            taking = [n for n in numbers if n != RETIRED_TEAM_NUMBER or case.intake_day <= retired_after]
            case.team_id = _next_team(opened, taking, caseload)
        if case.team_id is None:
            continue
        if case.team_id not in opened:
            opened.append(case.team_id)
        caseload[case.team_id] += 1
        if case.exited_on is not None:
            heapq.heappush(endings, (case.exited_on, case.team_id))


def _next_team(opened: list[int], eligible: list[int], caseload: dict[int, int]) -> int:
    """Of the eligible teams, the open one holding the fewest clients, or the lowest-numbered
    unopened one when none is open or every open one holds OPEN_TEAM_AT or more."""
    open_ones = [n for n in eligible if n in opened]
    unopened = [n for n in eligible if n not in opened]
    if unopened and (not open_ones or min(caseload[n] for n in open_ones) >= OPEN_TEAM_AT):
        return unopened[0]
    return min(open_ones, key=lambda n: (caseload[n], n))


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
            days_enrolled = (as_of - case.intake_day).days
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
    pool = [case for case in remaining if fewest_days_enrolled <= (as_of - case.intake_day).days <= most_days_enrolled]
    chosen = rng.sample(pool, min(count, len(pool)))
    for case in chosen:
        remaining.remove(case)
    return chosen


def last_reached_before_exit(rng: random.Random, case: Case) -> date:
    """Graduates are seen up to the end; disengaged clients stop answering weeks before exit."""
    quiet_days = QUIET_DAYS_BEFORE_EXIT.get(case.exit_reason, USUAL_QUIET_DAYS_BEFORE_EXIT)
    last_reached = case.exit_day - timedelta(days=rng.randint(*quiet_days))
    return max(case.intake_day, last_reached)
