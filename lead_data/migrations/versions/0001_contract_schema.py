"""The contract schema: the ten tables of DATA_CONTRACT.md, their constraints and the indexes the
queries rely on.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Written out in full rather than imported from models.py: a migration must keep creating what it
created on the day it was written, whatever the models say later. tests/test_schema.py checks that
the database it builds matches models.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The allowed values of each enumerated column, as they stood at this revision.
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
DEFAULT_CASELOAD_CAP = 28


def one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> sa.CheckConstraint:
    """CHECK (column IN (...)) named ck_<column>_allowed, worded exactly as models.py words it."""
    condition = f"{column} IN ({', '.join(repr(value) for value in values)})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return sa.CheckConstraint(condition, name=f"ck_{column}_allowed")


def key(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), primary_key=True)


def required(
    name: str,
    type_: sa.types.TypeEngine[Any],
    *constraints: sa.schema.SchemaItem,
    unique: bool | None = None,
    server_default: str | None = None,
) -> sa.Column[Any]:
    return sa.Column(name, type_, *constraints, nullable=False, unique=unique, server_default=server_default)


def optional(name: str, type_: sa.types.TypeEngine[Any], *constraints: sa.schema.SchemaItem) -> sa.Column[Any]:
    return sa.Column(name, type_, *constraints, nullable=True)


def upgrade() -> None:
    op.create_table(
        "officers",
        key("officer_id"),
        required("badge_number", sa.String(), unique=True),
        required("name", sa.String()),
        required("unit", sa.String()),
        optional("lead_trained_on", sa.Date()),
    )
    op.create_table(
        "staff",
        key("staff_id"),
        required("name", sa.String()),
        required("role", sa.String()),
        required("active", sa.Boolean()),
        one_of("role", STAFF_ROLES),
    )
    op.create_table(
        "care_teams",
        key("team_id"),
        required("name", sa.String(), unique=True),
        required("peer_id", sa.Integer(), sa.ForeignKey("staff.staff_id")),
        required("case_manager_id", sa.Integer(), sa.ForeignKey("staff.staff_id")),
        required("caseload_cap", sa.Integer(), server_default=str(DEFAULT_CASELOAD_CAP)),
        required("active", sa.Boolean()),
    )
    op.create_index("ix_care_teams_peer_id", "care_teams", ["peer_id"])
    op.create_index("ix_care_teams_case_manager_id", "care_teams", ["case_manager_id"])

    op.create_table(
        "participants",
        key("participant_id"),
        required("first_name", sa.String()),
        required("last_name", sa.String()),
        optional("date_of_birth", sa.Date()),
        optional("sex", sa.String()),
        optional("race", sa.String()),
        optional("ethnicity", sa.String()),
    )
    op.create_table(
        "referrals",
        key("referral_id"),
        required("participant_id", sa.Integer(), sa.ForeignKey("participants.participant_id")),
        optional("officer_id", sa.Integer(), sa.ForeignKey("officers.officer_id")),
        required("referred_at", sa.DateTime()),
        required("referral_type", sa.String()),
        optional("offense", sa.String()),
        optional("latitude", sa.Float()),
        optional("longitude", sa.Float()),
        optional("location_text", sa.String()),
        required("eligibility", sa.String()),
        optional("ineligible_reason", sa.String()),
        optional("sao_verified_on", sa.Date()),
        one_of("referral_type", REFERRAL_TYPES),
        one_of("offense", OFFENSES, nullable=True),
        one_of("eligibility", ELIGIBILITY),
        one_of("ineligible_reason", INELIGIBLE_REASONS, nullable=True),
    )
    op.create_index("ix_referrals_participant_id", "referrals", ["participant_id"])
    op.create_index("ix_referrals_officer_id", "referrals", ["officer_id"])
    op.create_index("ix_referrals_referred_at", "referrals", ["referred_at"])

    op.create_table(
        "enrollments",
        key("enrollment_id"),
        required("participant_id", sa.Integer(), sa.ForeignKey("participants.participant_id")),
        # Unique: one enrollment per referral (the constraint's own index serves joins on it).
        required("referral_id", sa.Integer(), sa.ForeignKey("referrals.referral_id"), unique=True),
        optional("team_id", sa.Integer(), sa.ForeignKey("care_teams.team_id")),
        required("intake_on", sa.Date()),
        optional("exited_on", sa.Date()),
        optional("exit_reason", sa.String()),
        one_of("exit_reason", EXIT_REASONS, nullable=True),
    )
    op.create_index("ix_enrollments_participant_id_intake_on", "enrollments", ["participant_id", "intake_on"])
    op.create_index("ix_enrollments_team_id", "enrollments", ["team_id"])
    op.create_index("ix_enrollments_intake_on", "enrollments", ["intake_on"])
    op.create_index("ix_enrollments_exited_on", "enrollments", ["exited_on"])

    op.create_table(
        "arrests",
        key("arrest_id"),
        required("participant_id", sa.Integer(), sa.ForeignKey("participants.participant_id")),
        required("arrested_at", sa.DateTime()),
        optional("charge", sa.String()),
        optional("severity", sa.String()),
        optional("referral_id", sa.Integer(), sa.ForeignKey("referrals.referral_id")),
        optional("warrant_only", sa.Boolean()),
        optional("latitude", sa.Float()),
        optional("longitude", sa.Float()),
        one_of("severity", SEVERITIES, nullable=True),
    )
    op.create_index("ix_arrests_participant_id_arrested_at", "arrests", ["participant_id", "arrested_at"])
    op.create_index("ix_arrests_referral_id", "arrests", ["referral_id"])

    op.create_table(
        "contacts",
        key("contact_id"),
        required("participant_id", sa.Integer(), sa.ForeignKey("participants.participant_id")),
        optional("staff_id", sa.Integer(), sa.ForeignKey("staff.staff_id")),
        required("contacted_on", sa.Date()),
        required("kind", sa.String()),
        one_of("kind", CONTACT_KINDS),
    )
    op.create_index(
        "ix_contacts_participant_id_kind_contacted_on", "contacts", ["participant_id", "kind", "contacted_on"]
    )

    op.create_table(
        "services",
        key("service_id"),
        required("participant_id", sa.Integer(), sa.ForeignKey("participants.participant_id")),
        required("category", sa.String()),
        required("referred_on", sa.Date()),
        optional("started_on", sa.Date()),
        one_of("category", SERVICE_CATEGORIES),
    )
    op.create_index("ix_services_participant_id", "services", ["participant_id"])
    op.create_index("ix_services_referred_on", "services", ["referred_on"])

    op.create_table(
        "consents",
        key("consent_id"),
        required("participant_id", sa.Integer(), sa.ForeignKey("participants.participant_id")),
        required("signed_on", sa.Date()),
        optional("revoked_on", sa.Date()),
    )
    op.create_index("ix_consents_participant_id", "consents", ["participant_id"])


def downgrade() -> None:
    # Dependents first; a table's indexes go with it.
    for table in (
        "consents",
        "services",
        "contacts",
        "arrests",
        "enrollments",
        "referrals",
        "participants",
        "care_teams",
        "staff",
        "officers",
    ):
        op.drop_table(table)
