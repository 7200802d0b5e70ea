"""Engagement and the participant lists: who is enrolled, filtered and paged, and service linkage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    func,
    select,
    true,
)

from lead_data import sql
from lead_data.access import needs
from lead_data.figures.caseload import caseload_by_team
from lead_data.models import (
    CareTeam,
    Enrollment,
    Participant,
    Referral,
    Service,
)
from lead_data.periods import Period
from lead_data.sqlfunctions import (
    days_between,
    fold,
    folded,
)

STATUSES = ("active", "exited")


@dataclass(frozen=True)
class ParticipantFilters:
    """Staff's filters on the participant list; an empty tuple or None means "any"."""

    statuses: tuple[str, ...] = ()
    engagement: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()  # team names, or sql.UNASSIGNED
    referral_types: tuple[str, ...] = ()
    intake_from: date | None = None
    intake_to: date | None = None
    min_days_since_contact: int | None = None
    name: str = ""

    def for_audit(self) -> dict[str, Any]:
        """The filters as the audit log records them: a searched name is never written down."""
        return {
            "statuses": list(self.statuses),
            "engagement": list(self.engagement),
            "teams": list(self.teams),
            "referral_types": list(self.referral_types),
            "intake_from": self.intake_from,
            "intake_to": self.intake_to,
            "min_days_since_contact": self.min_days_since_contact,
            "name_search": bool(self.name.strip()),
        }


PARTICIPANTS_PER_PAGE = 100


@dataclass(frozen=True)
class ListPage:
    """One page of a long list: ``number`` counts from 1, each page holds ``size`` rows."""

    number: int
    size: int = PARTICIPANTS_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_count(total: int, size: int = PARTICIPANTS_PER_PAGE) -> int:
    """How many pages ``total`` rows fill; an empty list still has its one (empty) page."""
    return max(1, -(-total // size))


@needs("participant_lists")
def participant_list(
    conn: Connection, *, as_of: date, filters: ParticipantFilters = ParticipantFilters(), page: ListPage | None = None
) -> pd.DataFrame:
    """Enrolled participants (latest enrollment with intake on or before D), filtered: every one, or
    only the rows of ``page`` (none past the last page).

    Columns: participant_id, name, status (active / exited), engagement (active only), team,
    referral_type, intake_on, exited_on, last_contact_on, days_since_contact (since the last reached
    contact, or since intake when there is none). Ordered by last name, first name, id.
    """
    frame = sql.frame(conn, _participant_rows(as_of, filters, page))
    for column in ("intake_on", "exited_on", "last_contact_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


@needs("participant_lists")
def participant_count(conn: Connection, *, as_of: date, filters: ParticipantFilters = ParticipantFilters()) -> int:
    """How many rows ``participant_list`` gives with these filters, all pages together."""
    if _filters_on_contact(filters):
        rows = _participant_rows(as_of, filters, None).order_by(None).subquery("listed")
    else:
        rows = _people_listed(as_of, filters).subquery("listed")
    return sql.scalar(conn, select(func.count()).select_from(rows))


# The list's order; the id last, so consecutive pages neither repeat nor skip anyone.
_LIST_ORDER = ("last_name", "first_name", "participant_id")


def _filters_on_contact(filters: ParticipantFilters) -> bool:
    return bool(filters.engagement) or filters.min_days_since_contact is not None


def _people_listed(as_of: date, filters: ParticipantFilters) -> Select[Any]:
    """The listed people and their latest enrollment, with every filter that needs no contact."""
    latest = (
        select(
            Enrollment,
            func.row_number()
            .over(
                partition_by=Enrollment.participant_id,
                order_by=(Enrollment.intake_on.desc(), Enrollment.enrollment_id.desc()),
            )
            .label("recency"),
        )
        .where(Enrollment.intake_on <= as_of)
        .subquery("latest")
    )
    exited = and_(latest.c.exited_on.is_not(None), latest.c.exited_on <= as_of)
    status = case((exited, "exited"), else_="active")
    team = func.coalesce(CareTeam.name, sql.UNASSIGNED)
    referral_type = sql.labelled(Referral.referral_type)
    return (
        select(
            Participant.participant_id,
            Participant.first_name,
            Participant.last_name,
            status.label("status"),
            team.label("team"),
            referral_type.label("referral_type"),
            latest.c.intake_on,
            case((exited, latest.c.exited_on), else_=None).label("exited_on"),
        )
        .select_from(latest)
        .join(Participant, Participant.participant_id == latest.c.participant_id)
        .outerjoin(CareTeam, CareTeam.team_id == latest.c.team_id)
        .outerjoin(Referral, Referral.referral_id == latest.c.referral_id)
        .where(latest.c.recency == 1, *_participant_conditions(filters, status, team, referral_type, latest))
    )


def _participant_rows(as_of: date, filters: ParticipantFilters, page: ListPage | None) -> Select[Any]:
    """The list's rows: people first, then each one's last contact and engagement. Without a filter
    on contact, a page is taken before the contacts are looked up, so a page of 100 reads the
    contacts of 100 people, not of everyone enrolled."""
    people = _people_listed(as_of, filters)
    on_contact = _filters_on_contact(filters)
    if page is not None and not on_contact:
        people = people.order_by(*(people.selected_columns[name] for name in _LIST_ORDER))
        people = people.limit(page.size).offset(page.offset)
    listed = people.subquery("people")
    last_contact_on = sql.last_contact_on(listed.c.participant_id, as_of)
    days_since = days_between(func.coalesce(last_contact_on, listed.c.intake_on), sql.day(as_of))
    engagement = case((listed.c.status == "exited", None), else_=sql.engagement_level(days_since))
    rows = select(
        listed.c.participant_id,
        (listed.c.first_name + " " + listed.c.last_name).label("name"),
        listed.c.status,
        engagement.label("engagement"),
        listed.c.team,
        listed.c.referral_type,
        listed.c.intake_on,
        listed.c.exited_on,
        last_contact_on.label("last_contact_on"),
        days_since.label("days_since_contact"),
    ).order_by(*(listed.c[name] for name in _LIST_ORDER))
    if filters.engagement:
        rows = rows.where(engagement.in_(filters.engagement))
    if filters.min_days_since_contact is not None:
        rows = rows.where(days_since >= filters.min_days_since_contact)
    if page is not None and on_contact:
        rows = rows.limit(page.size).offset(page.offset)
    return rows


def _participant_conditions(
    filters: ParticipantFilters,
    status: ColumnElement[str],
    team: ColumnElement[str],
    referral_type: ColumnElement[str],
    latest: Any,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    search = fold(filters.name)
    if search:
        # Both sides folded alike (sqlfunctions.folded), so "ñúñ" finds "Ñúñez" on SQLite as on PostgreSQL.
        name = folded(Participant.first_name + " " + Participant.last_name)
        conditions.append(name.contains(search, autoescape=True))
    if filters.statuses:
        conditions.append(status.in_(filters.statuses))
    if filters.teams:
        conditions.append(team.in_(filters.teams))
    if filters.referral_types:
        conditions.append(referral_type.in_(filters.referral_types))
    if filters.intake_from:
        conditions.append(latest.c.intake_on >= filters.intake_from)
    if filters.intake_to:
        conditions.append(latest.c.intake_on <= filters.intake_to)
    if not conditions:
        conditions.append(true())
    return conditions


@needs("participant_lists")
def team_names(conn: Connection, *, as_of: date) -> list[str]:
    """Names of teams a filter can offer: active teams and teams holding active enrollments."""
    names: list[str] = caseload_by_team(conn, as_of=as_of)["team"].tolist()
    return names


# --- services --------------------------------------------------------------------------------


@needs("services")
def service_linkage(conn: Connection, *, as_of: date, period: Period | None = None) -> pd.DataFrame:
    """Services referred in the period by category, and how many are connected (started by D).

    Columns: category, referred, connected. Ordered by referrals, most first.
    """
    connected = func.coalesce(
        func.sum(case((and_(Service.started_on.is_not(None), Service.started_on <= as_of), 1), else_=0)), 0
    )
    statement = (
        select(Service.category, func.count().label("referred"), connected.label("connected"))
        .where(sql.in_period(Service.referred_on, period, as_of))
        .group_by(Service.category)
        .order_by(func.count().desc(), Service.category)
    )
    return sql.frame(conn, statement)
