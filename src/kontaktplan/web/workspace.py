"""The web app's view of the office workspace (:mod:`kontaktplan.store`): a cached
snapshot, commits with the user as actor, the event log and undo; and the tables of the
web app's users and sessions (created by the store's migration ``0002_users``).

Every request of the server reads the same snapshot until another action (of this
server, of another process or of the CLI) changes the office version; then it is loaded
again. An action runs on the current snapshot and commits with the version the page
showed: the store refuses it (:class:`Conflict`, 409) when another event changed what it
relies on since.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from kontaktplan import store
from kontaktplan.i18n import Phrase
from kontaktplan.i18n.errors import message_of
from kontaktplan.store import Conflict, Event, Snapshot, StoreError

__all__ = [
    "BERLIN",
    "ROLES",
    "Conflict",
    "Event",
    "NotFound",
    "Snapshot",
    "UndoRefused",
    "WebWorkspace",
]

BERLIN = ZoneInfo("Europe/Berlin")
ROLES = ("planner", "teamlead", "viewer")

metadata = sa.MetaData()
users_table = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
)
sessions_table = sa.Table(
    "user_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(100), sa.ForeignKey("users.name"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("expires", sa.DateTime, nullable=False),
)


class NotFound(Exception):
    """No such event, or no office in the workspace (raised with a
    :class:`~kontaktplan.i18n.phrase.Phrase`)."""


class UndoRefused(Exception):
    """An event cannot be undone (a later event changed its rows, or it was undone;
    raised with the store's :class:`~kontaktplan.i18n.phrase.Phrase`)."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class WebWorkspace:
    """One workspace for one server process (its requests run in threads)."""

    def __init__(self, url: str, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.url = url
        self._clock = clock
        self.store = store.init(url)  # the tables up to the newest migration; idempotent
        self.engine = self.store.engine
        self._cache: Snapshot | None = None
        self._lock = threading.Lock()
        self.lock = threading.Lock()
        self.memo: OrderedDict[tuple, Any] = OrderedDict()  # outcomes per office version

    def now(self) -> dt.datetime:
        """The office's local time (Europe/Berlin, naive like the appointments): an outcome
        is only taken once its appointment has started. ``clock`` replaces the real one."""
        if self._clock is not None:
            return self._clock()
        return dt.datetime.now(BERLIN).replace(tzinfo=None)

    def is_empty(self) -> bool:
        with self.engine.connect() as c:
            return c.execute(sa.select(store.schema.office.c.version)).first() is None

    def import_folder(self, folder: str | Path, actor: str) -> int:
        """A scenario folder into the empty workspace (:func:`kontaktplan.store.import_folder`)."""
        return store.import_folder(self.store, folder, actor=actor)

    def version(self) -> int:
        with self.engine.connect() as c:
            v = c.execute(sa.select(store.schema.office.c.version)).scalar()
        if v is None:
            raise NotFound(Phrase("web.no_office"))
        return int(v)

    def snapshot(self) -> Snapshot:
        """The current office; loaded again only when its version changed."""
        version = self.version()
        with self._lock:
            if self._cache is not None and self._cache.version == version:
                return self._cache
        snap = store.load(self.store)
        with self._lock:
            if self._cache is None or snap.version >= self._cache.version:
                self._cache = snap
        return snap

    def commit(
        self,
        snap: Snapshot,
        after: Any,
        *,
        expected: int,
        actor: str,
        command: str,
        args: dict[str, Any],
        lines: list[str],
        lines_de: list[str] | None = None,
        update: dict[str, Any] | None,
    ) -> int:
        """Commit what ``after`` changed against ``snap`` (what the action read), if
        nothing it relies on changed since version ``expected`` (the page's); ``lines``
        in English and ``lines_de`` in German go to the event log. The event id."""
        event = store.commit(
            self.store,
            snap.scenario,
            after,
            expected_version=expected,
            actor=actor,
            command=command,
            args=args,
            lines=lines,
            lines_de=lines_de,
            plan_json_update=update,
        )
        self._remember(snap, after, event)
        return event

    def _remember(self, snap: Snapshot, after: Any, event: int) -> None:
        """When this commit came right after ``snap``, the office is now ``after``: keep
        it as the snapshot instead of loading 37k rows again (the store wrote exactly
        what changed, in the same order; the planning date never goes back)."""
        if event != snap.version + 1:
            return
        new = Snapshot(after, snap.policy, event, snap.policy_file, snap.policy_text)
        with self._lock:
            if self._cache is None or self._cache.version < event:
                self._cache = new

    def plan_json(self) -> dict[str, Any]:
        """What ``plan.json`` holds in the workspace: the last plan's figures and the
        ``disruptions`` entries (for the report)."""
        from kontaktplan.store.workspace import _plan_json_text

        t = store.schema.plan_runs
        with self.store.reading() as conn:
            rows = conn.execute(sa.select(t.c.kind, t.c.body).order_by(t.c.seq)).all()
        text = _plan_json_text(rows)
        return json.loads(text) if text else {}

    def events(
        self,
        *,
        since: dt.date | None = None,
        actor: str | None = None,
        command: str | None = None,
        limit: int = 200,
    ) -> list[Event]:
        """The newest events first, filtered."""
        rows = store.log(self.store, since=since, actor=actor)
        if command:
            rows = [e for e in rows if e.command == command]
        return rows[::-1][:limit]

    def undo(self, event_id: int, actor: str) -> int:
        """Reverse one event by a compensating event (:func:`kontaktplan.store.undo`)."""
        try:
            return store.undo(self.store, event_id, actor=actor)
        except StoreError as e:
            said = message_of(e)
            if getattr(said, "key", None) == "err.no_event":
                raise NotFound(said) from None
            raise UndoRefused(said) from None
