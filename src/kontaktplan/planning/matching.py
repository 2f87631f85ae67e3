"""Place the customers booked on a day into concrete free slots (a small bipartite matching).

The day-level model guarantees the counts; this finds the slots. Preferences decide the
order in which slots are tried: a video customer first tries video-capable slots, every
customer the shortest slot that fits (keeping 60-minute slots for first interviews), then
the earliest.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from kontaktplan.domain import Mode, Slot, SlotMode
from kontaktplan.planning.candidates import Candidate, DaySlots

__all__ = ["booking_mode", "match_day"]


def booking_mode(cand: Candidate, slot: Slot) -> Mode:
    """The mode of the appointment: video only for a video customer in a slot allowing it."""
    if cand.mode is Mode.video and slot.mode in (SlotMode.video, SlotMode.any):
        return Mode.video
    return Mode.in_person


def _order(cand: Candidate, day: dt.date, slots: list[Slot]) -> list[int]:
    req = cand.requirement(day)
    fitting = [i for i, s in enumerate(slots) if req.fits(s)]
    return sorted(
        fitting,
        key=lambda i: (
            booking_mode(cand, slots[i]) is not cand.mode,
            slots[i].minutes - req.minutes,
            slots[i].start,
        ),
    )


def match_day(ds: DaySlots, customers: list[Candidate]) -> tuple[dict[str, Slot], list[str]]:
    """Slots for the customers (Kuhn's augmenting paths); returns (placed, unplaced ids)."""
    options = {c.customer_id: _order(c, ds.day, ds.slots) for c in customers}
    owner: dict[int, str] = {}

    def augment(cid: str, seen: set[int]) -> bool:
        for i in options[cid]:
            if i in seen:
                continue
            seen.add(i)
            if i not in owner or augment(owner[i], seen):
                owner[i] = cid
                return True
        return False

    unplaced = []
    for c in sorted(customers, key=lambda c: (len(options[c.customer_id]), c.customer_id)):
        if not augment(c.customer_id, set()):
            unplaced.append(c.customer_id)
    _households_back_to_back(ds, customers, options, owner)
    placed = {cid: ds.slots[i] for i, cid in owner.items()}
    return placed, unplaced


def _households_back_to_back(
    ds: DaySlots, customers: list[Candidate], options: dict[str, list[int]], owner: dict[int, str]
) -> None:
    """Members of one household on this day get adjacent slots where a move or a swap with
    another customer (who fits the freed slot) allows it (RULES.md objective 5)."""
    at = {cid: i for i, cid in owner.items()}
    groups: dict[str, list[str]] = {}
    for c in customers:
        if c.customer.household_id and c.customer_id in at:
            groups.setdefault(c.customer.household_id, []).append(c.customer_id)
    slots = ds.slots
    for ids in groups.values():
        for a, b in pairwise(ids):
            ia, ib = at[a], at[b]
            if _adjacent(slots[ia], slots[ib]):
                continue
            for j in options[b]:
                if j == ia or not _adjacent(slots[ia], slots[j]):
                    continue
                other = owner.get(j)
                if other is None:
                    del owner[ib]
                elif ib in options[other] and other not in ids:
                    owner[ib], at[other] = other, ib
                else:
                    continue
                owner[j], at[b] = b, j
                break


def _adjacent(s: Slot, t: Slot) -> bool:
    return s.end == t.start or t.end == s.start
