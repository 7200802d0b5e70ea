"""The weekly partner meeting: its client agenda (who to discuss this week, why, and what about), and
this week's figures against last week's (``weekly_changes``, ``caseload_change``).

The agenda is built from the week's events (intakes, re-arrests and exits dated in the 7 days ending
D) and from the active enrollments whose engagement is contact overdue or in the wind, each read
once with a grouped query, never participant by participant. Names appear only for people with a
release of information in force on D, and only for roles that may see them; everyone else is a
count per team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, func, or_, select

from lead_data import sql
from lead_data.access import aggregate, shown_by_role
from lead_data.figures.caseload import unassigned_count
from lead_data.figures.enrollment import active_count, exit_count, intake_count, referral_count
from lead_data.figures.rearrests import rearrests_by_month, rearrests_in
from lead_data.models import Arrest, CareTeam, Consent, Contact, Enrollment, Officer, Participant, Referral
from lead_data.periods import Period, week_ending

NEW_INTAKE, REARRESTED, GRADUATED, EXITED = "new_intake", "rearrested", "graduated", "exited"
# The order reasons are listed and counted in; a graduation is apart from other exits: it is good news.
AGENDA_REASONS = (NEW_INTAKE, REARRESTED, sql.CONTACT_OVERDUE, sql.IN_THE_WIND, GRADUATED, EXITED)
COUNT_COLUMNS = ("team", *AGENDA_REASONS, "clients")
# A meeting reads through a few dozen names; past that the page says how many more there are and
# offers the team filter. The figure lists this many per team, so any one team's part is complete to it.
NAMES_SHOWN = 40


@dataclass(frozen=True)
class Agenda:
    """The weekly meeting's client agenda (see ``meeting_agenda``)."""

    listed: pd.DataFrame  # one row per client listed by name: see meeting_agenda
    not_named: pd.DataFrame  # team, clients: people to discuss who are not listed by name, per team
    counts: pd.DataFrame  # COUNT_COLUMNS: everyone to discuss, named or not, per team and reason
    with_names: bool  # whether anyone could be listed by name (else everyone is in not_named)

    @property
    def teams(self) -> list[str]:
        """The teams with someone to discuss, in agenda order."""
        teams: list[str] = self.counts["team"].tolist()
        return teams

    @property
    def named(self) -> int:
        """How many clients are to be listed by name, ``listed`` holding only the first of them when capped."""
        return int(self.counts["clients"].sum()) - int(self.not_named["clients"].sum())

    def for_team(self, team: str | None, *, names: int | None = None) -> Agenda:
        """Only ``team``'s part of the agenda (None: every team), listing the first ``names`` clients
        by name at most (None: all there are); the counts keep everyone."""
        if team is None and names is None:
            return self

        def part(frame: pd.DataFrame) -> pd.DataFrame:
            return frame if team is None else frame[frame["team"] == team].reset_index(drop=True)

        listed = part(self.listed)
        if names is not None:
            listed = listed.head(names)
        return Agenda(listed, part(self.not_named), part(self.counts), self.with_names)


@shown_by_role(with_names="consented_agenda_names", with_ids="participant_lists")
def meeting_agenda(
    conn: Connection, *, as_of: date, with_names: bool, with_ids: bool = False, names_per_team: int | None = None
) -> Agenda:
    """Participants with something to discuss this week (the 7 days ending D), grouped by team.

    Reasons: a new intake, a re-arrest, contact overdue or in the wind (on D), a graduation, another
    exit, each dated in the week. A client's team is that of their latest enrollment (intake on or
    before D); none is "Unassigned". Teams are in team id order (the caseload's), "Unassigned" last.

    ``listed`` (only with ``with_names``: people with a release in force on D, signed on or before D
    and not revoked by D) has the columns participant_id (only ``with_ids``), team, name, reasons (a
    tuple of AGENDA_REASONS), good_news (a graduation) and discuss (what to talk about, one line per
    reason); with ``names_per_team``, only that many of each team (the first in agenda order), the
    others still counted by ``Agenda.named``. ``not_named`` counts the rest per team; ``counts``
    counts everyone per team and reason.
    """
    week = week_ending(as_of)
    found = [
        _new_intakes(conn, as_of, week),
        _rearrests_in_week(conn, as_of, week),
        _engagement_flags(conn, as_of),
        _exits(conn, as_of, week),
    ]
    events = pd.concat([frame for frame in found if not frame.empty] or found[:1], ignore_index=True)
    people = _people(conn, as_of, sorted(set(events["participant_id"])))
    events = events.merge(people, on="participant_id")
    events["reason_order"] = events["reason"].map(AGENDA_REASONS.index)
    events = events.sort_values(["reason_order", "on", "participant_id"], kind="stable")

    clients = _per_client(events)
    clients["good_news"] = clients["reasons"].map(lambda reasons: GRADUATED in reasons)
    clients["unassigned"] = clients["team_id"].isna()
    clients = clients.sort_values(["unassigned", "team_id", "last_name", "name", "participant_id"], kind="stable")

    named = clients["released"] & with_names
    columns = ["participant_id", "team", "name", "reasons", "good_news", "discuss"]
    listed = clients.loc[named, columns if with_ids else columns[1:]]
    if names_per_team is not None:
        listed = listed.groupby("team", sort=False).head(names_per_team)
    listed = listed.reset_index(drop=True)
    not_named = (
        clients[~named].groupby("team", sort=False).size().rename("clients").reset_index()
        if (~named).any()
        else pd.DataFrame({"team": pd.Series(dtype=str), "clients": pd.Series(dtype=int)})
    )
    return Agenda(listed=listed, not_named=not_named, counts=_counts(clients), with_names=with_names)


def _per_client(events: pd.DataFrame) -> pd.DataFrame:
    """One row per client from their events (sorted by reason): who they are, their reasons in
    order without repeats, and the lines to discuss."""
    events = events.sort_values("participant_id", kind="stable").reset_index(drop=True)
    clients = events.drop_duplicates("participant_id")
    starts = clients.index.to_numpy()
    ends = [*starts[1:], len(events)][: len(starts)]
    reasons, details = events["reason"].tolist(), events["detail"].tolist()
    clients = clients[["participant_id", "team", "team_id", "name", "last_name", "released"]].reset_index(drop=True)
    clients["reasons"] = [tuple(dict.fromkeys(reasons[start:end])) for start, end in zip(starts, ends, strict=True)]
    clients["discuss"] = ["\n".join(details[start:end]) for start, end in zip(starts, ends, strict=True)]
    return clients


def _counts(clients: pd.DataFrame) -> pd.DataFrame:
    """Clients per team and reason (a client with two reasons counts under each) and in all."""
    if clients.empty:
        return pd.DataFrame(columns=list(COUNT_COLUMNS)).astype({column: int for column in COUNT_COLUMNS[1:]})
    by_reason = clients[["team", "reasons"]].explode("reasons")
    counts = pd.crosstab(by_reason["team"], by_reason["reasons"]).reindex(columns=list(AGENDA_REASONS), fill_value=0)
    counts["clients"] = clients.groupby("team", sort=False).size()
    teams = clients["team"].drop_duplicates()
    return (
        counts.loc[teams]
        .rename_axis(index="team", columns=None)
        .reset_index()[list(COUNT_COLUMNS)]
        .astype({column: int for column in COUNT_COLUMNS[1:]})
    )


def _events(frame: pd.DataFrame, reason: str | pd.Series, detail: pd.Series, on: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {"participant_id": frame["participant_id"], "reason": reason, "detail": detail, "on": on.astype(str)},
        columns=["participant_id", "reason", "detail", "on"],
    )


def _short_day(value: Any) -> str:
    day = pd.Timestamp(value)
    return f"{day:%a} {day.day} {day:%b}"


def _plain(code: object) -> str:
    return str(code).replace("_", " ")


def _new_intakes(conn: Connection, as_of: date, week: Any) -> pd.DataFrame:
    """Intakes in the week with the referral's type and the referring officer's unit."""
    statement = (
        select(
            Enrollment.participant_id,
            Enrollment.intake_on,
            sql.labelled(Referral.referral_type).label("referral_type"),
            sql.labelled(Officer.unit).label("unit"),
        )
        .join(Referral, Referral.referral_id == Enrollment.referral_id)
        .outerjoin(Officer, Officer.officer_id == Referral.officer_id)
        .where(sql.in_period(Enrollment.intake_on, week, as_of))
    )
    rows = sql.frame(conn, statement)
    detail = [
        f"New intake {_short_day(row.intake_on)}: {_plain(row.referral_type)} referral, "
        + (f"officer's unit {row.unit}" if row.unit != sql.NOT_RECORDED else "officer's unit not recorded")
        for row in rows.itertuples()
    ]
    return _events(rows, NEW_INTAKE, pd.Series(detail, dtype=str), rows["intake_on"])


def _rearrests_in_week(conn: Connection, as_of: date, week: Any) -> pd.DataFrame:
    """Re-arrests (DATA_CONTRACT.md's rule) dated in the week, with charge, severity and kind."""
    rearrests = sql.rearrests(as_of, week)
    statement = select(
        rearrests.c.participant_id,
        rearrests.c.arrested_on,
        func.coalesce(Arrest.charge, "charge not recorded").label("charge"),
        sql.labelled(rearrests.c.severity).label("severity"),
        Arrest.warrant_only,
    ).join(Arrest, Arrest.arrest_id == rearrests.c.arrest_id)
    rows = sql.frame(conn, statement)
    detail = [
        f"Re-arrested {_short_day(row.arrested_on)}: {row.charge}, "
        + (f"{row.severity}, " if row.severity != sql.NOT_RECORDED else "severity not recorded, ")
        + _arrest_kind(row.warrant_only)
        for row in rows.itertuples()
    ]
    return _events(rows, REARRESTED, pd.Series(detail, dtype=str), rows["arrested_on"])


def _arrest_kind(warrant_only: object) -> str:
    if pd.isna(warrant_only):
        return "new offense or warrant only not recorded"
    return "warrant only" if bool(warrant_only) else "new offense"


def _engagement_flags(conn: Connection, as_of: date) -> pd.DataFrame:
    """Active clients contact overdue or in the wind on D: days since the last reached contact (or
    intake) and outreach attempts since then (after that contact; on or after intake without one)."""
    engagement = sql.active_engagement(as_of)
    since_last = or_(
        Contact.contacted_on > engagement.c.last_contact_on,
        and_(engagement.c.last_contact_on.is_(None), Contact.contacted_on >= engagement.c.intake_on),
    )
    statement = (
        select(
            engagement.c.participant_id,
            engagement.c.engagement,
            engagement.c.last_contact_on,
            engagement.c.days_since_contact,
            func.count(Contact.contact_id).label("attempts"),
        )
        .select_from(engagement)
        .outerjoin(
            Contact,
            and_(
                Contact.participant_id == engagement.c.participant_id,
                Contact.kind == "attempt",
                Contact.contacted_on <= as_of,
                since_last,
            ),
        )
        .where(engagement.c.engagement.in_((sql.CONTACT_OVERDUE, sql.IN_THE_WIND)))
        .group_by(
            engagement.c.enrollment_id,
            engagement.c.participant_id,
            engagement.c.engagement,
            engagement.c.last_contact_on,
            engagement.c.days_since_contact,
        )
        .order_by(engagement.c.participant_id, engagement.c.days_since_contact.desc())
    )
    # Two active enrollments of one person (a data error) would list them twice: keep the longer gap.
    rows = sql.frame(conn, statement).drop_duplicates("participant_id").reset_index(drop=True)
    detail = [
        f"{'Contact overdue' if row.engagement == sql.CONTACT_OVERDUE else 'In the wind'}: "
        f"{int(row.days_since_contact)} days since "
        + ("the last contact" if pd.notna(row.last_contact_on) else "intake, never reached")
        + f", {int(row.attempts)} outreach attempt{'' if int(row.attempts) == 1 else 's'} since"
        for row in rows.itertuples()
    ]
    return _events(rows, rows["engagement"], pd.Series(detail, dtype=str), pd.Series([as_of] * len(rows)))


def _exits(conn: Connection, as_of: date, week: Any) -> pd.DataFrame:
    """Exits in the week with their reason; a graduation is its own reason, the good news."""
    statement = select(
        Enrollment.participant_id, Enrollment.exited_on, sql.labelled(Enrollment.exit_reason).label("exit_reason")
    ).where(Enrollment.exited_on.is_not(None), sql.in_period(Enrollment.exited_on, week, as_of))
    rows = sql.frame(conn, statement)
    graduated = rows["exit_reason"] == GRADUATED
    detail = [
        f"Graduated {_short_day(row.exited_on)}: good news"
        if row.exit_reason == GRADUATED
        else f"Exited {_short_day(row.exited_on)}: {_plain(row.exit_reason)}"
        for row in rows.itertuples()
    ]
    reason = pd.Series([GRADUATED if is_graduation else EXITED for is_graduation in graduated], dtype=str)
    return _events(rows, reason, pd.Series(detail, dtype=str), rows["exited_on"])


def _people(conn: Connection, as_of: date, participant_ids: list[int]) -> pd.DataFrame:
    """Name, team (of the latest enrollment by D) and whether a release is in force on D, per person."""
    latest = (
        select(
            Enrollment.participant_id,
            Enrollment.team_id,
            func.row_number()
            .over(
                partition_by=Enrollment.participant_id,
                order_by=(Enrollment.intake_on.desc(), Enrollment.enrollment_id.desc()),
            )
            .label("recency"),
        )
        .where(Enrollment.intake_on <= as_of, Enrollment.participant_id.in_(participant_ids))
        .subquery("latest")
    )
    releases = (
        select(Consent.participant_id)
        .where(Consent.signed_on <= as_of, or_(Consent.revoked_on.is_(None), Consent.revoked_on > as_of))
        .distinct()
        .subquery("releases")
    )
    statement = (
        select(
            Participant.participant_id,
            (Participant.first_name + " " + Participant.last_name).label("name"),
            Participant.last_name,
            latest.c.team_id,
            func.coalesce(CareTeam.name, sql.UNASSIGNED).label("team"),
            releases.c.participant_id.is_not(None).label("released"),
        )
        .select_from(latest)
        .join(Participant, Participant.participant_id == latest.c.participant_id)
        .outerjoin(CareTeam, CareTeam.team_id == latest.c.team_id)
        .outerjoin(releases, releases.c.participant_id == latest.c.participant_id)
        .where(latest.c.recency == 1)
    )
    people = sql.frame(conn, statement)
    people["released"] = people["released"].astype(bool)
    return people


# --- the week against the week before --------------------------------------------------------


@aggregate
def weekly_changes(conn: Connection, *, as_of: date) -> pd.DataFrame:
    """This week (the 7 days ending D) against the 7 days before.

    Columns: figure, this_week, last_week, change. Event counts are per week; active, unassigned and
    teams over cap are as at the end of each week.
    """

    def figures(period: Period) -> dict[str, int]:
        end = period.end
        return {
            "New referrals": referral_count(conn, as_of=end, period=period),
            "Intakes": intake_count(conn, as_of=end, period=period),
            "Re-arrests": rearrests_in(rearrests_by_month(conn, as_of=end, period=period)),
            "Graduations": exit_count(conn, as_of=end, period=period, graduated=True),
            "Other exits": exit_count(conn, as_of=end, period=period, graduated=False),
            "Active participants": active_count(conn, as_of=end),
            "Unassigned": unassigned_count(conn, as_of=end),
            "Teams over cap": _teams_over_cap(conn, as_of=end),
        }

    now, before = figures(week_ending(as_of)), figures(week_ending(as_of, weeks_back=1))
    return pd.DataFrame(
        {
            "figure": list(now),
            "this_week": list(now.values()),
            "last_week": [before[name] for name in now],
            "change": [now[name] - before[name] for name in now],
        }
    )


def _teams_over_cap(conn: Connection, *, as_of: date) -> int:
    """Teams whose active enrollments on D outnumber their cap (``caseload_by_team``'s over_cap),
    counted without working out each client's engagement."""
    over_cap = (
        select(CareTeam.team_id)
        .join(Enrollment, Enrollment.team_id == CareTeam.team_id)
        .where(sql.is_active(as_of))
        .group_by(CareTeam.team_id, CareTeam.caseload_cap)
        .having(func.count() > CareTeam.caseload_cap)
        .subquery("over_cap")
    )
    return sql.scalar(conn, select(func.count()).select_from(over_cap))


def caseload_change(now: pd.DataFrame, week_before: pd.DataFrame) -> pd.DataFrame:
    """Each team's caseload now against a week before, from ``caseload_by_team`` at D and D − 7 days.

    Columns: team, caseload, caseload_cap, over_cap, last_week, change.
    """
    before = week_before[["team_id", "caseload"]].rename(columns={"caseload": "last_week"})
    merged = now.merge(before, on="team_id", how="left")
    merged["last_week"] = merged["last_week"].fillna(0).astype(int)
    merged["change"] = merged["caseload"] - merged["last_week"]
    return merged[["team", "caseload", "caseload_cap", "over_cap", "last_week", "change"]]
