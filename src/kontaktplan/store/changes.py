"""Committing an action: the rows it changed (a diff of two scenarios), written with its
event in one transaction under optimistic concurrency.

An action loads a snapshot at office version *v*, works on it without holding anything,
and commits only if nothing it relied on changed since *v*. What it relied on is taken as
the specialists whose rows it changes (the specialist of each changed slot, absence,
appointment and of the appointment's customer): each has a clock holding the last event
that changed one of their rows. A long ``plan`` therefore commits after a cancellation
elsewhere, but not after one at a specialist it booked for. Besides, a changed row must
still be as read, and a new row's id must still be free. The planning date only moves
forward: a commit keeps the later of the two dates.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import OperationalError

from kontaktplan.i18n import Phrase
from kontaktplan.store import rows, schema
from kontaktplan.store.engine import Workspace
from kontaktplan.store.workspace import Busy, Conflict, StoreError, _insert, _ws, now

__all__ = [
    "RUNS",
    "Change",
    "apply",
    "commit",
    "diff",
    "lock_office",
    "running_again",
    "taking_turn",
    "turn",
]

CHUNK = 500
RUNS = 6
"""How often an action runs whose new rows' ids were taken meanwhile (:func:`running_again`)."""

T = TypeVar("T")


@dataclass
class Change:
    """One row written: its table and key, the images before and after (None = absent)."""

    table: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "key": self.key,
            "before": rows.image(self.before),
            "after": rows.image(self.after),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Change:
        t = d["table"]
        return cls(t, d["key"], rows.from_image(t, d["before"]), rows.from_image(t, d["after"]))


def diff(before, after) -> tuple[list[Change], dict[str, list[Change]]]:
    """The rows ``after`` changed against ``before``, matched by row key; a row object
    ``after`` still holds is unchanged (models are frozen), so only the rest is compared.
    Also, per table, the new rows in order (their ``seq`` is given at commit)."""
    changes: list[Change] = []
    appended: dict[str, list[Change]] = {}
    for table in schema.SCENARIO_TABLES:
        old, new = getattr(before, table), getattr(after, table)
        if old is new:
            continue
        in_old = set(map(id, old))
        in_new = set(map(id, new))
        added = [o for o in new if id(o) not in in_old]
        gone = [o for o in old if id(o) not in in_new]
        if not added and not gone:
            continue
        if table == "absences":  # no id, and two rows may be alike: number them as a whole
            key = dict(zip(map(id, old), rows.keys(table, old), strict=True))
            key |= dict(zip(map(id, new), rows.keys(table, new), strict=True))
            key_of = lambda o, key=key: key[id(o)]  # noqa: E731
        else:
            key_of = rows.key_of(table)
        previous = {key_of(o): o for o in gone}
        for o in added:
            k = key_of(o)
            row = rows.to_row(table, o)
            if k in previous:
                prev = rows.to_row(table, previous.pop(k))
                if prev != row:
                    changes.append(Change(table, k, {**prev, "seq": None}, {**row, "seq": None}))
            else:
                appended.setdefault(table, []).append(Change(table, k, None, row))
        for k, o in previous.items():
            changes.append(Change(table, k, {**rows.to_row(table, o), "seq": None}, None))
    return changes, appended


def commit(
    ws: Workspace | str,
    before,
    after,
    *,
    expected_version: int,
    actor: str,
    command: str,
    args: dict[str, Any],
    lines: list[str],
    lines_de: list[str] | None = None,
    plan_json_update: dict[str, Any] | None = None,
) -> int:
    """Write what ``after`` changed against ``before`` (the snapshot read at
    ``expected_version``), append the event and bump the office version, in one
    transaction; raise :class:`Conflict` if another event changed what this relied on.
    ``lines``: what the action printed, in English; ``lines_de``: the same in German
    (None: not given; German output then shows the English lines).
    ``plan_json_update``: ``{"plan": figures}`` adds a plan run (the earlier ones stay),
    ``{"disruption": entry}`` appends to the disruptions list. The new event's id."""
    ws = _ws(ws)
    changes, appended = diff(before, after)
    plan_update = plan_json_update or {}
    scopes = _scopes(changes, appended, after)
    pause_for_tests("before")
    with taking_turn(ws) as (conn, office):
        event_id = office.version + 1
        _check(conn, changes, appended, scopes, expected_version, plan_update)
        changes += _seq_new_rows(conn, appended)
        changes = _fill_seq(conn, changes)
        changes += _plan_changes(conn, plan_update, event_id)
        if after.meta.today > office.today:
            changes.append(
                Change("office", "today", {"today": office.today}, {"today": after.meta.today})
            )
        _record(conn, event_id, actor, command, args, changes, (lines, lines_de), None)
        apply(conn, changes, event_id)
        _tick(conn, scopes, event_id)
        pause_for_tests()
    return event_id


def running_again(
    action: Callable[[], T],
    saying: Callable[[Conflict], Any] | None = None,
    *,
    turn: Callable[[], AbstractContextManager[Any]] | None = None,
) -> T:
    """``action()``, which loads the office, works on it and commits. Where its only
    conflict is the id of a new row, taken meanwhile by another action (two cancellations
    at once at different specialists both numbered their backfill B…-001), it runs again
    on the new state: nothing it read had changed, so that is what the user would do.
    ``saying(conflict)`` tells the user first. Any other conflict is raised.

    With ``turn`` (:func:`turn` of its workspace) it runs again once, holding the
    writers' turn: no other action commits until it has, so its new ids cannot be taken
    again (under load, running again on its own, the next id was often taken again, and
    again). That is for an action of a tenth of a second; a ``plan`` that solves for
    seconds must not hold up the office: it runs again on its own, up to :data:`RUNS`
    times in all, after a random moment each time, so that actions that clashed at once
    do not clash again."""
    runs = 2 if turn is not None else RUNS
    for run in range(1, runs):
        try:
            return action()
        except Conflict as e:
            if not e.ids_only:
                raise
            if saying is not None:
                saying(e)
            if turn is None:
                time.sleep(random.uniform(0, 0.1 * run))
    if turn is None:
        return action()
    with turn():
        return action()


@contextmanager
def turn(ws: Workspace) -> Iterator[None]:
    """The writers' turn, held by this thread for the block: every commit it makes goes
    into one transaction, committed at the end (nothing, if the block raises); other
    writers wait (SQLite ``BEGIN IMMEDIATE``, PostgreSQL the office row's lock). Reading
    goes on beside it, and sees the office as it will stay until this commits."""
    with taking_turn(ws) as (conn, _), ws.holding(conn):
        yield


@contextmanager
def taking_turn(ws: Workspace) -> Iterator[tuple[Connection, Any]]:
    """A write transaction holding the writers' turn, with the office row
    (:func:`lock_office`). Waiting longer than the workspace's ``wait`` for another
    writer's turn raises :class:`Busy` (SQLite: the database is locked; PostgreSQL: the
    lock's timeout ran out): a process stopped mid-commit does not hold up the others
    for ever."""
    try:
        with ws.writing() as conn:
            yield conn, lock_office(ws, conn)
    except OperationalError as e:
        code = getattr(e.orig, "sqlstate", None)
        if code == "55P03" or "database is locked" in str(e.orig):  # 55P03: lock_not_available
            raise Busy(ws.wait) from None
        raise


def pause_for_tests(where: str = "in") -> None:
    """Sleep when ``KONTAKTPLAN_PAUSE_IN_COMMIT`` (inside the open transaction) or
    ``KONTAKTPLAN_PAUSE_BEFORE_COMMIT`` (after the work, before the transaction) gives
    seconds: the tests kill a process there, or act meanwhile."""
    seconds = os.environ.get(f"KONTAKTPLAN_PAUSE_{where.upper()}_COMMIT")
    if seconds:
        import sys
        import time

        print(f"pausing {where} commit", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def lock_office(ws: Workspace, conn: Connection):
    """The office row, locked for this transaction (PostgreSQL: writers wait here, one
    at a time; SQLite's ``BEGIN IMMEDIATE`` already made this the only writer)."""
    q = select(schema.office)
    if not ws.is_sqlite:  # SQLite waits at BEGIN IMMEDIATE (its busy timeout)
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(ws.wait * 1000)}")
        q = q.with_for_update()
    office = conn.execute(q).first()
    if office is None:
        raise StoreError(Phrase("err.store_empty"))
    return office


def _scopes(changes: list[Change], appended: dict[str, list[Change]], after) -> set[str]:
    """The specialists an action relied on: those of every changed row, and of the
    customer of every changed appointment."""
    owner = {c.customer_id: c.specialist_id for c in after.customers}
    out: set[str] = set()
    for c in [*changes, *(c for batch in appended.values() for c in batch)]:
        if c.table == "specialists":
            out.add(c.key)
        for image in (c.before, c.after):
            if image is None:
                continue
            out.add(image["specialist_id"])
            if "customer_id" in image and image["customer_id"] in owner:
                out.add(owner[image["customer_id"]])
    return {f"specialist:{s}" for s in out}


def _check(conn, changes, appended, scopes, expected_version, plan_update) -> None:
    """Raise :class:`Conflict` naming the first event that changed what this relied on."""
    later: list[tuple[int, str]] = []
    taken: list[tuple[int, str]] = []  # new ids only
    if scopes:
        for part in _chunks(sorted(scopes)):
            q = select(schema.clocks.c.version, schema.clocks.c.scope).where(
                schema.clocks.c.scope.in_(part), schema.clocks.c.version > expected_version
            )
            later += [
                (v, Phrase("err.store_specialist", specialist=s.removeprefix("specialist:")))
                for v, s in conn.execute(q)
            ]
    by_table: dict[str, list[str]] = {}
    for c in changes:
        by_table.setdefault(c.table, []).append(c.key)
    for table, keys in by_table.items():
        t = schema.ROW_TABLES[table]
        for part in _chunks(keys):
            q = select(t.c.changed_in, t.c.key).where(
                t.c.key.in_(part), t.c.changed_in > expected_version
            )
            later += [(v, Phrase("err.store_row", table=table, key=k)) for v, k in conn.execute(q)]
    for table, batch in appended.items():
        t = schema.ROW_TABLES[table]
        for part in _chunks([c.key for c in batch]):
            q = select(t.c.changed_in, t.c.key).where(t.c.key.in_(part))
            taken += [
                (v, Phrase("err.store_new_id", table=table, key=k)) for v, k in conn.execute(q)
            ]
    if later or taken:
        version, what = min(later or taken)
        e = conn.execute(
            select(schema.events.c.actor, schema.events.c.at).where(schema.events.c.id == version)
        ).one()
        raise Conflict(version, e.actor, e.at, what, ids_only=not later)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _seq_new_rows(conn, appended: dict[str, list[Change]]) -> list[Change]:
    """New rows go after every row the table holds now, in the order the action made them."""
    out = []
    for table, batch in appended.items():
        t = schema.ROW_TABLES[table]
        top = conn.execute(select(func.max(t.c.seq))).scalar()
        start = -1 if top is None else top
        for i, c in enumerate(batch, start=1):
            c.after = {**c.after, "seq": start + i}
            out.append(c)
    return out


def _fill_seq(conn, changes: list[Change]) -> list[Change]:
    """A changed or removed row keeps its place: its images carry the seq it has."""
    need: dict[str, list[Change]] = {}
    for c in changes:
        if (c.before or {}).get("seq", 0) is None:
            need.setdefault(c.table, []).append(c)
    for table, batch in need.items():
        t = schema.ROW_TABLES[table]
        seq = {}
        for part in _chunks([c.key for c in batch]):
            seq.update(conn.execute(select(t.c.key, t.c.seq).where(t.c.key.in_(part))).all())
        for c in batch:
            c.before = {**c.before, "seq": seq[c.key]}
            if c.after is not None:
                c.after = {**c.after, "seq": seq[c.key]}
    return changes


def _plan_changes(conn, update: dict[str, Any], event_id: int) -> list[Change]:
    t = schema.plan_runs
    out = []
    top = conn.execute(select(func.max(t.c.seq))).scalar() or 0
    for kind, key in (("plan", f"p{event_id}"), ("disruption", f"d{event_id}")):
        if kind in update:  # a plan run or a disruption is appended: nothing is dropped
            top += 1
            body = json.loads(json.dumps(update[kind], default=str))
            out.append(Change("plan_runs", key, None, {"seq": top, "kind": kind, "body": body}))
    return out


def _record(conn, event_id, actor, command, args, changes, said, undoes) -> None:
    """Append the event; ``said``: its lines in English and in German (or None)."""
    lines, lines_de = said
    conn.execute(
        insert(schema.events).values(
            id=event_id,
            at=now(),
            actor=actor,
            command=command,
            arguments=json.loads(json.dumps(args, default=str)),
            changes=[c.to_json() for c in changes],
            lines=[str(x) for x in lines],
            lines_de=None if lines_de is None else [str(x) for x in lines_de],
            undoes=undoes,
        )
    )


def apply(conn: Connection, changes: list[Change], event_id: int) -> None:
    """Write the after-images (delete, update, insert), stamped with the event."""
    inserts: dict[str, list[dict[str, Any]]] = {}
    for c in changes:
        if c.table == "office":
            conn.execute(update(schema.office).values(**c.after))
            continue
        t = schema.ROW_TABLES[c.table]
        if c.after is None:
            conn.execute(t.delete().where(t.c.key == c.key))
        elif c.before is None:
            inserts.setdefault(c.table, []).append(
                {"key": c.key, **c.after, "changed_in": event_id}
            )
        else:
            conn.execute(update(t).where(t.c.key == c.key).values(**c.after, changed_in=event_id))
    for table, batch in inserts.items():
        _insert(conn, table, batch)
    conn.execute(update(schema.office).values(version=event_id))


def _tick(conn, scopes: set[str], event_id: int) -> None:
    """Set the clocks of the specialists this event changed."""
    if not scopes:
        return
    t = schema.clocks
    known = set()
    for part in _chunks(sorted(scopes)):
        known |= set(conn.execute(select(t.c.scope).where(t.c.scope.in_(part))).scalars())
    if known:
        for part in _chunks(sorted(known)):
            conn.execute(update(t).where(t.c.scope.in_(part)).values(version=event_id))
    new = [{"scope": s, "version": event_id} for s in sorted(scopes - known)]
    if new:
        conn.execute(insert(t), new)
