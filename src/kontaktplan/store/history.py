"""The event log read back (``log``), an action reversed by a compensating event
(``undo``), and closed history removed after the policy's retention period (``purge``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from kontaktplan.i18n import Lang, Phrase, translator
from kontaktplan.store import schema
from kontaktplan.store.changes import Change, _chunks, _record, _scopes, _tick, apply, taking_turn
from kontaktplan.store.engine import Workspace
from kontaktplan.store.workspace import StoreError, _ws

__all__ = ["Event", "log", "purge", "undo"]

CLOSED = ("held", "not_held", "cancelled", "no_show", "voided")


@dataclass
class Event:
    """One entry of the event log."""

    id: int
    at: dt.datetime
    actor: str
    command: str
    arguments: dict[str, Any]
    changes: list[dict[str, Any]]
    lines: list[str]
    undoes: int | None
    lines_de: list[str] | None = None

    def said(self, lang: Lang = "en") -> list[str]:
        """The lines the action printed, in ``lang``: German as stored with the event
        (since migration 0003), else the stored English lines (an older event)."""
        if lang == "de" and self.lines_de is not None:
            return self.lines_de
        return self.lines

    def summary(self, lang: Lang = "en") -> str:
        """One line: id, time (UTC), actor, command and arguments, rows changed."""
        t = translator(lang)
        what = t("cli.undo_of", event=self.undoes) if self.undoes else self.command
        args = " ".join(f"{k}={v}" for k, v in self.arguments.items() if v not in (None, False))
        return (
            f"{self.id:>5}  {self.at:%Y-%m-%d %H:%M:%S}  {self.actor}  {what}"
            f"{'  ' + args if args else ''}  {t('cli.event_rows', n=len(self.changes))}"
        )


def log(ws: Workspace | str, since: dt.date | None = None, actor: str | None = None) -> list[Event]:
    """The events in order, from ``since`` (a UTC day) on, of ``actor`` only if given."""
    ws = _ws(ws)
    e = schema.events
    q = select(e).order_by(e.c.id)
    if since is not None:
        q = q.where(e.c.at >= dt.datetime.combine(since, dt.time()))
    if actor is not None:
        q = q.where(e.c.actor == actor)
    with ws.reading() as conn:
        return [Event(**r._mapping) for r in conn.execute(q)]


def _event(conn, event_id: int) -> Event:
    r = conn.execute(select(schema.events).where(schema.events.c.id == event_id)).first()
    if r is None:
        raise StoreError(Phrase("err.no_event", event=event_id))
    return Event(**r._mapping)


def undo(ws: Workspace | str, event_id: int | None = None, actor: str = "?") -> int:
    """Reverse an action (default: the last one not yet undone) by a new event that
    restores its before-images; refuse if a later event changed any of the same rows.
    The planning date is not moved back (it never goes back). The new event's id."""
    ws = _ws(ws)
    e = schema.events
    with taking_turn(ws) as (conn, office):
        undone = set(conn.execute(select(e.c.undoes).where(e.c.undoes.is_not(None))).scalars())
        if event_id is None:
            q = select(e.c.id).where(e.c.undoes.is_(None), e.c.command.not_in(("import", "purge")))
            candidates = [i for i in conn.execute(q.order_by(e.c.id.desc())).scalars()]
            event_id = next((i for i in candidates if i not in undone), None)
            if event_id is None:
                raise StoreError(Phrase("err.nothing_to_undo"))
        target = _event(conn, event_id)
        if target.command in ("import", "purge"):
            raise StoreError(Phrase("err.no_undo", event=event_id, command=target.command))
        if target.undoes is not None:
            raise StoreError(Phrase("err.undo_undo", event=event_id))
        if event_id in undone:
            raise StoreError(Phrase("err.undone", event=event_id))
        changes = [Change.from_json(c) for c in target.changes if c["table"] != "office"]
        _refuse_if_changed_later(conn, changes, event_id)
        reverse = [Change(c.table, c.key, c.after, c.before) for c in reversed(changes)]
        new_id = office.version + 1
        undid = Phrase("cli.undid", event=event_id, command=target.command, actor=target.actor)
        said = _both(undid)
        _record(conn, new_id, actor, "undo", {"event": event_id}, reverse, said, event_id)
        apply(conn, reverse, new_id)
        scopes = _scopes(
            [c for c in reverse if c.table in schema.SCENARIO_TABLES], {}, _Owners(conn)
        )
        _tick(conn, scopes, new_id)
    return new_id


def _both(*lines: Phrase) -> tuple[list[str], list[str]]:
    """An event's lines in English and in German."""
    return [str(x) for x in lines], [x.say("de") for x in lines]


class _Owners:
    """The customers' specialists as :func:`_scopes` asks for them (``after.customers``)."""

    def __init__(self, conn) -> None:
        t = schema.customers
        self.customers = [
            _Customer(c, s) for c, s in conn.execute(select(t.c.customer_id, t.c.specialist_id))
        ]


@dataclass
class _Customer:
    customer_id: str
    specialist_id: str


def _refuse_if_changed_later(conn, changes: list[Change], event_id: int) -> None:
    """Every row the event wrote must still be as it left it (a later event that was
    undone again counts as no change)."""
    by_table: dict[str, list[Change]] = {}
    for c in changes:
        by_table.setdefault(c.table, []).append(c)
    for table, batch in by_table.items():
        t = schema.ROW_TABLES[table]
        for part in _chunks([c.key for c in batch]):
            found = {r.key: r._asdict() for r in conn.execute(select(t).where(t.c.key.in_(part)))}
            for c in batch:
                if c.key not in part:
                    continue
                now = found.get(c.key)
                if now is None and c.after is None:
                    continue
                if now is not None and c.after is not None:
                    later = now.pop("changed_in")
                    now.pop("key")
                    if now == c.after:
                        continue
                else:
                    later = None if now is None else now["changed_in"]
                who = _event(conn, later) if later else None
                by = (
                    Phrase("err.changed_by", event=who.id, command=who.command, actor=who.actor)
                    if who
                    else Phrase("err.changed_later")
                )
                row = Phrase("err.store_row", table=table, key=c.key)
                raise StoreError(Phrase("err.undo_changed", event=event_id, row=row, by=by))


def purge(ws: Workspace | str, before: dt.date, actor: str = "?") -> int:
    """Remove closed history: appointments held, not held, cancelled, missed or voided
    that ended before ``before`` and absences that ended before it. ``before`` must lie at
    least the policy's retention period (``[retention] closed_history_days``) before the
    planning date. The purged rows' images are also blanked in the older events of the log.
    The new event's id."""
    from kontaktplan.rules.policy import Policy

    ws = _ws(ws)
    with taking_turn(ws) as (conn, office):
        policy = Policy.model_validate(tomllib.loads(office.policy_text))
        if policy.retention is None:
            raise StoreError(Phrase("err.no_retention", policy=policy.name))
        days = policy.retention.closed_history_days
        latest = office.today - dt.timedelta(days=days)
        if before > latest:
            what = Phrase("err.retention", before=before, days=days, policy=policy.name)
            raise StoreError(Phrase("err.retention_give", what=what, latest=latest))
        gone = _closed_rows(conn, before)
        changes = [Change(t, k, None, None) for t, keys in gone.items() for k in keys]
        new_id = office.version + 1
        counts = {t: len(keys) for t, keys in gone.items()}
        said = _both(Phrase("cli.purged", before=before, counts=counts))
        _record(conn, new_id, actor, "purge", {"before": before}, changes, said, None)
        for table, keys in gone.items():
            t = schema.ROW_TABLES[table]
            for part in _chunks(keys):
                conn.execute(t.delete().where(t.c.key.in_(part)))
        _blank_images(conn, gone, new_id)
        conn.execute(update(schema.office).values(version=new_id))
    return new_id


def _closed_rows(conn, before: dt.date) -> dict[str, list[str]]:
    a, ab = schema.appointments, schema.absences
    cut = dt.datetime.combine(before, dt.time())
    closed = conn.execute(select(a.c.key).where(a.c.status.in_(CLOSED), a.c.end < cut)).scalars()
    referenced = set(
        conn.execute(select(a.c.backfill_for).where(a.c.backfill_for.is_not(None))).scalars()
    )
    # a kept backfill names the cancelled appointment it filled: that row stays with it
    appointments = sorted(k for k in closed if k not in referenced)
    absences = sorted(conn.execute(select(ab.c.key).where(ab.c.last_day < before)).scalars())
    return {"appointments": appointments, "absences": absences}


def _blank_images(conn, gone: dict[str, list[str]], purge_id: int) -> None:
    """Data protection: a purged row's images leave the log too (the entries stay, with
    ``before``/``after`` null and ``purged`` set). The only change ever made to old events."""
    purged = {(t, k) for t, keys in gone.items() for k in keys}
    if not purged:
        return
    e = schema.events
    for r in conn.execute(select(e.c.id, e.c.changes).where(e.c.id < purge_id)).all():
        if not any((c["table"], c["key"]) in purged for c in r.changes):
            continue
        blanked = [
            {**c, "before": None, "after": None, "purged": True}
            if (c["table"], c["key"]) in purged
            else c
            for c in r.changes
        ]
        conn.execute(update(e).where(e.c.id == r.id).values(changes=blanked))
