"""Group information sessions (*Gruppenberatung*, RULES.md "Rule set heilbronn-2025").

A group session counts as a qualified contact, at most once per customer per
``group_session_every_months``, for the categories the policy names. Planning one is a
front-desk action: the specialist picks a time in a free slot, the command invites the
customers it helps most. Each invitee gets an appointment row of kind ``group_session``
at the same time with the same specialist; every other booking rule is checked per
invitee by :meth:`kontaktplan.disruption.bookable.Office.booking`.
"""

from __future__ import annotations

import datetime as dt

from kontaktplan.disruption.bookable import Office, Ranked, Window, rank
from kontaktplan.disruption.outcome import Change, DisruptionError, Outcome, new_id
from kontaktplan.domain import Appointment, Customer, Kind, Mode, Scenario, Status
from kontaktplan.i18n import Listing, Phrase
from kontaktplan.rules.policy import Policy, add_months

__all__ = ["group_categories", "group_session"]

#: Without a per-category setting in the policy file, a group session counts for K1 only:
#: the 2025 concept allows it in its K1 section (RULES.md, interpretation).
_DEFAULT_GROUP_CATEGORIES = ("K1",)


def group_categories(policy: Policy) -> tuple[str, ...]:
    """The categories for which a group session counts as a qualified contact.

    Read defensively: the policy's per-category setting if it has one (a list of
    categories, or a table category -> true/false), else K1 only.
    """
    qc = policy.qualified_contact
    for name in ("group_session_categories", "group_session_counts"):
        value = getattr(qc, name, None)
        if isinstance(value, dict):
            return tuple(k for k, v in value.items() if v)
        if value is not None:
            return tuple(value)
    return _DEFAULT_GROUP_CATEGORIES


def _last_group_session(scenario: Scenario, c: Customer) -> dt.date | None:
    """The customer's latest group session, held or planned (or ``last_group_session``)."""
    days = [
        a.day
        for a in scenario.appointments_by_customer.get(c.customer_id, ())
        if a.kind is Kind.group_session and a.is_active
    ]
    if c.last_group_session is not None:
        days.append(c.last_group_session)
    return max(days, default=None)


def _reason_kind(why: str) -> str:
    """The reason counted: an earlier booking or the last contact without its day."""
    key = getattr(why, "key", None)
    if key == "booking.planned":
        return Phrase("group.planned")
    if key == "booking.gap":
        return Phrase("group.last_contact", last=why.fields["last"])
    return why


def _why_not(office: Office, c: Customer, w: Window, cats: tuple[str, ...]) -> str | None:
    """Why ``c`` cannot be invited to the session in ``w``; None if they can."""
    policy = office.policy
    if c.exempt is not None:
        return Phrase("booking.exempt")
    if not set(policy.effective_categories(c)) <= set(cats):
        return Phrase("group.not_counted", category=c.category)
    due = office.dues[c.customer_id]
    if due.first_interview:
        return Phrase("group.first_interview")
    last = _last_group_session(office.scenario, c)
    every = policy.qualified_contact.group_session_every_months
    if last is not None and w.day < add_months(last, every):
        return Phrase("group.recent", last=last, every=every)
    got = office.booking(c, w, office.today, policy.booking.lead_days, mode=Mode.in_person)
    return got if isinstance(got, str) else None


def group_session(
    scenario: Scenario, policy: Policy, specialist_id: str, at: dt.datetime, capacity: int
) -> Outcome:
    """Book a group session of ``specialist_id`` at ``at`` for up to ``capacity`` customers.

    The time must lie in a free slot of the specialist (as long as a group session lasts),
    on a day they work, under the daily cap (the session counts once), at least
    ``lead_days`` after the planning date. Invited: the specialist's own customers for
    whom it counts (:func:`group_categories`; no first interview, no group session in the
    last ``group_session_every_months``) and who can take the time under every booking
    rule, ranked as for any booking (deadline met by it first, earliest deadline first,
    then priority).
    """
    if specialist_id not in scenario.specialists_by_id:
        raise DisruptionError(Phrase("err.unknown_specialist", id=specialist_id))
    if capacity < 1:
        raise DisruptionError(Phrase("err.capacity"))
    office = Office(scenario, policy)
    booked_on = scenario.today
    lead = policy.booking.lead_days
    if (at.date() - booked_on).days < lead:
        raise DisruptionError(Phrase("err.group_lead", day=at.date(), lead=lead, today=booked_on))
    end = at + dt.timedelta(minutes=policy.duration(Kind.group_session))
    home = next(
        (s for s in office.free_slots(specialist_id, at.date()) if s.start <= at and end <= s.end),
        None,
    )
    if home is None:
        raise DisruptionError(
            Phrase("err.group_slot", specialist=specialist_id, start=at, end=end.time())
        )
    w = Window(specialist_id, at, home.end, home.mode)
    cats = group_categories(policy)
    items: list[tuple[Customer, Kind, Mode]] = []
    left: dict[str, int] = {}
    for c in scenario.customers:
        if c.specialist_id != specialist_id:
            continue
        why = _why_not(office, c, w, cats)
        if why is None:
            items.append((c, Kind.group_session, Mode.in_person))
        else:
            key = _reason_kind(why)
            left[key] = left.get(key, 0) + 1
    if not items:
        reasons = [Phrase("group.left", n=n, why=why) for why, n in sorted(left.items())]
        what = Phrase(
            "err.nobody_invited", specialist=specialist_id, reasons=Listing(reasons, "; ")
        )
        raise DisruptionError(what)
    ranked = rank(office, items, at.date(), booked_on)
    out = Outcome("group", booked_on, scenario)
    new: list[Appointment] = []
    for r in ranked[:capacity]:
        new.append(_invite(r, w, end, new_id(scenario, "G", booked_on, _ids(new)), booked_on))
        out.changes.append(
            Change.of("group_session", new[-1], Phrase("group.invited", reasons=r.reasons))
        )
    out.candidates = ranked[capacity : capacity + 5]
    out.figures = {"invited": len(new), "capacity": capacity, "eligible": len(ranked)}
    out.notes.append(
        Phrase(
            "group.summary",
            specialist=specialist_id,
            at=at,
            n=len(new),
            capacity=capacity,
            eligible=len(ranked),
            categories=cats,
        )
    )
    if len(ranked) > capacity:
        out.notes.append(Phrase("group.more"))
    out.scenario = scenario.model_copy(update={"appointments": (*scenario.appointments, *new)})
    return out


def _ids(rows: list[Appointment]) -> set[str]:
    return {a.appointment_id for a in rows}


def _invite(r: Ranked, w: Window, end: dt.datetime, aid: str, booked_on: dt.date) -> Appointment:
    """The invitee's row: in person, the session's time, booked on the planning date."""
    return Appointment(
        appointment_id=aid,
        customer_id=r.customer_id,
        specialist_id=w.specialist_id,
        start=w.start,
        end=end,
        kind=Kind.group_session,
        mode=Mode.in_person,
        status=Status.planned,
        booked_on=booked_on,
    )
