"""The workspace's tables (SQLAlchemy Core): the six scenario tables, the plan runs, the
event log and the clocks that optimistic concurrency checks.

Every scenario table has a text ``key`` (the row's id; for slots and absences, which have
none, the specialist and the days or start), a ``seq`` that keeps the folder's row order,
and ``changed_in``, the event that last wrote the row. The columns are those of the
domain models (FORMAT.md); a model keeps no unknown columns, so neither does the store.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()


def _row_table(name: str, *columns: Column) -> Table:
    return Table(
        name,
        metadata,
        Column("key", String(200), primary_key=True),
        Column("seq", BigInteger, nullable=False, index=True),
        *columns,
        Column("changed_in", Integer, nullable=False),
    )


specialists = _row_table(
    "specialists",
    Column("specialist_id", String(100), nullable=False),
    Column("team", String(100), nullable=False),
    Column("fte", Float, nullable=False),
    Column("substitute_id", String(100)),
    Column("role", String(10), nullable=False, default="ifk"),
    Column("video", Boolean, nullable=False),
)

customers = _row_table(
    "customers",
    Column("customer_id", String(100), nullable=False),
    Column("specialist_id", String(100), nullable=False, index=True),
    Column("category", String(20), nullable=False),
    Column("unemployed", Boolean, nullable=False),
    Column("under_25", Boolean, nullable=False),
    Column("exempt", String(30)),
    Column("last_contact", Date),
    Column("profile", String(20)),
    Column("household_id", String(100)),
    Column("agreement_start", Date),
    Column("mode", String(20)),
    Column("unavailable", String(200), nullable=False),
    Column("last_group_session", Date),
)

slots = _row_table(
    "slots",
    Column("specialist_id", String(100), nullable=False, index=True),
    Column("start", DateTime, nullable=False),
    Column("end", DateTime, nullable=False),
    Column("mode", String(20), nullable=False),
)

absences = _row_table(
    "absences",
    Column("specialist_id", String(100), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("reason", String(200)),
)

appointments = _row_table(
    "appointments",
    Column("appointment_id", String(100), nullable=False),
    Column("customer_id", String(100), nullable=False, index=True),
    Column("specialist_id", String(100), nullable=False, index=True),
    Column("start", DateTime, nullable=False),
    Column("end", DateTime, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("booked_on", Date),
    Column("cancelled_on", Date),
    Column("qualified_exception", Boolean, nullable=False),
    Column("reassigned_from", String(100)),
    Column("backfill_for", String(100)),
    Column("replaces", String(100)),
)

plan_runs = _row_table(
    "plan_runs",
    Column("kind", String(20), nullable=False),  # "plan" (the figures) or "disruption"
    Column("body", JSON, nullable=False),
)
"""What ``plan.json`` holds: the latest plan's figures and the ``disruptions`` entries."""

SCENARIO_TABLES = {
    "specialists": specialists,
    "customers": customers,
    "slots": slots,
    "absences": absences,
    "appointments": appointments,
}
ROW_TABLES = {**SCENARIO_TABLES, "plan_runs": plan_runs}

office = Table(
    "office",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("today", Date, nullable=False),
    Column("policy", String(300), nullable=False),
    Column("region", String(20), nullable=False),
    Column("policy_file", String(300)),  # the file name the policy text came from
    Column("policy_text", Text, nullable=False),
    Column("version", Integer, nullable=False),  # the office version: the last event's id
)
"""One row: the scenario meta, the policy file's text and the office version."""

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),  # UTC
    Column("actor", String(100), nullable=False),
    Column("command", String(50), nullable=False),
    Column("arguments", JSON, nullable=False),
    Column("changes", JSON, nullable=False),  # [{table, key, before, after}], images or null
    Column("lines", JSON, nullable=False),  # the reasons printed, in English
    Column("lines_de", JSON),  # the same in German (0003); null in older events
    Column("undoes", Integer),  # the event a compensating event reverses
)
"""The append-only event log: rows are only ever inserted."""

clocks = Table(
    "clocks",
    metadata,
    Column("scope", String(120), primary_key=True),  # "specialist:<id>"
    Column("version", Integer, nullable=False),  # the last event that changed the scope
)
"""Per-specialist versions: an action commits only if the specialists it changed have
not been changed by another event since the version it read."""
