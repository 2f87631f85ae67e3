"""Find a slot for one customer (the front desk's "when can you come?"), RULES.md.

:func:`find_slots` lists every free slot the customer can be booked into under every
booking rule (:meth:`kontaktplan.disruption.bookable.Office.booking` decides), ranked: own
specialist, before the deadline, a week under its target, the emptiest day of the week,
the earliest; :func:`slot` lists them and books one. The next appointment after a held
contact (:mod:`kontaktplan.disruption.desk`) uses the same ranking.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kontaktplan.disruption.bookable import Office, Ranked, Window
from kontaktplan.disruption.outcome import Change, DisruptionError, Outcome, new_id, on_day
from kontaktplan.domain import Customer, Kind, Mode, Scenario
from kontaktplan.i18n import IsoWeek, Lang, Listing, Phrase, Weekday
from kontaktplan.planning.candidates import owes_in_person
from kontaktplan.rules.calendar import week_days
from kontaktplan.rules.policy import Policy

__all__ = ["Offer", "find_slots", "slot"]


@dataclass(frozen=True)
class Offer:
    """A free slot one customer can be booked into, and the facts of its rank."""

    window: Window
    kind: Kind
    mode: Mode
    own: bool
    before_deadline: bool
    under_target: bool
    key: tuple[Any, ...]
    customer_specialist: str  # the customer's own specialist
    due: dt.date
    overdue: bool  # the deadline lies before the booking day
    week: tuple[int, int]  # booked and target of the slot's week
    day_load: tuple[int, int, int]  # counted that day, fewest and most on a day of the week

    @cached_property
    def reasons(self) -> tuple[str, ...]:
        """Why it ranks where it does, in words (built when asked for: a search ranks
        thousands of offers and shows ten)."""
        sid, day = self.specialist_id, self.start.date()
        (booked, target), (n, least, most) = self.week, self.day_load
        return (
            Phrase("resolve.own", specialist=sid)
            if self.own
            else Phrase("slot.colleague", specialist=sid, own=self.customer_specialist),
            Phrase(
                "slot.before" if self.before_deadline else "slot.after",
                due=self.due,
                overdue=Phrase("slot.overdue") if self.overdue else "",
            ),
            Phrase(
                "slot.week",
                week=IsoWeek(day),
                booked=booked,
                target=target,
                over="" if self.under_target else Phrase("slot.over"),
            ),
            Phrase(
                "slot.day",
                weekday=Weekday(day),
                n=n,
                least=least,
                most=most,
                even=Phrase("slot.even") if n == least else "",
            ),
        )

    @property
    def specialist_id(self) -> str:
        return self.window.specialist_id

    @property
    def start(self) -> dt.datetime:
        return self.window.start

    def to_dict(self) -> dict[str, Any]:
        return {
            "specialist_id": self.specialist_id,
            "start": self.start.strftime("%Y-%m-%dT%H:%M"),
            "kind": self.kind.value,
            "mode": self.mode.value,
            "reasons": list(self.reasons),
        }

    def line(self, lang: Lang = "en") -> str:
        """The offer as ``kontaktplan slot`` lists it, in ``lang``."""
        return Phrase(
            "slot.offer",
            weekday=Weekday(self.start.date()),
            start=self.start,
            specialist=self.specialist_id,
            kind=self.kind,
            mode=self.mode,
            reasons=self.reasons,
        ).say(lang)


#: How a refusal of :meth:`Office.booking` (its catalogue key) is summed up for the planner.
_LEFT_OUT = {
    "booking.lead": "left.lead",
    "booking.gap": "left.gap",
    "booking.unavailable": "left.unavailable",
    "booking.too_short": "left.too_short",
    "booking.video_only": "left.mode",
    "booking.daily_cap": "left.daily_cap",
    "booking.not_working": "left.not_working",
    "booking.taken": "left.taken",
    "booking.same_day": "left.same_day",
}


def _left_out(reason: str) -> str:
    key = _LEFT_OUT.get(getattr(reason, "key", ""))
    return reason if key is None else Phrase(key)


def find_slots(
    office: Office,
    customer: Customer,
    booked_on: dt.date,
    *,
    first: dt.date | None = None,
    latest_first: bool = False,
) -> tuple[list[Offer], Counter[str]]:
    """Every free slot ``customer`` can be booked into on ``booked_on``, best first; and
    how many slots were left out, by reason.

    Order (RULES.md "Who fills the weekly volume", the customer stays with their own
    specialist): the own specialist first (a colleague of the team only when the own
    specialist has no slot before a deadline that can still be met, or none at all);
    before the deadline first; a week still
    under its target first; a day with the fewest bookings of its week first (keeps the
    week even); then the earliest (``latest_first``: the latest week before the
    deadline, for a next contact that should use its interval).
    """
    due = office.dues.get(customer.customer_id)
    if due is None:
        raise DisruptionError(
            Phrase("err.exempt", customer=customer.customer_id, exempt=customer.exempt)
        )
    if (other := office.future_booking(customer.customer_id)) is not None:
        raise DisruptionError(
            Phrase(
                "err.booked_already",
                customer=customer.customer_id,
                appointment=other.appointment_id,
                day=other.day,
                specialist=other.specialist_id,
            )
        )
    lead = office.policy.booking.lead_days
    start = max(first or booked_on, booked_on + dt.timedelta(days=lead))
    history = office.scenario.appointments_by_customer.get(customer.customer_id, ())
    mode = Mode.in_person if owes_in_person(history) else None
    left: Counter[str] = Counter()
    offers = _offers(office, customer, customer.specialist_id, booked_on, start, mode, left)
    reachable = due.due >= start  # an overdue customer stays with the own specialist
    if not offers or (reachable and not any(o.before_deadline for o in offers)):
        team = office.scenario.specialists_by_id[customer.specialist_id].team
        for sp in office.scenario.specialists:
            if sp.team == team and sp.specialist_id != customer.specialist_id:
                offers += _offers(office, customer, sp.specialist_id, booked_on, start, mode, left)
    if latest_first:
        weeks = sorted({o.key[3] for o in offers}, reverse=True)
        order = {w: i for i, w in enumerate(weeks)}
        offers.sort(key=lambda o: (*o.key[:3], order[o.key[3]], *o.key[4:]))
    else:
        offers.sort(key=lambda o: o.key)
    return offers, left


def _offers(
    office: Office,
    c: Customer,
    sid: str,
    booked_on: dt.date,
    start: dt.date,
    mode: Mode | None,
    left: Counter[str],
) -> list[Offer]:
    due = office.dues[c.customer_id]
    own = sid == c.specialist_id
    specialist = office.scenario.specialists_by_id[sid]
    lead = office.policy.booking.lead_days
    out: list[Offer] = []
    earliest = booked_on + dt.timedelta(days=lead)
    for d in office.slot_days.get(sid, ()):
        if booked_on <= d < start:
            why = Phrase("left.lead" if d < earliest else "left.from")
            left[why] += len(office.free_slots(sid, d))
    days = [d for d in office.slot_days.get(sid, ()) if d >= start]
    weeks: dict[dt.date, tuple[int, int, dict[dt.date, int]]] = {}
    for day in days:
        if not office.calendar.is_available(sid, day):
            left[Phrase("left.not_working")] += len(office.slots[sid, day])
            continue
        monday = day - dt.timedelta(days=day.weekday())
        if monday not in weeks:
            target = office.calendar.week_target(specialist, monday)
            counts = {d: office.counted(sid, d) for d in target.available_days}
            weeks[monday] = (
                target.target,
                sum(office.counted(sid, d) for d in week_days(monday)),
                counts,
            )
        target, booked, counts = weeks[monday]
        for s in office.free_slots(sid, day):
            w = Window(sid, s.start, s.end, s.mode)
            got = office.booking(c, w, booked_on, lead, mode=mode)
            if isinstance(got, str):
                left[_left_out(got)] += 1
                continue
            kind, how, _end = got
            before = day <= due.due
            under = booked < target
            n, least = counts.get(day, 0), min(counts.values())
            key = (not own, not before, not under, monday, n - least, s.start, sid)
            out.append(
                Offer(
                    *(w, kind, how, own, before, under, key),
                    customer_specialist=c.specialist_id,
                    due=due.due,
                    overdue=due.due < booked_on,
                    week=(booked, target),
                    day_load=(n, least, max(counts.values())),
                )
            )
    return out


# --- booking one slot -------------------------------------------------------------------------


def slot(
    scenario: Scenario,
    policy: Policy,
    customer_id: str,
    *,
    kind: Kind | None = None,
    first: dt.date | None = None,
    on: dt.date | None = None,
    book: int | None = None,
) -> tuple[Outcome, list[Offer]]:
    """The ranked free slots for one customer (:func:`find_slots`); with ``book``, the
    ``book``-th (1 = the best) is booked, booked on ``on`` (default: the planning date).

    ``kind`` is a check: a customer with no qualified contact gets a first interview, one
    with a contact a follow-up (RULES.md); asking for the other is bad input.
    """
    c = scenario.customers_by_id.get(customer_id)
    if c is None:
        raise DisruptionError(Phrase("err.no_customer", id=customer_id))
    if on is not None and on < scenario.today:
        raise DisruptionError(Phrase("err.on_before_today", on=on, today=scenario.today))
    scenario = on_day(scenario, on or scenario.today)
    office = Office(scenario, policy)
    booked_on = scenario.today
    due = office.dues.get(customer_id)
    if kind is not None and due is not None and office.kind_of(due) is not kind:
        need = office.kind_of(due)
        why = "err.no_contact_yet" if due.first_interview else "err.had_contact"
        raise DisruptionError(Phrase(why, customer=customer_id, kind=need))
    offers, left = find_slots(office, c, booked_on, first=first)
    out = Outcome("slot", booked_on, scenario)
    out.figures = {"offers": len(offers), "left_out": dict(left)}
    if due is not None:
        when = Phrase("slot.first_interview" if due.first_interview else "rank.due", due=due.due)
        out.notes.append(
            Phrase(
                "slot.customer",
                customer=customer_id,
                category=c.category,
                specialist=c.specialist_id,
                due=when,
            )
        )
    if c.unavailable:
        out.notes.append(Phrase("slot.unavailable", days=[str(u) for u in c.unavailable]))
    if left:
        counted = [Listing((n, why), " ") for why, n in sorted(left.items())]
        out.notes.append(Phrase("slot.left_out", reasons=counted))
    if book is None:
        return out, offers
    if not 1 <= book <= len(offers):
        raise DisruptionError(Phrase("err.book_choice", book=book, n=len(offers)))
    chosen = offers[book - 1]
    r = Ranked(c, due, chosen.kind, chosen.mode, 0, (), ())  # type: ignore[arg-type]
    new = office.book(r, new_id(scenario, "S", booked_on), chosen.window, booked_on)
    out.changes.append(
        Change.of("booked", new, Phrase("slot.booked", n=book, reasons=chosen.reasons))
    )
    out.scenario = scenario.model_copy(update={"appointments": (*scenario.appointments, new)})
    return out, offers
