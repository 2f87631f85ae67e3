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

from collections import Counter
from collections.abc import Iterable, Mapping
from operator import attrgetter, is_

from kontaktplan.appointment_index import Edit, copied
from kontaktplan.domain import Appointment, Customer, Scenario

__all__ = ["DayParts"]


Links = Counter[tuple[str, str]]
"""How many appointment rows link two specialists (a customer's row with another, a row
moved from another)."""


def _links(rows: Iterable[Appointment], customers: Mapping[str, Customer]) -> Links:
    """The links the rows make (most rows link nobody: their own customer, not moved)."""
    out: Links = Counter()
    for a in rows:
        sid = a.specialist_id
        c = customers.get(a.customer_id)
        if c is not None and c.specialist_id != sid:
            out[sid, c.specialist_id] += 1
        if a.reassigned_from is not None and a.reassigned_from != sid:
            out[sid, a.reassigned_from] += 1
    return out


def _parts(scenario: Scenario, links: Links) -> dict[str, int]:
    """Specialist -> part number (union-find over the links above); parts are numbered in
    the order of their first specialist id."""
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
    for (a, b), n in links.items():
        if n > 0 and a in parent:
            union(a, b)
    first: dict[str, str] = {}
    for x in sorted(parent):
        first.setdefault(find(x), x)
    number = {r: i for i, r in enumerate(sorted(first, key=first.__getitem__))}
    return {x: number[find(x)] for x in parent}


class DayParts:
    """The office's parts for one day's commands, and the office put back together.

    ``earlier``: the day before's parts. A part with the same specialists starts from the
    earlier day's view, with only the tables that differ replaced: what did not change is
    neither checked again nor indexed again. Where the office's appointments are an edit of
    the day before's (rows changed in place, rows added) and its other tables the same,
    the links and the parts' tables are the day before's with the edit (issue 15).
    """

    def __init__(self, scenario: Scenario, earlier: DayParts | None = None) -> None:
        self.office = scenario
        same = earlier is not None and all(
            getattr(scenario, t) is getattr(earlier.office, t) for t in ("specialists", "customers")
        )
        edit = Edit.between(earlier.office.appointments, scenario.appointments) if same else None
        if edit is not None:
            customers = scenario.customers_by_id
            self._links = earlier._links - _links(edit.removed, customers)
            self._links.update(_links(edit.added, customers))
        else:
            self._links = _links(scenario.appointments, scenario.customers_by_id)
        self.part = _parts(scenario, self._links)
        if earlier is not None and earlier.part == self.part:
            self._tables = _split_again(scenario, self.part, earlier, edit)
        else:
            self._tables = _split(scenario, self.part)
        if "appointment_index" in scenario.__dict__:
            self.rows: dict[str, Appointment] = copied(scenario.appointment_index.by_id)
        else:
            self.rows = {a.appointment_id: a for a in scenario.appointments}
        self.added: list[str] = []
        self._views: dict[int, Scenario] = {}
        self._earlier = {} if earlier is None else earlier._by_members()

    def _by_members(self) -> dict[frozenset[str], Scenario]:
        members: dict[int, set[str]] = {}
        for sid, k in self.part.items():
            members.setdefault(k, set()).add(sid)
        return {frozenset(members[k]): v for k, v in self._views.items()}

    def view(self, specialist_id: str) -> Scenario:
        """The part of the office ``specialist_id`` belongs to, as it stands now."""
        k = self.part[specialist_id]
        if k not in self._views:
            tables = self._tables[k]
            members = frozenset(x.specialist_id for x in tables["specialists"])
            base = self._earlier.get(members)
            if base is None:
                self._views[k] = self.office.model_copy(update=tables)
            else:
                update = {t: v for t, v in tables.items() if v != getattr(base, t)}
                if base.meta != self.office.meta:
                    update["meta"] = self.office.meta
                self._views[k] = base.model_copy(update=update) if update else base
        return self._views[k]

    def row(self, appointment_id: str) -> Appointment:
        return self.rows[appointment_id]

    def put(self, specialist_id: str, changed: Scenario) -> Scenario:
        """Take a command's result on the part; returns it with new ids made unique."""
        k = self.part[specialist_id]
        view = self._views[k]
        edit = Edit.between(view.appointments, changed.appointments)
        if edit is None or any(
            a.appointment_id != b.appointment_id
            for a, b in zip(edit.removed, edit.replacing, strict=True)
        ):
            raise ValueError("a command on a part replaces rows in place and appends new ones")
        for a in edit.replacing:
            self.rows[a.appointment_id] = a
        rows: list[Appointment] = []  # the command's rows, once one is renumbered
        renumbered = []
        for i, a in enumerate(edit.appended, start=len(view.appointments)):
            aid = a.appointment_id
            if aid in self.rows:  # taken in another part: the office's first free number
                base = aid.rsplit("-", 1)[0]
                n = 1
                while f"{base}-{n:03d}" in self.rows:
                    n += 1
                aid = f"{base}-{n:03d}"
                rows = rows or list(changed.appointments)
                rows[i] = a = a.model_copy(update={"appointment_id": aid})
                renumbered.append(i)
            self.rows[aid] = a
            self.added.append(aid)
        if rows:
            edited = Edit.note(changed.appointments, tuple(rows), renumbered)
            changed = changed.model_copy(update={"appointments": edited})
        self._views[k] = changed
        return changed

    def merged(self) -> Scenario:
        """The whole office with every part's changes: rows in place, new rows appended in
        the order they were made."""
        s = self.office
        kept = tuple(map(self.rows.__getitem__, map(_ID, s.appointments)))  # in C
        if not self.added and all(map(is_, kept, s.appointments)):
            return s
        rows = (*kept, *(self.rows[aid] for aid in self.added))
        today = max((v.today for v in self._views.values()), default=s.today)
        meta = s.meta if today == s.today else s.meta.model_copy(update={"today": today})
        return s.model_copy(update={"appointments": rows, "meta": meta})


def _split(
    scenario: Scenario, part: dict[str, int], tables: Iterable[str] = ()
) -> dict[int, dict[str, tuple]]:
    """Each part's rows of the specialists, customers, slots, absences and appointments
    tables (or of ``tables``), in table order."""
    names = tuple(tables) or _PART_TABLES
    out: dict[int, dict[str, list]] = {k: {t: [] for t in names} for k in set(part.values())}
    for t in names:
        for x in getattr(scenario, t):
            out[part[x.specialist_id]][t].append(x)
    return {k: {t: tuple(v) for t, v in ts.items()} for k, ts in out.items()}


def _split_again(
    scenario: Scenario, part: dict[str, int], earlier: DayParts, edit: Edit | None
) -> dict[int, dict[str, tuple]]:
    """:func:`_split` with the same parts as ``earlier``: a table that is the very same
    object is taken over, the appointments edited by ``edit`` (if it keeps each row in
    its part), the rest split again."""
    again = [t for t in _PART_TABLES if getattr(scenario, t) is not getattr(earlier.office, t)]
    rows = None
    if (
        "appointments" in again
        and edit is not None
        and all(
            part[a.specialist_id] == part[b.specialist_id]
            for a, b in zip(edit.removed, edit.replacing, strict=True)
        )
    ):
        again.remove("appointments")
        rows = _edited_rows(earlier, part, edit)
    fresh = _split(scenario, part, again) if again else {}
    out = {}
    for k, tables in earlier._tables.items():
        out[k] = {t: fresh[k][t] if t in again else tables[t] for t in _PART_TABLES}
        if rows is not None:
            out[k]["appointments"] = rows[k]
    return out


def _edited_rows(
    earlier: DayParts, part: dict[str, int], edit: Edit
) -> dict[int, tuple[Appointment, ...]]:
    """Each part's appointment rows after ``edit`` of the office's: rows changed in place
    (in the same part), new rows at the end."""
    swap: dict[int, dict[int, Appointment]] = {}
    for old, new in zip(edit.removed, edit.replacing, strict=True):
        swap.setdefault(part[old.specialist_id], {})[id(old)] = new
    appended: dict[int, list[Appointment]] = {}
    for a in edit.appended:
        appended.setdefault(part[a.specialist_id], []).append(a)
    out = {}
    for k, tables in earlier._tables.items():
        rows = tables["appointments"]
        if k in swap:
            rows = tuple(swap[k].get(id(x), x) for x in rows)
        out[k] = (*rows, *appended.get(k, ()))
    return out


_ID = attrgetter("appointment_id")
_PART_TABLES = ("specialists", "customers", "slots", "absences", "appointments")
