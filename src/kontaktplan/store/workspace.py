"""The workspace API: init, import a folder, load a snapshot, export a folder (committing
an action's changes is :mod:`kontaktplan.store.changes`)."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import tomllib
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from kontaktplan.i18n import Phrase
from kontaktplan.io.plan_log import entries, log_text
from kontaktplan.store import rows, schema
from kontaktplan.store.engine import Workspace, open_workspace

__all__ = [
    "Busy",
    "Conflict",
    "Snapshot",
    "StoreError",
    "export",
    "import_folder",
    "init",
    "load",
    "teams_of",
]


class StoreError(Exception):
    """The workspace cannot do this (empty, already holds an office, no such event)."""


class Conflict(StoreError):
    """What the action read was changed by another action since: run it again."""

    def __init__(
        self, event_id: int, actor: str, at: dt.datetime, what: str, ids_only: bool = False
    ) -> None:
        self.event_id, self.actor, self.at, self.what = event_id, actor, at, what
        self.ids_only = ids_only
        """Only the ids of new rows were taken meanwhile: nothing the action read changed
        (two actions at once both numbered a new booking B…-001), so running it again on
        the new state is what the user would do."""
        when = f"{at:%Y-%m-%d %H:%M:%S}"
        super().__init__(
            Phrase("err.store_conflict", what=what, actor=actor, at=when, event=event_id)
        )


class Busy(Conflict):
    """Another writer held the writers' turn longer than this one waits for it
    (:func:`kontaktplan.store.engine.lock_wait`): nothing was written, run again."""

    def __init__(self, seconds: float) -> None:
        self.event_id, self.actor, self.at, self.what, self.ids_only = None, "", None, "", False
        StoreError.__init__(self, Phrase("err.store_busy", seconds=f"{seconds:g}"))


@dataclass
class Snapshot:
    """What :func:`load` read: the scenario, its policy, the office version; unpacks as
    ``scenario, policy, version``."""

    scenario: Any
    policy: Any
    version: int
    policy_file: str | None = None
    policy_text: str = ""
    plan_json: str | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter((self.scenario, self.policy, self.version))


def _ws(ws: Workspace | str) -> Workspace:
    return open_workspace(ws) if isinstance(ws, str) else ws


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


# -- init and import ----------------------------------------------------------------


def init(url: str) -> Workspace:
    """Create the workspace's tables (Alembic migrations up to the newest); idempotent."""
    from alembic import command
    from alembic.config import Config

    ws = open_workspace(url, create=True)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with ws.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return ws


def _policy_source(meta, folder: Path) -> tuple[str | None, str]:
    """The policy file named in ``scenario.toml``: (the name to write it back under when
    the folder carries it, else None; its text)."""
    from kontaktplan.rules.policy import models_dir

    name = Path(meta.policy)
    if name.suffix == ".toml":
        for path in (folder / name, Path.cwd() / name):
            if path.is_file():
                carried = not name.is_absolute() and ".." not in name.parts
                return (name.as_posix() if carried else None), path.read_text(encoding="utf-8")
    path = models_dir() / (name.name if name.suffix == ".toml" else f"{meta.policy}.toml")
    return None, path.read_text(encoding="utf-8")


def import_folder(ws: Workspace | str, folder: str | Path, actor: str = "import") -> int:
    """Read a scenario folder (validated, as every command reads one) into an empty
    workspace, with its policy file and plan.json; all or nothing. The event's id."""
    from kontaktplan.io import read_scenario

    ws, folder = _ws(ws), Path(folder)
    loaded = read_scenario(folder)
    scenario = loaded.scenario
    policy_file, policy_text = _policy_source(scenario.meta, folder)
    plan = folder / "plan.json"
    plan_data = json.loads(plan.read_text(encoding="utf-8")) if plan.is_file() else None
    with ws.writing() as conn:
        if conn.execute(select(schema.office.c.name)).first() is not None:
            raise StoreError(Phrase("err.store_not_empty"))
        event_id = 1
        counts = {}
        for table in schema.SCENARIO_TABLES:
            objects = getattr(scenario, table)
            counts[table] = len(objects)
            batch = [
                {"key": k, "seq": i, **rows.to_row(table, o), "changed_in": event_id}
                for i, (k, o) in enumerate(zip(rows.keys(table, objects), objects, strict=True))
            ]
            _insert(conn, table, batch)
        _insert(conn, "plan_runs", _plan_rows(plan_data, event_id))
        meta = scenario.meta
        said = Phrase("log.imported", office=meta.name, counts=counts)
        conn.execute(
            insert(schema.office).values(
                id=1,
                name=meta.name,
                today=meta.today,
                policy=meta.policy,
                region=meta.region,
                policy_file=policy_file,
                policy_text=policy_text,
                version=event_id,
            )
        )
        conn.execute(
            insert(schema.events).values(
                id=event_id,
                at=now(),
                actor=actor,
                command="import",
                arguments={"folder": str(folder)},
                changes=[],
                lines=[str(said)],
                lines_de=[said.say("de")],
            )
        )
    return event_id


def _plan_rows(data: Any, event_id: int) -> list[dict[str, Any]]:
    """The rows of a folder's ``plan.json`` (:func:`kontaktplan.io.plan_log.entries`)."""
    runs, disruptions = entries(data) if isinstance(data, dict) else ([], [])
    out = [{"key": f"p{event_id}.{i}", "kind": "plan", "body": run} for i, run in enumerate(runs)]
    out += [
        {"key": f"d{event_id}.{i}", "kind": "disruption", "body": entry}
        for i, entry in enumerate(disruptions)
    ]
    return [{**r, "seq": i, "changed_in": event_id} for i, r in enumerate(out)]


def _insert(conn: Connection, table: str, batch: list[dict[str, Any]]) -> None:
    for i in range(0, len(batch), 5000):
        conn.execute(insert(schema.ROW_TABLES[table]), batch[i : i + 5000])


# -- load -----------------------------------------------------------------------------


def load(
    ws: Workspace | str,
    *,
    plan_json: bool = False,
    teams: Collection[str] | None = None,
    about: str | None = None,
) -> Snapshot:
    """The office as a :class:`Scenario` with its policy and version, on one consistent
    snapshot; with ``plan_json``, also the text of ``plan.json``. Rows are made into
    models without validation: they were validated when they came in (import, or a
    command's checked result).

    With ``teams``, only a part of the office (:func:`_part`): what an action confined to
    those teams reads, so that a cancellation does not load the whole office. With
    ``about`` (an appointment id), the teams an action on it touches (:func:`teams_of`),
    read in the same transaction; the whole office where there is no such appointment.
    """
    from kontaktplan.domain import Scenario, ScenarioMeta
    from kontaktplan.rules.policy import Policy

    ws = _ws(ws)
    with ws.reading() as conn, _no_gc():
        office = conn.execute(select(schema.office)).first()
        if office is None:
            raise StoreError(Phrase("err.store_empty"))
        cursor = conn.connection.cursor()  # the driver's own: no per-value processing
        if about is not None:
            teams = _teams_of(cursor, ws.mark, about) or None
        if teams is None:
            raw, elsewhere = {t: _rows(cursor, t) for t in schema.SCENARIO_TABLES}, frozenset()
        else:
            raw, elsewhere = _part(cursor, ws.mark, sorted(teams))
        tables = {t: rows.models(t, [r[:-1] for r in raw[t]]) for t in schema.SCENARIO_TABLES}
        cursor.close()
        plan = None
        if plan_json:
            t = schema.plan_runs
            plan = conn.execute(select(t.c.kind, t.c.body).order_by(t.c.seq)).all()
    meta = ScenarioMeta.model_construct(
        name=office.name, today=office.today, policy=office.policy, region=office.region
    )
    scenario = Scenario.model_construct(meta=meta, **tables, ids_elsewhere=elsewhere)
    policy = Policy.model_validate(tomllib.loads(office.policy_text))
    return Snapshot(
        scenario,
        policy,
        office.version,
        office.policy_file,
        office.policy_text,
        None if plan is None else _plan_json_text(plan),
    )


def teams_of(ws: Workspace | str, appointment_id: str) -> set[str]:
    """The teams an action on one appointment touches: the team of its specialist and of
    its customer's own specialist (none if there is no such appointment)."""
    ws = _ws(ws)
    with ws.reading() as conn:
        cursor = conn.connection.cursor()
        try:
            return _teams_of(cursor, ws.mark, appointment_id)
        finally:
            cursor.close()


def _teams_of(cursor: Any, mark: str, appointment_id: str) -> set[str]:
    """:func:`teams_of` in a transaction begun (the driver's own cursor: a command's
    start is mostly such fixed costs, issue 13)."""
    cursor.execute(
        "SELECT team FROM specialists WHERE specialist_id IN ("
        f"SELECT specialist_id FROM appointments WHERE key = {mark} UNION "
        "SELECT customers.specialist_id FROM customers JOIN appointments"
        f" ON appointments.customer_id = customers.customer_id WHERE appointments.key = {mark})",
        (appointment_id, appointment_id),
    )
    return {team for (team,) in cursor.fetchall()}


def _rows(cursor: Any, table: str, where: str = "", params: Sequence[str] = ()) -> list[Any]:
    """Raw rows of ``table`` (the model's fields, then ``seq``) in the office's order."""
    columns = ", ".join(f'"{name}"' for name in (*rows.fields(table), "seq"))
    cursor.execute(f"SELECT {columns} FROM {table} {where} ORDER BY seq", tuple(params))
    return cursor.fetchall()


_IN_TEAMS = "specialist_id IN (SELECT specialist_id FROM specialists WHERE team IN ({}))"
_PART = {
    "specialists": "WHERE team IN ({})",
    "customers": f"WHERE {_IN_TEAMS}",
    "slots": f"WHERE {_IN_TEAMS}",
    "absences": f"WHERE {_IN_TEAMS}",
    "appointments": f"WHERE {_IN_TEAMS} OR customer_id IN "
    f"(SELECT customer_id FROM customers WHERE {_IN_TEAMS})",
}
"""The rows of a part of the office: its teams' specialists with their customers, slots
and absences, and every appointment of either."""


def _part(cursor: Any, mark: str, teams: list[str]) -> tuple[dict[str, list[Any]], frozenset[str]]:
    """The raw rows of the teams' part of the office, closed under references (an
    appointment's customer, backfilled or replaced appointment, a specialist an
    appointment, customer or specialist names), in the office's order; and the ids of the
    appointments outside the part."""
    marks = ", ".join([mark] * len(teams))
    raw = {}
    for table, where in _PART.items():
        where = where.format(*[marks] * where.count("{}"))
        raw[table] = _rows(cursor, table, where, teams * where.count(marks))
    ids = {t: {r[0] for r in raw[t]} for t in ("specialists", "customers", "appointments")}
    while missing := _references(raw, ids):
        for table, keys in missing.items():
            extra = _rows(cursor, table, f"WHERE key IN ({', '.join([mark] * len(keys))})", keys)
            raw[table] = sorted([*raw[table], *extra], key=lambda r: r[-1])
            ids[table] |= set(keys)
    cursor.execute("SELECT key FROM appointments")
    return raw, frozenset(k for (k,) in cursor.fetchall()) - ids["appointments"]


_REFERENCES = (  # (table, column, the table it names)
    ("appointments", "backfill_for", "appointments"),
    ("appointments", "replaces", "appointments"),
    ("appointments", "customer_id", "customers"),
    ("appointments", "specialist_id", "specialists"),
    ("appointments", "reassigned_from", "specialists"),
    ("customers", "specialist_id", "specialists"),
    ("specialists", "substitute_id", "specialists"),
)


def _references(raw: dict[str, list[Any]], ids: dict[str, set[str]]) -> dict[str, list[str]]:
    """Per table, the keys the loaded rows name that are not loaded yet."""
    missing: dict[str, set[str]] = {}
    for table, column, named in _REFERENCES:
        i = rows.fields(table).index(column)
        keys = {r[i] for r in raw[table]} - ids[named] - {None}
        if keys:
            missing.setdefault(named, set()).update(keys)
    return {table: sorted(keys) for table, keys in missing.items()}


@contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while tens of thousands of rows are made (they hold
    no cycles; the collector's passes would cost a third of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _plan_json_text(plan: list[Any]) -> str | None:
    """``plan.json`` as a folder-mode command writes it (:mod:`kontaktplan.io.plan_log`)."""
    runs = [dict(body) for kind, body in plan if kind == "plan"]
    return log_text(runs, [body for kind, body in plan if kind == "disruption"])


# -- export ---------------------------------------------------------------------------


def export(ws: Workspace | str, out_dir: str | Path) -> Path:
    """Write the workspace as a scenario folder with plan.json (readable by the owner
    only); the folder is replaced only if it is a scenario folder or empty."""
    from kontaktplan.io import write_scenario

    snap = load(ws, plan_json=True)
    extra = {}
    if snap.policy_file:
        extra[snap.policy_file] = snap.policy_text
    if snap.plan_json is not None:
        extra["plan.json"] = snap.plan_json
    out = write_scenario(snap.scenario, out_dir, extra=extra)
    private(out)
    return out


def private(folder: Path) -> None:
    """Make a written folder readable by its owner only (pseudonymous, but personal data)."""
    folder.chmod(0o700)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o700)
        for name in files:
            os.chmod(os.path.join(root, name), 0o600)
