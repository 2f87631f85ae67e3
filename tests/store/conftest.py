"""Workspace fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at ``KONTAKTPLAN_TEST_PG`` (default: the local test database);
each test gets a fresh schema, dropped afterwards. Without a server the PostgreSQL
cases are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG = os.environ.get("KONTAKTPLAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

PLANNED = (
    "appointment_id,customer_id,specialist_id,start,end,kind,mode,status,booked_on,"
    "cancelled_on,qualified_exception,reassigned_from,backfill_for\n"
    "A0,C1,S1,2023-01-10T08:00,2023-01-10T08:45,follow_up,in_person,held,2022-12-20,,false,,\n"
    "A1,C1,S1,2026-08-10T08:00,2026-08-10T08:45,follow_up,in_person,held,2026-07-20,,false,,\n"
    "A2,C2,S1,2026-11-02T10:00,2026-11-02T10:45,follow_up,video,held,2026-10-20,,false,,\n"
    "P1,C3,S1,2026-12-07T08:00,2026-12-07T08:45,follow_up,in_person,planned,2026-11-20,,false,,\n"
    "P2,C4,S2,2026-12-07T08:00,2026-12-07T08:45,follow_up,in_person,planned,2026-11-20,,false,,\n"
)
"""The tiny office's history, an old held contact (for purge) and two planned bookings,
one per specialist."""

ABSENCES = (
    "specialist_id,first_day,last_day,reason\n"
    "S2,2023-03-01,2023-03-03,leave\n"
    "S2,2026-12-08,2026-12-09,leave\n"
)


def _pg_reason() -> str | None:
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(PG)
        with psycopg.connect(
            host=u.host, port=u.port or 5432, user=u.username, dbname=u.database, connect_timeout=3
        ):
            return None
    except Exception as e:  # no driver, no server, no database: all mean "skip"
        return f"no PostgreSQL at {PG} ({type(e).__name__}: {str(e).splitlines()[0]})"


_PG_REASON: list[str | None] = []


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'office.db'}"
        return
    if not _PG_REASON:
        _PG_REASON.append(_pg_reason())
    if _PG_REASON[0]:
        pytest.skip(_PG_REASON[0])
    from sqlalchemy import create_engine, text

    schema = f"kp_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG else "?"
    try:
        yield f"{PG}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def office(write_folder, tmp_path: Path) -> Path:
    """The tiny office with history and two planned bookings (see PLANNED)."""
    return write_folder(tmp_path / "office", appointments=PLANNED, absences=ABSENCES)


@pytest.fixture
def workspace(db_url: str, office: Path):
    """A workspace holding the office (event 1, the import)."""
    from kontaktplan import store

    ws = store.init(db_url)
    store.import_folder(ws, office, actor="importer")
    yield ws
    ws.dispose()


@pytest.fixture
def migrate():
    """``migrate(ws, revision, down=False)``: run the workspace's Alembic migrations up (or
    down) to ``revision``, as ``kontaktplan db init`` runs them up to the newest."""
    from alembic import command
    from alembic.config import Config

    from kontaktplan import store

    def run(ws, revision: str, down: bool = False) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(Path(store.__file__).parent / "migrations"))
        with ws.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, revision)

    return run
