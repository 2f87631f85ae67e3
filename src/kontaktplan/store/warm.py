"""The office held in memory by the resident process, so that a command it runs does not
read the rows again (issue 13: reading a cancellation's teams is half of the command).

:func:`warm` reads the whole office at one version, as :func:`kontaktplan.store.load`
does, and keeps the raw rows, their models and where each specialist's and customer's
rows are. A command's :func:`~kontaktplan.store.load` uses it only when the workspace is
still at that version (read in the command's own transaction): the office then holds
exactly these rows, as every change of a row moves the version on. A part of the office
(:meth:`Warm.part`) is chosen by the same rule as in the database (``_PART``), closed
under references by the same code (``_closed``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from kontaktplan.store import rows, schema
from kontaktplan.store.engine import Workspace, place
from kontaktplan.store.workspace import _closed, _no_gc, _rows

__all__ = ["Warm", "warm"]

KEYED = ("specialists", "customers", "appointments")
"""The tables whose rows are named by others (by their key, the row's first value)."""


@dataclass
class Warm:
    """The whole office of the workspace at ``place``, as it was at ``version``."""

    place: str
    """The workspace's URL as :func:`kontaktplan.store.engine.place` gives it."""
    instance: str | None
    version: int
    raw: dict[str, list[tuple]]
    """Per table, the rows as read (the model's fields, then ``seq``), in the office's order."""
    models: dict[str, tuple[Any, ...]]
    """Per table, the models of those rows, in the same order."""
    position: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per keyed table, where each key's row is."""
    of_specialist: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """Per table, where the rows of each specialist are (``specialist_id``)."""
    of_customer: dict[str, list[int]] = field(default_factory=dict)
    """Where the appointments of each customer are."""
    every_appointment: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for table in KEYED:
            self.position[table] = {r[0]: i for i, r in enumerate(self.raw[table])}
        for table in ("customers", "slots", "absences", "appointments"):
            at = rows.fields(table).index("specialist_id")
            self.of_specialist[table] = _where(self.raw[table], at)
        customer_at = rows.fields("appointments").index("customer_id")
        self.of_customer = _where(self.raw["appointments"], customer_at)
        self.every_appointment = frozenset(self.position["appointments"])

    def holds(self, url: str, office: Any) -> bool:
        """Whether this is the office of the workspace at ``url`` (from the current
        folder) as its ``office`` row says it is now: the same instance at the same
        version."""
        return (office.instance, office.version) == (self.instance, self.version) and (
            place(url) == self.place
        )

    def part(
        self, teams: Collection[str] | None
    ) -> tuple[dict[str, tuple[Any, ...]], frozenset[str]]:
        """The models of the teams' part of the office, as ``load(teams=...)`` reads it
        from the database, and the ids of the appointments outside it (the whole office,
        none outside, for None)."""
        if teams is None:
            return dict(self.models), frozenset()
        team_at = rows.fields("specialists").index("team")
        chosen = {
            "specialists": [i for i, r in enumerate(self.raw["specialists"]) if r[team_at] in teams]
        }
        specialists = [self.raw["specialists"][i][0] for i in chosen["specialists"]]
        for table in ("customers", "slots", "absences"):
            chosen[table] = self._of(table, specialists)
        customers = [self.raw["customers"][i][0] for i in chosen["customers"]]
        at = self._of("appointments", specialists)
        at.extend(i for c in customers for i in self.of_customer.get(c, ()))
        chosen["appointments"] = sorted(set(at))
        raw = {t: [self.raw[t][i] for i in chosen[t]] for t in chosen}

        def by_key(table: str, keys: list[str]) -> list[tuple]:
            where = self.position[table]
            return [self.raw[table][where[k]] for k in keys if k in where]

        ids = _closed(raw, by_key)
        tables = {}
        for table, part in raw.items():
            if table in KEYED:
                where = self.position[table]
                tables[table] = tuple(self.models[table][where[r[0]]] for r in part)
            else:  # absences: chosen by specialist only, never added by reference
                tables[table] = tuple(self.models[table][i] for i in chosen[table])
        return tables, self.every_appointment - ids["appointments"]

    def _of(self, table: str, specialists: list[str]) -> list[int]:
        """Where the rows of ``table`` of these specialists are, in the office's order."""
        of = self.of_specialist[table]
        return sorted(i for s in specialists for i in of.get(s, ()))


def _where(raw: list[tuple], at: int) -> dict[str, list[int]]:
    """Where the rows with each value in column ``at`` are, in order."""
    out: dict[str, list[int]] = {}
    for i, r in enumerate(raw):
        out.setdefault(r[at], []).append(i)
    return out


def warm(ws: Workspace) -> Warm | None:
    """The whole office as it is now (None for a workspace without one)."""
    with ws.reading() as conn, _no_gc():
        office = conn.execute(schema.office.select()).first()
        if office is None:
            return None
        cursor = conn.connection.cursor()
        raw = {t: [tuple(r) for r in _rows(cursor, t)] for t in schema.SCENARIO_TABLES}
        cursor.close()
        models = {t: rows.models(t, [r[:-1] for r in raw[t]]) for t in raw}
        return Warm(place(ws.url), office.instance, office.version, raw, models)
