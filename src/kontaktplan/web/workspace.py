"""What the web app needs from the office workspace: a snapshot with its version, a
commit that fails on a stale version, the event log and undo; and the users.

:class:`SqlWorkspace` keeps the office in one SQLAlchemy database (SQLite or
PostgreSQL): the scenario as one document per version, every action as an event holding
the rows it changed (before and after), so that undo writes the inverse as a new event.
It is the web app's own until the workspace of issue 13 (``kontaktplan.store``) is
merged; the pages and the API only use the methods below.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from kontaktplan.domain import Scenario
from kontaktplan.policy import Policy

BERLIN = ZoneInfo("Europe/Berlin")
metadata = sa.MetaData()

state_table = sa.Table(
    "web_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("scenario", sa.Text, nullable=False),
    sa.Column("policy", sa.Text, nullable=False),
)
events_table = sa.Table(
    "web_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("command", sa.String(40), nullable=False),
    sa.Column("args", sa.Text, nullable=False),
    sa.Column("diff", sa.Text, nullable=False),
    sa.Column("entry", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("undoes", sa.Integer, nullable=True),
)
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

ROLES = ("planner", "teamlead", "viewer")


class Conflict(Exception):
    """The office changed since the page was read: nothing was written."""


class NotFound(Exception):
    """No such event (or user)."""


class UndoRefused(Exception):
    """An event cannot be undone (a later event depends on it, or it was undone)."""


@dataclass(frozen=True)
class Snapshot:
    """The office as one version of the workspace."""

    scenario: Scenario
    policy: Policy
    version: int


@dataclass
class Event:
    """One action in the log: who, when (UTC), what, and what it changed."""

    id: int
    at: dt.datetime
    actor: str
    command: str
    args: dict[str, Any]
    entry: dict[str, Any]
    version: int
    undoes: int | None = None
    touched: set[str] = field(default_factory=set)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _rows(scenario: Scenario) -> dict[str, dict[str, str]]:
    """Row JSON per table and key, for the diff of an event."""
    return {
        "appointments": {a.appointment_id: a.model_dump_json() for a in scenario.appointments},
        "absences": {
            f"{a.specialist_id}|{a.first_day}|{a.last_day}|{a.reason}": a.model_dump_json()
            for a in scenario.absences
        },
        "meta": {"meta": scenario.meta.model_dump_json()},
    }


def diff(old: Scenario, new: Scenario) -> dict[str, dict[str, list[str | None]]]:
    """``table -> key -> [before, after]`` for every row that changed (None: absent)."""
    a, b = _rows(old), _rows(new)
    out: dict[str, dict[str, list[str | None]]] = {}
    for table in a:
        before, after = a[table], b[table]
        changed = {
            k: [before.get(k), after.get(k)]
            for k in before.keys() | after.keys()
            if before.get(k) != after.get(k)
        }
        if changed:
            out[table] = changed
    return out


def apply_inverse(scenario: Scenario, d: dict[str, dict[str, list[str | None]]]) -> Scenario:
    """``scenario`` with the rows of diff ``d`` put back as they were before it."""
    from kontaktplan.domain import Absence, Appointment, ScenarioMeta

    update: dict[str, Any] = {}
    if "meta" in d:
        update["meta"] = ScenarioMeta.model_validate_json(d["meta"]["meta"][0] or "")
    for table, model, key in (
        ("appointments", Appointment, lambda r: r.appointment_id),
        (
            "absences",
            Absence,
            lambda r: f"{r.specialist_id}|{r.first_day}|{r.last_day}|{r.reason}",
        ),
    ):
        if table not in d:
            continue
        changes = d[table]
        rows = []
        for r in getattr(scenario, table):
            k = key(r)
            if k not in changes:
                rows.append(r)
            elif changes[k][0] is not None:
                rows.append(model.model_validate_json(changes[k][0]))
        present = {key(r) for r in getattr(scenario, table)}
        rows += [
            model.model_validate_json(before)
            for k, (before, _) in changes.items()
            if before is not None and k not in present
        ]
        update[table] = tuple(rows)
    return scenario.model_copy(update=update)


class SqlWorkspace:
    """The office in one database; one process may serve many requests (threads)."""

    def __init__(self, url: str) -> None:
        self.url = url
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine = sa.create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self._cache: Snapshot | None = None
        self._lock = threading.Lock()

    # -- the office ------------------------------------------------------------------
    def is_empty(self) -> bool:
        with self.engine.connect() as c:
            return c.execute(sa.select(state_table.c.version)).first() is None

    def import_scenario(self, scenario: Scenario, policy: Policy, actor: str) -> int:
        """Put a scenario into an empty workspace (version 1)."""
        with self.engine.begin() as c:
            if c.execute(sa.select(state_table.c.version)).first() is not None:
                raise Conflict("the workspace already holds an office")
            c.execute(
                state_table.insert().values(
                    id=1,
                    version=1,
                    scenario=scenario.model_dump_json(),
                    policy=policy.model_dump_json(),
                )
            )
            self._log(c, actor, "import", {"name": scenario.meta.name}, {}, {}, 1)
        return 1

    def version(self) -> int:
        with self.engine.connect() as c:
            v = c.execute(sa.select(state_table.c.version)).scalar()
        if v is None:
            raise NotFound("the workspace holds no office yet (import a scenario first)")
        return int(v)

    def snapshot(self) -> Snapshot:
        """The current office; read again only when another writer changed it."""
        version = self.version()
        with self._lock:
            if self._cache is not None and self._cache.version == version:
                return self._cache
            with self.engine.connect() as c:
                row = c.execute(sa.select(state_table)).one()
            snap = Snapshot(
                Scenario.model_validate_json(row.scenario),
                Policy.model_validate_json(row.policy),
                int(row.version),
            )
            self._cache = snap
            return snap

    def commit(
        self,
        base: int,
        scenario: Scenario,
        *,
        actor: str,
        command: str,
        args: dict[str, Any],
        entry: dict[str, Any],
    ) -> Event:
        """Write ``scenario`` as the next version if the office is still at ``base``."""
        with self._lock:
            old = self._cache if self._cache and self._cache.version == base else None
        if old is None:
            old = self.snapshot()
            if old.version != base:
                raise self._conflict(base)
        d = diff(old.scenario, scenario)
        text = scenario.model_dump_json()
        with self.engine.begin() as c:
            done = c.execute(
                state_table.update()
                .where(state_table.c.version == base)
                .values(version=base + 1, scenario=text)
            )
            if done.rowcount != 1:
                raise self._conflict(base)
            event = self._log(c, actor, command, args, d, entry, base + 1)
        with self._lock:
            self._cache = Snapshot(scenario, old.policy, base + 1)
        return event

    def _conflict(self, base: int) -> Conflict:
        with self.engine.connect() as c:
            last = c.execute(
                sa.select(events_table).order_by(events_table.c.id.desc()).limit(1)
            ).first()
        if last is None:
            return Conflict("the office changed meanwhile; load the page again")
        when = last.at.replace(tzinfo=dt.UTC).astimezone(BERLIN)
        return Conflict(
            f"changed by {last.actor} ({last.command}) at {when:%d.%m.%Y %H:%M}; "
            "load the page again and repeat the action"
        )

    def _log(self, c, actor, command, args, d, entry, version) -> Event:
        at = utcnow()
        got = c.execute(
            events_table.insert().values(
                at=at,
                actor=actor,
                command=command,
                args=json.dumps(args, default=str),
                diff=json.dumps(d),
                entry=json.dumps(entry, default=str),
                version=version,
                undoes=args.get("undoes") if command == "undo" else None,
            )
        )
        return Event(int(got.inserted_primary_key[0]), at, actor, command, args, entry, version)

    # -- the event log -----------------------------------------------------------------
    def events(
        self,
        *,
        since: dt.date | None = None,
        actor: str | None = None,
        command: str | None = None,
        limit: int = 200,
    ) -> list[Event]:
        """The newest events first, filtered."""
        q = sa.select(events_table).order_by(events_table.c.id.desc()).limit(limit)
        if since is not None:
            q = q.where(events_table.c.at >= dt.datetime.combine(since, dt.time()))
        if actor:
            q = q.where(events_table.c.actor == actor)
        if command:
            q = q.where(events_table.c.command == command)
        with self.engine.connect() as c:
            return [self._event(r) for r in c.execute(q)]

    @staticmethod
    def _event(r) -> Event:
        d = json.loads(r.diff)
        touched = {f"{t}:{k}" for t, rows in d.items() for k in rows}
        return Event(
            int(r.id),
            r.at,
            r.actor,
            r.command,
            json.loads(r.args),
            json.loads(r.entry),
            int(r.version),
            r.undoes,
            touched,
        )

    def undo(self, event_id: int, actor: str) -> Event:
        """Reverse one event by a new compensating event; refused when a later event
        changed one of its rows, or it was undone already."""
        with self.engine.connect() as c:
            row = c.execute(sa.select(events_table).where(events_table.c.id == event_id)).first()
            if row is None:
                raise NotFound(f"no event {event_id}")
            later = [
                self._event(r)
                for r in c.execute(sa.select(events_table).where(events_table.c.id > event_id))
            ]
        target = self._event(row)
        if target.command in ("import", "undo"):
            raise UndoRefused(f"event {event_id} ({target.command}) cannot be undone")
        if any(e.undoes == event_id for e in later):
            raise UndoRefused(f"event {event_id} was undone already")
        blocking = [e for e in later if e.touched & target.touched]
        if blocking:
            raise UndoRefused(
                f"event {event_id} cannot be undone: event {blocking[0].id} "
                f"({blocking[0].command} by {blocking[0].actor}) changed the same rows later"
            )
        snap = self.snapshot()
        scenario = apply_inverse(snap.scenario, json.loads(row.diff))
        entry = {"command": "undo", "undoes": event_id, "of": target.command}
        return self.commit(
            snap.version,
            scenario,
            actor=actor,
            command="undo",
            args={"undoes": event_id},
            entry=entry,
        )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
