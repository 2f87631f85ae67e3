"""What-if: small, composable edits of a scenario or policy, and the numbers to compare.

Every edit is a pure function returning a new, validated :class:`Scenario` (or
:class:`Policy`); the input is never changed. Randomness comes only from ``seed``: same
arguments, same result. The measures (:func:`deadlines`, :func:`contacts_needed`,
:func:`simulate_week`) return small dataclasses with the numbers the notebooks plot.

Decisions (interpretations, for what-ifs only):

- An absence wave takes ``round_half_up(share x specialists)`` specialists, drawn with
  ``seed``, away for ``days`` calendar days from ``first_day``.
- A grown caseload clones customers drawn with ``seed`` (same specialist, category,
  last contact, preferences; no household, no history rows) under new ids in the
  style of the existing ones; a shrunk one drops customers with their appointments.
- Switching between the two rule sets maps categories: a customer's own ``profile`` is
  used where it is a code of the target rule set; otherwise a profile is drawn
  consistent with the 2025 category (K1 -> MP/AP/FP, K3 unemployed -> EP/SP/UP, not
  unemployed -> EP/SP/UP/I/Z; weights of the generator's office mix), and profiles map
  back by RULES.md's category consistency (MP/AP/FP -> K1, others -> K3, unemployed
  under-25s -> U25). The mapping is not a round trip: the way back also settles the
  category review cases.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from dataclasses import dataclass, field

from kontaktplan.domain import Absence, Customer, Kind, Scenario, Status
from kontaktplan.rules.calendar import first_plannable_monday, round_half_up
from kontaktplan.rules.policy import Policy, due_dates, expected_category, load_policy
from kontaktplan.validation import validate

__all__ = [
    "Deadlines",
    "Needed",
    "WaveOutcome",
    "WeekSimulation",
    "absence_wave",
    "contacts_needed",
    "deadlines",
    "hit_by_absence_wave",
    "pick_specialists",
    "scale_caseload",
    "simulate_week",
    "with_policy",
    "with_weekly_volume",
]

TO_K = {"MP": "K1", "AP": "K1", "FP": "K1", "EP": "K3", "SP": "K3", "UP": "K3", "I": "K3"}
TO_PROFILE = {  # (unemployed, K1) -> profiles and weights (the generator's office mix)
    (True, True): {"MP": 10, "AP": 25, "FP": 25},
    (True, False): {"EP": 15, "SP": 10, "UP": 5},
    (False, False): {"EP": 15, "SP": 10, "UP": 5, "I": 5, "Z": 5},
}


# -- measures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    """Deadlines from ``first_day`` to ``last_day``: how many kept, as the validator counts.

    ``kept``: the first planned (or held) qualified contact is on or before the deadline.
    ``backlog``: deadlines before ``first_day`` (overdue when the period starts), and
    ``backlog_seen`` of them with a contact planned by ``last_day``.
    ``broken_by_specialist``: the broken deadlines per specialist of the customer.
    """

    first_day: dt.date
    last_day: dt.date
    due: int
    kept: int
    backlog: int
    backlog_seen: int
    broken_by_specialist: dict[str, int] = field(default_factory=dict, hash=False)

    @property
    def broken(self) -> int:
        return self.due - self.kept

    @property
    def kept_share(self) -> float:
        return self.kept / self.due if self.due else 1.0


def deadlines(
    scenario: Scenario, policy: Policy, first_day: dt.date, last_day: dt.date
) -> Deadlines:
    """Count the deadlines of ``scenario`` (planned, e.g. ``plan(...).planned_scenario()``)
    with the independent validator."""
    rows = validate(scenario, policy).figures["deadlines"]
    due = [d for d in rows if first_day.isoformat() <= d["due"] <= last_day.isoformat()]
    backlog = [d for d in rows if d["due"] < first_day.isoformat()]
    return Deadlines(
        first_day,
        last_day,
        due=len(due),
        kept=sum(1 for d in due if d["status"] == "met"),
        backlog=len(backlog),
        backlog_seen=sum(
            1 for d in backlog if d["planned"] is not None and d["planned"] <= last_day.isoformat()
        ),
        broken_by_specialist=dict(
            sorted(Counter(d["specialist"] for d in due if d["status"] != "met").items())
        ),
    )


@dataclass(frozen=True)
class Needed:
    """One specialist's contacts needed per week: in the long run and in the coming weeks."""

    specialist_id: str
    team: str
    fte: float
    customers: int
    steady_per_week: float  # sum over the customers of 7 / interval in days
    target_per_week: float  # weekly_volume_per_fte x fte
    due_per_week: tuple[int, ...]  # deadlines in each coming week (backlog in the first)


def contacts_needed(scenario: Scenario, policy: Policy, weeks: int = 8) -> list[Needed]:
    """Per specialist: qualified contacts the rule set asks for per week, against the target.

    The steady rate is each non-exempt customer's nominal interval
    (:meth:`Policy.interval_days`); the coming weeks count the due dates
    (:func:`due_dates`) from the first plannable Monday, the earlier ones in the first week.
    """
    first = first_plannable_monday(scenario.today, policy.booking.lead_days)
    dues = due_dates(scenario, policy)
    out = []
    for sp in scenario.specialists:
        own = [c for c in scenario.customers if c.specialist_id == sp.specialist_id]
        counted = [c for c in own if c.exempt is None]
        per_week = [0] * weeks
        for c in counted:
            k = max(0, (dues[c.customer_id].due - first).days // 7)
            if k < weeks:
                per_week[k] += 1
        out.append(
            Needed(
                specialist_id=sp.specialist_id,
                team=sp.team,
                fte=sp.fte,
                customers=len(own),
                steady_per_week=sum(7 / policy.interval_days(c) for c in counted),
                target_per_week=policy.booking.weekly_volume_per_fte * sp.fte,
                due_per_week=tuple(per_week),
            )
        )
    return out


# -- edits of the office ---------------------------------------------------------------


def pick_specialists(scenario: Scenario, share: float, seed: int) -> list[str]:
    """``round_half_up(share x specialists)`` specialist ids, drawn with ``seed``, sorted."""
    if not 0 <= share <= 1:
        raise ValueError(f"share must lie between 0 and 1, not {share}")
    ids = sorted(s.specialist_id for s in scenario.specialists)
    n = round_half_up(share * len(ids))
    return sorted(random.Random(seed).sample(ids, n))


def absence_wave(
    scenario: Scenario, share: float, first_day: dt.date, days: int, seed: int
) -> Scenario:
    """A share of the specialists away for ``days`` calendar days from ``first_day``
    (added to ``absences``; their bookings stay where they are, see
    :func:`hit_by_absence_wave` for the hand-over)."""
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    last = first_day + dt.timedelta(days=days - 1)
    rows = tuple(
        Absence(specialist_id=sid, first_day=first_day, last_day=last, reason="what-if wave")
        for sid in pick_specialists(scenario, share, seed)
    )
    return scenario.model_copy(update={"absences": (*scenario.absences, *rows)})


@dataclass
class WaveOutcome:
    """An absence wave hitting a planned schedule: what moved, what went to the team lead."""

    absent: list[str]
    affected: int  # planned appointments of the absent specialists in the wave
    moved: int  # handed over at the same date and time
    escalated: int  # left for the team lead
    scenario: Scenario  # after the hand-over (escalated bookings still with the absent)
    worst_case: Scenario  # the same, with the escalated bookings voided (nobody takes them)
    escalations: list[str] = field(default_factory=list)


def hit_by_absence_wave(
    scenario: Scenario,
    policy: Policy,
    share: float,
    first_day: dt.date,
    days: int,
    seed: int,
    *,
    time_limit: float = 10.0,
) -> WaveOutcome:
    """The wave of :func:`absence_wave` recorded one absence at a time with the disruption
    handling of RULES.md (:func:`kontaktplan.disruption.absence`): each appointment keeps
    its date and time and moves to the substitute or the team, or is escalated."""
    from kontaktplan.disruption import absence

    last = first_day + dt.timedelta(days=days - 1)
    absent = pick_specialists(scenario, share, seed)
    moved = escalated = affected = 0
    lines: list[str] = []
    lost: set[str] = set()
    for sid in absent:
        out = absence(
            scenario, policy, sid, first_day, last, reason="what-if wave", time_limit=time_limit
        )
        scenario = out.scenario
        n_moved = sum(1 for c in out.changes if c.action == "reassigned")
        moved += n_moved
        escalated += len(out.escalations)
        affected += n_moved + len(out.escalations)
        lines += [str(c) for c in out.escalations]
        lost |= {c.appointment_id for c in out.escalations if c.appointment_id}
    voided = tuple(
        a.model_copy(update={"status": Status.voided}) if a.appointment_id in lost else a
        for a in scenario.appointments
    )
    return WaveOutcome(
        absent=absent,
        affected=affected,
        moved=moved,
        escalated=escalated,
        scenario=scenario,
        worst_case=scenario.model_copy(update={"appointments": voided}),
        escalations=lines,
    )


def _id_style(ids: list[str]) -> tuple[str, int, int]:
    """Prefix, digits and the highest number of ids like ``C00042``; else ``X``, 5, 0."""
    pattern = re.compile(r"^([A-Za-z]*)(\d+)$")
    matches = [m for i in ids if (m := pattern.match(i))]
    if not matches or len({m.group(1) for m in matches}) != 1:
        return "X", 5, 0
    return (
        matches[0].group(1),
        max(len(m.group(2)) for m in matches),
        max(int(m.group(2)) for m in matches),
    )


def scale_caseload(scenario: Scenario, factor: float, seed: int) -> Scenario:
    """``round_half_up(factor x customers)`` customers: clones of customers drawn with
    ``seed`` added under new ids (factor > 1), or customers drawn with ``seed`` removed
    with their appointments (factor < 1)."""
    if factor < 0:
        raise ValueError(f"factor must not be negative, not {factor}")
    rng = random.Random(seed)
    customers = list(scenario.customers)
    change = round_half_up(factor * len(customers)) - len(customers)
    if change >= 0:
        prefix, width, top = _id_style([c.customer_id for c in customers])
        width = max(width, len(str(top + change)))
        sources = [rng.choice(customers) for _ in range(change)]
        clones = [
            c.model_copy(
                update={"customer_id": f"{prefix}{top + i:0{width}d}", "household_id": None}
            )
            for i, c in enumerate(sources, 1)
        ]
        return scenario.model_copy(update={"customers": (*customers, *clones)})
    gone = {c.customer_id for c in rng.sample(customers, -change)}
    kept = tuple(a for a in scenario.appointments if a.customer_id not in gone)
    removed = {a.appointment_id for a in scenario.appointments} - {a.appointment_id for a in kept}
    kept = tuple(
        a.model_copy(update={"backfill_for": None}) if a.backfill_for in removed else a
        for a in kept
    )
    return scenario.model_copy(
        update={
            "customers": tuple(c for c in customers if c.customer_id not in gone),
            "appointments": kept,
        }
    )


# -- edits of the rules ------------------------------------------------------------------


def with_weekly_volume(policy: Policy, n: int) -> Policy:
    """The policy with ``n`` bookings per week per full-time specialist."""
    data = policy.model_dump()
    data["booking"]["weekly_volume_per_fte"] = n
    return Policy.model_validate(data)


def _category(customer: Customer, target: Policy, seed: int) -> Customer:
    codes = set(target.categories)
    if customer.category in codes:
        return customer
    if customer.profile in codes:
        return customer.model_copy(update={"category": customer.profile})
    if target.density.rule == "count_per_period":
        k1 = customer.category == "K1" or (customer.under_25 and customer.unemployed)
        weights = TO_PROFILE[customer.unemployed, customer.unemployed and k1]
        rng = random.Random(f"{seed}:{customer.customer_id}")
        profile = rng.choices(list(weights), list(weights.values()))[0]
        return customer.model_copy(update={"category": profile})
    profile = customer.category
    moved = customer.model_copy(
        update={"category": TO_K.get(profile, "K3"), "profile": customer.profile or profile}
    )
    expected = expected_category(target, moved)
    if expected is not None and expected in codes:
        moved = moved.model_copy(update={"category": expected})
    return moved


def with_policy(scenario: Scenario, name: str, seed: int = 0) -> Scenario:
    """The office under another rule set (a name in ``models/`` or a policy file): the
    scenario names it, and each customer's category is mapped to the rule set's codes
    (see the module's decisions). Load the rules with ``load_policy(name)``."""
    target = load_policy(name)
    meta = scenario.meta.model_copy(update={"policy": name})
    customers = tuple(_category(c, target, seed) for c in scenario.customers)
    return scenario.model_copy(update={"meta": meta, "customers": customers})


# -- a simulated week --------------------------------------------------------------------


@dataclass
class WeekSimulation:
    """A planned week played out with a no-show rate (RULES.md, no-show handling)."""

    no_show_rate: float
    first_day: dt.date
    last_day: dt.date
    appointments: int  # planned qualified appointments in the week
    no_shows: int  # = standby calls needed
    standby_calls: int  # standby phone consultations booked (a candidate was found)
    reinvited: int  # no-show customers re-invited in person
    escalated: int  # no-show customers who could not be re-invited
    due: int  # deadlines in the week
    kept: int  # of them met by a held qualified contact
    scenario: Scenario  # the office at the end of the week

    @property
    def standby_missing(self) -> int:
        return self.no_shows - self.standby_calls

    @property
    def kept_share(self) -> float:
        return self.kept / self.due if self.due else 1.0


def _held_on(scenario: Scenario, day: dt.date) -> Scenario:
    rows = tuple(
        a.model_copy(update={"status": Status.held})
        if a.day == day and a.status is Status.planned
        else a
        for a in scenario.appointments
    )
    return scenario.model_copy(update={"appointments": rows})


def simulate_week(
    scenario: Scenario,
    policy: Policy,
    no_show_rate: float,
    seed: int,
    *,
    planned: Scenario | None = None,
    time_limit: float = 5.0,
    workers: int | None = None,
) -> WeekSimulation:
    """Plan the first plannable week, then play it out day by day: each planned qualified
    appointment is a no-show with probability ``no_show_rate`` (drawn with ``seed``),
    handled by :func:`kontaktplan.disruption.noshow` (a standby phone call in its time,
    the customer re-invited in person); everything else that day is held.

    ``planned`` (``plan(...).planned_scenario()`` of ``scenario``) skips the planning, so
    several rates play out the same plan. With the same seed, the no-shows at a lower
    rate are among those at a higher one.
    """
    from kontaktplan.disruption import noshow
    from kontaktplan.planning import plan

    if not 0 <= no_show_rate <= 1:
        raise ValueError(f"no_show_rate must lie between 0 and 1, not {no_show_rate}")
    if planned is None:
        planned = plan(
            scenario, policy, weeks=1, time_limit=time_limit, workers=workers, seed=seed
        ).planned_scenario()
    first = first_plannable_monday(planned.today, policy.booking.lead_days)
    last = first + dt.timedelta(days=6)
    week = sorted(
        (
            a
            for a in planned.appointments
            if a.status is Status.planned
            and first <= a.day <= last
            and a.kind is not Kind.phone_consultation
            and policy.is_qualified(a)
        ),
        key=lambda a: (a.start, a.appointment_id),
    )
    rng = random.Random(seed)
    missed = [a for a in week if rng.random() < no_show_rate]
    start_day = planned.today
    dues = {cid: d.due for cid, d in due_dates(planned, policy).items() if first <= d.due <= last}
    state, calls, reinvited, escalated = planned, 0, 0, 0
    for day in sorted({a.day for a in week}):
        for a in (m for m in missed if m.day == day):
            out = noshow(state, policy, a.appointment_id)
            state = out.scenario
            calls += sum(1 for c in out.changes if c.action == "phone_consultation")
            reinvited += sum(1 for c in out.changes if c.action == "reinvited")
            escalated += len(out.escalations)
        state = _held_on(state, day)
    kept = sum(1 for cid, due in dues.items() if _seen(state, policy, cid, start_day, due))
    return WeekSimulation(
        no_show_rate=no_show_rate,
        first_day=first,
        last_day=last,
        appointments=len(week),
        no_shows=len(missed),
        standby_calls=calls,
        reinvited=reinvited,
        escalated=escalated,
        due=len(dues),
        kept=kept,
        scenario=state,
    )


def _seen(scenario: Scenario, policy: Policy, cid: str, since: dt.date, due: dt.date) -> bool:
    """A held qualified contact from ``since`` to ``due``."""
    return any(
        a.status is Status.held and since <= a.day <= due and policy.is_qualified(a)
        for a in scenario.appointments_by_customer.get(cid, ())
    )
