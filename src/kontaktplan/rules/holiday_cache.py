"""The regional public holidays, computed by ``holidays`` and kept between commands.

Importing ``holidays`` and its country tables takes about 0.13 s, a seventh of a
command on a 60-specialist office, and what it answers for one region and year never
changes for one installed version of the library. So the answers are kept as JSON,
one file per region, in a folder named after the installed library (its path and
modification time): another version of ``holidays`` starts a fresh folder.

Where: ``$KONTAKTPLAN_CACHE`` if set (``off`` turns caching off), else the user's
cache folder (``%LOCALAPPDATA%``, ``$XDG_CACHE_HOME`` or ``~/.cache``) under
``kontaktplan``. Only dates and holiday names are kept, never office data; the names
in each language apart (``years``: English, ``years_de``: German). A cache that cannot
be read or written is ignored: the library is asked instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["holidays_of", "is_known_region"]


def _cache_root() -> Path | None:
    setting = os.environ.get("KONTAKTPLAN_CACHE")
    if setting is not None:
        return None if setting.strip().lower() in ("", "off", "0", "no") else Path(setting)
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "kontaktplan"


@cache
def _library_key() -> str | None:
    """A name for the installed ``holidays`` (its location and modification time)."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    stat = os.stat(spec.origin)
    text = f"{spec.origin}|{stat.st_mtime_ns}|{stat.st_size}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _region_file(region: str) -> Path | None:
    root, key = _cache_root(), _library_key()
    if root is None or key is None or not region.replace("-", "").isalnum():
        return None
    return root / f"holidays-{key}" / f"{region}.json"


_loaded: dict[str, dict[str, Any]] = {}


def _entry(region: str) -> dict[str, Any]:
    """What the cache knows of ``region``: ``known`` (bool), ``years`` {year: {date: name}}."""
    if region not in _loaded:
        path = _region_file(region)
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path else {}
        except (OSError, ValueError):
            data = {}
        _loaded[region] = data if isinstance(data, dict) else {}
    return _loaded[region]


def _store(region: str, **update: Any) -> None:
    entry = {**_entry(region), **update}
    _loaded[region] = entry
    path = _region_file(region)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as f:
            json.dump(entry, f)
        os.replace(f.name, path)
    except OSError:
        pass  # no cache then; the answer itself is right


def _ask_library(region: str, **options: Any) -> dict[dt.date, str]:
    """``holidays``' table for ``region`` (imported only now, when the cache cannot
    answer); NotImplementedError for a region it does not know."""
    import holidays

    country, _, subdiv = region.partition("-")
    return dict(holidays.country_holidays(country, subdiv=subdiv or None, **options).items())


def is_known_region(region: str) -> bool:
    """Whether ``holidays`` knows ``region`` (``DE``, ``DE-BW``, ...)."""
    known = _entry(region).get("known")
    if isinstance(known, bool):
        return known
    try:
        _ask_library(region)
        known = True
    except NotImplementedError:
        known = False
    _store(region, known=known)
    return known


#: Our languages as ``holidays`` names them.
LIBRARY_LANGUAGES = {"en": "en_US", "de": "de"}


def _years_key(lang: str) -> str:
    """Where a region's file keeps the names in ``lang``: ``years`` (English, as before
    there were two languages), ``years_de`` ..."""
    return "years" if lang == "en" else f"years_{lang}"


def holidays_of(region: str, year: int, lang: str = "en") -> dict[dt.date, str]:
    """The public holidays of a known ``region`` in ``year``: date -> name in ``lang``
    (``en`` or ``de``)."""
    key = _years_key(lang)
    years = _entry(region).get(key)
    years = years if isinstance(years, dict) else {}
    table = years.get(str(year))
    if isinstance(table, dict):
        try:
            return {dt.date.fromisoformat(day): str(name) for day, name in table.items()}
        except (TypeError, ValueError):
            pass  # a damaged entry: ask the library again
    out = _ask_library(region, years=year, language=LIBRARY_LANGUAGES[lang])
    _store(region, **{key: {**years, str(year): {d.isoformat(): n for d, n in out.items()}}})
    return out
