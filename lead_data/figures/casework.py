"""The daily work of case managers and their supervisor: the referral queue, each worker's clients and
their next action, and one client's timeline.

Like every figure, each takes an open connection and the as-of date D (rows dated after D do
not exist for it) and aggregates in SQL with bound parameters. The rules are in docs/USING.md
("Casework"):

- **Referral queue.** A referral dated on or before D is waiting at one step: *pending eligibility*
  (``eligibility`` pending), *awaiting SAO verification* (eligible, no ``sao_verified_on`` on or
  before D) or *awaiting intake* (verified, no enrollment for it with ``intake_on`` on or before D).
  Ineligible referrals, and referrals of someone already active in the program, wait for nothing.
  Every step's clock is the days since the referral; each step has a deadline in days after the
  referral, and a referral is *past its deadline* from the day after it (on the deadline day it is
  still on time). A referral older than the queue's window has left the queue (the person was not
  reached); the eligibility funnel still counts it.
- **My clients.** Active enrollments, with engagement and days since contact as ``lead_data.sql`` defines
  them, attempts since the last reached contact (since intake when there is none), open service
  referrals (referred on or before D, not started by D) and the one next action that comes first
  of: *overdue contact* (more than ``ENGAGED_MAX_DAYS`` days since contact), *intake paperwork* (no release of
  information signed by D), *assessment due* (none since intake, or the latest one since intake
  ``ASSESSMENT_INTERVAL_DAYS`` or more days before D).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, case, func, literal, not_, or_, select, true

from lead_data import sql
from lead_data.access import aggregate, needs
from lead_data.figures.participants import ListPage
from lead_data.models import (
    Arrest,
    Assessment,
    Booking,
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
from lead_data.site import QueueDeadlines
from lead_data.sqlfunctions import date_of, days_between, fold, folded

# --- the referral queue ------------------------------------------------------------------------

PENDING_ELIGIBILITY = "pending_eligibility"
AWAITING_VERIFICATION = "awaiting_sao_verification"
AWAITING_INTAKE = "awaiting_intake"
QUEUE_STEPS = (PENDING_ELIGIBILITY, AWAITING_VERIFICATION, AWAITING_INTAKE)
QUEUE_PER_PAGE = 100  # referrals per page of the queue: a statewide network's queue holds hundreds


def _queue(as_of: date, deadlines: QueueDeadlines) -> Any:
    """Every referral waiting at a step on D, with its clock and deadline."""
    referred_on = date_of(Referral.referred_at)
    verified = and_(Referral.sao_verified_on.is_not(None), Referral.sao_verified_on <= as_of)
    step = case(
        (Referral.eligibility == "pending", PENDING_ELIGIBILITY),
        (not_(verified), AWAITING_VERIFICATION),
        else_=AWAITING_INTAKE,
    )
    deadline = case(
        (Referral.eligibility == "pending", deadlines.eligibility_days),
        (not_(verified), deadlines.verification_days),
        else_=deadlines.intake_days,
    )
    taken_in = (
        select(literal(1))
        .select_from(Enrollment)
        .where(Enrollment.referral_id == Referral.referral_id, Enrollment.intake_on <= as_of)
        .exists()
    )
    already_active = (
        select(literal(1))
        .select_from(Enrollment)
        .where(Enrollment.participant_id == Referral.participant_id, sql.is_active(as_of))
        .exists()
    )
    window_start = datetime.combine(as_of - timedelta(days=deadlines.window_days), time.min)
    days_waiting = days_between(referred_on, sql.day(as_of))
    return (
        select(
            Referral.referral_id,
            Referral.participant_id,
            step.label("step"),
            sql.labelled(Referral.referral_type).label("referral_type"),
            sql.labelled(Officer.unit).label("unit"),
            referred_on.label("referred_on"),
            days_waiting.label("days_waiting"),
            deadline.label("deadline_days"),
        )
        .outerjoin(Officer, Officer.officer_id == Referral.officer_id)
        .where(
            sql.on_or_before(Referral.referred_at, as_of, timestamp=True),
            Referral.referred_at >= window_start,
            Referral.eligibility != "ineligible",
            not_(taken_in),
            not_(already_active),
        )
        .subquery("queue")
    )


@needs("referral_rows", with_names="participant_lists")
def referral_queue(
    conn: Connection,
    *,
    as_of: date,
    deadlines: QueueDeadlines,
    with_names: bool = False,
    page: ListPage | None = None,
) -> pd.DataFrame:
    """Every referral waiting on D, most overdue first, or only the rows of ``page`` (how many there
    are in all: ``queue_total`` of ``referral_queue_counts``).

    Columns: participant_id and name (only ``with_names``), step, referral_type, unit (the referring
    officer's), referred_on, days_waiting, deadline_days, past_deadline (days_waiting > deadline_days).
    """
    queue = _queue(as_of, deadlines)
    past = queue.c.days_waiting > queue.c.deadline_days
    statement = (
        select(
            queue.c.participant_id,
            (Participant.first_name + " " + Participant.last_name).label("name"),
            queue.c.step,
            queue.c.referral_type,
            queue.c.unit,
            queue.c.referred_on,
            queue.c.days_waiting,
            queue.c.deadline_days,
            past.label("past_deadline"),
        )
        .join(Participant, Participant.participant_id == queue.c.participant_id)
        .order_by((queue.c.days_waiting - queue.c.deadline_days).desc(), queue.c.referred_on, queue.c.referral_id)
    )
    if page is not None:
        statement = statement.limit(page.size).offset(page.offset)
    frame = sql.frame(conn, statement)
    frame["past_deadline"] = frame["past_deadline"].astype(bool)
    frame["referred_on"] = pd.to_datetime(frame["referred_on"])
    if not with_names:
        frame = frame.drop(columns=["participant_id", "name"])
    return frame


@aggregate
def referral_queue_counts(conn: Connection, *, as_of: date, deadlines: QueueDeadlines) -> pd.DataFrame:
    """Referrals waiting on D at each step, in the order of QUEUE_STEPS (a step with none shows 0).

    Columns: step, deadline_days, waiting, past_deadline, longest_wait (days; 0 when none wait).
    """
    queue = _queue(as_of, deadlines)
    statement = select(
        queue.c.step,
        func.count().label("waiting"),
        func.sum(case((queue.c.days_waiting > queue.c.deadline_days, 1), else_=0)).label("past_deadline"),
        func.max(queue.c.days_waiting).label("longest_wait"),
    ).group_by(queue.c.step)
    found = sql.frame(conn, statement).set_index("step")
    counts = found.reindex(list(QUEUE_STEPS)).fillna(0).astype(int).rename_axis("step").reset_index()
    in_step_order = [deadlines.eligibility_days, deadlines.verification_days, deadlines.intake_days]  # QUEUE_STEPS
    counts.insert(1, "deadline_days", in_step_order)
    return counts


def queue_total(counts: pd.DataFrame) -> int:
    """Referrals waiting on D at any step: the sum of ``referral_queue_counts``' waiting."""
    return int(counts["waiting"].sum())


@aggregate
def referrals_past_deadline(conn: Connection, *, as_of: date, deadlines: QueueDeadlines) -> int:
    """Referrals waiting on D past their step's deadline, over every step."""
    queue = _queue(as_of, deadlines)
    return sql.scalar(conn, select(func.count()).where(queue.c.days_waiting > queue.c.deadline_days))


# --- my clients ----------------------------------------------------------------------------------

ASSESSMENT_INTERVAL_DAYS = 90
OVERDUE_CONTACT, INTAKE_PAPERWORK, ASSESSMENT_DUE = "overdue_contact", "intake_paperwork", "assessment_due"
NEXT_ACTIONS = (OVERDUE_CONTACT, INTAKE_PAPERWORK, ASSESSMENT_DUE)  # the first that applies is the next
SUPERVISOR = "supervisor"
# Why a worker sees every team rather than their own first.
IS_SUPERVISOR, NO_STAFF_ID, UNKNOWN_STAFF_ID = "supervisor", "no_staff_id", "unknown_staff_id"


@dataclass(frozen=True)
class Caseload:
    """A worker's clients: their own team's first, then everyone else's."""

    own: pd.DataFrame  # every team's clients when ``every_team_because`` is set
    others: pd.DataFrame
    staff_name: str | None  # the worker named by the staff id, if any
    own_teams: tuple[str, ...]  # the care teams they are the peer or case manager of
    every_team_because: str | None  # IS_SUPERVISOR, NO_STAFF_ID, UNKNOWN_STAFF_ID, or None


def _clients(as_of: date) -> Any:
    """Active enrollments with everything My clients shows, and a rank of their next action."""
    engagement = sql.active_engagement(as_of)
    person = engagement.c.participant_id
    last_contact, intake_on = engagement.c.last_contact_on, engagement.c.intake_on
    attempts = (
        select(func.count())
        .select_from(Contact)
        .where(
            Contact.participant_id == person,
            Contact.kind == "attempt",
            Contact.contacted_on <= as_of,
            or_(
                and_(last_contact.is_(None), Contact.contacted_on >= intake_on),
                Contact.contacted_on > last_contact,
            ),
        )
        .scalar_subquery()
    )
    open_services = (
        select(func.count())
        .select_from(Service)
        .where(
            Service.participant_id == person,
            Service.referred_on <= as_of,
            or_(Service.started_on.is_(None), Service.started_on > as_of),
        )
        .scalar_subquery()
    )
    last_assessment = (
        select(func.max(Assessment.assessed_on))
        .where(
            Assessment.participant_id == person, Assessment.assessed_on >= intake_on, Assessment.assessed_on <= as_of
        )
        .scalar_subquery()
    )
    release_signed = (
        select(literal(1))
        .select_from(Consent)
        .where(Consent.participant_id == person, Consent.signed_on <= as_of)
        .exists()
    )
    assessment_due = or_(
        last_assessment.is_(None), days_between(last_assessment, sql.day(as_of)) >= ASSESSMENT_INTERVAL_DAYS
    )
    next_action = case(
        (engagement.c.days_since_contact > sql.ENGAGED_MAX_DAYS, OVERDUE_CONTACT),
        (not_(release_signed), INTAKE_PAPERWORK),
        (assessment_due, ASSESSMENT_DUE),
        else_=None,
    )
    return (
        select(
            person.label("participant_id"),
            (Participant.first_name + " " + Participant.last_name).label("name"),
            Participant.last_name,
            engagement.c.team_id,
            func.coalesce(CareTeam.name, sql.UNASSIGNED).label("team"),
            engagement.c.engagement,
            intake_on.label("intake_on"),
            last_contact.label("last_contact_on"),
            engagement.c.days_since_contact,
            attempts.label("attempts_since_contact"),
            open_services.label("open_service_referrals"),
            last_assessment.label("last_assessment_on"),
            next_action.label("next_action"),
        )
        .select_from(engagement)
        .join(Participant, Participant.participant_id == person)
        .outerjoin(CareTeam, CareTeam.team_id == engagement.c.team_id)
        .subquery("clients")
    )


CLIENT_COLUMNS = [
    "participant_id", "name", "team", "engagement", "days_since_contact", "attempts_since_contact",
    "open_service_referrals", "next_action", "intake_on", "last_contact_on", "last_assessment_on",
]  # fmt: skip


@needs("participant_lists")
def my_clients(conn: Connection, *, as_of: date, staff_id: int | None) -> Caseload:
    """The active clients of the care teams whose peer or case manager is ``staff_id`` first, then the
    rest. A supervisor (staff role ``supervisor``), no staff id, or a staff id the ``staff`` table
    does not hold: every team in ``own``, ``others`` empty.

    Each frame: CLIENT_COLUMNS, the most pressing next action first (in the order of NEXT_ACTIONS,
    then longest since contact), then by team and name.
    """
    worker = None
    if staff_id is not None:
        worker = conn.execute(select(Staff.name, Staff.role).where(Staff.staff_id == staff_id)).one_or_none()
    if staff_id is None:
        because: str | None = NO_STAFF_ID
    elif worker is None:
        because = UNKNOWN_STAFF_ID
    elif worker.role == SUPERVISOR:
        because = IS_SUPERVISOR
    else:
        because = None
    own_teams: list[int] = []
    if because is None:
        own_teams = list(
            conn.execute(
                select(CareTeam.team_id)
                .where(or_(CareTeam.peer_id == staff_id, CareTeam.case_manager_id == staff_id))
                .order_by(CareTeam.team_id)
            ).scalars()
        )
    clients = _clients(as_of)
    on_own_team = clients.c.team_id.in_(own_teams) if because is None else true()
    rank = case(
        *((clients.c.next_action == action, place) for place, action in enumerate(NEXT_ACTIONS)),
        else_=len(NEXT_ACTIONS),
    )
    statement = select(*(clients.c[column] for column in CLIENT_COLUMNS), on_own_team.label("own_team")).order_by(
        rank, clients.c.days_since_contact.desc(), clients.c.team, clients.c.last_name, clients.c.participant_id
    )
    frame = sql.frame(conn, statement)
    for column in ("intake_on", "last_contact_on", "last_assessment_on"):
        frame[column] = pd.to_datetime(frame[column])
    own = frame["own_team"].astype(bool)
    team_names = conn.execute(select(CareTeam.name).where(CareTeam.team_id.in_(own_teams)).order_by(CareTeam.team_id))
    return Caseload(
        own=frame.loc[own, CLIENT_COLUMNS].reset_index(drop=True),
        others=frame.loc[~own, CLIENT_COLUMNS].reset_index(drop=True),
        staff_name=worker.name if worker is not None else None,
        own_teams=tuple(team_names.scalars()),
        every_team_because=because,
    )


# --- one client --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientRecord:
    """One participant as staff see them on D: who, where they stand, and everything that happened."""

    participant_id: int
    name: str
    date_of_birth: date | None
    status: str  # "active", "exited", or "referred" (never enrolled by D)
    team: str | None  # the team of the latest enrollment; sql.UNASSIGNED when it has none
    peer: str | None
    case_manager: str | None
    release: str  # "in force", "revoked", or "none"
    timeline: pd.DataFrame  # on (date), event, detail; oldest first


# The Client page's chooser offers at most this many people: a network refers 100,000.
CLIENT_CHOICES_SHOWN = 50


def _client_choice_rows(as_of: date, search: str) -> Any:
    referred = select(Referral.participant_id).where(sql.on_or_before(Referral.referred_at, as_of, timestamp=True))
    name = (Participant.first_name + " " + Participant.last_name).label("name")
    statement = select(Participant.participant_id, name).where(Participant.participant_id.in_(referred))
    term = fold(search)
    if term:
        # Folded alike on both sides (sqlfunctions.folded), as the Participants page searches names.
        matches = folded(Participant.first_name + " " + Participant.last_name).contains(term, autoescape=True)
        if term.isdigit():
            matches = or_(matches, Participant.participant_id == int(term))
        statement = statement.where(matches)
    return statement


@needs("participant_lists")
def client_choices(
    conn: Connection, *, as_of: date, search: str = "", limit: int = CLIENT_CHOICES_SHOWN
) -> pd.DataFrame:
    """The first ``limit`` people referred on or before D whose name contains ``search`` (any case or
    accent form) or whose ID it is; everyone referred when ``search`` is blank. Columns:
    participant_id, name; ordered by last name, first name, id."""
    statement = (
        _client_choice_rows(as_of, search)
        .order_by(Participant.last_name, Participant.first_name, Participant.participant_id)
        .limit(limit)
    )
    return sql.frame(conn, statement)


@needs("participant_lists")
def client_choice_count(conn: Connection, *, as_of: date, search: str = "") -> int:
    """How many people ``client_choices`` would offer without its limit."""
    return sql.scalar(conn, select(func.count()).select_from(_client_choice_rows(as_of, search).subquery("choices")))


@needs("participant_lists")
def client_record(conn: Connection, *, as_of: date, participant_id: int) -> ClientRecord | None:
    """Participant ``participant_id`` on D: None when there is no such participant, or they were not
    referred by D.

    The timeline holds, each dated on or before D: referrals (with type, offense, officer unit and the
    eligibility decision, whose own date is not recorded), SAO verifications, intakes and exits,
    contacts and attempts (with the staff member), services referred and started, assessments,
    arrests (the diverted one marked), bookings and releases, releases of information signed and
    revoked. Events of the same day keep that order.
    """
    person = conn.execute(
        select(Participant.first_name, Participant.last_name, Participant.date_of_birth).where(
            Participant.participant_id == participant_id
        )
    ).one_or_none()
    events = _timeline(conn, as_of, participant_id)
    if person is None or not (events["event"] == "Referred").any():
        return None
    latest = conn.execute(
        select(Enrollment.exited_on, CareTeam.name, CareTeam.peer_id, CareTeam.case_manager_id, Enrollment.team_id)
        .outerjoin(CareTeam, CareTeam.team_id == Enrollment.team_id)
        .where(Enrollment.participant_id == participant_id, Enrollment.intake_on <= as_of)
        .order_by(Enrollment.intake_on.desc(), Enrollment.enrollment_id.desc())
        .limit(1)
    ).one_or_none()
    names: dict[int, str] = {}
    if latest is not None and latest.team_id is not None:
        pair = (latest.peer_id, latest.case_manager_id)
        names = dict(conn.execute(select(Staff.staff_id, Staff.name).where(Staff.staff_id.in_(pair))).all())
    return ClientRecord(
        participant_id=participant_id,
        name=f"{person.first_name} {person.last_name}",
        date_of_birth=person.date_of_birth,
        status=_status(latest, as_of),
        team=(latest.name or sql.UNASSIGNED) if latest else None,
        peer=names.get(latest.peer_id) if latest else None,
        case_manager=names.get(latest.case_manager_id) if latest else None,
        release=_release(conn, as_of, participant_id),
        timeline=events,
    )


def _status(latest: Any, as_of: date) -> str:
    if latest is None:
        return "referred"
    return "exited" if latest.exited_on is not None and latest.exited_on <= as_of else "active"


def _release(conn: Connection, as_of: date, participant_id: int) -> str:
    signed = conn.execute(
        select(Consent.revoked_on)
        .where(Consent.participant_id == participant_id, Consent.signed_on <= as_of)
        .order_by(Consent.signed_on.desc(), Consent.consent_id.desc())
    ).all()
    if not signed:
        return "none"
    in_force = any(row.revoked_on is None or row.revoked_on > as_of for row in signed)
    return "in force" if in_force else "revoked"


def _words(value: str | None) -> str:
    return (value or sql.NOT_RECORDED).replace("_", " ")


def _timeline(conn: Connection, as_of: date, participant_id: int) -> pd.DataFrame:
    """Every dated event of one participant on or before D (see ``client_record``)."""
    events: list[tuple[date, str, str]] = []

    def add(on: Any, event: str, detail: str) -> None:
        # Dates come back as dates, timestamps as datetimes (SQLite may hand back ISO text): keep the day.
        day = (
            on.date() if isinstance(on, datetime) else on if isinstance(on, date) else date.fromisoformat(str(on)[:10])
        )
        events.append((day, event, detail))

    referrals = conn.execute(
        select(
            Referral.referred_at,
            Referral.referral_type,
            Referral.offense,
            Referral.eligibility,
            Referral.ineligible_reason,
            Referral.sao_verified_on,
            Officer.unit,
        )
        .outerjoin(Officer, Officer.officer_id == Referral.officer_id)
        .where(Referral.participant_id == participant_id, sql.on_or_before(Referral.referred_at, as_of, timestamp=True))
        .order_by(Referral.referred_at, Referral.referral_id)
    ).all()
    for referral in referrals:
        decided = _words(referral.eligibility)
        if referral.ineligible_reason:
            decided += f" ({_words(referral.ineligible_reason)})"
        unit = referral.unit or "an unrecorded unit"
        detail = f"{_words(referral.referral_type)}, offense {_words(referral.offense)}, by {unit}"
        add(referral.referred_at, "Referred", f"{detail}; eligibility: {decided}")
        if referral.sao_verified_on is not None and referral.sao_verified_on <= as_of:
            add(referral.sao_verified_on, "SAO verified", "")
    enrollments = conn.execute(
        select(Enrollment.intake_on, Enrollment.exited_on, Enrollment.exit_reason, CareTeam.name)
        .outerjoin(CareTeam, CareTeam.team_id == Enrollment.team_id)
        .where(Enrollment.participant_id == participant_id, Enrollment.intake_on <= as_of)
        .order_by(Enrollment.intake_on)
    ).all()
    for enrollment in enrollments:
        add(enrollment.intake_on, "Intake", f"team: {enrollment.name or sql.UNASSIGNED}")
        if enrollment.exited_on is not None and enrollment.exited_on <= as_of:
            add(enrollment.exited_on, "Exited", _words(enrollment.exit_reason))
    contacts = conn.execute(
        select(Contact.contacted_on, Contact.kind, Staff.name)
        .outerjoin(Staff, Staff.staff_id == Contact.staff_id)
        .where(Contact.participant_id == participant_id, Contact.contacted_on <= as_of)
        .order_by(Contact.contacted_on, Contact.contact_id)
    ).all()
    for contact in contacts:
        event = "Contact attempt" if contact.kind == "attempt" else "Contact"
        by = f"by {contact.name}" if contact.name else "staff not recorded"
        add(contact.contacted_on, event, by if contact.kind == "attempt" else f"{_words(contact.kind)}, {by}")
    services = conn.execute(
        select(Service.category, Service.referred_on, Service.started_on)
        .where(Service.participant_id == participant_id, Service.referred_on <= as_of)
        .order_by(Service.referred_on, Service.service_id)
    ).all()
    for service in services:
        add(service.referred_on, "Service referred", _words(service.category))
        if service.started_on is not None and service.started_on <= as_of:
            add(service.started_on, "Service started", _words(service.category))
    assessments = conn.execute(
        select(Assessment.assessed_on, Assessment.housing, Assessment.employed, Assessment.legal_income)
        .where(Assessment.participant_id == participant_id, Assessment.assessed_on <= as_of)
        .order_by(Assessment.assessed_on, Assessment.assessment_id)
    ).all()
    for assessment in assessments:
        add(
            assessment.assessed_on,
            "Assessment",
            f"housing {_words(assessment.housing)}; employed {_yes_no(assessment.employed)}; "
            f"legal income {_yes_no(assessment.legal_income)}",
        )
    arrests = conn.execute(
        select(Arrest.arrested_at, Arrest.severity, Arrest.charge, Arrest.warrant_only, Arrest.referral_id)
        .where(Arrest.participant_id == participant_id, sql.on_or_before(Arrest.arrested_at, as_of, timestamp=True))
        .order_by(Arrest.arrested_at, Arrest.arrest_id)
    ).all()
    for arrest in arrests:
        detail = f"{_words(arrest.severity)}" + (f", {arrest.charge}" if arrest.charge else "")
        if arrest.warrant_only:
            detail += ", warrant only"
        add(arrest.arrested_at, "Arrest (diverted to LEAD)" if arrest.referral_id else "Arrest", detail)
    bookings = conn.execute(
        select(Booking.booked_on, Booking.released_on)
        .where(Booking.participant_id == participant_id, Booking.booked_on <= as_of)
        .order_by(Booking.booked_on, Booking.booking_id)
    ).all()
    for booking in bookings:
        released = booking.released_on is not None and booking.released_on <= as_of
        add(booking.booked_on, "Booked into jail", "" if released else "still held")
        if released:
            add(booking.released_on, "Released from jail", "")
    consents = conn.execute(
        select(Consent.signed_on, Consent.revoked_on)
        .where(Consent.participant_id == participant_id, Consent.signed_on <= as_of)
        .order_by(Consent.signed_on, Consent.consent_id)
    ).all()
    for consent in consents:
        add(consent.signed_on, "Release of information signed", "")
        if consent.revoked_on is not None and consent.revoked_on <= as_of:
            add(consent.revoked_on, "Release of information revoked", "")
    timeline = pd.DataFrame(events, columns=["on", "event", "detail"])
    # A stable sort: events of one day stay in the order above (referral before intake, and so on).
    timeline = timeline.sort_values("on", kind="stable").reset_index(drop=True)
    timeline["on"] = pd.to_datetime(timeline["on"])
    return timeline


def _yes_no(value: bool | None) -> str:
    return sql.NOT_RECORDED if value is None else "yes" if value else "no"
