"""Who can be booked where, right now: the calendar state and the ranking of candidates.

Shared by the disruption commands (RULES.md, "Disruption handling"): a backfill, a
standby phone consultation, a re-invitation after a no-show and a moved booking each
need one customer in one concrete time, and every booking rule checked for that single
booking (free time, daily cap, one per day, no second future booking, minimum gap,
customer availability, slot length and mode, lead time). The ranking is the planner's
order of RULES.md "Who fills the weekly volume": a deadline that the booking meets (or
that is already overdue) first, earliest deadline first; then the priority of
:func:`kontaktplan.planning.candidates._priority` (first interview, U25, unemployed, share of the
interval elapsed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kontaktplan.appointment_index import copied
from kontaktplan.domain import (
    Appointment,
    Customer,
    Kind,
    Mode,
    Scenario,
    Slot,
    SlotMode,
    Status,
)
from kontaktplan.i18n import Phrase
from kontaktplan.planning.candidates import _requirement, owes_in_person
from kontaktplan.planning.candidates import priority as _priority
from kontaktplan.rules.calendar import OfficeCalendar
from kontaktplan.rules.policy import Due, Policy, customer_due, qualified_contacts

__all__ = ["DueCache", "Office", "Ranked", "Window", "explained", "rank"]


@dataclass(frozen=True)
class Window:
    """A time a specialist can give to one appointment, and the modes it admits."""

    specialist_id: str
    start: dt.datetime
    end: dt.datetime
    mode: SlotMode = SlotMode.any

    @property
    def day(self) -> dt.date:
        return self.start.date()


@dataclass(frozen=True)
class Ranked:
    """A customer who can take a window: what would be booked, how urgent, and why."""

    customer: Customer
    due: Due
    kind: Kind
    mode: Mode
    priority: int
    reasons: tuple[str, ...]
    key: tuple[Any, ...] = field(compare=False)

    @property
    def customer_id(self) -> str:
        return self.customer.customer_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "specialist_id": self.customer.specialist_id,
            "due": self.due.due.isoformat(),
            "kind": self.kind.value,
            "mode": self.mode.value,
            "priority": self.priority,
            "reasons": list(self.reasons),
        }


class DueCache:
    """Due dates computed on earlier versions of an office, for the commands of a day.

    An entry is used while the customer, their active rows and the planning date are the
    same: the very ``Customer`` and the very tuple of the scenario's appointment index (a
    copy that leaves a customer's rows alone keeps the tuple). Anything else is computed
    again, so a due date from the cache is the one :func:`customer_due` gives (issue 15: a
    simulated day's commands each computed the due dates of the same customers). On a
    later day, the qualified contacts of the same customer and rows are kept (they do not
    depend on the day).
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._entries: dict[str, _DueEntry] = {}

    def due(self, c: Customer, rows: Sequence[Appointment], today: dt.date) -> Due:
        """:func:`customer_due` of ``c`` with ``rows`` on ``today``."""
        e = self._entries.get(c.customer_id)
        if e is not None and e[0] is c and e[1] is rows:
            if e[2] == today:
                return e[3]
            contacts = e[4]
        else:
            contacts = qualified_contacts(c, rows, self.policy)
        due = customer_due(c, rows, self.policy, today, contacts)
        self._entries[c.customer_id] = (c, rows, today, due, contacts)
        return due


_DueEntry = tuple[Customer, Sequence[Appointment], dt.date, Due, list[dt.date]]
"""A kept due date: customer, rows, day, due date, and the qualified contacts."""


_NOT_YET: Any = object()


class _Dues(Mapping[str, Due]):
    """:func:`kontaktplan.rules.policy.due_dates`, computed per customer when first asked for.

    A backfill looks at one specialist's customers; the whole office's due dates would
    cost more than the rest of the command. Same fields and rules as ``due_dates``.
    """

    def __init__(
        self,
        scenario: Scenario,
        policy: Policy,
        history: Callable[[str], Sequence[Appointment]] | None = None,
        cache: DueCache | None = None,
    ) -> None:
        self.scenario, self.policy = scenario, policy
        self._history = history or (lambda cid: scenario.appointments_by_customer.get(cid, ()))
        self._cache = cache
        self._done: dict[str, Due | None] = {}

    def _compute(self, cid: str) -> Due | None:
        c = self.scenario.customers_by_id.get(cid)
        if c is None or c.exempt is not None:
            return None
        if self._cache is not None:
            return self._cache.due(c, self._history(cid), self.scenario.today)
        return customer_due(c, self._history(cid), self.policy, self.scenario.today)

    def __getitem__(self, cid: str) -> Due:
        if (due := self.get(cid)) is None:
            raise KeyError(cid)
        return due

    def get(self, cid: str, default: Any = None) -> Any:  # not Mapping's: no KeyError made
        due = self._done.get(cid, _NOT_YET)
        if due is _NOT_YET:
            due = self._done[cid] = self._compute(cid)
        return default if due is None else due

    def __contains__(self, cid: object) -> bool:
        # Without computing the due date: the standby list after a no-show asks this of
        # every customer of the office before it keeps the team's (issue 15: 5x faster on
        # a 6-team office).
        c = self.scenario.customers_by_id.get(cid) if isinstance(cid, str) else None
        return c is not None and c.exempt is None

    def __iter__(self) -> Iterator[str]:
        return (c.customer_id for c in self.scenario.customers if c.customer_id in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Office:
    """The scenario's calendar state: active appointments by specialist, day and customer.

    Mutable on purpose: a command that books several appointments (a replan) adds each
    one, so the next check sees it.
    """

    def __init__(self, scenario: Scenario, policy: Policy, dues: DueCache | None = None) -> None:
        """``dues``: due dates already computed on earlier versions of ``scenario``."""
        if dues is not None and dues.policy is not policy:
            raise ValueError("the due date cache belongs to another policy")
        self.scenario, self.policy = scenario, policy
        self.today = scenario.today
        self.calendar = OfficeCalendar(scenario, policy)
        index = scenario.appointment_index
        # The due dates are those of ``scenario``: from a customer's active rows (the only
        # ones a due date looks at) as the scenario has them, whatever this office books.
        active = index.active_by_customer
        self.dues = _Dues(scenario, policy, lambda cid: active.get(cid, ()), dues)
        # Copies of the scenario's index; a change replaces a tuple, never changes one.
        self._by_specialist = copied(index.active_by_specialist_day)
        self._by_customer = copied(index.active_by_customer)
        self._free: dict[tuple[str, dt.datetime, dt.datetime], str | None] = {}
        self.slots: Mapping[tuple[str, dt.date], tuple[Slot, ...]] = scenario.slots_by_day
        self.slot_days: Mapping[str, tuple[dt.date, ...]] = scenario.slot_days

    def add(self, a: Appointment) -> None:
        self._free.clear()
        key = (a.specialist_id, a.day)
        self._by_specialist[key] = (*self._by_specialist.get(key, ()), a)
        self._by_customer[a.customer_id] = (*self._by_customer.get(a.customer_id, ()), a)

    def remove(self, a: Appointment) -> None:
        self._free.clear()
        key = (a.specialist_id, a.day)
        self._by_specialist[key] = _without(self._by_specialist.get(key, ()), a)
        self._by_customer[a.customer_id] = _without(self._by_customer.get(a.customer_id, ()), a)

    def busy(self, sid: str, start: dt.datetime, end: dt.datetime) -> Appointment | None:
        """An active appointment of ``sid`` overlapping ``start``–``end``, if any."""
        for a in self._by_specialist.get((sid, start.date()), ()):
            if a.start < end and start < a.end:
                return a
        return None

    def conflict(self, sid: str, start: dt.datetime, end: dt.datetime) -> Appointment | None:
        """An active appointment of ``sid`` overlapping ``start``–``end`` or sharing a free
        slot with it (a slot holds one appointment, FORMAT.md), if any."""
        if (a := self.busy(sid, start, end)) is not None:
            return a
        for s in self.slots.get((sid, start.date()), ()):
            if s.start < end and start < s.end and (a := self.busy(sid, s.start, s.end)):
                return a
        return None

    def slots_touching(self, sid: str, start: dt.datetime, end: dt.datetime) -> list[Slot]:
        """The free slots of ``sid`` that overlap ``start``–``end``."""
        return [
            s for s in self.slots.get((sid, start.date()), ()) if s.start < end and start < s.end
        ]

    def counted(self, sid: str, day: dt.date) -> int:
        """Active appointments of ``sid`` on ``day`` that the daily cap counts (a group
        session once, however many customers it holds)."""
        items = self._by_specialist.get((sid, day), ())
        sessions = {a.start for a in items if a.kind is Kind.group_session}
        return len(sessions) + sum(
            1 for a in items if a.kind not in (Kind.phone_consultation, Kind.group_session)
        )

    # on_day and future_booking are asked for every customer a command looks at (issue 15:
    # some 80 000 times a simulated week): plain loops, no generator made each time.

    def on_day(self, cid: str, day: dt.date) -> Appointment | None:
        """The customer's active appointment on ``day`` (one per day), if any."""
        for a in self._by_customer.get(cid, ()):
            if a.day == day:
                return a
        return None

    def future_booking(self, cid: str) -> Appointment | None:
        """The customer's planned appointment from today on (not a phone consultation)."""
        for a in self._by_customer.get(cid, ()):
            if (
                a.status is Status.planned
                and a.day >= self.today
                and a.kind is not Kind.phone_consultation
            ):
                return a
        return None

    def open_day(self, sid: str, day: dt.date) -> bool:
        """The specialist works that day: a working day, no holiday, no absence."""
        return self.calendar.is_working_day(day) and not self.calendar.is_absent(sid, day)

    def free_slots(self, sid: str, day: dt.date) -> list[Slot]:
        """The specialist's free slots on ``day`` that no active appointment touches."""
        return [s for s in self.slots.get((sid, day), ()) if self.busy(sid, s.start, s.end) is None]

    def kind_of(self, due: Due) -> Kind:
        return Kind.first_interview if due.first_interview else Kind.follow_up

    def booking(
        self, c: Customer, w: Window, booked_on: dt.date, min_lead: int, *, mode: Mode | None = None
    ) -> tuple[Kind, Mode, dt.datetime] | str:
        """Kind, mode and end of a qualified contact for ``c`` in ``w``, or why not.

        Every booking rule of RULES.md that one booking can break is checked here.
        ``mode`` forces a mode (a re-invitation is in person).
        """
        due = self.dues.get(c.customer_id)
        if due is None:
            return Phrase("booking.exempt")
        if (other := self.future_booking(c.customer_id)) is not None:
            return Phrase("booking.planned", day=other.day)
        day = w.day
        if (day - booked_on).days < min_lead:
            return Phrase("booking.lead", days=min_lead, day=booked_on)
        if due.last_contact is not None:
            gap = self.policy.booking.min_days_between_contacts
            earliest = min(due.last_contact + dt.timedelta(days=gap), due.due)
            if day < earliest:
                return Phrase("booking.gap", last=due.last_contact, earliest=earliest)
        kind = self.kind_of(due)
        minutes = self.policy.duration(kind)
        end = w.start + dt.timedelta(minutes=minutes)
        if end > w.end:
            return Phrase("booking.too_short", kind=kind, minutes=minutes)
        specialist = self.scenario.specialists_by_id[w.specialist_id]
        if mode is None:
            video = c.mode is Mode.video and specialist.video and w.mode is not SlotMode.in_person
            if video and owes_in_person(
                self.scenario.appointment_index.by_customer.get(c.customer_id, ())
            ):
                video = False  # re-invited in person after a no-show (RULES.md)
            mode = Mode.video if video else self.policy.qualified_contact.default_mode
        if mode is not Mode.video and w.mode is SlotMode.video:
            return Phrase("booking.video_only")
        req = _requirement(c, minutes, mode, day.weekday())
        if req is None or not c.available(w.start, end):
            return Phrase("booking.unavailable")
        if self.on_day(c.customer_id, day) is not None:
            return Phrase("booking.same_day", day=day)
        return self._specialist_free(w.specialist_id, w.start, end) or (kind, mode, end)

    def _specialist_free(self, sid: str, start: dt.datetime, end: dt.datetime) -> str | None:
        """Why ``sid`` cannot take ``start``-``end``, or None; kept until the office changes
        (a backfill asks it of the same window for every customer of the specialist)."""
        key = (sid, start, end)
        if key not in self._free:
            self._free[key] = self._why_busy(sid, start, end)
        return self._free[key]

    def _why_busy(self, sid: str, start: dt.datetime, end: dt.datetime) -> str | None:
        day = start.date()
        if not self.open_day(sid, day):
            return Phrase("booking.not_working", specialist=sid, day=day)
        if (other := self.conflict(sid, start, end)) is not None:
            return Phrase("booking.taken", specialist=sid, appointment=other.appointment_id)
        if self.counted(sid, day) >= self.policy.booking.daily_cap:
            return Phrase("booking.daily_cap", specialist=sid, day=day)
        return None

    def book(
        self, r: Ranked, appointment_id: str, w: Window, booked_on: dt.date, **extra: Any
    ) -> Appointment:
        """A planned appointment of ``r`` at the start of ``w``, added to the state."""
        a = Appointment(
            appointment_id=appointment_id,
            customer_id=r.customer_id,
            specialist_id=w.specialist_id,
            start=w.start,
            end=w.start + dt.timedelta(minutes=self.policy.duration(r.kind)),
            kind=r.kind,
            mode=r.mode,
            status=Status.planned,
            booked_on=booked_on,
            **extra,
        )
        self.add(a)
        return a

    def earliest(
        self, c: Customer, sid: str, booked_on: dt.date, lead: int, mode: Mode | None
    ) -> tuple[Window, Kind, Mode] | str:
        """The earliest free slot of ``sid`` at least ``lead`` days after ``booked_on`` that
        ``c`` can take, with the kind and mode of the booking; or why there is none."""
        first = booked_on + dt.timedelta(days=lead)
        days = [d for d in self.slot_days.get(sid, ()) if d >= first]  # in order
        for day in days:
            if not self.calendar.is_available(sid, day):
                continue
            for s in self.free_slots(sid, day):
                w = Window(sid, s.start, s.end, s.mode)
                got = self.booking(c, w, booked_on, lead, mode=mode)
                if not isinstance(got, str):
                    return w, got[0], got[1]
        return Phrase("booking.no_slot", specialist=sid, day=first)

    def reasons(self, ranked: Ranked, booked_on: dt.date, day: dt.date) -> tuple[str, ...]:
        due, c = ranked.due, ranked.customer
        out: list[str] = []
        if due.due <= booked_on:  # as validate's overdue list: due today or before
            out.append(Phrase("rank.overdue", due=due.due))
        elif due.due < day:
            out.append(Phrase("rank.before_booking", due=due.due, days=(day - due.due).days))
        else:
            out.append(Phrase("rank.met", due=due.due))
        if due.first_interview:
            out.append(Phrase("rank.first_interview"))
        if c.under_25 and c.unemployed:
            out.append("U25")
        if c.unemployed:
            out.append(Phrase("rank.unemployed"))
        if due.last_contact is not None:
            share = f"{due.elapsed_share(day):.0%}"
            out.append(Phrase("rank.last_contact", last=due.last_contact, share=share))
        return tuple(out)


def _without(rows: tuple[Appointment, ...], a: Appointment) -> tuple[Appointment, ...]:
    """``rows`` without the first row equal to ``a`` (ValueError if none, as ``list.remove``)."""
    i = rows.index(a)
    return rows[:i] + rows[i + 1 :]


def rank(
    office: Office,
    items: list[tuple[Customer, Kind, Mode]],
    day: dt.date,
    booked_on: dt.date,
    *,
    reasons: bool = True,
) -> list[Ranked]:
    """Order customers for one booking on ``day``: deadlines met by it (or overdue) first,
    earliest deadline first; then by priority (first interview, U25, unemployed, elapsed).

    ``reasons=False``: without their reasons (the order is the same), for a caller that
    keeps only the first few and gives those theirs (:func:`explained`).
    """
    out = []
    for c, kind, mode in items:
        due = office.dues[c.customer_id]
        prio = _priority(office.policy, c, due, day)
        urgent = due.due <= day
        key = (0, due.due, -prio) if urgent else (1, -prio, due.due)
        out.append(Ranked(c, due, kind, mode, prio, (), (*key, c.customer_id)))
    out.sort(key=lambda r: r.key)
    return explained(office, out, booked_on, day) if reasons else out


def explained(
    office: Office, ranked: Iterable[Ranked], booked_on: dt.date, day: dt.date
) -> list[Ranked]:
    """``ranked`` with the reasons of their rank (issue 15: a no-show's standby list
    ranks a hundred customers and keeps five; the reasons cost as much as the rank)."""
    return [replace(r, reasons=office.reasons(r, booked_on, day)) for r in ranked]
