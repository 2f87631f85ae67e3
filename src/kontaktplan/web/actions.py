"""The daily actions of the web app and the API: each calls the library function the
CLI calls (:mod:`kontaktplan.disruption`, :mod:`kontaktplan.disruption.replan`) on the current
snapshot and commits the result through the workspace as one event with the user.

A change is made against the version the page showed (``version``): when someone else
changed the office meanwhile, :class:`~kontaktplan.web.workspace.Conflict` is raised and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kontaktplan.disruption import (
    Change,
    DisruptionError,
    Outcome,
    absence,
    backfill_candidates,
    cancel,
    find,
    noshow,
    set_status,
)
from kontaktplan.disruption.bookable import Office, Ranked, Window
from kontaktplan.disruption.outcome import new_id, replace_row
from kontaktplan.domain import Appointment, Status
from kontaktplan.web.auth import User
from kontaktplan.web.workspace import Conflict, Snapshot, WebWorkspace

__all__ = ["ActionError", "Done", "Preview", "UnknownId"]

DAY_OUTCOMES = ("held", "not_held", "no_show", "voided")


class ActionError(ValueError):
    """The action cannot apply (unknown id, wrong status, bad date): nothing written."""


class UnknownId(ActionError):
    """No appointment, customer or specialist with this id."""


@dataclass
class Done:
    """A committed action: the outcome the library returned and the event's id."""

    outcome: Outcome
    event: int
    command: str


@dataclass
class Preview:
    """What an action would do, before the planner decides (nothing written)."""

    outcome: Outcome
    version: int
    duty: bool = False


def _fresh(ws: WebWorkspace, version: int) -> tuple[Snapshot, int]:
    """The current snapshot, and the version the page showed (what the store checks)."""
    snap = ws.snapshot()
    if not 1 <= version <= snap.version:
        raise ActionError(f"version {version} is unknown (the office is at {snap.version})")
    return snap, version


def _commit(
    ws: WebWorkspace,
    read: tuple[Snapshot, int],
    out: Outcome,
    user: User,
    args: dict[str, Any],
) -> Done:
    """Commit as the CLI does in a workspace: the rows, the lines, the plan.json entry."""
    snap, version = read
    event = ws.commit(
        snap,
        out.scenario,
        expected=version,
        actor=user.name,
        command=out.command,
        args=args,
        lines=out.lines(),
        update={"disruption": out.entry()},
    )
    return Done(out, event, out.command)


def _library(fn, *args: Any, **kwargs: Any) -> Outcome:
    try:
        return fn(*args, **kwargs)
    except DisruptionError as e:
        text = str(e)
        if text.startswith(("no appointment", "unknown")):
            raise UnknownId(text) from None
        raise ActionError(text) from None


def _memo(ws: WebWorkspace, key: tuple, compute):
    """``compute()``, kept per key in the workspace's small memo (the newest 32)."""
    with ws.lock:
        got = ws.memo.get(key)
    if got is None:
        got = compute()
        with ws.lock:
            ws.memo[key] = got
            while len(ws.memo) > 32:
                ws.memo.popitem(last=False)
    return got


def _remembered(ws: WebWorkspace, snap: Snapshot, fn, *args: Any, **kwargs: Any) -> Outcome:
    """``fn(snap.scenario, snap.policy, *args, **kwargs)``, computed once per office
    version: the preview a planner looked at is what the click then commits (the same
    library call on the same snapshot gives the same outcome)."""
    key = (snap.version, fn.__name__, args, tuple(sorted(kwargs.items())))
    return _memo(ws, key, lambda: _library(fn, snap.scenario, snap.policy, *args, **kwargs))


# -- Absage ---------------------------------------------------------------------------
def cancel_preview(ws: WebWorkspace, appointment_id: str, on: dt.date | None) -> Preview:
    """The cancellation as the CLI would record it, with the ranked candidates."""
    snap = ws.snapshot()
    on = on or snap.scenario.today
    out = _remembered(ws, snap, cancel, appointment_id, on)
    return Preview(out, snap.version, bool(out.figures.get("backfill_duty")))


def do_cancel(
    ws: WebWorkspace,
    user: User,
    version: int,
    appointment_id: str,
    on: dt.date | None,
    candidate: str | None = None,
) -> Done:
    """Record the cancellation; at >= 7 days the best candidate is booked at once (the
    library's rule); closer, ``candidate`` (one of the ranked) is booked if given."""
    read = _fresh(ws, version)
    snap = read[0]
    on = on or snap.scenario.today
    args = {"appointment_id": appointment_id, "on": on.isoformat(), "candidate": candidate}
    out = _remembered(ws, snap, cancel, appointment_id, on)
    duty = bool(out.figures.get("backfill_duty"))
    if candidate and not duty:
        ranked = [r.customer_id for r in out.candidates]
        if candidate not in ranked:
            raise ActionError(f"{candidate!r} is not a candidate for the freed slot")
        if candidate == ranked[0]:
            out = _remembered(ws, snap, cancel, appointment_id, on, fill=True)
        else:  # a new outcome: the remembered one is not changed
            out = _library(cancel, snap.scenario, snap.policy, appointment_id, on)
            _book_other_candidate(out, snap, appointment_id, on, candidate)
    elif candidate and duty and out.candidates and candidate != out.candidates[0].customer_id:
        raise ActionError("at 7 days or more the best candidate is invited at once (backfill duty)")
    return _commit(ws, read, out, user, args)


def _book_other_candidate(
    out: Outcome, snap: Snapshot, appointment_id: str, on: dt.date, candidate: str
) -> None:
    """Book ``candidate`` (not the first of the ranked list) into the freed window, as
    :func:`kontaktplan.disruption.cancel` books the first with ``fill``."""
    old = find(snap.scenario, appointment_id)
    office = Office(out.scenario, snap.policy)
    w = _window(office, old)
    ranked = {r.customer_id: r for r in backfill_candidates(office, w, on, exclude=old.customer_id)}
    r = ranked[candidate]
    new = office.book(r, new_id(out.scenario, "B", on), w, on, backfill_for=appointment_id)
    out.changes.append(
        Change.of(
            "backfilled",
            new,
            f"optional backfill chosen by the planner for {appointment_id}: "
            + ", ".join(r.reasons),
        )
    )
    rows = out.scenario.appointments
    out.scenario = out.scenario.model_copy(update={"appointments": (*rows, new)})


def _window(office: Office, old) -> Window:
    """The freed free slot of the cancelled ``old`` (as the library finds it)."""
    from kontaktplan.disruption import freed_window

    return freed_window(office, old)


# -- Nicht erschienen ------------------------------------------------------------------
def noshow_preview(ws: WebWorkspace, appointment_id: str) -> Preview:
    """The no-show as :func:`kontaktplan.disruption.noshow` records it: the standby list
    (its candidates, the first gets the call) and the re-invitation; nothing written."""
    snap = ws.snapshot()
    return Preview(_remembered(ws, snap, noshow, appointment_id), snap.version)


def do_noshow(ws: WebWorkspace, user: User, version: int, appointment_id: str) -> Done:
    """No-show: the first standby customer gets the phone consultation, the customer is
    re-invited in person (:func:`kontaktplan.disruption.noshow`)."""
    read = _fresh(ws, version)
    snap = read[0]
    out = _remembered(ws, snap, noshow, appointment_id)
    return _commit(ws, read, out, user, {"appointment_id": appointment_id})


# -- Ergebnisse des Tages ---------------------------------------------------------------
def do_day_results(
    ws: WebWorkspace,
    user: User,
    version: int,
    specialist_id: str,
    day: dt.date,
    exceptions: dict[str, str],
) -> Done:
    """Every planned appointment of the specialist that day held, except ``exceptions``
    (id -> not_held, no_show or voided); one event (``set_status`` for each)."""
    read = _fresh(ws, version)
    snap = read[0]
    sc = snap.scenario
    if specialist_id not in sc.specialists_by_id:
        raise UnknownId(f"unknown specialist {specialist_id!r}")
    planned = [
        a
        for a in sc.appointments
        if a.specialist_id == specialist_id and a.day == day and a.status is Status.planned
    ]
    ids = {a.appointment_id for a in planned}
    for aid, status in exceptions.items():
        if aid not in ids:
            raise ActionError(f"{aid!r} is no planned appointment of {specialist_id} on {day}")
        if status not in DAY_OUTCOMES:
            raise ActionError(f"status must be one of {', '.join(DAY_OUTCOMES)}")
    if not planned:
        raise ActionError(f"{specialist_id} has no planned appointment on {day}")
    out = Outcome("day_results", day, sc)
    for a in planned:
        status = Status(exceptions.get(a.appointment_id, "held"))
        step = _library(set_status, out.scenario, snap.policy, a.appointment_id, status)
        out.scenario = step.scenario
        out.changes += step.changes
        out.notes += [n for n in step.notes if n not in out.notes]
    args = {"specialist_id": specialist_id, "day": day.isoformat(), "exceptions": exceptions}
    return _commit(ws, read, out, user, args)


def do_status(ws: WebWorkspace, user: User, version: int, appointment_id: str, status: str) -> Done:
    read = _fresh(ws, version)
    snap = read[0]
    if status not in DAY_OUTCOMES:
        raise ActionError(f"status must be one of {', '.join(DAY_OUTCOMES)}")
    out = _library(set_status, snap.scenario, snap.policy, appointment_id, Status(status))
    return _commit(ws, read, out, user, {"appointment_id": appointment_id, "status": status})


# -- Abwesenheit -------------------------------------------------------------------------
def do_absence(
    ws: WebWorkspace,
    user: User,
    version: int,
    specialist_id: str,
    first: dt.date,
    last: dt.date,
    reason: str | None,
) -> Done:
    """The absence, its appointments handed over (:func:`kontaktplan.disruption.absence`)."""
    read = _fresh(ws, version)
    snap = read[0]
    out = _library(
        absence, snap.scenario, snap.policy, specialist_id, first, last, reason=reason or None
    )
    args = {
        "specialist_id": specialist_id,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "reason": reason,
    }
    return _commit(ws, read, out, user, args)


def escalated(snap: Snapshot) -> list[dict[str, Any]]:
    """Planned appointments from today on in an absence of their specialist (left for the
    team lead), each with the specialists of other teams who could take it at its time."""
    from kontaktplan.disruption.reassign import _why_not

    sc, policy = snap.scenario, snap.policy
    office = Office(sc, policy)
    cap = policy.booking.daily_cap
    out = []
    for a in sc.appointments:
        if a.status is not Status.planned or a.day < sc.today:
            continue
        if not office.calendar.is_absent(a.specialist_id, a.day):
            continue
        team = sc.specialists_by_id[a.specialist_id].team
        office.remove(a)
        options = [
            s.specialist_id
            for s in sc.specialists
            if s.specialist_id != a.specialist_id
            and _why_not(office, a, s.specialist_id, cap) is None
        ]
        office.add(a)
        out.append({"appointment": a, "team": team, "proposals": options[:5]})
    return out


def do_accept_proposal(
    ws: WebWorkspace, user: User, version: int, appointment_id: str, specialist_id: str
) -> Done:
    """The team lead hands an escalated appointment to ``specialist_id`` (same time)."""
    read = _fresh(ws, version)
    snap = read[0]
    options = {e["appointment"].appointment_id: e["proposals"] for e in escalated(snap)}
    if appointment_id not in options:
        raise ActionError(f"{appointment_id!r} is not waiting for the team lead")
    if specialist_id not in options[appointment_id]:
        raise ActionError(f"{specialist_id!r} cannot take {appointment_id} at its time")
    old = find(snap.scenario, appointment_id)
    new = old.model_copy(
        update={"specialist_id": specialist_id, "reassigned_from": old.specialist_id}
    )
    out = Outcome("handover", snap.scenario.today, replace_row(snap.scenario, old, new))
    out.changes.append(
        Change.of(
            "reassigned",
            new,
            f"{old.specialist_id} absent; handed to {specialist_id} by the team lead {user.name}",
            reassigned_from=old.specialist_id,
        )
    )
    args = {"appointment_id": appointment_id, "specialist_id": specialist_id}
    return _commit(ws, read, out, user, args)


# -- Termin finden -----------------------------------------------------------------------
def free_slots(snap: Snapshot, customer_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """The customer's own specialist's free slots that every booking rule allows, earliest
    first, from today + lead time; each with the kind, mode and the customer's reasons."""
    sc, policy = snap.scenario, snap.policy
    c = sc.customers_by_id.get(customer_id)
    if c is None:
        raise UnknownId(f"unknown customer {customer_id!r}")
    office = Office(sc, policy)
    lead, today = policy.booking.lead_days, sc.today
    first = today + dt.timedelta(days=lead)
    out: list[dict[str, Any]] = []
    why: str | None = None
    for sid, day in sorted(office.slots):
        if sid != c.specialist_id or day < first or not office.calendar.is_available(sid, day):
            continue
        for s in office.free_slots(sid, day):
            w = Window(sid, s.start, s.end, s.mode)
            got = office.booking(c, w, today, lead)
            if isinstance(got, str):
                why = why or got
                continue
            r = Ranked(c, office.dues[customer_id], got[0], got[1], 0, (), ())
            out.append(
                {
                    "window": w,
                    "kind": got[0],
                    "mode": got[1],
                    "reasons": office.reasons(r, today, day),
                }
            )
            if len(out) >= limit:
                return out
    if not out and why:
        raise ActionError(f"no free slot for {customer_id}: {why}")
    return out


def offered_slots(ws: WebWorkspace, snap: Snapshot, customer_id: str) -> list[dict[str, Any]]:
    """:func:`free_slots`, computed once per office version (the list the planner sees)."""
    key = (snap.version, "free_slots", customer_id)
    return _memo(ws, key, lambda: free_slots(snap, customer_id))


def do_book(
    ws: WebWorkspace, user: User, version: int, customer_id: str, start: dt.datetime
) -> Done:
    """Book ``customer_id`` in their specialist's free slot starting at ``start``, if every
    booking rule allows it (the checks :func:`free_slots` lists the slots by)."""
    read = _fresh(ws, version)
    sc, policy = read[0].scenario, read[0].policy
    c = sc.customers_by_id.get(customer_id)
    if c is None:
        raise UnknownId(f"unknown customer {customer_id!r}")
    offered = {f["window"].start: f for f in offered_slots(ws, read[0], customer_id)}
    if start in offered:  # checked on this very office version when it was listed
        f = offered[start]
        new = Appointment(
            appointment_id=new_id(sc, "N", sc.today),
            customer_id=customer_id,
            specialist_id=f["window"].specialist_id,
            start=start,
            end=start + dt.timedelta(minutes=policy.duration(f["kind"])),
            kind=f["kind"],
            mode=f["mode"],
            status=Status.planned,
            booked_on=sc.today,
        )
        return _book(ws, read, user, new, f["reasons"])
    office = Office(sc, policy)
    lead, today = policy.booking.lead_days, sc.today
    slot = next(
        (s for s in office.free_slots(c.specialist_id, start.date()) if s.start == start), None
    )
    if slot is None or not office.calendar.is_available(c.specialist_id, start.date()):
        raise ActionError(f"no free slot of {c.specialist_id} at {start:%d.%m.%Y %H:%M}")
    w = Window(c.specialist_id, slot.start, slot.end, slot.mode)
    got = office.booking(c, w, today, lead)
    if isinstance(got, str):
        raise ActionError(f"{customer_id} cannot be booked at {start:%d.%m.%Y %H:%M}: {got}")
    r = Ranked(c, office.dues[customer_id], got[0], got[1], 0, (), ())
    new = office.book(r, new_id(sc, "N", today), w, today)
    return _book(ws, read, user, new, office.reasons(r, today, w.day))


def _book(ws: WebWorkspace, read, user: User, new: Appointment, reasons) -> Done:
    sc = read[0].scenario
    out = Outcome("book", sc.today, sc.model_copy(update={"appointments": (*sc.appointments, new)}))
    out.changes.append(Change.of("booked", new, "booked by hand: " + ", ".join(reasons)))
    args = {"customer_id": new.customer_id, "start": new.start.isoformat()}
    return _commit(ws, read, out, user, args)


__all__ += [
    "Conflict",
    "cancel_preview",
    "do_absence",
    "do_accept_proposal",
    "do_book",
    "do_cancel",
    "do_day_results",
    "do_noshow",
    "do_status",
    "escalated",
    "free_slots",
    "noshow_preview",
    "offered_slots",
]
