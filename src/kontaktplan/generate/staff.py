"""Specialists in teams, their weekly calendar templates, free slots and absences."""

from __future__ import annotations

import datetime as dt
import random

from kontaktplan.domain import (
    Absence,
    Slot,
    SlotMode,
    Specialist,
)
from kontaktplan.generate.common import (
    DAY_END,
    DAY_START,
    FULL_TIME,
    PART_TIME,
    Worker,
    day_time,
)
from kontaktplan.rules.calendar import OfficeCalendar


def make_specialists(rng: random.Random, n: int) -> list[Specialist]:
    """Teams of 8-12, fte mostly 1.0, a substitute in the same team, a few without video."""
    teams = max(1, round(n / 10))
    while teams > 1 and n / teams < 8:
        teams -= 1
    while n / teams > 12:
        teams += 1
    sizes = [n // teams + (i < n % teams) for i in range(teams)]
    for _ in range(teams):  # uneven teams, as in a real office
        a, b = rng.randrange(teams), rng.randrange(teams)
        if sizes[a] > 8 and sizes[b] < 12 and a != b:
            sizes[a], sizes[b] = sizes[a] - 1, sizes[b] + 1
    ids = [f"S{i:03d}" for i in range(1, n + 1)]
    full = round(FULL_TIME * n)
    ftes = [1.0] * full + rng.choices(list(PART_TIME), list(PART_TIME.values()), k=n - full)
    rng.shuffle(ftes)
    out: list[Specialist] = []
    for t, size in enumerate(sizes):
        members = ids[sum(sizes[:t]) : sum(sizes[:t]) + size]
        ring = members[:]
        rng.shuffle(ring)  # Vertretung: each covers the next one in a ring
        subs = {ring[i]: ring[(i + 1) % len(ring)] for i in range(len(ring))}
        out += [
            Specialist(
                specialist_id=sid,
                team=f"T{t + 1:02d}",
                fte=ftes[len(out) + k],
                substitute_id=subs[sid] if size > 1 else None,
                video=rng.random() > 0.1,
            )
            for k, sid in enumerate(members)
        ]
    return out


def make_worker(rng: random.Random, sp: Specialist) -> Worker:
    """The weekly template: full-timers Mon-Fri 08:00-16:00, part-timers fewer days or hours."""
    days, end = list(range(5)), DAY_END
    if sp.fte <= 0.5 and rng.random() < 0.4:
        end = 12 * 60  # mornings only
    elif sp.fte < 1:
        days = sorted(rng.sample(range(5), round(sp.fte * 5 + 0.01) if sp.fte > 0.5 else 3))
        end = {0.5: 13 * 60 + 30, 0.75: 15 * 60}.get(sp.fte, DAY_END)
    return Worker(sp, {d: _day_template(rng, DAY_START, end, sp.video) for d in days})


def _day_template(
    rng: random.Random, start: int, end: int, video: bool
) -> list[tuple[int, int, SlotMode]]:
    """45- and 60-minute positions between ``start`` and ``end`` with gaps (breaks, paperwork)."""
    window = end - start
    gap = 30 if window > 300 else 15
    most = (window - gap) // 45
    k = max(1, rng.choice((most - 2, most - 1, most - 1, most)))
    room = min(k, (window - gap - 45 * k) // 15)  # 45-minute positions that may be 60
    long = rng.randint(min(1, room), room)
    lengths = [60] * long + [45] * (k - long)
    rng.shuffle(lengths)
    gaps = [0] * (k + 1)
    for _ in range((window - sum(lengths)) // 15):
        gaps[rng.randrange(k + 1)] += 15
    out, t = [], start + gaps[0]
    for length, after in zip(lengths, gaps[1:], strict=True):
        mode = SlotMode.in_person
        if video:
            mode = rng.choices((SlotMode.any, SlotMode.in_person, SlotMode.video), (50, 38, 12))[0]
        out.append((t, length, mode))
        t += length + after
    return out


def _weekdays(slots: list[Slot]) -> list[int]:
    return sorted({s.start.weekday() for s in slots})


def make_slots(
    rng: random.Random, w: Worker, horizon: list[dt.date], cal: OfficeCalendar
) -> list[Slot]:
    """The template in every week of the horizon; no holidays; now and then one slot blocked."""
    out = []
    for day in horizon:
        positions = w.template.get(day.weekday())
        if not positions or not cal.is_working_day(day):
            continue
        blocked = rng.randrange(len(positions)) if rng.random() < 0.1 else -1
        out += [
            Slot(
                specialist_id=w.sid,
                start=day_time(day, t),
                end=day_time(day, t + length),
                mode=mode,
            )
            for i, (t, length, mode) in enumerate(positions)
            if i != blocked
        ]
    return out


def make_absences(
    rng: random.Random,
    workers: list[Worker],
    horizon: list[dt.date],
    cal: OfficeCalendar,
    slots: list[Slot],
) -> tuple[list[Absence], list[Slot]]:
    """5-10 % of specialists absent 1-10 working days; their slots go, except rarely in illness."""
    working = [d for d in horizon if cal.is_working_day(d)]
    count = round(len(workers) * rng.uniform(0.05, 0.10)) or int(len(workers) >= 4)
    out: list[Absence] = []
    for w in rng.sample(workers, min(count, len(workers))):
        reason = rng.choices(("leave", "illness", "training"), (50, 30, 20))[0]
        length = {"leave": rng.randint(3, 10), "illness": rng.randint(1, 5)}.get(
            reason, rng.randint(1, 3)
        )
        for _ in range(10):
            i = rng.randrange(max(1, len(working) - length + 1))
            span = working[i : i + length]
            absence = Absence(
                specialist_id=w.sid, first_day=span[0], last_day=span[-1], reason=reason
            )
            own = [s for s in slots if s.specialist_id == w.sid]
            left = [s for s in own if not absence.covers(s.day)]
            if _weekdays(left) == _weekdays(own):  # a part-timer's usual days stay readable
                break
        else:
            continue
        out.append(absence)
        if reason != "illness" or rng.random() > 0.3:  # illness: ATV not yet updated
            slots = [s for s in slots if s.specialist_id != w.sid or not absence.covers(s.day)]
    return out, slots
