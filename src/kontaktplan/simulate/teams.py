"""The office split into independent parts for the day's cancellations and no-shows.

A cancellation's backfill looks at the specialist's own customers, a no-show's standby call
at the specialist's team, a re-invitation at the customer's own specialist: nothing outside
the team. Handing them the whole office makes each cost grow with the office (every
customer's due date is asked for); handing them their part keeps it at the size of a team.

A *part* is a set of specialists closed under everything that links them: the same team, a
named substitute, and any appointment of one's customer with another or moved from another
(``reassigned_from``). Every customer and appointment belongs to exactly one part, so each
command on a part sees all it would see on the office, and its changes are the same.

New appointment ids are numbered per day and prefix (``T20261201-001``): a part does not
see the other parts' ids, so an id already taken elsewhere is renumbered to the first free
one of the office — the id the command would have chosen on the whole office.
"""

from __future__ import annotations

from kontaktplan.domain import Appointment, Scenario

__all__ = ["DayParts"]


def _parts(scenario: Scenario) -> dict[str, int]:
    """Specialist -> part number (union-find over the links above)."""
    parent = {s.specialist_id: s.specialist_id for s in scenario.specialists}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str | None) -> None:
        if b is not None and b in parent:
            parent[find(a)] = find(b)

    first_of_team: dict[str, str] = {}
    for s in scenario.specialists:
        union(s.specialist_id, first_of_team.setdefault(s.team, s.specialist_id))
        union(s.specialist_id, s.substitute_id)
    for a in scenario.appointments:
        c = scenario.customers_by_id.get(a.customer_id)
        union(a.specialist_id, c.specialist_id if c else None)
        union(a.specialist_id, a.reassigned_from)
    roots = sorted({find(x) for x in parent})
    number = {r: i for i, r in enumerate(roots)}
    return {x: number[find(x)] for x in parent}


class DayParts:
    """The office's parts for one day's commands, and the office put back together."""

    def __init__(self, scenario: Scenario) -> None:
        self.office = scenario
        self.part = _parts(scenario)
        self.ids = {a.appointment_id for a in scenario.appointments}
        self.rows: dict[str, Appointment] = {a.appointment_id: a for a in scenario.appointments}
        self.added: list[str] = []
        self._views: dict[int, Scenario] = {}

    def view(self, specialist_id: str) -> Scenario:
        """The part of the office ``specialist_id`` belongs to, as it stands now."""
        k = self.part[specialist_id]
        if k not in self._views:
            s = self.office
            keep = {sid for sid, p in self.part.items() if p == k}
            self._views[k] = s.model_copy(
                update={
                    "specialists": tuple(x for x in s.specialists if x.specialist_id in keep),
                    "customers": tuple(x for x in s.customers if x.specialist_id in keep),
                    "slots": tuple(x for x in s.slots if x.specialist_id in keep),
                    "absences": tuple(x for x in s.absences if x.specialist_id in keep),
                    "appointments": tuple(
                        self.rows[a.appointment_id]
                        for a in s.appointments
                        if a.specialist_id in keep
                    ),
                }
            )
        return self._views[k]

    def row(self, appointment_id: str) -> Appointment:
        return self.rows[appointment_id]

    def put(self, specialist_id: str, changed: Scenario) -> Scenario:
        """Take a command's result on the part; returns it with new ids made unique."""
        k = self.part[specialist_id]
        before = {a.appointment_id for a in self._views[k].appointments}
        rows = list(changed.appointments)
        renamed = False
        for i, a in enumerate(rows):
            if a.appointment_id in before:
                self.rows[a.appointment_id] = a
                continue
            aid = a.appointment_id
            if aid in self.ids:  # taken in another part: the office's first free number
                base = aid.rsplit("-", 1)[0]
                n = 1
                while f"{base}-{n:03d}" in self.ids:
                    n += 1
                aid = f"{base}-{n:03d}"
                rows[i] = a = a.model_copy(update={"appointment_id": aid})
                renamed = True
            self.ids.add(aid)
            self.rows[aid] = a
            self.added.append(aid)
        if renamed:
            changed = changed.model_copy(update={"appointments": tuple(rows)})
        self._views[k] = changed
        return changed

    def merged(self) -> Scenario:
        """The whole office with every part's changes: rows in place, new rows appended in
        the order they were made."""
        s = self.office
        if not self.added and all(self.rows[a.appointment_id] is a for a in s.appointments):
            return s
        rows = (
            *(self.rows[a.appointment_id] for a in s.appointments),
            *(self.rows[aid] for aid in self.added),
        )
        today = max((v.today for v in self._views.values()), default=s.today)
        meta = s.meta if today == s.today else s.meta.model_copy(update={"today": today})
        return s.model_copy(update={"appointments": rows, "meta": meta})
