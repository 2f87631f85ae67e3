"""``OFFICES.toml``: the offices of a regional or national run.

Each ``[[office]]`` is either a scenario folder or generator settings with a size::

    [[office]]
    name = "heilbronn"
    folder = "heilbronn"              # relative to OFFICES.toml

    [[office]]
    name = "rural"                    # a synthetic office (kontaktplan.generate)
    specialists = 25                  # case workers
    customers = 4500                  # about; or customers_per_specialist = 200
    seed = 7                          # generator seed (default 0)
    count = 10                        # 10 such offices, rural-001 .. rural-010, seeds 7..16
    policy = "heilbronn-2025"         # optional; and region, today, weeks_of_slots
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kontaktplan.domain import Scenario
from kontaktplan.i18n import Phrase
from kontaktplan.i18n.errors import os_reason, reason_of, toml_reason
from kontaktplan.rules.policy import Policy, load_policy

__all__ = ["OfficeSpec", "OfficesError", "folder_office", "read_offices"]

MEAN_FTE = 0.9  # the generator's staff: 70 % full-time, the others 0.5-0.8
KEYS = {
    "name", "folder", "specialists", "customers", "customers_per_specialist", "seed",
    "count", "policy", "region", "today", "weeks_of_slots",
}  # fmt: skip


class OfficesError(ValueError):
    """An offices file that cannot be used (names the file, the office and the key)."""


@dataclass(frozen=True)
class OfficeSpec:
    """One office to simulate: a folder, or the arguments of ``generate``."""

    name: str
    folder: Path | None = None
    specialists: int = 0
    customers_per_specialist: int = 0
    seed: int = 0
    policy: str = "heilbronn-2025"
    region: str = "DE-BW"
    today: dt.date = dt.date(2026, 11, 23)
    weeks_of_slots: int = 4

    def load(self) -> tuple[Scenario, Policy]:
        """The office's scenario and policy (read or generated; cached per process)."""
        return _load(self)


@lru_cache(maxsize=4)
def _load(spec: OfficeSpec) -> tuple[Scenario, Policy]:
    if spec.folder is not None:
        from kontaktplan.io import read_scenario

        loaded = read_scenario(spec.folder, one_shot=True)
        return loaded.scenario, loaded.policy
    from kontaktplan.generate import generate

    policy = load_policy(spec.policy)
    scenario = generate(
        specialists=spec.specialists, customers_per_specialist=spec.customers_per_specialist,
        seed=spec.seed, weeks=spec.weeks_of_slots, today=spec.today, policy=policy,
        name=spec.name, region=spec.region,
    )  # fmt: skip
    return scenario, policy


def folder_office(folder: Path) -> OfficeSpec:
    """The office of a scenario folder, named after the folder."""
    return OfficeSpec(name=folder.resolve().name, folder=folder)


def _int(
    entry: dict[str, Any], key: str, where: str, default: int | None = None, low: int = 1
) -> int:
    value = entry.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        what = Phrase("err.whole_number", key=key, low=low, value=repr(value))
        raise OfficesError(Phrase("err.at", where=where, message=what))
    return value


def _spec(entry: dict[str, Any], base: Path, where: str) -> list[OfficeSpec]:
    unknown = sorted(set(entry) - KEYS)
    if unknown:
        what = Phrase("err.unknown_key", key=unknown[0], known=sorted(KEYS))
        raise OfficesError(Phrase("err.at", where=where, message=what))
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise OfficesError(Phrase("err.at", where=where, message=Phrase("err.office_name")))
    if "folder" in entry:
        folder = base / str(entry["folder"])
        if not folder.is_dir():
            what = Phrase("err.office_folder", folder=folder)
            raise OfficesError(Phrase("err.at", where=where, message=what))
        return [OfficeSpec(name=name, folder=folder)]
    specialists = _int(entry, "specialists", where)
    if "customers" in entry:
        customers = _int(entry, "customers", where)
        per = max(1, round(customers / (specialists * MEAN_FTE)))
    else:
        per = _int(entry, "customers_per_specialist", where)
    seed = _int(entry, "seed", where, 0, low=0)
    count = _int(entry, "count", where, 1)
    today = entry.get("today", dt.date(2026, 11, 23))
    if not isinstance(today, dt.date):
        what = Phrase("err.office_today", today=repr(today))
        raise OfficesError(Phrase("err.at", where=where, message=what))
    policy = str(entry.get("policy", "heilbronn-2025"))
    try:
        load_policy(policy, base)
    except (FileNotFoundError, ValueError) as e:
        what = Phrase("err.at", where="policy", message=reason_of(e))
        raise OfficesError(Phrase("err.at", where=where, message=what)) from None
    common = {
        "specialists": specialists, "customers_per_specialist": per, "policy": policy,
        "region": str(entry.get("region", "DE-BW")), "today": today,
        "weeks_of_slots": _int(entry, "weeks_of_slots", where, 4),
    }  # fmt: skip
    if count == 1:
        return [OfficeSpec(name=name, seed=seed, **common)]
    width = len(str(count))
    return [
        OfficeSpec(name=f"{name}-{i:0{width}d}", seed=seed + i - 1, **common)
        for i in range(1, count + 1)
    ]


def read_offices(path: str | Path) -> list[OfficeSpec]:
    """The offices of an ``OFFICES.toml``; :class:`OfficesError` names what is wrong."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        what = Phrase("err.cannot_read", reason=os_reason(e))
        raise OfficesError(Phrase("err.at", where=path, message=what)) from None
    except tomllib.TOMLDecodeError as e:
        what = Phrase("err.not_toml", reason=toml_reason(e))
        raise OfficesError(Phrase("err.at", where=path, message=what)) from None
    entries = data.get("office")
    if not isinstance(entries, list) or not entries:
        raise OfficesError(Phrase("err.at", where=path, message=Phrase("err.no_offices")))
    out: list[OfficeSpec] = []
    for i, entry in enumerate(entries, 1):
        out += _spec(entry, path.parent, Phrase("err.office_at", path=path, n=i))
    names = [s.name for s in out]
    if dup := sorted({n for n in names if names.count(n) > 1}):
        what = Phrase("err.office_names", names=dup[:5])
        raise OfficesError(Phrase("err.at", where=path, message=what))
    return out
