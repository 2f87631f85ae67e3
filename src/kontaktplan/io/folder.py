"""Read and write a scenario folder (FORMAT.md).

Reading checks every table (:mod:`kontaktplan.io.csvtable`), then what the tables say of
each other (unique ids, references, categories of the policy, overlapping slots); every
problem is an :class:`InputError` naming file, row and column. Writing goes through
:mod:`kontaktplan.io.output`: only into a folder the product may write, replacing only the
files it owns, under a lock, finished by the next command if it is cut off.
"""

from __future__ import annotations

import gc
import itertools
import json
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from kontaktplan.domain import Scenario, ScenarioMeta, Slot
from kontaktplan.i18n import Phrase
from kontaktplan.i18n.errors import (
    message_of,
    os_reason,
    place,
    pydantic_reason,
    toml_reason,
    utf8_reason,
)
from kontaktplan.io.csvtable import (
    FILES,
    InputError,
    has_formula_text,
    not_utf8,
    read_table,
    table_text,
)
from kontaktplan.io.inputs import TEXT_CELLS, check_inputs
from kontaktplan.io.output import (
    Target,
    commit,
    output_folder,
    read_manifest,
    reading,
    regular_file,
    sha256_of,
)
from kontaktplan.rules.calendar import known_region
from kontaktplan.rules.policy import Policy, load_policy, models_dir

__all__ = [
    "FILES",
    "InputError",
    "Loaded",
    "read_scenario",
    "write_scenario",
]


@dataclass
class Loaded:
    """A scenario read from a folder, with its policy and the warnings found on the way."""

    scenario: Scenario
    policy: Policy
    folder: Path
    warnings: list[str] = field(default_factory=list)
    """What is odd but readable, as :class:`~kontaktplan.i18n.Phrase` (English as ``str``)."""
    rows: dict[str, list[int]] = field(default_factory=dict)
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Size and modification time of each table file read, by table key."""
    extras: dict[str, tuple[list[str], list[list[str]]]] = field(default_factory=dict)
    """Columns the product does not know, by table key: their names and each row's cells."""
    formula_text: set[str] = field(default_factory=set)
    """Tables holding a cell a spreadsheet would evaluate: written again, quoted."""


def _read_meta(folder: Path) -> ScenarioMeta:
    path = folder / "scenario.toml"
    if not regular_file(path, "scenario.toml"):
        raise InputError("scenario.toml", Phrase("err.not_found_in", folder=folder))
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InputError("scenario.toml", not_utf8(e)) from None
    except tomllib.TOMLDecodeError as e:
        raise InputError("scenario.toml", toml_reason(e)) from None
    try:
        meta = ScenarioMeta.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else None
        raise InputError("scenario.toml", pydantic_reason(err), column=key) from None
    check_region(meta, "scenario.toml")
    return meta


def check_region(meta: ScenarioMeta, source: str, row: int | None = None) -> None:
    """Raise :class:`InputError` if the holiday calendar does not know the scenario's region."""
    if not known_region(meta.region):
        raise InputError(
            source,
            Phrase("err.unknown_region", region=meta.region),
            row,
            "region",
        )


@contextmanager
def _bulk(one_shot: bool):
    """No cyclic garbage collection while tens of thousands of rows are made: they hold
    no cycles, and the collector's passes over them cost a third of the reading time.
    ``one_shot``: also keep them out of later passes (``gc.freeze``)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if one_shot:
            gc.freeze()
        if was_enabled:
            gc.enable()


def read_scenario(folder: str | Path, *, one_shot: bool = False) -> Loaded:
    """Read a scenario folder; raise :class:`InputError` on the first bad input.

    ``one_shot`` is for a command that ends soon after: everything read so far is moved
    out of the garbage collector's sight for the rest of the process (``gc.freeze``),
    which saves a pass over every row (~30 ms on a 60-specialist office). A notebook
    or a library caller keeps the default.
    """
    with _bulk(one_shot):
        return _read_scenario(Path(folder))


def scenario_policy(meta: ScenarioMeta, base: Path, source: str, row: int | None = None) -> Policy:
    """The scenario's policy (a name, or a path relative to ``base``); a missing or bad
    policy file is an :class:`InputError` naming ``source`` and ``row`` of the setting."""
    try:
        return load_policy(meta.policy, base=base)
    except FileNotFoundError as e:
        raise InputError(source, message_of(e), row, "policy") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(meta.policy, Phrase("err.policy_invalid", reason=toml_reason(e))) from None
    except UnicodeDecodeError as e:
        reason = Phrase("err.policy_not_utf8", reason=utf8_reason(e))
        raise InputError(meta.policy, reason) from None
    except OSError as e:
        reason = Phrase("err.policy_unreadable", reason=os_reason(e))
        raise InputError(source, reason, row, "policy") from None
    except ValidationError as e:
        err = e.errors()[0]
        setting = ".".join(str(part) for part in err["loc"])
        reason = Phrase("err.at", where=setting, message=pydantic_reason(err))
        raise InputError(meta.policy, Phrase("err.policy_invalid", reason=reason)) from None


def _read_scenario(folder: Path) -> Loaded:
    if folder.is_symlink() and not folder.exists():
        raise InputError(str(folder), Phrase("err.dangling_link"))
    if not folder.is_dir():
        old = folder.with_name(f".{folder.name}.old") if folder.name else None
        if old is not None and old.is_dir():
            raise InputError(str(folder), Phrase("err.old_write", old=old, name=folder.name))
        missing = "err.no_folder" if not folder.exists() else "err.not_a_folder"
        raise InputError(str(folder), Phrase(missing))
    with reading(folder):
        return _read_folder(folder)


def carried_policy(meta: ScenarioMeta, folder: Path) -> Path | None:
    """The copy of a bundled rule set that a written folder carries (``<name>.toml``, its
    checksum in the folder's manifest), so the folder reads back with the rules it was
    made with; None where there is none or it was changed by hand."""
    if meta.policy.endswith(".toml"):
        return None
    name = f"{meta.policy}.toml"
    manifest = read_manifest(folder)
    recorded = manifest["files"].get(name) if manifest else None
    path = folder / name
    if recorded is None or not path.is_file() or sha256_of(path) != recorded:
        return None
    return path


def _read_folder(folder: Path) -> Loaded:
    meta = _read_meta(folder)
    carried = carried_policy(meta, folder)
    if carried is not None:
        as_file = meta.model_copy(update={"policy": carried.name})
        policy = scenario_policy(as_file, folder, "scenario.toml")
    else:
        policy = scenario_policy(meta, folder, "scenario.toml")
    parsed: dict[str, list[BaseModel]] = {}
    rows: dict[str, list[int]] = {}
    stamps: dict[str, tuple[int, int]] = {}
    extras: dict[str, tuple[list[str], list[list[str]]]] = {}
    formula_text: set[str] = set()
    for key, table in FILES.items():
        path = folder / table.file
        if not regular_file(path, table.file):
            if table.mandatory_file:
                raise InputError(table.file, Phrase("err.not_found_in", folder=folder))
            parsed[key], rows[key] = [], []
            continue
        stat = path.stat()
        stamps[key] = (stat.st_size, stat.st_mtime_ns)
        parsed[key], rows[key], found = read_table(path, table, extras=True)
        if found[0]:
            extras[key] = found
        if key in TEXT_CELLS and has_formula_text(path.read_text(encoding="utf-8-sig")):
            formula_text.add(key)
    scenario = _scenario_of(meta, policy, parsed, rows, str(folder))
    loaded = Loaded(scenario, policy, folder, rows=rows, stamps=stamps, extras=extras)
    loaded.formula_text = formula_text
    loaded.warnings = _warnings(scenario, rows)
    return loaded


def _scenario_of(
    meta: ScenarioMeta,
    policy: Policy,
    parsed: dict[str, list[BaseModel]],
    rows: dict[str, list[int]],
    source: str,
) -> Scenario:
    """The scenario of the parsed tables; :class:`InputError` with file and row for an
    unknown category, a duplicate id, an unknown reference or overlapping slots; ids,
    free text and dates as :func:`check_inputs`."""
    _check_categories(parsed, rows, policy)
    check_inputs(meta, parsed, rows, policy)
    try:
        return Scenario(meta=meta, **{k: tuple(v) for k, v in parsed.items()})
    except ValidationError as e:
        # The scenario's own checks found a bad id or reference: find its file and row.
        _check_references(parsed, rows)
        raise InputError(source, pydantic_reason(e.errors()[0])) from None


def _check_unique(key: str, column: str, parsed, rows) -> set[str]:
    seen: dict[str, int] = {}
    for obj, number in zip(parsed[key], rows[key], strict=True):
        value = getattr(obj, column)
        if value in seen:
            raise InputError(
                FILES[key].file,
                Phrase("err.duplicate_id", id=value, first=seen[value]),
                number,
                column,
            )
        seen[value] = number
    return set(seen)


def _check_references(parsed, rows) -> None:
    """Raise the first duplicate id, unknown reference or slot overlap, with its row."""
    specialists = _check_unique("specialists", "specialist_id", parsed, rows)
    customers = _check_unique("customers", "customer_id", parsed, rows)
    appointments = _check_unique("appointments", "appointment_id", parsed, rows)
    refs = {
        "specialists": ("substitute_id",),
        "customers": ("specialist_id",),
        "slots": ("specialist_id",),
        "absences": ("specialist_id",),
        "appointments": ("specialist_id", "reassigned_from"),
    }
    for key, columns in refs.items():
        for obj, number in zip(parsed[key], rows[key], strict=True):
            for col in columns:
                value = getattr(obj, col)
                if value is not None and value not in specialists:
                    what = Phrase("err.unknown_specialist", id=value)
                    raise InputError(FILES[key].file, what, number, col)
    for obj, number in zip(parsed["appointments"], rows["appointments"], strict=True):
        if obj.customer_id not in customers:
            raise InputError(
                "appointments.csv",
                Phrase("err.unknown_customer", id=obj.customer_id),
                number,
                "customer_id",
            )
        for col in ("backfill_for", "replaces"):
            if (ref := getattr(obj, col)) is not None and ref not in appointments:
                what = Phrase("err.unknown_appointment", id=ref)
                raise InputError("appointments.csv", what, number, col)
    _check_slot_overlaps(parsed["slots"], rows["slots"])


def _check_categories(parsed, rows, policy: Policy) -> None:
    known = set(policy.categories)
    for obj, number in zip(parsed["customers"], rows["customers"], strict=True):
        if obj.category not in known:
            raise InputError(
                "customers.csv",
                Phrase(
                    "err.unknown_category",
                    category=obj.category,
                    policy=policy.name,
                    known=sorted(known),
                ),
                number,
                "category",
            )


def _check_slot_overlaps(slots: list[Slot], rows: list[int]) -> None:
    by_specialist: dict[str, list[tuple[Slot, int]]] = {}
    for s, n in zip(slots, rows, strict=True):
        by_specialist.setdefault(s.specialist_id, []).append((s, n))
    for items in by_specialist.values():
        items.sort(key=lambda x: x[0].start)
        for (a, na), (b, nb) in itertools.pairwise(items):
            if b.start < a.end:
                raise InputError(
                    "slots.csv",
                    Phrase("err.slot_overlap", row=na, specialist=a.specialist_id),
                    nb,
                    "start",
                )


def _warnings(
    scenario: Scenario, rows: dict[str, list[int]], source: str = "appointments.csv"
) -> list[str]:
    """What is odd but readable, named by ``source`` (the appointments' file) and row."""
    out: list[str] = []
    if not scenario.slots:
        return out
    # A free slot in an absence is not used (the absence wins); no warning: every
    # absence recorded by `kontaktplan absence` lies over slots, and later commands would
    # repeat it for every slot.
    slot_days = {(s.specialist_id, s.day) for s in scenario.slots}
    span = (min(s.day for s in scenario.slots), max(s.day for s in scenario.slots))
    orphans = [
        (a, n)
        for a, n in zip(scenario.appointments, rows["appointments"], strict=True)
        if a.status.value == "held"
        and span[0] <= a.day <= span[1]
        and (a.specialist_id, a.day) not in slot_days
    ]
    for a, n in orphans[:5]:
        what = Phrase("warn.held_without_slot", day=a.day, specialist=a.specialist_id)
        out.append(Phrase("err.at", where=place(source, n), message=what))
    if len(orphans) > 5:
        what = Phrase("warn.more_held_without_slot", n=len(orphans) - 5)
        out.append(Phrase("err.at", where=source, message=what))
    return out


def _policy_copy(scenario: Scenario, source: str | Path | None) -> dict[str, str]:
    """The policy file a written folder carries: the file ``scenario.toml`` names by a
    relative path, or a copy of the bundled rule set it names (``<name>.toml``, used
    when the folder is read again; the copy it was read with, if it carried one)."""
    name = Path(scenario.meta.policy)
    if name.suffix != ".toml":
        carried = carried_policy(scenario.meta, Path(source)) if source else None
        bundled = models_dir() / f"{scenario.meta.policy}.toml"
        path = carried or bundled
        key = f"{scenario.meta.policy}.toml"
        return {key: path.read_text(encoding="utf-8")} if path.is_file() else {}
    if source is None or name.is_absolute() or ".." in name.parts:
        return {}
    path = Path(source) / name
    return {name.as_posix(): path.read_text(encoding="utf-8")} if path.is_file() else {}


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes, \uXXXX included).
    return json.dumps(text, ensure_ascii=False)


def _meta_text(meta: ScenarioMeta) -> str:
    return (
        f"name = {_toml_string(meta.name)}\n"
        f"today = {meta.today.isoformat()}\n"
        f"policy = {_toml_string(meta.policy)}\n"
        f"region = {_toml_string(meta.region)}\n"
    )


def write_scenario(
    scenario: Scenario,
    folder: str | Path,
    extra: dict[str, str] | None = None,
    read: Loaded | None = None,
    target: Target | None = None,
) -> Path:
    """Write the scenario (and ``extra`` files, name -> text) as a folder, all or nothing.

    ``target`` is the output folder as checked before the work
    (:func:`kontaktplan.io.output.output_folder`); without it, ``folder`` is checked now
    (and an earlier result folder there is replaced, as with ``--force``).
    Only an absent or empty folder, the folder read, or one this product wrote is
    written; only the files it owns are replaced, and only if it did not change since
    it was checked (:class:`~kontaktplan.io.output.Conflict`). ``read`` is what the
    scenario was made from: a policy file named by a relative path in ``scenario.toml``
    is copied along from its folder, so the written folder reads back on its own; a
    table the scenario still holds as it was read is copied byte for byte, in a changed
    table every row still as read keeps its line where the file has the canonical form,
    and columns the product does not know are kept (a command changes only what its
    purpose needs).
    """
    if target is None:  # a library call replaces its own results (the CLI asks for --force)
        target = output_folder(Path(folder), inputs=[read.folder if read else None], force=True)
    extra = {**_policy_copy(scenario, read.folder if read else None), **(extra or {})}
    files: dict[str, bytes | Path] = {"scenario.toml": _meta_text(scenario.meta).encode()}
    for key, table in FILES.items():
        rows = getattr(scenario, key)
        as_read = _unchanged_source(key, read)  # the file, if unchanged since read
        if as_read is not None and rows is getattr(read.scenario, key):
            files[table.file] = as_read.read_bytes()
            continue
        text = _with_kept_lines(key, rows, read, as_read) if as_read else None
        files[table.file] = (text or _table_text(key, rows, read)).encode("utf-8")
    for name, text in extra.items():
        files[name] = text.encode("utf-8")
    commit(target, files)
    return target.path


def _table_text(key: str, rows: tuple[BaseModel, ...], read: Loaded | None) -> str:
    """The canonical text of a table, with the columns the product does not know kept:
    a row keeps its cells when it is still as read or, in a table with ids, when a row of
    its id was read (a cancelled appointment keeps its note); a new row leaves them empty."""
    extras = read.extras.get(key) if read is not None else None
    if not extras:
        return table_text(FILES[key], rows)
    names, values = extras
    as_read = getattr(read.scenario, key)
    by_obj = {id(r): v for r, v in zip(as_read, values, strict=True)}
    id_column = _ID_COLUMNS.get(key)
    by_key = (
        {getattr(r, id_column): v for r, v in zip(as_read, values, strict=True)}
        if id_column
        else {}
    )
    blank = [""] * len(names)

    def cells(r: BaseModel) -> list[str]:
        if id(r) in by_obj:
            return by_obj[id(r)]
        return by_key.get(getattr(r, id_column), blank) if id_column else blank

    return table_text(FILES[key], rows, (names, [cells(r) for r in rows]))


_ID_COLUMNS = {
    "specialists": "specialist_id",
    "customers": "customer_id",
    "appointments": "appointment_id",
}


def _unchanged_source(key: str, read: Loaded | None) -> Path | None:
    """The file table ``key`` was read from, if it has not changed since."""
    if read is None or key not in read.stamps or key in read.formula_text:
        return None
    path = read.folder / FILES[key].file
    try:
        stat = path.stat()
    except OSError:
        return None
    return path if (stat.st_size, stat.st_mtime_ns) == read.stamps[key] else None


def _with_kept_lines(
    key: str, rows: tuple[BaseModel, ...], read: Loaded, source: Path
) -> str | None:
    """The table's text, each row still as read (the same object) kept as its line of
    ``source``: a cancellation changes two of 18k rows. None unless ``source`` has the
    form :func:`table_text` writes (its header, commas, LF, nothing quoted), so that
    every line is one row and the lines fit together."""
    table = FILES[key]
    text = source.read_text(encoding="utf-8")
    header = ",".join(table.columns_of(rows)) + "\n"
    if not text.startswith(header) or '"' in text or "\r" in text:
        return None
    lines = text.split("\n")
    as_read = getattr(read.scenario, key)
    line_of = {id(r): lines[n - 1] for r, n in zip(as_read, read.rows[key], strict=True)}
    new = iter(table_text(table, [r for r in rows if id(r) not in line_of]).split("\n")[1:])
    body = (line_of[id(r)] if id(r) in line_of else next(new) for r in rows)
    return header + "".join(f"{line}\n" for line in body)
