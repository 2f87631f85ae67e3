"""The holiday cache answers exactly what the ``holidays`` library answers, and a warm
cache answers without importing it (kontaktplan.rules.holiday_cache)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import holidays
import pytest

from kontaktplan.rules import holiday_cache
from kontaktplan.rules.calendar import _holidays


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh, empty cache folder, and no answers kept in this process."""
    monkeypatch.setenv("KONTAKTPLAN_CACHE", str(tmp_path / "cache"))
    holiday_cache._loaded.clear()
    _holidays.cache_clear()
    yield tmp_path / "cache"
    holiday_cache._loaded.clear()
    _holidays.cache_clear()


def _library(region: str, year: int) -> dict:
    country, _, subdiv = region.partition("-")
    table = holidays.country_holidays(country, subdiv=subdiv or None, years=year, language="en_US")
    return dict(table.items())


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json")) if folder.exists() else []


@pytest.mark.parametrize(("region", "year"), [("DE-BW", 2026), ("DE-BY", 2027), ("DE", 2025)])
def test_cached_answer_equals_the_library_cold_and_warm(cache_dir, region, year):
    cold = holiday_cache.holidays_of(region, year)
    assert cold == _library(region, year)
    [file] = _files(cache_dir)
    assert file.name == f"{region}.json"
    holiday_cache._loaded.clear()  # as a new command would: read from the file
    assert holiday_cache.holidays_of(region, year) == cold


def test_regions_are_remembered_known_or_not(cache_dir):
    assert holiday_cache.is_known_region("DE-BW")
    assert not holiday_cache.is_known_region("DE-XX")
    holiday_cache._loaded.clear()
    known = {f.stem: json.loads(f.read_text())["known"] for f in _files(cache_dir)}
    assert known == {"DE-BW": True, "DE-XX": False}
    assert holiday_cache.is_known_region("DE-BW") and not holiday_cache.is_known_region("DE-XX")


@pytest.mark.parametrize(
    "damage",
    ["not json", "[1, 2]", '{"known": "yes", "years": {"2026": {"2026-13-01": "x"}}}'],
)
def test_a_damaged_cache_file_is_ignored_and_replaced(cache_dir, damage):
    holiday_cache.holidays_of("DE-BW", 2026)
    [file] = _files(cache_dir)
    file.write_text(damage)
    holiday_cache._loaded.clear()
    assert holiday_cache.holidays_of("DE-BW", 2026) == _library("DE-BW", 2026)
    assert holiday_cache.is_known_region("DE-BW")
    assert json.loads(file.read_text())["years"]["2026"]["2026-12-25"] == "Christmas Day"


def test_cache_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KONTAKTPLAN_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    holiday_cache._loaded.clear()
    assert holiday_cache.holidays_of("DE-BW", 2026) == _library("DE-BW", 2026)
    assert _files(tmp_path) == []
    holiday_cache._loaded.clear()


def test_an_unwritable_cache_still_answers(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")  # the cache folder would have to be inside a file
    monkeypatch.setenv("KONTAKTPLAN_CACHE", str(blocker / "cache"))
    holiday_cache._loaded.clear()
    assert holiday_cache.holidays_of("DE-BW", 2026) == _library("DE-BW", 2026)
    holiday_cache._loaded.clear()


def test_a_warm_cache_answers_without_importing_the_library(cache_dir):
    script = textwrap.dedent(
        """
        import sys
        from kontaktplan.rules.calendar import _holidays, known_region
        table = _holidays("DE-BW", 2026)
        print(known_region("DE-BW"), len(table), "holidays" in sys.modules)
        """
    )
    env = {**os.environ, "KONTAKTPLAN_CACHE": str(cache_dir)}

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.split()

    count = str(len(_library("DE-BW", 2026)))
    assert run() == ["True", count, "True"]  # cold: asks the library
    assert run() == ["True", count, "False"]  # warm: the library is not even imported
