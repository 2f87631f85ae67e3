"""The daily actions of the web app and the API: each calls the library function the
CLI calls (:mod:`kontaktplan.disruption`, :mod:`kontaktplan.disruption.replan`) on the current
snapshot and commits the result through the workspace as one event with the user.

A change is made against the version the page showed (``version``): when someone else
changed the office meanwhile, :class:`~kontaktplan.web.workspace.Conflict` is raised and
nothing is written. Where the only clash is the id of a new row, taken meanwhile by
another action (two cancellations at once both numbering their backfill B…-001), the
action runs again on the new state (:func:`kontaktplan.store.running_again`), as the
command line does: nothing the planner saw had changed.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec

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
from kontaktplan.disruption.bookable import Office, Window
from kontaktplan.disruption.desk import record_outcomes
from kontaktplan.disruption.outcome import new_id, replace_row
from kontaktplan.disruption.reassign import why_cannot_take
from kontaktplan.disruption.slot_finder import Offer, find_slots, slot
from kontaktplan.domain import Status
from kontaktplan.i18n import Listing, Phrase
from kontaktplan.i18n.errors import message_of
from kontaktplan.store import running_again, turn
from kontaktplan.web.auth import User
from kontaktplan.web.workspace import Conflict, Snapshot, WebWorkspace

__all__ = ["ActionError", "Done", "Preview", "UnknownId"]

DAY_OUTCOMES = ("held", "not_held", "no_show", "voided")
_STATUSES = Phrase("err.statuses", statuses=tuple(Status(s) for s in DAY_OUTCOMES))
SHOWN_SLOTS = 10  # Termin finden lists the best ten; any offered slot can be booked


class ActionError(ValueError):
    """The action cannot apply (unknown id, wrong status, bad date): nothing written.
    Raised with a :class:`~kontaktplan.i18n.phrase.Phrase` (the pages say it in German,
    the API in English)."""


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
        raise ActionError(Phrase("web.version_unknown", version=version, current=snap.version))
    return snap, version


P = ParamSpec("P")


def runs_again(action: Callable[P, Done]) -> Callable[P, Done]:
    """The action (its first argument the workspace), run again on the new state where
    its only conflict is a new row's id taken meanwhile, holding the writers' turn
    (:func:`kontaktplan.store.running_again`): it reads the office afresh
    (:func:`_fresh`) and still commits against the version the page showed."""

    @functools.wraps(action)
    def run(*args: P.args, **kwargs: P.kwargs) -> Done:
        ws = args[0]
        assert isinstance(ws, WebWorkspace)
        held = functools.partial(turn, ws.store)
        return running_again(lambda: action(*args, **kwargs), turn=held)

    return run


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
        lines_de=out.lines("de"),
        update={"disruption": out.entry()},
    )
    return Done(out, event, out.command)


#: The library's refusals that name an id it does not know (404, not 400).
_UNKNOWN = frozenset({"err.no_appointment", "err.no_specialist", "err.no_customer"})


def _library(fn, *args: Any, **kwargs: Any) -> Outcome:
    """``fn(*args, **kwargs)``; a refusal of the library as :class:`ActionError` (or
    :class:`UnknownId`) with the library's phrase."""
    try:
        return fn(*args, **kwargs)
    except DisruptionError as e:
        said = message_of(e)
        if getattr(said, "key", None) in _UNKNOWN:
            raise UnknownId(said) from None
        raise ActionError(said) from None


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


@runs_again
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
            raise ActionError(Phrase("web.not_candidate", candidate=candidate))
        if candidate == ranked[0]:
            out = _remembered(ws, snap, cancel, appointment_id, on, fill=True)
        else:  # a new outcome: the remembered one is not changed
            out = _library(cancel, snap.scenario, snap.policy, appointment_id, on)
            _book_other_candidate(out, snap, appointment_id, on, candidate)
    elif candidate and duty and out.candidates and candidate != out.candidates[0].customer_id:
        raise ActionError(Phrase("web.duty_first"))
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
            Phrase("web.backfill_chosen", appointment=appointment_id, reasons=r.reasons),
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


@runs_again
def do_noshow(ws: WebWorkspace, user: User, version: int, appointment_id: str) -> Done:
    """No-show: the first standby customer gets the phone consultation, the customer is
    re-invited in person (:func:`kontaktplan.disruption.noshow`)."""
    read = _fresh(ws, version)
    snap = read[0]
    out = _remembered(ws, snap, noshow, appointment_id)
    return _commit(ws, read, out, user, {"appointment_id": appointment_id})


# -- Ergebnisse des Tages ---------------------------------------------------------------
@runs_again
def do_day_results(
    ws: WebWorkspace,
    user: User,
    version: int,
    specialist_id: str,
    day: dt.date,
    exceptions: dict[str, str],
) -> Done:
    """Every planned appointment of the specialist that day held, except ``exceptions``
    (id -> not_held, no_show or voided): one call of
    :func:`kontaktplan.disruption.desk.record_outcomes`, as ``kontaktplan status --day``
    makes: all or nothing, no-shows re-invited, next contacts booked; refused before the
    appointments have taken place (voided aside)."""
    read = _fresh(ws, version)
    snap = read[0]
    sc = snap.scenario
    if specialist_id not in sc.specialists_by_id:
        raise UnknownId(Phrase("web.no_specialist", id=specialist_id))
    planned = [
        a
        for a in sc.appointments
        if a.specialist_id == specialist_id and a.day == day and a.status is Status.planned
    ]
    ids = {a.appointment_id for a in planned}
    for aid, status in exceptions.items():
        if aid not in ids:
            raise ActionError(
                Phrase("web.not_planned_of", appointment=aid, specialist=specialist_id, day=day)
            )
        if status not in DAY_OUTCOMES:
            raise ActionError(_STATUSES)
    if not planned:
        raise ActionError(Phrase("web.none_planned", specialist=specialist_id, day=day))
    outcomes = {a.appointment_id: Status(exceptions.get(a.appointment_id, "held")) for a in planned}
    out = _library(record_outcomes, sc, snap.policy, outcomes, now=ws.now(), command="day_results")
    args = {"specialist_id": specialist_id, "day": day.isoformat(), "exceptions": exceptions}
    return _commit(ws, read, out, user, args)


@runs_again
def do_status(ws: WebWorkspace, user: User, version: int, appointment_id: str, status: str) -> Done:
    read = _fresh(ws, version)
    snap = read[0]
    if status not in DAY_OUTCOMES:
        raise ActionError(_STATUSES)
    out = _library(
        set_status, snap.scenario, snap.policy, appointment_id, Status(status), now=ws.now()
    )
    return _commit(ws, read, out, user, {"appointment_id": appointment_id, "status": status})


# -- Abwesenheit -------------------------------------------------------------------------
@runs_again
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
            and why_cannot_take(office, a, s.specialist_id, cap) is None
        ]
        office.add(a)
        out.append({"appointment": a, "team": team, "proposals": options[:5]})
    return out


@runs_again
def do_accept_proposal(
    ws: WebWorkspace, user: User, version: int, appointment_id: str, specialist_id: str
) -> Done:
    """The team lead hands an escalated appointment to ``specialist_id`` (same time)."""
    read = _fresh(ws, version)
    snap = read[0]
    options = {e["appointment"].appointment_id: e["proposals"] for e in escalated(snap)}
    if appointment_id not in options:
        raise ActionError(Phrase("web.not_escalated", appointment=appointment_id))
    if specialist_id not in options[appointment_id]:
        raise ActionError(
            Phrase("web.cannot_take", specialist=specialist_id, appointment=appointment_id)
        )
    old = find(snap.scenario, appointment_id)
    new = old.model_copy(
        update={"specialist_id": specialist_id, "reassigned_from": old.specialist_id}
    )
    out = Outcome("handover", snap.scenario.today, replace_row(snap.scenario, old, new))
    out.changes.append(
        Change.of(
            "reassigned",
            new,
            Phrase(
                "web.handed_over",
                absent=old.specialist_id,
                specialist=specialist_id,
                lead=user.name,
            ),
            reassigned_from=old.specialist_id,
        )
    )
    args = {"appointment_id": appointment_id, "specialist_id": specialist_id}
    return _commit(ws, read, out, user, args)


# -- Termin finden -----------------------------------------------------------------------
def free_slots(snap: Snapshot, customer_id: str) -> list[Offer]:
    """Every free slot the customer can be booked into, ranked as ``kontaktplan slot``
    ranks them (:func:`kontaktplan.disruption.slot_finder.find_slots`: own specialist
    first, before the deadline, a week under its target, the emptiest day, the earliest)."""
    sc = snap.scenario
    c = sc.customers_by_id.get(customer_id)
    if c is None:
        raise UnknownId(Phrase("web.no_customer", id=customer_id))
    try:
        offers, left = find_slots(Office(sc, snap.policy), c, sc.today)
    except DisruptionError as e:
        raise ActionError(message_of(e)) from None
    if not offers and left:
        counted = [Listing((n, why), " ") for why, n in sorted(left.items())]
        left_out = Phrase("slot.left_out", reasons=counted)
        raise ActionError(Phrase("web.no_slot_left", customer=customer_id, left=left_out))
    if not offers:
        raise ActionError(Phrase("web.no_slot", customer=customer_id))
    return offers


def offered_slots(ws: WebWorkspace, snap: Snapshot, customer_id: str) -> list[Offer]:
    """:func:`free_slots`, computed once per office version (the list the planner sees)."""
    key = (snap.version, "free_slots", customer_id)
    return _memo(ws, key, lambda: free_slots(snap, customer_id))


@runs_again
def do_book(
    ws: WebWorkspace,
    user: User,
    version: int,
    customer_id: str,
    start: dt.datetime,
    specialist_id: str | None = None,
) -> Done:
    """Book ``customer_id`` into the offered slot at ``start`` (with ``specialist_id``,
    default their own specialist): ``kontaktplan slot --book N`` with that slot's rank."""
    read = _fresh(ws, version)
    snap = read[0]
    offers = offered_slots(ws, snap, customer_id)
    sid = specialist_id or snap.scenario.customers_by_id[customer_id].specialist_id
    rank = next(
        (i for i, o in enumerate(offers, 1) if o.start == start and o.specialist_id == sid), None
    )
    if rank is None:
        raise ActionError(
            Phrase("web.no_slot_at", specialist=sid, start=start, customer=customer_id)
        )
    out, _ = _library(slot, snap.scenario, snap.policy, customer_id, book=rank)
    args = {"customer_id": customer_id, "start": start.isoformat(), "specialist_id": sid}
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
