"""the office's instance: a random id given at import

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:30:00

``office.instance``: tells an office from another one imported later in the same place
(a workspace made again at the same path counts its versions from 1 again). The resident
process knows the office it holds by place, instance and version. An office imported
before this revision gets one now.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("office", sa.Column("instance", sa.String(32), nullable=True))
    office = sa.table("office", sa.column("instance", sa.String(32)))
    op.execute(office.update().values(instance=uuid.uuid4().hex))


def downgrade() -> None:
    with op.batch_alter_table("office") as batch:
        batch.drop_column("instance")
