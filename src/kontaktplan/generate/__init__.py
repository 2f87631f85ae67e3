"""Synthetic offices: a realistic Jobcenter as a :class:`~kontaktplan.domain.Scenario`.

``generate(...)`` builds teams of 8-12 case workers (IFK) with part-timers and
substitutes (Vertretung), a weekly calendar template (ATV) per specialist, free
slots for ``weeks`` weeks from the first plannable Monday, a few absences, and
customers with the category mix and history of a real office (RULES.md, FORMAT.md).
Same arguments, same scenario; only ``random.Random(seed)`` draws, and every row
is emitted in a fixed order.

Decisions (interpretations of FORMAT.md):

- ``slots.csv`` lists the specialist's calendar slots of the horizon. The few
  existing future bookings (status ``planned``) keep their slot row; the booking
  occupies it (a slot overlapping an active appointment is taken).
- Slots start at the first plannable Monday; the days between today and that
  Monday carry no slots. No slot falls on a public holiday of the region.
- The workload is set by each customer's last contact: per specialist, the
  non-exempt customers due on or before the horizon's last day (new, overdue and
  due in the horizon) number about 2-10 % more than the specialist's weekly
  targets summed over the horizon. Nobody is due between today and the first
  plannable Monday except the overdue, who are due before today.
- History is consistent: each customer's last held qualified appointment falls on
  ``last_contact``; every past row lies strictly before today, on a working day of
  its specialist, in a position of the specialist's weekly template, with at most
  ``daily_cap`` appointments a day and no overlap.
- Ids: ``T01`` teams, ``S001`` specialists, ``C00001`` customers (shuffled, so an id
  reveals no specialist), ``BG0001`` households, ``H000001`` past appointments and
  ``P0001`` existing planned bookings, numbered in order of start.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from itertools import count

from kontaktplan.domain import Customer, Scenario, ScenarioMeta, Status
from kontaktplan.generate.customers import add_review_cases, make_caseload
from kontaktplan.generate.history import History, planned_bookings
from kontaktplan.generate.staff import make_absences, make_slots, make_specialists, make_worker
from kontaktplan.rules.calendar import OfficeCalendar, first_plannable_monday, week_days
from kontaktplan.rules.policy import Policy

__all__ = ["generate"]


def generate(
    *,
    specialists: int,
    customers_per_specialist: int,
    seed: int,
    weeks: int,
    today: dt.date,
    policy: Policy,
    name: str,
    region: str = "DE-BW",
) -> Scenario:
    """A synthetic office: ``specialists`` case workers, ``customers_per_specialist`` x fte
    customers each, free slots for ``weeks`` weeks from the first plannable Monday."""
    rng = random.Random(seed)
    meta = ScenarioMeta(name=name, today=today, policy=policy.name, region=region)
    cal = OfficeCalendar(Scenario(meta=meta, specialists=(), customers=(), slots=()), policy)
    first_monday = first_plannable_monday(today, policy.booking.lead_days)
    horizon = [d for w in range(weeks) for d in week_days(first_monday + dt.timedelta(weeks=w))]
    workers = [make_worker(rng, s) for s in make_specialists(rng, specialists)]
    slots = [s for w in workers for s in make_slots(rng, w, horizon, cal)]
    absences, slots = make_absences(rng, workers, horizon, cal, slots)
    staff = Scenario(
        meta=meta,
        specialists=tuple(w.specialist for w in workers),
        customers=(),
        slots=tuple(sorted(slots, key=lambda s: (s.specialist_id, s.start))),
        absences=tuple(sorted(absences, key=lambda a: (a.specialist_id, a.first_day))),
    )
    cal = OfficeCalendar(staff, policy)
    sizes = [max(1, round(customers_per_specialist * w.specialist.fte)) for w in workers]
    width = max(5, len(str(sum(sizes))))
    ids = [f"C{i:0{width}d}" for i in range(1, sum(sizes) + 1)]
    rng.shuffle(ids)  # pseudonymous: an id tells nothing about the caseload
    households = count(1)
    caseloads = [
        make_caseload(rng, w, ids[sum(sizes[:i]) : sum(sizes[: i + 1])], policy, households)
        for i, w in enumerate(workers)
    ]
    add_review_cases(rng, caseloads, policy)
    history = History(rng, policy, cal, today, horizon)
    customers: list[Customer] = []
    for w, own in zip(workers, caseloads, strict=True):
        targets = [cal.week_target(w.specialist, horizon[7 * k]).target for k in range(weeks)]
        customers += history.add(w, own, targets)
    rows = history.rows + planned_bookings(rng, policy, cal, staff, customers, history)
    number = Counter[bool]()
    for i, a in enumerate(sorted(rows, key=lambda a: (a.start, a.specialist_id))):
        planned = a.status is Status.planned
        number[planned] += 1
        aid = f"P{number[planned]:04d}" if planned else f"H{number[planned]:06d}"
        rows[i] = a.model_copy(update={"appointment_id": aid})
    customers.sort(key=lambda c: c.customer_id)
    return staff.model_copy(update={"customers": tuple(customers), "appointments": tuple(rows)})
