"""Place the customers booked on a day into concrete free slots (a small bipartite matching).

The day-level model guarantees the counts; this finds the slots. Preferences decide the
order in which slots are tried: a video customer first tries video-capable slots, every
customer the shortest slot that fits (keeping 60-minute slots for first interviews), then
the earliest.
"""

from __future__ import annotations

import datetime as dt

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
    placed = {cid: ds.slots[i] for i, cid in owner.items()}
    return placed, unplaced
