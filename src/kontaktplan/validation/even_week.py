"""The most even week a schedule could have had: the spread the slots forced (RULES.md, Even
spread).

Part of the independent validator, plain Python. Two answers to one question, "how even
could this week's bookings have been put?":

- :func:`most_even_spread` counts per day only (how many bookings a day could hold),
  as if any booking fitted any usable slot: quick, and never above the true answer;
- :func:`exact_forced_spread` places each of the week's new bookings into one slot it
  fits (mode, length, its customer's availability, and on a day where it keeps the
  deadline it met and the gap to the customer's other contacts), one booking a slot,
  as a flow with lower bounds per day. It is asked only where the quick answer would
  name the week.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

__all__ = ["Placement", "exact_forced_spread", "most_even_spread"]


def most_even_spread(loads: list[int], fixed: list[int], capacity: list[int]) -> int:
    """The smallest spread (max − min per day) the week's bookings could have had.

    ``loads`` are the appointments per available day, ``fixed`` how many of them a plan
    could not move (booked before today), ``capacity`` how many the day can hold at most
    (the daily cap, and no more than its slots). The bookings may be redistributed over
    the days within ``fixed <= x <= capacity`` with the same total: the most even such
    distribution has min ``L`` and max ``H`` with sum(max(fixed, L)) <= total <=
    sum(min(capacity, H)). Which booking fits which slot is not taken into account.
    """
    total = sum(loads)
    caps = [max(c, n) for c, n in zip(capacity, loads, strict=True)]
    best = max(loads) - min(loads) if loads else 0
    for low in range(max(caps, default=0) + 1):
        lows = [max(f, low) for f in fixed]
        if any(lo > c for lo, c in zip(lows, caps, strict=True)) or sum(lows) > total:
            continue
        for high in range(max(lows, default=0), max(caps, default=0) + 1):
            if sum(min(c, high) for c in caps) >= total:
                best = min(best, high - low)
                break
    return best


@dataclass(frozen=True)
class Placement:
    """One week of one specialist, as the bookings could have been placed.

    ``fixed[i]`` bookings of day ``i`` cannot move, the day holds at most ``cap[i]`` in
    all; slot ``j`` lies on day ``slot_day[j]``; new booking ``k`` may go into the slots
    ``fits[k]`` (its own among them).
    """

    fixed: list[int]
    cap: list[int]
    slot_day: list[int]
    fits: list[set[int]]

    def feasible(self, low: int, high: int) -> bool:
        """Can every new booking get a slot with each day's total within [low, high]?

        A flow source -> booking -> slot -> day -> sink; each day's edge to the sink
        carries between ``low - fixed`` and ``high - fixed`` (within the cap), every
        booking exactly one. Lower bounds by the usual reduction: a circulation through
        an extra source and sink that must saturate them.
        """
        n_book, n_slot, n_day = len(self.fits), len(self.slot_day), len(self.fixed)
        lows, highs = [], []
        for f, c in zip(self.fixed, self.cap, strict=True):
            lo, hi = max(0, low - f), min(c, high) - f
            if hi < lo:
                return False
            lows.append(lo)
            highs.append(hi)
        if sum(lows) > n_book or sum(highs) < n_book:
            return False
        book, slot0 = 4, 4 + n_book
        day0 = slot0 + n_slot
        src, sink, super_src, super_sink = 0, 1, 2, 3
        g = _Flow(day0 + n_day)
        g.add(sink, src, n_book)  # the circulation's return edge
        g.add(src, super_sink, n_book)  # each booking's lower bound 1
        for k, slots in enumerate(self.fits):
            g.add(super_src, book + k, 1)
            for j in slots:
                g.add(book + k, slot0 + j, 1)
        for j, i in enumerate(self.slot_day):
            g.add(slot0 + j, day0 + i, 1)
        for i, (lo, hi) in enumerate(zip(lows, highs, strict=True)):
            g.add(day0 + i, sink, hi - lo)
            g.add(day0 + i, super_sink, lo)
        g.add(super_src, sink, sum(lows))
        return g.max_flow(super_src, super_sink) == n_book + sum(lows)


def exact_forced_spread(week: Placement, at_least: int, spread: int) -> int:
    """The smallest spread below ``spread`` the week's bookings could have had, from
    ``at_least`` (a lower bound, e.g. :func:`most_even_spread`) on; ``spread`` if none."""
    total = sum(week.fixed) + len(week.fits)
    days = len(week.fixed)
    if not days:
        return 0
    for s in range(max(0, at_least), spread):
        # an even week lies around the mean: low <= total / days <= low + s
        first = max(0, -(-total // days) - s)
        if any(week.feasible(low, low + s) for low in range(first, total // days + 1)):
            return s
    return spread


class _Flow:
    """Max flow by shortest augmenting paths (Edmonds-Karp); graphs of a few hundred
    nodes, unit capacities almost everywhere."""

    def __init__(self, n: int) -> None:
        self.adj: list[list[int]] = [[] for _ in range(n)]
        self.to: list[int] = []
        self.cap: list[int] = []

    def add(self, u: int, v: int, cap: int) -> None:
        if cap <= 0:
            return
        self.adj[u].append(len(self.to))
        self.to.append(v)
        self.cap.append(cap)
        self.adj[v].append(len(self.to))
        self.to.append(u)
        self.cap.append(0)

    def max_flow(self, s: int, t: int) -> int:
        flow = 0
        while True:
            parent = [-1] * len(self.adj)
            parent[s] = -2
            queue = deque([s])
            while queue and parent[t] == -1:
                u = queue.popleft()
                for e in self.adj[u]:
                    v = self.to[e]
                    if self.cap[e] > 0 and parent[v] == -1:
                        parent[v] = e
                        queue.append(v)
            if parent[t] == -1:
                return flow
            push, v = None, t
            while v != s:
                e = parent[v]
                push = self.cap[e] if push is None else min(push, self.cap[e])
                v = self.to[e ^ 1]
            v = t
            while v != s:
                e = parent[v]
                self.cap[e] -= push
                self.cap[e ^ 1] += push
                v = self.to[e ^ 1]
            flow += push
