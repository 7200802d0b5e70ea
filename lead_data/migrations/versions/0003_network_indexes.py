"""Indexes for a network-size database: the figures that look at one week or one period of arrests
find them through the arrest time instead of reading every arrest.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Written out in full rather than imported from models.py, for the reason 0001 gives.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_arrests_arrested_at", "arrests", ["arrested_at"])


def downgrade() -> None:
    op.drop_index("ix_arrests_arrested_at", table_name="arrests")
