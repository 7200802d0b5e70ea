"""SQLAlchemy models of the program database, exactly as ``DATA_CONTRACT.md`` names them.

The allowed values of every enumerated column are enforced as CHECK constraints, so a database
created from these models cannot hold a value the figures do not know how to count.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

STAFF_ROLES = ("peer", "case_manager", "supervisor")
REFERRAL_TYPES = ("arrest_diversion", "social_contact")
OFFENSES = ("drug", "prostitution", "other")
ELIGIBILITY = ("pending", "eligible", "ineligible")
INELIGIBLE_REASONS = (
    "under_supervision",
    "disqualifying_record",
    "open_case_or_warrant",
    "public_safety_threat",
    "other",
)
EXIT_REASONS = ("graduated", "disengaged", "moved", "incarcerated", "deceased", "other")
SEVERITIES = ("felony", "misdemeanor", "other")
CONTACT_KINDS = ("in_person", "phone", "attempt")
REACHED_CONTACT_KINDS = ("in_person", "phone")
SERVICE_CATEGORIES = (
    "sud_treatment",
    "mental_health",
    "medical",
    "housing",
    "employment",
    "income_benefits",
    "id_documents",
    "legal",
    "other",
)
HOUSING_STATUSES = ("unsheltered", "shelter", "transitional", "housed")
DEFAULT_CASELOAD_CAP = 28


def _one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    condition = f"{column} IN ({allowed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=f"ck_{column}_allowed")


class Base(DeclarativeBase):
    pass


class Officer(Base):
    __tablename__ = "officers"

    officer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    badge_number: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str] = mapped_column(String)
    unit: Mapped[str] = mapped_column(String)
    lead_trained_on: Mapped[date | None] = mapped_column(Date)


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (_one_of("role", STAFF_ROLES),)

    staff_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    role: Mapped[str] = mapped_column(String)
    active: Mapped[bool] = mapped_column(Boolean)


class CareTeam(Base):
    __tablename__ = "care_teams"
    __table_args__ = (
        Index("ix_care_teams_peer_id", "peer_id"),
        Index("ix_care_teams_case_manager_id", "case_manager_id"),
    )

    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("staff.staff_id"))
    case_manager_id: Mapped[int] = mapped_column(ForeignKey("staff.staff_id"))
    caseload_cap: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_CASELOAD_CAP, server_default=str(DEFAULT_CASELOAD_CAP)
    )
    active: Mapped[bool] = mapped_column(Boolean)


class Participant(Base):
    __tablename__ = "participants"

    participant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String)
    race: Mapped[str | None] = mapped_column(String)
    ethnicity: Mapped[str | None] = mapped_column(String)


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        _one_of("referral_type", REFERRAL_TYPES),
        _one_of("offense", OFFENSES, nullable=True),
        _one_of("eligibility", ELIGIBILITY),
        _one_of("ineligible_reason", INELIGIBLE_REASONS, nullable=True),
        Index("ix_referrals_participant_id", "participant_id"),
        Index("ix_referrals_officer_id", "officer_id"),
        Index("ix_referrals_referred_at", "referred_at"),
    )

    referral_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.participant_id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.officer_id"))
    referred_at: Mapped[datetime] = mapped_column(DateTime)
    referral_type: Mapped[str] = mapped_column(String)
    offense: Mapped[str | None] = mapped_column(String)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_text: Mapped[str | None] = mapped_column(String)
    eligibility: Mapped[str] = mapped_column(String)
    ineligible_reason: Mapped[str | None] = mapped_column(String)
    sao_verified_on: Mapped[date | None] = mapped_column(Date)


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (
        _one_of("exit_reason", EXIT_REASONS, nullable=True),
        # referral_id needs none of its own: its unique constraint is backed by an index.
        Index("ix_enrollments_participant_id_intake_on", "participant_id", "intake_on"),
        Index("ix_enrollments_team_id", "team_id"),
        Index("ix_enrollments_intake_on", "intake_on"),
        Index("ix_enrollments_exited_on", "exited_on"),
    )

    enrollment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.participant_id"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.referral_id"), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("care_teams.team_id"))
    intake_on: Mapped[date] = mapped_column(Date)
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(String)


class Arrest(Base):
    __tablename__ = "arrests"
    __table_args__ = (
        _one_of("severity", SEVERITIES, nullable=True),
        Index("ix_arrests_participant_id_arrested_at", "participant_id", "arrested_at"),
        Index("ix_arrests_referral_id", "referral_id"),
        Index("ix_arrests_arrested_at", "arrested_at"),  # migration 0003
    )

    arrest_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.participant_id"))
    arrested_at: Mapped[datetime] = mapped_column(DateTime)
    charge: Mapped[str | None] = mapped_column(String)
    severity: Mapped[str | None] = mapped_column(String)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.referral_id"))
    warrant_only: Mapped[bool | None] = mapped_column(Boolean)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        _one_of("kind", CONTACT_KINDS),
        Index("ix_contacts_participant_id_kind_contacted_on", "participant_id", "kind", "contacted_on"),
    )

    contact_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.participant_id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.staff_id"))
    contacted_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String)


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        _one_of("category", SERVICE_CATEGORIES),
        Index("ix_services_participant_id", "participant_id"),
        Index("ix_services_referred_on", "referred_on"),
    )

    service_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.participant_id"))
    category: Mapped[str] = mapped_column(String)
    referred_on: Mapped[date] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)


class Consent(Base):
    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_participant_id", "participant_id"),)

    consent_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.participant_id"))
    signed_on: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)


# Version 2 of the contract: what became of the people in the program (outcomes and evaluation).


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        _one_of("housing", HOUSING_STATUSES, nullable=True),
        Index("ix_assessments_participant_id_assessed_on", "participant_id", "assessed_on"),
    )

    assessment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.participant_id"))
    assessed_on: Mapped[date] = mapped_column(Date)
    housing: Mapped[str | None] = mapped_column(String)
    employed: Mapped[bool | None] = mapped_column(Boolean)
    legal_income: Mapped[bool | None] = mapped_column(Boolean)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_participant_id_booked_on", "participant_id", "booked_on"),
        Index("ix_bookings_arrest_id", "arrest_id"),
    )

    booking_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.participant_id"))
    booked_on: Mapped[date] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)
    arrest_id: Mapped[int | None] = mapped_column(ForeignKey("arrests.arrest_id"))


class ComparisonPerson(Base):
    __tablename__ = "comparison_people"
    __table_args__ = (_one_of("offense", OFFENSES, nullable=True),)

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    index_on: Mapped[date] = mapped_column(Date)
    offense: Mapped[str | None] = mapped_column(String)
    sex: Mapped[str | None] = mapped_column(String)
    race: Mapped[str | None] = mapped_column(String)
    date_of_birth: Mapped[date | None] = mapped_column(Date)


class ComparisonArrest(Base):
    __tablename__ = "comparison_arrests"
    __table_args__ = (
        _one_of("severity", SEVERITIES, nullable=True),
        Index("ix_comparison_arrests_person_id_arrested_at", "person_id", "arrested_at"),
    )

    comparison_arrest_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("comparison_people.person_id"))
    arrested_at: Mapped[datetime] = mapped_column(DateTime)
    severity: Mapped[str | None] = mapped_column(String)
    warrant_only: Mapped[bool | None] = mapped_column(Boolean)


CONTRACT_TABLES: tuple[str, ...] = tuple(Base.metadata.tables)
