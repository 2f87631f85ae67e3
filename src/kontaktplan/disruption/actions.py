"""Disruption handling (*Terminausfallmanagement*, RULES.md): cancel, absence, no-show,
standby list, status; the replan lives in :mod:`kontaktplan.disruption.replan`.

Each command takes a scenario and returns an :class:`Outcome`: the changed scenario, the
changes (each with its reason), the escalations for the team lead and the ranked
candidates it considered. Nothing is removed: a cancelled, missed or moved appointment
keeps its row with a new status.

The day a disruption is recorded on (a cancellation's ``--on``, the day of a no-show or
of a held appointment) becomes the folder's planning date (``today``) when it is later:
bookings made that day carry it as ``booked_on``, and the validator checks the rows
booked "today". The planning date never goes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from kontaktplan.disruption.bookable import DueCache, Office, Ranked, Window, explained, rank
from kontaktplan.disruption.outcome import (
    Change,
    DisruptionError,
    Outcome,
    find,
    new_id,
    on_day,
    plan_json,
    replace_row,
    require_planned,
    with_rows,
)
from kontaktplan.domain import (
    Absence,
    Appointment,
    Customer,
    Kind,
    Mode,
    Scenario,
    SlotMode,
    Status,
)
from kontaktplan.i18n import Phrase
from kontaktplan.rules.policy import Policy

__all__ = [
    "Change",
    "DisruptionError",
    "Outcome",
    "absence",
    "backfill_candidates",
    "cancel",
    "find",
    "freed_window",
    "noshow",
    "plan_json",
    "standby",
]


def freed_window(office: Office, a: Appointment) -> Window:
    """The free slot that held ``a`` (if no other appointment is in it), else ``a``'s time."""
    for s in office.slots.get((a.specialist_id, a.day), ()):
        if (
            s.start <= a.start
            and a.end <= s.end
            and office.busy(a.specialist_id, s.start, s.end) is None
        ):
            return Window(a.specialist_id, s.start, s.end, s.mode)
    return Window(a.specialist_id, a.start, a.end, SlotMode.any)


def backfill_candidates(
    office: Office,
    w: Window,
    booked_on: dt.date,
    exclude: str,
    lead: int | None = None,
    *,
    reasons: bool = True,
) -> list[Ranked]:
    """The specialist's own customers who can take window ``w``, best first (RULES.md);
    ``lead``: the notice they need (default ``backfill_min_lead_days``); ``reasons``: see
    :func:`~kontaktplan.disruption.bookable.rank`."""
    if lead is None:
        lead = office.policy.disruption.backfill_min_lead_days
    items = []
    for c in office.scenario.customers_by_specialist.get(w.specialist_id, ()):
        if c.customer_id == exclude:
            continue
        if (
            office.future_booking(c.customer_id) is not None
            or office.on_day(c.customer_id, w.day) is not None
        ):
            continue  # refused by ``booking`` too, but before it computes the due date
        got = office.booking(c, w, booked_on, lead)
        if not isinstance(got, str):
            items.append((c, got[0], got[1]))
    return rank(office, items, w.day, booked_on, reasons=reasons)


def cancel(
    scenario: Scenario,
    policy: Policy,
    appointment_id: str,
    on: dt.date,
    *,
    fill: bool | int = False,
    dues: DueCache | None = None,
    propose: bool = True,
) -> Outcome:
    """A cancellation by the customer on ``on``; backfill the freed slot (RULES.md).

    At least ``backfill_notice_days`` ahead, the best candidate of the same specialist is
    booked into the freed slot at once (``backfill_for``, booked ``on``, lead at least
    ``backfill_min_lead_days``); closer to the day the top ``proposals_listed``
    candidates are only proposed (optional), and ``fill`` books one: ``True`` or 1 the
    first, N the N-th (also at the duty's distance, instead of the first). Closer than
    ``backfill_min_lead_days`` a letter arrives too late: the candidates are those who can
    be asked by phone at short notice (``short_notice_days``). The cancelling customer
    keeps their deadline.

    ``dues``: due dates computed by earlier commands, if kept. ``propose=False``: when no
    backfill is booked (no duty, no ``fill``), the optional candidates are not looked for
    (for a caller that never books them, as the simulated office; the bookings are the
    same).
    """
    old = find(scenario, appointment_id)
    require_planned(old, "err.can_be_cancelled")
    if on < scenario.today:
        raise DisruptionError(Phrase("err.on_before_today", on=on, today=scenario.today))
    if old.day < on:
        what = Phrase("err.before_cancellation", appointment=appointment_id, day=old.day, on=on)
        raise DisruptionError(what)
    cancelled = old.model_copy(update={"status": Status.cancelled, "cancelled_on": on})
    scenario = on_day(scenario, on)
    ahead = (old.day - on).days
    out = Outcome("cancel", on, scenario)
    out.changes.append(
        Change.of(
            "cancelled",
            cancelled,
            Phrase("cancel.cancelled", on=on, ahead=ahead),
        )
    )
    new = _backfill(out, scenario, policy, old, int(fill), dues, propose)
    # One new scenario for both changes.
    out.scenario = replace_row(scenario, old, cancelled, *([new] if new else []))
    return out


def _backfill(
    out: Outcome,
    scenario: Scenario,
    policy: Policy,
    old: Appointment,
    fill: int,
    dues: DueCache | None = None,
    propose: bool = True,
) -> Appointment | None:
    """The backfill for the cancelled ``old`` (still planned in ``scenario``), if one is
    booked (``fill``: the N-th candidate, 0 = none unless it is a duty); candidates and
    notes go to ``out`` (``propose``: also the optional ones, when none is booked)."""
    on = out.date
    ahead = (old.day - on).days
    d = policy.disruption
    duty = ahead >= d.backfill_notice_days
    if old.kind is Kind.phone_consultation:
        out.notes.append(Phrase("cancel.standby_call"))
        return None
    if not (duty or fill or propose):
        out.notes.append(
            f"{ahead} days ahead (< {d.backfill_notice_days}): no duty to backfill; "
            "candidates not looked for"
        )
        return None
    office = Office(scenario, policy, dues)
    office.remove(old)  # cancelled: it no longer occupies its slot
    w = freed_window(office, old)
    short = ahead < d.backfill_min_lead_days
    if short and ahead < d.short_notice_days:
        out.notes.append(Phrase("cancel.too_late", ahead=ahead, days=d.short_notice_days))
        return None
    lead = d.short_notice_days if short else d.backfill_min_lead_days
    ranked = backfill_candidates(office, w, on, exclude=old.customer_id, lead=lead, reasons=False)
    out.candidates = explained(office, ranked[: d.proposals_listed], on, w.day)
    out.figures = {
        "days_ahead": ahead,
        "backfill_duty": duty,
        "short_notice": short,
        "candidates": len(ranked),
    }
    if not ranked:
        out.notes.append(Phrase("cancel.nobody", specialist=w.specialist_id))
        return None
    if fill > len(out.candidates):
        raise DisruptionError(Phrase("err.fill", fill=fill, n=len(out.candidates)))
    if not (duty or fill):
        how = (
            Phrase("cancel.by_phone", days=d.backfill_min_lead_days)
            if short
            else Phrase("cancel.by_letter")
        )
        out.notes.append(
            Phrase("cancel.optional", ahead=ahead, notice=d.backfill_notice_days, how=how)
        )
        return None
    best = out.candidates[max(fill, 1) - 1]
    new = office.book(best, new_id(scenario, "B", on), w, on, backfill_for=old.appointment_id)
    why = Phrase("cancel.duty") if duty and not fill else Phrase("cancel.fill", n=max(fill, 1))
    reason = Phrase(
        "cancel.backfill",
        why=why,
        short=Phrase("cancel.short") if short else "",
        appointment=old.appointment_id,
        reasons=best.reasons,
    )
    out.changes.append(Change.of("backfilled", new, reason))
    return new


def standby(
    scenario: Scenario, policy: Policy, day: dt.date, office: Office | None = None
) -> dict[str, list[Ranked]]:
    """Per specialist working on ``day`` (not absent) with appointments that day: whom to
    call if someone does not come.

    Unemployed, non-exempt customers, available that day and with no appointment row that
    day in any status (not one who is booked, cancelled, missed or voided that day); the
    specialist's own customers first, then the team's; without a planned booking first,
    then by urgency (RULES.md, no-show). ``standby_list_length`` per specialist.
    """
    office = office or Office(scenario, policy)
    n = policy.disruption.standby_list_length
    working = {
        a.specialist_id
        for a in scenario.appointments
        if a.day == day and a.is_active and office.open_day(a.specialist_id, day)
    }
    return {sid: _standby_list(office, sid, day, None, limit=n) for sid in sorted(working)}


def _standby_list(
    office: Office,
    sid: str,
    day: dt.date,
    window: Window | None,
    exclude: str = "",
    limit: int | None = None,
) -> list[Ranked]:
    """Standby candidates of ``sid`` on ``day`` (at ``window``'s time when given), the
    first ``limit`` of them (None: all).

    A customer with any appointment row that day (any status: one who cancelled or missed
    an appointment that day is not called either) is left out. The order is in four
    bunches (own customers without a planned booking, own with one, the team's without,
    the team's with one), each by urgency. Once ``limit`` are found, the later bunches
    are neither looked at nor ranked (issue 15: a due date costs, and a no-show asked for
    every team customer's).
    """
    scenario = office.scenario
    team = scenario.specialists_by_id[sid].team
    others = [
        s.specialist_id for s in scenario.specialists if s.team == team and s.specialist_id != sid
    ]
    that_day = {a.customer_id for a in scenario.appointment_index.by_day.get(day, ())}
    out: list[Ranked] = []
    for sids in ((sid,), others):
        bunches: tuple[list, list] = ([], [])
        for c in _callable(office, sids, day, window, exclude, that_day):
            bunches[office.future_booking(c.customer_id) is not None].append(c)
        for bunch in bunches:
            if limit is not None and len(out) >= limit:
                return explained(office, out[:limit], day, day)
            items = [(c, Kind.phone_consultation, Mode.phone) for c in bunch]
            ranked = rank(office, items, day, day, reasons=False)
            ranked.sort(key=lambda r: (r.due.due, -r.priority, r.customer_id))
            out += ranked
    return explained(office, out[:limit], day, day)


def _callable(
    office: Office,
    sids: Iterable[str],
    day: dt.date,
    window: Window | None,
    exclude: str,
    that_day: set[str],
) -> Iterator[Customer]:
    """The customers of ``sids`` who can take a standby call on ``day`` (at ``window``):
    unemployed, not exempt, no appointment row that day, available."""
    scenario = office.scenario
    minutes = office.policy.duration(Kind.phone_consultation)
    end = None if window is None else window.start + dt.timedelta(minutes=minutes)
    weekday = day.weekday()
    for sid in sids:
        for c in scenario.customers_by_specialist.get(sid, ()):
            if not c.unemployed or c.customer_id == exclude:
                continue
            if c.customer_id not in office.dues:  # exempt
                continue
            if c.customer_id in that_day or office.on_day(c.customer_id, day) is not None:
                continue
            if window is None:
                if any(u.weekday == weekday for u in c.unavailable if u.half is None):
                    continue
            elif not c.available(window.start, end):
                continue
            yield c


def noshow(
    scenario: Scenario,
    policy: Policy,
    appointment_id: str,
    *,
    now: dt.datetime | None = None,
    dues: DueCache | None = None,
) -> Outcome:
    """A no-show: status ``no_show``, a standby phone consultation in its time that day,
    and the customer re-invited in person at the earliest slot the lead time allows.

    A customer who already has a future booking: in person, it counts as the
    re-invitation; otherwise (video, phone) it is replaced, see :func:`_reinvite`. An
    appointment that has not started at ``now`` cannot be missed yet (None: not checked).
    ``dues``: due dates computed by earlier commands, if kept.
    """
    old = find(scenario, appointment_id)
    require_planned(old, "err.can_be_missed")
    if now is not None and old.start > now:
        raise DisruptionError(
            Phrase("err.noshow_early", appointment=appointment_id, start=old.start, now=now)
        )
    day = old.day
    missed = old.model_copy(update={"status": Status.no_show})
    scenario = replace_row(on_day(scenario, day), old, missed)
    out = Outcome("noshow", max(day, scenario.today), scenario)
    out.changes.append(Change.of("no_show", missed, Phrase("noshow.missed")))
    office = Office(scenario, policy, dues)
    new: list[Appointment] = []
    if day < scenario.today:
        out.notes.append(Phrase("noshow.passed", day=day))
    else:
        new += _standby_call(office, out, missed)
    new += _reinvite(office, out, missed, {a.appointment_id for a in new})
    out.scenario = with_rows(out.scenario, *new)
    return out


def _standby_call(office: Office, out: Outcome, missed: Appointment) -> list[Appointment]:
    minutes = office.policy.duration(Kind.phone_consultation)
    w = Window(missed.specialist_id, missed.start, missed.start + dt.timedelta(minutes=minutes))
    if not office.open_day(w.specialist_id, w.day):
        out.notes.append(Phrase("noshow.not_working", specialist=w.specialist_id, day=w.day))
        return []
    if (other := office.conflict(w.specialist_id, w.start, w.end)) is not None:
        out.notes.append(Phrase("noshow.taken", appointment=other.appointment_id))
        return []
    n = office.policy.disruption.standby_list_length
    ranked = _standby_list(office, w.specialist_id, w.day, w, exclude=missed.customer_id, limit=n)
    out.candidates = ranked
    if not ranked:
        out.notes.append(Phrase("noshow.nobody", specialist=w.specialist_id))
        return []
    best = ranked[0]
    aid = new_id(out.scenario, "T", w.day)
    call = Appointment(
        appointment_id=aid,
        customer_id=best.customer_id,
        specialist_id=w.specialist_id,
        start=w.start,
        end=w.end,
        kind=Kind.phone_consultation,
        mode=Mode.phone,
        status=Status.planned,
        booked_on=w.day,
    )
    office.add(call)
    out.changes.append(
        Change.of(
            "phone_consultation",
            call,
            Phrase("noshow.standby", appointment=missed.appointment_id, reasons=best.reasons),
        )
    )
    return [call]


def _reinvite(
    office: Office, out: Outcome, missed: Appointment, taken: set[str]
) -> list[Appointment]:
    """Re-invite in person (with the legal notice) at the earliest slot allowed (RULES.md).

    A future booking the customer already has (not a standby call) decides:

    - in person: it counts as the re-invitation, nothing is booked;
    - video or phone: it is replaced. A planned row's content never changes (the
      validator's ``history_unchanged``), so the old row is ``voided`` and a new in-person
      invitation is booked, booked today with the normal lead time: at the same time when
      a free slot of the same specialist holds it and admits in person (the customer keeps
      the day), otherwise at the earliest slot of their specialist the lead time allows.
      When neither exists, or the booking lies in an absence of its specialist (an
      absence never voids, RULES.md), it stays and the team lead gets it (``not_reinvited``).
    """
    scenario, policy = office.scenario, office.policy
    c = scenario.customers_by_id[missed.customer_id]
    if c.exempt is not None:
        out.notes.append(Phrase("reinvite.exempt", customer=c.customer_id, exempt=c.exempt))
        return []
    booked_on, lead = scenario.today, policy.booking.lead_days
    other = office.future_booking(c.customer_id)
    if other is not None and other.mode is Mode.in_person:
        out.notes.append(
            Phrase(
                "reinvite.has_one",
                customer=c.customer_id,
                appointment=other.appointment_id,
                day=other.day,
            )
        )
        return []
    if other is not None and office.calendar.is_absent(other.specialist_id, other.day):
        out.escalations.append(
            Change.of(
                "not_reinvited",
                missed,
                Phrase(
                    "reinvite.in_absence",
                    customer=c.customer_id,
                    appointment=other.appointment_id,
                    mode=other.mode,
                    day=other.day,
                    specialist=other.specialist_id,
                ),
            )
        )
        return []
    if other is not None:
        office.remove(other)
    got = (_same_time(office, c, other, booked_on, lead) if other is not None else None) or (
        office.earliest(c, c.specialist_id, booked_on, lead, Mode.in_person)
    )
    if isinstance(got, str):
        if other is not None:
            office.add(other)
            got = Phrase(
                "reinvite.stays", why=got, appointment=other.appointment_id, mode=other.mode
            )
        out.escalations.append(Change.of("not_reinvited", missed, got))
        return []
    w, kind, mode = got
    r = Ranked(c, office.dues[c.customer_id], kind, mode, 0, (), ())
    new = office.book(r, new_id(scenario, "R", booked_on, taken), w, booked_on)
    replacing: str = ""
    if other is not None:
        voided = other.model_copy(update={"status": Status.voided})
        out.scenario = replace_row(out.scenario, other, voided)
        out.changes.append(
            Change.of(
                "voided",
                voided,
                Phrase(
                    "reinvite.voided",
                    mode=other.mode,
                    new=new.appointment_id,
                    appointment=missed.appointment_id,
                ),
            )
        )
        when = "reinvite.same_time" if new.start == other.start else "reinvite.earliest"
        replacing = Phrase(
            "reinvite.replacing",
            appointment=other.appointment_id,
            mode=other.mode,
            when=Phrase(when),
        )
    why = Phrase(
        "reinvite.reinvited",
        appointment=missed.appointment_id,
        mode=missed.mode,
        replacing=replacing,
    )
    out.changes.append(Change.of("reinvited", new, why))
    return [new]


def _same_time(
    office: Office, c: Customer, old: Appointment, booked_on: dt.date, lead: int
) -> tuple[Window, Kind, Mode] | None:
    """An in-person booking for ``c`` at ``old``'s start, in the free slot of ``old``'s
    specialist that holds it, if every booking rule allows it (lead time included)."""
    for s in office.slots.get((old.specialist_id, old.day), ()):
        if s.start <= old.start and old.end <= s.end:
            w = Window(old.specialist_id, old.start, s.end, s.mode)
            got = office.booking(c, w, booked_on, lead, mode=Mode.in_person)
            if not isinstance(got, str):
                return w, got[0], got[1]
    return None


def absence(
    scenario: Scenario,
    policy: Policy,
    specialist_id: str,
    first: dt.date,
    last: dt.date,
    *,
    reason: str | None = None,
    time_limit: float = 10.0,
) -> Outcome:
    """Record an absence and hand its appointments over at the same date and time.

    RULES.md: never cancelled; (1) the named substitute if free and under the daily cap,
    (2) another free specialist of the team, (3) escalated to the team lead. Solved as
    one CP-SAT model (:mod:`kontaktplan.disruption.reassign_model`). Each escalation carries its
    ranked proposals (:func:`kontaktplan.disruption.resolve.proposals`) for ``kontaktplan resolve``.
    """
    from kontaktplan.disruption.reassign import reassign
    from kontaktplan.disruption.resolve import attach_proposals

    if specialist_id not in scenario.specialists_by_id:
        raise DisruptionError(Phrase("err.no_specialist", id=specialist_id))
    if last < first:
        raise DisruptionError(Phrase("err.to_before_from", first=first, last=last))
    row = Absence(specialist_id=specialist_id, first_day=first, last_day=last, reason=reason)
    scenario = scenario.model_copy(update={"absences": (*scenario.absences, row)})
    out = Outcome("absence", scenario.today, scenario)
    out.changes.append(
        Change(
            "absence",
            Phrase("absence.recorded", specialist=specialist_id, first=first, last=last),
            specialist_id=specialist_id,
        )
    )
    affected = [
        a
        for a in scenario.appointments
        if a.status is Status.planned
        and a.specialist_id == specialist_id
        and first <= a.day <= last
        and a.day >= scenario.today
    ]
    reassign(out, policy, affected, time_limit=time_limit)
    attach_proposals(out, policy)
    return out
