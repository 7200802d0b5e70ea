"""Version 2 of the contract: the outcome tables (assessments, bookings, comparison_people,
comparison_arrests), added to a version 1 database in place.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Written out in full rather than imported from models.py, for the reason 0001 gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOUSING_STATUSES = ("unsheltered", "shelter", "transitional", "housed")
OFFENSES = ("drug", "prostitution", "other")
SEVERITIES = ("felony", "misdemeanor", "other")


def one_of(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    """CHECK (column IS NULL OR column IN (...)) named ck_<column>_allowed, worded as models.py words it."""
    condition = f"{column} IS NULL OR {column} IN ({', '.join(repr(value) for value in values)})"
    return sa.CheckConstraint(condition, name=f"ck_{column}_allowed")


def key(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), primary_key=True)


def required(name: str, type_: sa.types.TypeEngine[Any], *constraints: sa.schema.SchemaItem) -> sa.Column[Any]:
    return sa.Column(name, type_, *constraints, nullable=False)


def optional(name: str, type_: sa.types.TypeEngine[Any], *constraints: sa.schema.SchemaItem) -> sa.Column[Any]:
    return sa.Column(name, type_, *constraints, nullable=True)


def upgrade() -> None:
    op.create_table(
        "assessments",
        key("assessment_id"),
        required("participant_id", sa.Integer(), sa.ForeignKey("participants.participant_id")),
        required("assessed_on", sa.Date()),
        optional("housing", sa.String()),
        optional("employed", sa.Boolean()),
        optional("legal_income", sa.Boolean()),
        one_of("housing", HOUSING_STATUSES),
    )
    op.create_index("ix_assessments_participant_id_assessed_on", "assessments", ["participant_id", "assessed_on"])

    op.create_table(
        "bookings",
        key("booking_id"),
        required("participant_id", sa.Integer(), sa.ForeignKey("participants.participant_id")),
        required("booked_on", sa.Date()),
        optional("released_on", sa.Date()),
        optional("arrest_id", sa.Integer(), sa.ForeignKey("arrests.arrest_id")),
    )
    op.create_index("ix_bookings_participant_id_booked_on", "bookings", ["participant_id", "booked_on"])
    op.create_index("ix_bookings_arrest_id", "bookings", ["arrest_id"])

    op.create_table(
        "comparison_people",
        key("person_id"),
        required("index_on", sa.Date()),
        optional("offense", sa.String()),
        optional("sex", sa.String()),
        optional("race", sa.String()),
        optional("date_of_birth", sa.Date()),
        one_of("offense", OFFENSES),
    )

    op.create_table(
        "comparison_arrests",
        key("comparison_arrest_id"),
        required("person_id", sa.Integer(), sa.ForeignKey("comparison_people.person_id")),
        required("arrested_at", sa.DateTime()),
        optional("severity", sa.String()),
        optional("warrant_only", sa.Boolean()),
        one_of("severity", SEVERITIES),
    )
    op.create_index("ix_comparison_arrests_person_id_arrested_at", "comparison_arrests", ["person_id", "arrested_at"])


def downgrade() -> None:
    for table in ("comparison_arrests", "comparison_people", "bookings", "assessments"):
        op.drop_table(table)
