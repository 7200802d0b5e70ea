"""A network-size demo: a statewide LEAD network's database, as fake as the pilot demo and as big as
wanted (``PARTICIPANTS_PER_SCALE`` participants per unit of scale), to measure the dashboard at scale.

Per 100,000 participants: about 100,000 referrals (a few people referred twice), 2,000,000 contacts,
300,000 arrests, 400 care teams (a peer and a case manager each) and a few supervisors, an officer
per hundred referrals. Every rate, share and span not set here is the pilot demo's (``tuning``,
``places``, ``outcomes``), so the two demos tell the same story at different sizes: referrals from
2017 to the as-of date, mostly eligible, intake within days; on the as-of date each team holds about
25 clients (a handful over the cap, a few clients unassigned, the inactive teams still holding some),
most active clients engaged and some overdue or in the wind; arrests over the years before the
referral and re-arrests at a low rate after intake; referrals and arrests around the site's zones.

Everything is drawn column by column with numpy from one generator seeded with the seed, so a
seed, a size and an as-of date name exactly one database. The state on the as-of date is decided
first (who is active, on which team, when last reached) and the history is drawn to agree with it,
as the pilot demo does. Tables are kept as numpy columns (``columns``: a key of 0, NaT, NaN, a boolean of -1 or
None stand for NULL) and turned into rows of plain values only chunk by chunk as they are written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from lead_data.demo import columns as col
from lead_data.demo import outcomes as pilot_outcomes
from lead_data.demo import tuning as pilot
from lead_data.demo.columns import Columns
from lead_data.demo.write import bulk_load, check_target, write_to
from lead_data.models import (
    CONTACT_KINDS,
    DEFAULT_CASELOAD_CAP,
    EXIT_REASONS,
    HOUSING_STATUSES,
    INELIGIBLE_REASONS,
    OFFENSES,
    REFERRAL_TYPES,
    SERVICE_CATEGORIES,
    STAFF_ROLES,
)
from lead_data.progress import StageProgress, no_progress

PARTICIPANTS_PER_SCALE = 100_000
MIN_PARTICIPANTS = 1_000  # four care teams: enough for every caseload case (over cap, inactive) to appear

# The network's size, per participant.
PARTICIPANTS_PER_TEAM = 250
REFERRALS_PER_OFFICER = 100
REPEAT_REFERRAL_SHARE = 0.02  # referrals of someone referred before whose earlier referral led to no enrollment
CONTACTS_PER_PARTICIPANT = 20

# Teams on the as-of date: about 25 clients each, drawn evenly from 22 to the cap, a handful over it.
CASELOADS = (22, DEFAULT_CASELOAD_CAP)  # lowest, highest (both included)
OVER_CAP_TEAM_SHARE = 0.015
OVER_CAP_CASELOADS = (DEFAULT_CASELOAD_CAP + 1, DEFAULT_CASELOAD_CAP + 3)
TEAMS_PER_INACTIVE_TEAM = 200  # one inactive team (still holding a few clients) per 200 teams, at least one
CLIENTS_LEFT_ON_INACTIVE_TEAM = (1, 3)
UNASSIGNED_PER_PARTICIPANT = 0.0005  # at least 3
UNASSIGNED_FROM_LATEST_INTAKES = 4  # times the unassigned: they wait among the newest intakes
TEAMS_PER_SUPERVISOR = 40  # at least 2
NEVER_REACHED_PER_ACTIVE = 0.001  # at least 1
MEAN_ATTEMPT_GAP_DAYS = 8  # tuning.ATTEMPT_GAP's mean

# Arrests: a lower rate over the record than the pilot's, so that, with the diverted arrest and
# re-arrests at the pilot's rate, a participant has about three.
PRIOR_ARRESTS_PER_PERSON_YEAR = 0.25
INTAKE_DAY_ARRESTS_PER_ENROLLMENT = 0.001  # at least 3

# Outcome tables, scaled down from the pilot's to keep the whole within the time: assessments twice
# a year rather than every two months, a comparison group a quarter of the enrolled rather than all.
DAYS_BETWEEN_ASSESSMENTS = (120, 240)
COMPARISON_GROUP_SHARE = 0.25


def write_network_demo(
    target: Path | str,
    *,
    participants: int,
    seed: int = pilot.DEFAULT_SEED,
    as_of: date,
    progress: StageProgress | None = None,
) -> dict[str, int]:
    """Write the network demo of that many participants for (seed, as_of); return row counts per table.

    Targets as ``write_demo``'s: a ``Path`` is a SQLite file written afresh and marked as the
    generator's; a ``str`` is a SQLite or PostgreSQL URL whose contract tables are absent (created
    through the migrations) or empty (a ValueError, changing nothing, refuses one holding rows).
    """
    check_target(target)
    if participants < MIN_PARTICIPANTS:
        raise ValueError(f"a network demo needs at least {MIN_PARTICIPANTS:,} participants, not {participants:,}")
    if as_of < pilot.PROGRAM_START:
        raise ValueError(f"as-of date {as_of} is before the program started on {pilot.PROGRAM_START}")
    report = progress or no_progress
    report("Drawing the network's history", 0.0)
    tables = draw_network(participants=participants, seed=seed, as_of=as_of)
    write_to(target, bulk_load({name: col.bulk_table(name, columns) for name, columns in tables.items()}), report)
    report("Done", 1.0)
    return {name: len(next(iter(columns.values()))) for name, columns in tables.items()}


def draw_network(*, participants: int, seed: int, as_of: date) -> dict[str, Columns]:
    """Every contract table as numpy columns, keyed by table name (in the pilot demo's order)."""
    return _Network(np.random.default_rng(seed), participants, as_of).tables()


class _Network:
    """The drawing, step by step; each step reads what the earlier ones set on self."""

    def __init__(self, rng: np.random.Generator, participants: int, as_of: date) -> None:
        self.rng, self.participants, self.as_of = rng, participants, col.day_number(as_of)
        self.start = col.day_number(pilot.PROGRAM_START)
        self.places = col.Places()
        self.team_count = max(MIN_PARTICIPANTS // PARTICIPANTS_PER_TEAM, round(participants / PARTICIPANTS_PER_TEAM))
        # Staff: team t's peer is 2t - 1 and its case manager 2t; the supervisors come after them.
        supervisors = max(2, self.team_count // TEAMS_PER_SUPERVISOR)
        self.supervisor_ids = np.arange(2 * self.team_count + 1, 2 * self.team_count + supervisors + 1)

    def tables(self) -> dict[str, Columns]:
        self._draw_referral_times()
        self._draw_officers()
        self._draw_referrals()
        self._decide_eligibility_and_intake()
        self._link_repeat_referrals()
        self._draw_people()
        self._number_enrollments()
        self._settle_enrollments_on_as_of()
        self._decide_last_reached()
        tables = {
            "officers": self._officer_columns(),
            "staff": self._staff_columns(),
            "care_teams": self._care_team_columns(),
            "participants": self._participant_columns(),
            "referrals": self._referral_columns(),
            "enrollments": self._enrollment_columns(),
            "arrests": self._arrest_columns(),
            "contacts": self._contact_columns(),
            "services": self._service_columns(),
            "consents": self._consent_columns(),
            "assessments": self._assessment_columns(),
        }
        tables["bookings"] = self._booking_columns(tables["arrests"])
        tables["comparison_people"], tables["comparison_arrests"] = self._comparison_columns()
        return tables

    # --- referrals ----------------------------------------------------------------------------------

    def _draw_referral_times(self) -> None:
        """About one referral per participant (and the repeats), more each month through the ramp
        and fewer in the pandemic's months, at patrol hours, in time order."""
        rng = self.rng
        self.referral_count = self.participants + round(self.participants * REPEAT_REFERRAL_SHARE)
        days = np.arange(self.start, self.as_of + 1)
        months = (days - self.start) / pilot.DAYS_PER_MONTH
        ramp = np.minimum(1.0, months / pilot.RAMP_MONTHS)
        rate = pilot.FIRST_MONTH_REFERRALS + (pilot.STEADY_MONTHLY_REFERRALS - pilot.FIRST_MONTH_REFERRALS) * ramp
        pandemic_from, pandemic_until = (col.day_number(day) for day in pilot.PANDEMIC_MONTHS)
        rate = np.where((days >= pandemic_from) & (days < pandemic_until), rate * pilot.PANDEMIC_REFERRAL_FACTOR, rate)
        day = days[rng.choice(len(days), size=self.referral_count, p=rate / rate.sum())]
        hour = rng.choice(24, size=self.referral_count, p=col.weights(pilot.REFERRAL_HOUR_WEIGHTS))
        seconds = hour * 3600 + rng.integers(0, 60, self.referral_count) * 60
        order = col.order(day, seconds)
        self.referral_day, self.referral_seconds = day[order], seconds[order]

    def _draw_officers(self) -> None:
        """A launch cohort trained before the program opened, the others over the years up to three
        weeks before as_of, each from a unit already training by then; a few not trained yet."""
        rng = self.rng
        count = max(pilot.OFFICERS, round(self.referral_count / REFERRALS_PER_OFFICER))
        launch = round(count * pilot.LAUNCH_COHORT / pilot.OFFICERS)
        untrained = round(count * pilot.UNTRAINED_OFFICERS / pilot.OFFICERS)
        later = count - launch - untrained
        later_from = col.day_number(pilot.LATER_TRAINING_FROM)
        later_until = max(later_from, self.as_of - 21)
        trained = np.concatenate(
            [
                col.day_number(pilot.LAUNCH_TRAINING_DAY) + rng.integers(0, 14, launch),
                np.minimum(
                    later_from + np.round((np.arange(later) + rng.random(later)) / later * (later_until - later_from)),
                    self.as_of,
                ),
            ]
        ).astype(np.int64)
        self.officer_trained_on = np.concatenate([trained, np.full(untrained, -1)])
        unit_from = np.array([col.day_number(training_from) for _, _, training_from in pilot.OFFICER_UNITS])
        unit_weights = np.array([weight for _, weight, _ in pilot.OFFICER_UNITS], dtype=float)
        when = np.where(self.officer_trained_on < 0, self.as_of, self.officer_trained_on)
        joined = unit_weights[None, :] * (unit_from[None, :] <= when[:, None])
        cumulative = np.cumsum(joined / joined.sum(axis=1, keepdims=True), axis=1)
        self.officer_unit = np.minimum((rng.random(count)[:, None] > cumulative).sum(axis=1), len(unit_from) - 1)
        self.officer_weight = rng.pareto(1.5, count) + 1

    def _draw_referrals(self) -> None:
        """Type, offense, referring officer (trained before the referral day, busier officers more
        often, rarely unrecorded) and place of each referral."""
        rng, count = self.rng, self.referral_count
        self.referral_type = rng.choice(
            len(REFERRAL_TYPES), size=count, p=col.weights(list(pilot.REFERRAL_TYPE_WEIGHTS.values()))
        )
        self.offense = col.pick(rng, pilot.OFFENSE_WEIGHTS, count)
        trained = np.flatnonzero(self.officer_trained_on >= 0)
        trained = trained[np.argsort(self.officer_trained_on[trained], kind="stable")]
        cumulative = np.cumsum(self.officer_weight[trained])
        available = np.searchsorted(self.officer_trained_on[trained], self.referral_day, side="left")
        chosen = np.searchsorted(cumulative, rng.random(count) * cumulative[np.maximum(available, 1) - 1], side="right")
        officer = trained[np.minimum(chosen, len(trained) - 1)] + 1
        unrecorded = (available == 0) | (rng.random(count) < pilot.REFERRAL_WITHOUT_OFFICER_SHARE)
        self.referral_officer = np.where(unrecorded, 0, officer)
        self.longitude, self.latitude, self.location_text = self.places.draw(rng, count)

    def _decide_eligibility_and_intake(self) -> None:
        """As the pilot's decide_eligibility_and_intake, for every referral at once."""
        rng, count, day = self.rng, self.referral_count, self.referral_day
        pending = ((self.as_of - day) <= pilot.PENDING_WINDOW_DAYS) & (
            rng.random(count) < pilot.PENDING_SHARE_IN_WINDOW
        )
        offense_not_eligible = ~pending & (self.offense == pilot.INELIGIBLE_OFFENSE)
        record_not_eligible = ~pending & ~offense_not_eligible & (rng.random(count) < pilot.INELIGIBLE_SHARE)
        eligible = ~pending & ~offense_not_eligible & ~record_not_eligible
        self.eligibility = np.where(
            pending, pilot.PENDING, np.where(eligible, pilot.ELIGIBLE, pilot.INELIGIBLE)
        ).astype(object)
        reasons = col.coded_text(
            INELIGIBLE_REASONS,
            rng.choice(len(INELIGIBLE_REASONS), size=count, p=col.weights(pilot.INELIGIBLE_REASON_WEIGHTS)),
        )
        self.ineligible_reason = np.full(count, None, dtype=object)
        self.ineligible_reason[offense_not_eligible] = pilot.OFFENSE_NOT_ELIGIBLE_REASON
        self.ineligible_reason[record_not_eligible] = reasons[record_not_eligible]

        diversion = self.referral_type == REFERRAL_TYPES.index(pilot.ARREST_DIVERSION)
        draw = rng.random(count)
        later = np.minimum(
            pilot.MAX_DAYS_TO_INTAKE, 2 + np.round(rng.exponential(pilot.MEAN_LATER_DAYS_TO_INTAKE, count))
        )
        diversion_days = np.where(
            draw < pilot.SAME_DAY_INTAKE_SHARE,
            0,
            np.where(draw < pilot.SAME_DAY_INTAKE_SHARE + pilot.NEXT_DAY_INTAKE_SHARE, 1, later),
        )
        contact_verify = rng.integers(0, 5, count)
        contact_days = np.minimum(
            pilot.MAX_DAYS_TO_INTAKE, contact_verify + np.round(rng.exponential(pilot.MEAN_EXTRA_DAYS_TO_INTAKE, count))
        )
        verified_on = day + np.where(diversion, 0, contact_verify)
        intake_on = day + np.where(diversion, diversion_days, contact_days).astype(np.int64)
        self.verified = eligible & (verified_on <= self.as_of)
        self.verified_on = verified_on
        self.enrolled = (
            self.verified & (rng.random(count) < pilot.ENROLLING_SHARE_OF_VERIFIED) & (intake_on <= self.as_of)
        )
        self.intake_on = intake_on

    def _link_repeat_referrals(self) -> None:
        """Make the repeat referrals: each is given to someone whose earlier referral (at least
        DAYS_BETWEEN_EXIT_AND_NEW_REFERRAL before it, or half the program's days when it is younger
        than twice that) was decided but led to no enrollment, so nobody holds two enrollments.
        person[r] is the referral that brought r's person first."""
        rng, count = self.rng, self.referral_count
        self.person = np.arange(count)
        wanted = count - self.participants
        earlier = np.flatnonzero((self.eligibility != pilot.PENDING) & ~self.enrolled)
        gap = min(pilot.DAYS_BETWEEN_EXIT_AND_NEW_REFERRAL, (self.as_of - self.start) // 2)
        possible = np.flatnonzero(
            self.referral_day >= (self.referral_day[earlier[0]] + gap if len(earlier) else np.inf)
        )
        later = np.sort(rng.choice(possible, size=min(wanted, len(possible)), replace=False))
        taken = set(later.tolist())
        reachable = np.searchsorted(self.referral_day[earlier] + gap, self.referral_day[later], side="right")
        linked = 0
        for referral, choices in zip(later.tolist(), reachable.tolist(), strict=True):
            for draw in rng.integers(0, max(choices, 1), 20).tolist():
                first = int(earlier[draw])
                if choices and first not in taken:
                    taken.add(first)
                    self.person[referral] = first
                    linked += 1
                    break
        # A referral left unlinked (no earlier referral to give it) stays its own person: the
        # network then has that many more participants than asked.
        self.participants = count - linked

    def _draw_people(self) -> None:
        """Participants, numbered in order of their first referral, each drawn at that referral."""
        rng = self.rng
        first = np.flatnonzero(self.person == np.arange(self.referral_count))
        self.participant_of_referral = np.zeros(self.referral_count, dtype=np.int64)
        self.participant_of_referral[first] = col.ids(len(first))
        self.participant_of_referral = self.participant_of_referral[self.person]
        size, day = len(first), self.referral_day[first]
        self.first_referral = first
        low, high, mode = pilot.AGE_AT_REFERRAL_YEARS
        age_days = np.round(rng.triangular(low * 365.25 + 2, mode * 365.25, high * 365.25, size)).astype(np.int64)
        self.birth_known = rng.random(size) >= pilot.UNKNOWN_BIRTH_DATE_SHARE
        self.birth_day = day - age_days
        self.first_name = col.coded_text(pilot.FIRST_NAMES, rng.integers(0, len(pilot.FIRST_NAMES), size))
        prostitution = self.offense[first] == OFFENSES[1]
        self.sex = np.where(
            prostitution, col.pick(rng, pilot.SEXES_FOR_PROSTITUTION, size), col.pick(rng, pilot.SEXES, size)
        )
        self.race = col.pick(rng, pilot.RACES, size)
        self.ethnicity = col.pick(rng, pilot.ETHNICITIES, size)

    def _number_enrollments(self) -> None:
        """Enrollments numbered by intake date (then referral), with each one's planned exit."""
        rng = self.rng
        referrals = np.flatnonzero(self.enrolled)
        self.enrollment_referral = referrals[col.order(self.intake_on[referrals], referrals)]
        self.enrollment_count = count = len(self.enrollment_referral)
        self.enrollment_person = self.participant_of_referral[self.enrollment_referral]
        self.enrollment_intake = self.intake_on[self.enrollment_referral]
        self.planned_reason = rng.choice(len(EXIT_REASONS), size=count, p=col.weights(pilot.EXIT_REASON_WEIGHTS))
        months = np.array([pilot.MONTHS_ENROLLED_BY_EXIT_REASON[reason] for reason in EXIT_REASONS], dtype=float)
        shortest, longest = months[self.planned_reason, 0], months[self.planned_reason, 1]
        self.planned_exit = self.enrollment_intake + np.round(
            rng.uniform(shortest, longest) * pilot.DAYS_PER_MONTH
        ).astype(np.int64)

    # --- the as-of date ----------------------------------------------------------------------------

    def _settle_enrollments_on_as_of(self) -> None:
        """Caseloads on as_of first, then who stays active (those planned to stay longest, recent
        intakes always), the others' exits, and every enrollment's team."""
        rng, count = self.rng, self.enrollment_count
        teams = self.team_count
        inactive_count = max(1, teams // TEAMS_PER_INACTIVE_TEAM)
        self.inactive_teams = np.linspace(2, teams - 1, inactive_count).round().astype(np.int64)
        self.team_active = np.ones(teams + 1, dtype=bool)
        self.team_active[self.inactive_teams] = False
        active_teams = np.flatnonzero(self.team_active[1:]) + 1
        caseloads = col.integers(rng, CASELOADS[0], CASELOADS[1], len(active_teams))
        over_cap = rng.choice(
            len(active_teams), size=max(1, round(len(active_teams) * OVER_CAP_TEAM_SHARE)), replace=False
        )
        caseloads[over_cap] = col.integers(rng, *OVER_CAP_CASELOADS, len(over_cap))
        left_on_inactive = col.integers(rng, *CLIENTS_LEFT_ON_INACTIVE_TEAM, inactive_count)
        unassigned = max(3, round(self.participants * UNASSIGNED_PER_PARTICIPANT))
        wanted = caseloads.sum() + left_on_inactive.sum() + unassigned
        if wanted > count:  # a young network: fewer clients than places, every team a little emptier
            caseloads = np.floor(caseloads * (count - left_on_inactive.sum() - unassigned) / caseloads.sum()).astype(
                np.int64
            )
        active_count = int(caseloads.sum() + left_on_inactive.sum() + unassigned)

        protected = self.enrollment_intake > self.as_of - pilot.PROTECTED_RECENT_INTAKE_DAYS
        staying = col.order(protected, self.planned_exit)[::-1]
        self.active = np.zeros(count, dtype=bool)
        self.active[staying[:active_count]] = True
        leaving = ~self.active
        self.exited_on = np.where(self.planned_exit <= self.as_of, self.planned_exit, 0)
        sent_out = leaving & (self.planned_exit > self.as_of)
        days_enrolled = self.as_of - self.enrollment_intake
        sent_out_days = np.floor(rng.random(count) * np.minimum(90, days_enrolled)).astype(np.int64)
        self.exited_on = np.where(sent_out, self.as_of - sent_out_days, self.exited_on)
        self.exited_on[self.active] = 0
        self.exit_reason = np.where(leaving, self.planned_reason, -1)

        self.team = np.zeros(count, dtype=np.int64)
        active = np.flatnonzero(self.active)
        by_intake = active[col.order(self.enrollment_intake[active], active)]
        on_inactive = by_intake[: left_on_inactive.sum()]
        self.team[on_inactive] = np.repeat(self.inactive_teams, left_on_inactive)
        rest = by_intake[left_on_inactive.sum() :]
        latest = rest[-unassigned * UNASSIGNED_FROM_LATEST_INTAKES :]
        waiting = rng.choice(latest, size=min(unassigned, len(latest)), replace=False)
        on_teams = np.setdiff1d(rest, waiting)
        self.team[on_teams] = rng.permutation(np.repeat(active_teams, caseloads))
        exited = np.flatnonzero(leaving)
        self.team[exited] = rng.integers(1, teams + 1, len(exited))
        self.team[exited[rng.random(len(exited)) < pilot.EXITED_WITHOUT_TEAM_SHARE]] = 0

    def _decide_last_reached(self) -> None:
        """Each enrollment's last reached contact: for active clients, so that on as_of most are
        engaged, some overdue, some in the wind, a handful never reached; for the others, up to
        their exit (graduates to the end, the disengaged weeks before)."""
        rng, count = self.rng, self.enrollment_count
        days_enrolled = self.as_of - self.enrollment_intake
        self.never_reached = np.zeros(count, dtype=bool)
        remaining = self.active.copy()

        def take(how_many: float, fewest_days: int, most_days: float = np.inf) -> np.ndarray:
            """Up to how_many remaining clients enrolled fewest_days to most_days on as_of, taken out."""
            pool = np.flatnonzero(remaining & (days_enrolled >= fewest_days) & (days_enrolled <= most_days))
            chosen = rng.choice(pool, size=min(len(pool), round(how_many)), replace=False)
            remaining[chosen] = False
            return chosen

        active_count = self.active.sum()
        never = take(max(1, active_count * NEVER_REACHED_PER_ACTIVE), *pilot.NEVER_REACHED_DAYS_ENROLLED)
        self.never_reached[never] = True
        in_the_wind = take(active_count * rng.uniform(*pilot.IN_THE_WIND_SHARE), pilot.IN_THE_WIND_DAYS[0])
        overdue = take(active_count * rng.uniform(*pilot.OVERDUE_SHARE), pilot.OVERDUE_DAYS[0])
        engaged = np.flatnonzero(remaining)
        self.last_reached = self.enrollment_intake.copy()
        for clients, (fewest, most) in (
            (in_the_wind, pilot.IN_THE_WIND_DAYS),
            (overdue, pilot.OVERDUE_DAYS),
            (engaged, (0, pilot.ENGAGED_DAYS)),
        ):
            self.last_reached[clients] = self.as_of - col.integers(
                rng, fewest, np.minimum(most, days_enrolled[clients]), len(clients)
            )
        exited = np.flatnonzero(~self.active)
        quiet = np.array(
            [pilot.QUIET_DAYS_BEFORE_EXIT.get(reason, pilot.USUAL_QUIET_DAYS_BEFORE_EXIT) for reason in EXIT_REASONS]
        )
        fewest, most = quiet[self.exit_reason[exited]].T
        quiet_days = col.integers(rng, 0, most - fewest, len(exited)) + fewest
        self.last_reached[exited] = np.maximum(self.enrollment_intake[exited], self.exited_on[exited] - quiet_days)

    # --- the first version's tables ---------------------------------------------------------------

    def _officer_columns(self) -> Columns:
        count = len(self.officer_trained_on)
        ids = col.ids(count)
        units = [unit for unit, _, _ in pilot.OFFICER_UNITS]
        return {
            "officer_id": ids,
            "badge_number": np.array([f"DEMO-{1000 + number}" for number in ids.tolist()], dtype=object),
            "name": np.array([f"Officer Demo-{number:03d}" for number in ids.tolist()], dtype=object),
            "unit": col.coded_text(units, self.officer_unit),
            "lead_trained_on": col.dates(np.maximum(self.officer_trained_on, 0), self.officer_trained_on >= 0),
        }

    def _staff_columns(self) -> Columns:
        """A peer and a case manager per team (inactive with their team), then the supervisors."""
        rng, teams, supervisors = self.rng, self.team_count, len(self.supervisor_ids)
        names = pilot.STAFF_FIRST_NAMES
        first = col.coded_text(names, rng.integers(0, len(names), 2 * teams + supervisors)).tolist()
        titles = [f"{title}-{number:03d}" for number in range(1, teams + 1) for title in ("Peer", "Casemgr")]
        titles += [f"Supervisor-{number:02d}" for number in range(1, supervisors + 1)]
        peer, case_manager, supervisor = STAFF_ROLES
        return {
            "staff_id": col.ids(2 * teams + supervisors),
            "name": np.array([f"{name} {title}" for name, title in zip(first, titles, strict=True)], dtype=object),
            "role": np.array([peer, case_manager] * teams + [supervisor] * supervisors, dtype=object),
            "active": np.concatenate([np.repeat(self.team_active[1:], 2), np.ones(supervisors, dtype=bool)]).astype(
                np.int8
            ),
        }

    def _care_team_columns(self) -> Columns:
        ids = col.ids(self.team_count)
        return {
            "team_id": ids,
            "name": np.array([f"Team {number}" for number in ids.tolist()], dtype=object),
            "peer_id": 2 * ids - 1,
            "case_manager_id": 2 * ids,
            "caseload_cap": np.full(self.team_count, DEFAULT_CASELOAD_CAP),
            "active": self.team_active[1:].astype(np.int8),
        }

    def _participant_columns(self) -> Columns:
        ids = col.ids(len(self.first_referral))
        return {
            "participant_id": ids,
            "first_name": self.first_name,
            "last_name": np.array([f"Demo-{number:05d}" for number in ids.tolist()], dtype=object),
            "date_of_birth": col.dates(self.birth_day, self.birth_known),
            "sex": self.sex,
            "race": self.race,
            "ethnicity": self.ethnicity,
        }

    def _referral_columns(self) -> Columns:
        return {
            "referral_id": col.ids(self.referral_count),
            "participant_id": self.participant_of_referral,
            "officer_id": self.referral_officer,
            "referred_at": col.timestamps(self.referral_day, self.referral_seconds),
            "referral_type": col.coded_text(REFERRAL_TYPES, self.referral_type),
            "offense": self.offense,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "location_text": self.location_text,
            "eligibility": self.eligibility,
            "ineligible_reason": self.ineligible_reason,
            "sao_verified_on": col.dates(self.verified_on, self.verified),
        }

    def _enrollment_columns(self) -> Columns:
        reasons = np.full(self.enrollment_count, None, dtype=object)
        exited = self.exit_reason >= 0
        reasons[exited] = col.coded_text(EXIT_REASONS, self.exit_reason[exited])
        return {
            "enrollment_id": col.ids(self.enrollment_count),
            "participant_id": self.enrollment_person,
            "referral_id": self.enrollment_referral + 1,
            "team_id": self.team,
            "intake_on": col.dates(self.enrollment_intake),
            "exited_on": col.dates(self.exited_on, exited),
            "exit_reason": reasons,
        }

    # --- contacts ----------------------------------------------------------------------------------

    def _contact_columns(self) -> Columns:
        """Per enrollment: the intake contact in person, contacts between it and the last reached
        one (its kind reached), then attempts up to exit or as_of; the never reached only have
        attempts. Contacts between are as many as bring the whole to CONTACTS_PER_PARTICIPANT."""
        rng = self.rng
        intake, last = self.enrollment_intake, self.last_reached
        end = np.where(self.active, self.as_of, self.exited_on)
        reached = ~self.never_reached
        first_contact = np.flatnonzero(reached)
        last_contact = np.flatnonzero(reached & (last > intake))
        attempt_counts = rng.poisson((end - last) / MEAN_ATTEMPT_GAP_DAYS)
        attempt_owner, attempt_day = col.uniform_days_within(
            rng, last + 1, end, np.where(end > last, attempt_counts, 0)
        )
        between_span = np.where(reached, np.maximum(0, last - intake - 1), 0)
        fixed = len(first_contact) + len(last_contact) + len(attempt_owner)
        rate = max(0.0, CONTACTS_PER_PARTICIPANT * self.participants - fixed) / max(1, between_span.sum())
        between_owner, between_day = col.uniform_days_within(
            rng, intake + 1, last - 1, rng.poisson(between_span * rate)
        )
        kinds_between = rng.choice(
            len(CONTACT_KINDS), size=len(between_owner), p=col.weights(pilot.CONTACT_KIND_WEIGHTS)
        )
        owner = np.concatenate([first_contact, between_owner, last_contact, attempt_owner])
        day = np.concatenate([intake[first_contact], between_day, last[last_contact], attempt_day])
        in_person, phone, attempt = range(len(CONTACT_KINDS))
        kind = np.concatenate(
            [
                np.full(len(first_contact), in_person),
                kinds_between,
                rng.integers(in_person, phone + 1, len(last_contact)),
                np.full(len(attempt_owner), attempt),
            ]
        )
        staff = self._contact_staff(owner)
        participant = self.enrollment_person[owner]
        order = col.order(day, participant)
        return {
            "contact_id": col.ids(len(order)),
            "participant_id": participant[order],
            "staff_id": staff[order],
            "contacted_on": col.dates(day[order]),
            "kind": col.coded_text(CONTACT_KINDS, kind[order]),
        }

    def _contact_staff(self, owner: np.ndarray) -> np.ndarray:
        """The team's peer or case manager; a supervisor for unassigned clients and those still on
        an inactive team, whose staff have left; now and then nobody recorded."""
        rng, size = self.rng, len(owner)
        team = self.team[owner]
        covered = (team == 0) | (self.active[owner] & ~self.team_active[team])
        staff = np.where(
            covered,
            self.supervisor_ids[rng.integers(0, len(self.supervisor_ids), size)],
            2 * team - 1 + rng.integers(0, 2, size),
        )
        return np.where(rng.random(size) < pilot.CONTACT_WITHOUT_STAFF_SHARE, 0, staff)

    # --- arrests -----------------------------------------------------------------------------------

    def _arrest_columns(self) -> Columns:
        """The diverted arrest of each arrest diversion, each person's record before their first
        referral, an arrest of some never enrolled people, and re-arrests after intake at a low
        rate (a few on the intake day itself, which the contract does not count)."""
        rng = self.rng
        diverted = np.flatnonzero(self.referral_type == REFERRAL_TYPES.index(pilot.ARREST_DIVERSION))
        charges = [pilot.DIVERTED_CHARGES.get(offense, ()) for offense in self.offense[diverted].tolist()]
        diverted_charge = np.array(
            [
                choices[int(draw * len(choices))] if choices else None
                for choices, draw in zip(charges, rng.random(len(diverted)).tolist(), strict=True)
            ],
            dtype=object,
        )

        people = len(self.first_referral)
        referred = self.referral_day[self.first_referral]
        earliest = referred - round(pilot.PRIOR_RECORD_YEARS * pilot.DAYS_PER_YEAR)
        earliest = np.where(self.birth_known, np.maximum(earliest, self.birth_day + pilot.ADULT_AGE_DAYS), earliest)
        latest = referred - pilot.LATEST_PRIOR_ARREST_DAYS
        years = np.maximum(0, latest - earliest + 1)
        prior_owner, prior_day = col.uniform_days_within(
            rng, earliest, latest, rng.poisson(col.arrest_paces(rng, PRIOR_ARRESTS_PER_PERSON_YEAR, people) * years)
        )

        first_intake = np.full(people + 1, np.iinfo(np.int64).max)
        np.minimum.at(first_intake, self.enrollment_person, self.enrollment_intake)
        enrolled_people = np.flatnonzero(first_intake < self.as_of)
        intake = first_intake[enrolled_people]
        after_owner, after_day = col.uniform_days_within(
            rng,
            intake + 1,
            np.full(len(intake), self.as_of),
            rng.poisson(col.arrest_paces(rng, pilot.RE_ARRESTS_PER_PERSON_YEAR, len(intake)) * (self.as_of - intake)),
        )
        on_intake_day = rng.choice(
            len(intake),
            size=min(
                len(intake),
                max(pilot.INTAKE_DAY_ARRESTS, round(self.enrollment_count * INTAKE_DAY_ARRESTS_PER_ENROLLMENT)),
            ),
            replace=False,
        )

        never_enrolled = np.flatnonzero(
            (self.eligibility == pilot.INELIGIBLE)
            & (first_intake[self.participant_of_referral] == np.iinfo(np.int64).max)
            & (self.referral_day < self.as_of)
        )
        never_enrolled = never_enrolled[rng.random(len(never_enrolled)) < pilot.NEVER_ENROLLED_ARREST_SHARE]
        never_day = (
            self.referral_day[never_enrolled]
            + 1
            + np.floor(rng.random(len(never_enrolled)) * (self.as_of - self.referral_day[never_enrolled])).astype(
                np.int64
            )
        )

        other_person = np.concatenate(
            [
                prior_owner + 1,
                enrolled_people[after_owner],
                enrolled_people[on_intake_day],
                self.participant_of_referral[never_enrolled],
            ]
        )
        other_day = np.concatenate([prior_day, after_day, intake[on_intake_day], never_day])
        size = len(other_person)
        kind = rng.choice(
            len(pilot.OTHER_ARRESTS), size=size, p=col.weights([arrest[3] for arrest in pilot.OTHER_ARRESTS])
        )
        charge = col.coded_text([arrest[0] for arrest in pilot.OTHER_ARRESTS], kind)
        severity = col.coded_text([arrest[1] for arrest in pilot.OTHER_ARRESTS], kind)
        severity[rng.random(size) < pilot.UNRECORDED_SEVERITY_SHARE] = None
        warrant = np.array([arrest[2] for arrest in pilot.OTHER_ARRESTS], dtype=np.int8)[kind]
        warrant[rng.random(size) < pilot.UNRECORDED_WARRANT_SHARE] = -1
        seconds = rng.integers(0, 24, size) * 3600 + rng.integers(0, 60, size) * 60
        longitude, latitude, _ = self.places.draw(rng, size)

        person = np.concatenate([self.participant_of_referral[diverted], other_person])
        at = np.concatenate(
            [
                col.timestamps(self.referral_day[diverted], self.referral_seconds[diverted]),
                col.timestamps(other_day, seconds),
            ]
        )
        order = col.order(at, person)
        columns = {
            "arrest_id": col.ids(len(order)),
            "participant_id": person,
            "arrested_at": at,
            "charge": np.concatenate([diverted_charge, charge]),
            "severity": np.concatenate([np.full(len(diverted), pilot.MISDEMEANOR, dtype=object), severity]),
            "referral_id": np.concatenate([diverted + 1, np.zeros(size, dtype=np.int64)]),
            "warrant_only": np.concatenate([np.zeros(len(diverted), dtype=np.int8), warrant]),
            "latitude": np.concatenate([self.latitude[diverted], latitude]),
            "longitude": np.concatenate([self.longitude[diverted], longitude]),
        }
        return {name: values if name == "arrest_id" else values[order] for name, values in columns.items()}

    # --- services and consents ---------------------------------------------------------------------

    def _service_columns(self) -> Columns:
        """One to four linkages per enrollment, referred after intake and before exit; most started."""
        rng = self.rng
        end = np.where(self.active, self.as_of, self.exited_on)
        linked = np.flatnonzero(end > self.enrollment_intake)
        counts = 1 + rng.choice(4, size=len(linked), p=col.weights(pilot.SERVICES_PER_ENROLLMENT_WEIGHTS))
        owner = np.repeat(linked, counts)
        size = len(owner)
        within = np.minimum(pilot.SERVICE_REFERRAL_WITHIN_DAYS, end[owner] - self.enrollment_intake[owner])
        referred = self.enrollment_intake[owner] + 1 + np.floor(rng.random(size) * within).astype(np.int64)
        started = referred + rng.integers(1, pilot.SERVICE_START_WITHIN_DAYS + 1, size)
        has_started = (rng.random(size) < pilot.SERVICE_STARTED_SHARE) & (started <= self.as_of)
        category = rng.choice(len(SERVICE_CATEGORIES), size=size, p=col.weights(pilot.SERVICE_CATEGORY_WEIGHTS))
        participant = self.enrollment_person[owner]
        order = col.order(referred, participant, category)
        return {
            "service_id": col.ids(size),
            "participant_id": participant[order],
            "category": col.coded_text(SERVICE_CATEGORIES, category[order]),
            "referred_on": col.dates(referred[order]),
            "started_on": col.dates(started[order], has_started[order]),
        }

    def _consent_columns(self) -> Columns:
        """Most enrollments bring a release signed at intake or soon after; a few are revoked later."""
        rng, count = self.rng, self.enrollment_count
        signing = np.flatnonzero(rng.random(count) < pilot.CONSENT_SHARE)
        size = len(signing)
        delay = np.where(rng.random(size) < pilot.CONSENT_ON_INTAKE_DAY_SHARE, 0, rng.integers(1, 22, size))
        signed = np.minimum(self.as_of, self.enrollment_intake[signing] + delay)
        revoked = signed + rng.integers(30, 901, size)
        is_revoked = (rng.random(size) < pilot.CONSENT_REVOKED_SHARE) & (revoked <= self.as_of)
        participant = self.enrollment_person[signing]
        order = col.order(signed, participant)
        return {
            "consent_id": col.ids(size),
            "participant_id": participant[order],
            "signed_on": col.dates(signed[order]),
            "revoked_on": col.dates(revoked[order], is_revoked[order]),
        }

    # --- outcome tables ----------------------------------------------------------------------------

    def _assessment_columns(self) -> Columns:
        """Most enrollments assessed soon after intake and then twice a year to exit, housing, work
        and income moving by the pilot's small chances at each assessment."""
        rng, out = self.rng, pilot_outcomes
        assessed = np.flatnonzero(rng.random(self.enrollment_count) < out.ASSESSED_SHARE)
        end = np.where(self.active, self.as_of, self.exited_on)[assessed]
        day = self.enrollment_intake[assessed] + rng.integers(0, out.FIRST_ASSESSMENT_WITHIN_DAYS + 1, len(assessed))
        step = rng.choice(len(HOUSING_STATUSES), size=len(assessed), p=col.weights(out.HOUSING_AT_INTAKE_WEIGHTS))
        employed = rng.random(len(assessed)) < out.EMPLOYED_AT_INTAKE
        income = rng.random(len(assessed)) < out.INCOME_AT_INTAKE
        parts: list[tuple[np.ndarray, ...]] = []
        alive = np.arange(len(assessed))
        while len(alive := alive[day[alive] <= end[alive]]):
            parts.append((assessed[alive], day[alive], step[alive], employed[alive], income[alive]))
            size = len(alive)
            draw = rng.random(size)
            up, down = (
                draw < out.HOUSING_STEP_UP,
                (draw >= out.HOUSING_STEP_UP) & (draw < out.HOUSING_STEP_UP + out.HOUSING_STEP_DOWN),
            )
            step[alive] = np.clip(step[alive] + up - down, 0, len(HOUSING_STATUSES) - 1)
            work, money = rng.random(size), rng.random(size)
            employed[alive] = np.where(employed[alive], work >= out.LOSES_WORK, work < out.FINDS_WORK)
            income[alive] = np.where(income[alive], money >= out.LOSES_INCOME, money < out.GAINS_INCOME)
            day[alive] += col.integers(rng, *DAYS_BETWEEN_ASSESSMENTS, size)
        owner, days, steps, works, incomes = (np.concatenate(column) for column in zip(*parts, strict=True))
        size = len(owner)
        housing = col.coded_text(HOUSING_STATUSES, steps)
        housing[rng.random(size) < out.NOT_ASKED_SHARE] = None
        works = np.where(rng.random(size) < out.NOT_ASKED_SHARE, -1, works).astype(np.int8)
        incomes = np.where(rng.random(size) < out.NOT_ASKED_SHARE, -1, incomes).astype(np.int8)
        participant = self.enrollment_person[owner]
        order = col.order(days, participant)
        return {
            "assessment_id": col.ids(size),
            "participant_id": participant[order],
            "assessed_on": col.dates(days[order]),
            "housing": housing[order],
            "employed": works[order],
            "legal_income": incomes[order],
        }

    def _booking_columns(self, arrests: Columns) -> Columns:
        """Most arrests that were not diverted lead to a booking, and exits to jail to a long one;
        each released before the person is next seen outside (arrested, referred or booked again),
        or still held on as_of. Two arrests of one person booked the same day share one booking."""
        rng, out = self.rng, pilot_outcomes
        arrested = arrests["arrested_at"]
        arrest_day = arrested.astype("datetime64[D]").astype(np.int64)
        late_hour = (arrested - arrested.astype("datetime64[D]")).astype(np.int64) >= out.LATE_ARREST_HOUR * 3600
        size = len(arrest_day)
        booked = np.flatnonzero((arrests["referral_id"] == 0) & (rng.random(size) < out.BOOKED_SHARE))
        late = late_hour[booked] & (rng.random(len(booked)) < 0.5)
        booked_on = np.minimum(self.as_of, arrest_day[booked] + late)
        held = self._days_held(len(booked))
        arrest_id = np.where(
            rng.random(len(booked)) < out.BOOKING_WITHOUT_ARREST_SHARE, 0, arrests["arrest_id"][booked]
        )
        person = arrests["participant_id"][booked]

        jailed = np.flatnonzero(self.exit_reason == EXIT_REASONS.index("incarcerated"))
        jail_booked = np.maximum(
            self.enrollment_intake[jailed],
            self.exited_on[jailed] - rng.integers(0, out.INCARCERATION_BOOKED_BEFORE_EXIT_DAYS + 1, len(jailed)),
        )
        jail_held = col.integers(rng, *out.INCARCERATION_DAYS, len(jailed))

        person = np.concatenate([person, self.enrollment_person[jailed]])
        booked_on = np.concatenate([booked_on, jail_booked])
        released = booked_on + np.concatenate([held, jail_held])
        arrest_id = np.concatenate([arrest_id, np.zeros(len(jailed), dtype=np.int64)])
        _, first = np.unique(person * (1 << 20) + booked_on, return_index=True)  # the first of each person's day
        keep = np.sort(first)
        person, booked_on, released, arrest_id = person[keep], booked_on[keep], released[keep], arrest_id[keep]

        seen = np.unique(
            np.concatenate(
                [
                    arrests["participant_id"] * (1 << 20) + arrest_day,
                    self.participant_of_referral * (1 << 20) + self.referral_day,
                    person * (1 << 20) + booked_on,
                ]
            )
        )
        key = person * (1 << 20) + booked_on
        following = seen[np.minimum(np.searchsorted(seen, key, side="right"), len(seen) - 1)]
        next_seen = np.where(
            (following > key) & (following >> 20 == person), following & ((1 << 20) - 1), np.iinfo(np.int64).max
        )
        released = np.minimum(released, next_seen)
        order = col.order(booked_on, person)
        return {
            "booking_id": col.ids(len(order)),
            "participant_id": person[order],
            "booked_on": col.dates(booked_on[order]),
            "released_on": col.dates(released[order], released[order] <= self.as_of),
            "arrest_id": arrest_id[order],
        }

    def _days_held(self, size: int) -> np.ndarray:
        rng, out = self.rng, pilot_outcomes
        short = np.minimum(out.LONGEST_SHORT_STAY_DAYS, 2 + np.round(rng.exponential(out.MEAN_SHORT_STAY_DAYS, size)))
        short = np.where(rng.random(size) < out.SAME_OR_NEXT_DAY_SHARE, rng.integers(0, 2, size), short)
        return np.where(
            rng.random(size) < out.SHORT_STAY_SHARE, short, col.integers(rng, *out.LONG_STAY_DAYS, size)
        ).astype(np.int64)

    def _comparison_columns(self) -> tuple[Columns, Columns]:
        """A comparison group, each person resembling a randomly chosen enrolled participant (sex,
        race, age, offense, a date near their referral), with the index arrest, maybe one or two in
        the year before it, then arrests at their own pace up to as_of."""
        rng, out = self.rng, pilot_outcomes
        first_enrollment = np.unique(self.enrollment_person, return_index=True)[1]
        matched_person = self.enrollment_person[first_enrollment]
        matched_referral = self.enrollment_referral[first_enrollment]
        size = round(len(matched_person) * COMPARISON_GROUP_SHARE)
        chosen = rng.choice(len(matched_person), size=size, replace=False)
        person, referral = matched_person[chosen] - 1, matched_referral[chosen]
        referred = self.referral_day[referral]
        index_on = np.minimum(
            self.as_of,
            referred
            + rng.integers(-out.INDEX_DAYS_FROM_MATCHED_REFERRAL, out.INDEX_DAYS_FROM_MATCHED_REFERRAL + 1, size),
        )
        age = (
            referred
            - self.birth_day[person]
            + rng.integers(-out.AGE_DAYS_FROM_MATCHED_AGE, out.AGE_DAYS_FROM_MATCHED_AGE + 1, size)
        )
        birth = index_on - np.maximum(out.YOUNGEST_AGE_DAYS, age)
        birth_known = self.birth_known[person]
        offense = self.offense[referral].copy()
        not_eligible = (offense != out.DRUG) & (offense != out.PROSTITUTION)
        offense[not_eligible] = np.where(
            rng.random(not_eligible.sum()) < out.PROSTITUTION_SHARE_OF_OTHER_OFFENSES, out.PROSTITUTION, out.DRUG
        )
        order = np.argsort(index_on, kind="stable")
        index_on, birth, birth_known, offense, person = (
            index_on[order],
            birth[order],
            birth_known[order],
            offense[order],
            person[order],
        )
        people = {
            "person_id": col.ids(size),
            "index_on": col.dates(index_on),
            "offense": offense,
            "sex": self.sex[person],
            "race": self.race[person],
            "date_of_birth": col.dates(birth, birth_known),
        }

        with_prior = np.flatnonzero(rng.random(size) < out.PRIOR_ARREST_SHARE)
        prior_owner = np.repeat(with_prior, 1 + (rng.random(len(with_prior)) >= 0.7))
        prior_day = index_on[prior_owner] - rng.integers(3, out.PRIOR_ARREST_WINDOW_DAYS + 1, len(prior_owner))
        adult = ~birth_known[prior_owner] | (prior_day >= birth[prior_owner])
        prior_owner, prior_day = prior_owner[adult], prior_day[adult]
        paces = col.arrest_paces(rng, out.COMPARISON_ARRESTS_PER_PERSON_YEAR, size)
        after_owner, after_day = col.uniform_days_within(
            rng, index_on + 1, np.full(size, self.as_of), rng.poisson(paces * np.maximum(0, self.as_of - index_on))
        )
        drawn = len(prior_owner) + len(after_owner)
        kind = rng.choice(
            len(out.COMPARISON_ARRESTS), size=drawn, p=col.weights([arrest[2] for arrest in out.COMPARISON_ARRESTS])
        )
        severity = np.concatenate(
            [
                np.full(size, out.MISDEMEANOR, dtype=object),
                col.coded_text([arrest[0] for arrest in out.COMPARISON_ARRESTS], kind),
            ]
        )
        warrant_values = np.array(
            [-1 if arrest[1] is None else int(arrest[1]) for arrest in out.COMPARISON_ARRESTS], dtype=np.int8
        )
        warrant = np.concatenate([np.zeros(size, dtype=np.int8), warrant_values[kind]])
        owner = np.concatenate([np.arange(size), prior_owner, after_owner])
        day = np.concatenate([index_on, prior_day, after_day])
        seconds = rng.integers(0, 24, len(owner)) * 3600 + rng.integers(0, 60, len(owner)) * 60
        at = col.timestamps(day, seconds)
        order = col.order(at, owner)
        arrests = {
            "comparison_arrest_id": col.ids(len(order)),
            "person_id": owner[order] + 1,
            "arrested_at": at[order],
            "severity": severity[order],
            "warrant_only": warrant[order],
        }
        return people, arrests
