"""Opening a workspace database: the engine, SQLite's file and pragmas, and the
transactions every action runs in (one writer at a time, readers on a snapshot)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from kontaktplan.i18n import Phrase

__all__ = ["WAIT", "Workspace", "lock_wait", "open_workspace"]

WAIT = "KONTAKTPLAN_LOCK_WAIT"
"""The environment variable: how long a writer waits for another's turn, in seconds."""


def lock_wait() -> float:
    """How long a writer waits while another holds the writers' turn: ``KONTAKTPLAN_LOCK_WAIT``
    seconds, 30 if unset (then :class:`kontaktplan.store.Busy`, nothing written)."""
    text = os.environ.get(WAIT, "").strip()
    if not text:
        return 30.0
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise ValueError(Phrase("err.lock_wait", name=WAIT, value=text))
    return seconds


@dataclass
class Workspace:
    """An open workspace: its URL and engine."""

    url: str
    engine: Engine
    wait: float = 30.0
    """How long a writer waits for another's turn, in seconds (:func:`lock_wait`)."""
    _held: threading.local = field(default_factory=threading.local, repr=False, compare=False)
    """Per thread, the write transaction :meth:`holding` lends to :meth:`writing`."""

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def mark(self) -> str:
        """The driver's parameter mark, for SQL run on its own cursor."""
        return "?" if self.is_sqlite else "%s"

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction; writers take turns (SQLite ``BEGIN IMMEDIATE``;
        PostgreSQL locks the office row first, see ``lock_office``), waiting up to
        :func:`lock_wait`."""
        held = getattr(self._held, "conn", None)
        if held is not None:  # committed (or rolled back) where it was begun
            yield held
            return
        with (
            self.engine.connect().execution_options(kontaktplan_write=True) as conn,
            conn.begin(),
        ):
            yield conn

    @contextmanager
    def holding(self, conn: Connection) -> Iterator[None]:
        """Within the block, every :meth:`writing` of this thread writes in ``conn``'s
        transaction (``kontaktplan.store.changes.turn``)."""
        self._held.conn = conn
        try:
            yield
        finally:
            self._held.conn = None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """One read transaction on a consistent snapshot of every table."""
        options = {} if self.is_sqlite else {"isolation_level": "REPEATABLE READ"}
        with self.engine.connect().execution_options(**options) as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for other databases or in memory)."""
    u = make_url(url)
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def open_workspace(url: str, *, create: bool = False) -> Workspace:
    """Open the workspace at ``url``; a SQLite file is created (readable by its owner
    only) when ``create``, else it must exist."""
    path, wait = sqlite_path(url), lock_wait()
    if path is not None:
        if not path.exists():
            if not create:
                raise FileNotFoundError(Phrase("err.no_workspace_at", path=path))
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        engine = create_engine(url, connect_args={"timeout": wait})
        _sqlite_transactions(engine, wait)
    else:
        engine = create_engine(url, pool_pre_ping=False)
    return Workspace(url, engine, wait)


def _sqlite_transactions(engine: Engine, wait: float) -> None:
    """WAL (readers never wait for the writer), and transactions SQLAlchemy begins itself:
    ``BEGIN IMMEDIATE`` for a writer, so two writers never both read and then collide."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("kontaktplan_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
