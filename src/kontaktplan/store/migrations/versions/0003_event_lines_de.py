"""the event log's lines in German beside the English ones

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 15:20:00

``events.lines_de``: what the action printed, in German (``events.lines`` keeps the
English). Nullable: events written before this revision have no German lines, and German
output shows their stored English lines (the log is append-only; an old line is not
translated back from its text).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("lines_de", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("lines_de")
