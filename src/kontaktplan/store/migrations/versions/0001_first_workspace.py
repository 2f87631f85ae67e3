"""the first workspace: scenario tables, plan runs, events, clocks

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-01 07:56:11.406534
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("specialist_id", sa.String(length=100), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("changed_in", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absences_seq"), ["seq"], unique=False)

    op.create_table(
        "appointments",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("appointment_id", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.String(length=100), nullable=False),
        sa.Column("specialist_id", sa.String(length=100), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("end", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("qualified_exception", sa.Boolean(), nullable=False),
        sa.Column("reassigned_from", sa.String(length=100), nullable=True),
        sa.Column("backfill_for", sa.String(length=100), nullable=True),
        sa.Column("replaces", sa.String(length=100), nullable=True),
        sa.Column("changed_in", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appointments_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_appointments_seq"), ["seq"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_appointments_specialist_id"), ["specialist_id"], unique=False
        )

    op.create_table(
        "clocks",
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope"),
    )
    op.create_table(
        "customers",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.String(length=100), nullable=False),
        sa.Column("specialist_id", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("unemployed", sa.Boolean(), nullable=False),
        sa.Column("under_25", sa.Boolean(), nullable=False),
        sa.Column("exempt", sa.String(length=30), nullable=True),
        sa.Column("last_contact", sa.Date(), nullable=True),
        sa.Column("profile", sa.String(length=20), nullable=True),
        sa.Column("household_id", sa.String(length=100), nullable=True),
        sa.Column("agreement_start", sa.Date(), nullable=True),
        sa.Column("mode", sa.String(length=20), nullable=True),
        sa.Column("unavailable", sa.String(length=200), nullable=False),
        sa.Column("last_group_session", sa.Date(), nullable=True),
        sa.Column("changed_in", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_seq"), ["seq"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_customers_specialist_id"), ["specialist_id"], unique=False
        )

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("command", sa.String(length=50), nullable=False),
        sa.Column("arguments", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("today", sa.Date(), nullable=False),
        sa.Column("policy", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=20), nullable=False),
        sa.Column("policy_file", sa.String(length=300), nullable=True),
        sa.Column("policy_text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "plan_runs",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("changed_in", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_runs_seq"), ["seq"], unique=False)

    op.create_table(
        "slots",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("specialist_id", sa.String(length=100), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("end", sa.DateTime(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("changed_in", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slots_seq"), ["seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_slots_specialist_id"), ["specialist_id"], unique=False)

    op.create_table(
        "specialists",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("specialist_id", sa.String(length=100), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("fte", sa.Float(), nullable=False),
        sa.Column("substitute_id", sa.String(length=100), nullable=True),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("video", sa.Boolean(), nullable=False),
        sa.Column("changed_in", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("specialists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_specialists_seq"), ["seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("specialists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_specialists_seq"))

    op.drop_table("specialists")
    with op.batch_alter_table("slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slots_specialist_id"))
        batch_op.drop_index(batch_op.f("ix_slots_seq"))

    op.drop_table("slots")
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_runs_seq"))

    op.drop_table("plan_runs")
    op.drop_table("office")
    op.drop_table("events")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_specialist_id"))
        batch_op.drop_index(batch_op.f("ix_customers_seq"))

    op.drop_table("customers")
    op.drop_table("clocks")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointments_specialist_id"))
        batch_op.drop_index(batch_op.f("ix_appointments_seq"))
        batch_op.drop_index(batch_op.f("ix_appointments_customer_id"))

    op.drop_table("appointments")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absences_seq"))

    op.drop_table("absences")
