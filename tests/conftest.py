"""Shared fixtures: the tiny scenario, the bundled policies, a scenario-folder writer."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from kontaktplan.io import Loaded, read_scenario
from kontaktplan.rules.policy import Policy, load_policy

# On CI (CI=true) the property tests draw the same examples on every run, so that main
# stays green or red for a reason, not by chance; locally they explore afresh each run
# (and benchmarks/fuzz.py runs the long, random search).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# The commands the tests start run in their own process: a resident process the user
# left running (``kontaktplan resident start``) would take them over, so that killing a
# command's process (the crash tests) would not kill the command. The resident tests
# name theirs.
os.environ["KONTAKTPLAN_RESIDENT"] = "off"

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny"


@pytest.fixture(autouse=True, scope="session")
def _holiday_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Holiday tables are cached between commands (kontaktplan.rules.holiday_cache); the tests,
    and the commands and notebooks they start, keep theirs in a fresh folder."""
    before = os.environ.get("KONTAKTPLAN_CACHE")
    os.environ["KONTAKTPLAN_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        del os.environ["KONTAKTPLAN_CACHE"]
    else:
        os.environ["KONTAKTPLAN_CACHE"] = before


@pytest.fixture(autouse=True)
def _english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands print in the locale's language (``--lang`` default); the tests read the
    English text unless they pass ``--lang``, whatever the machine's locale is."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    """A command run in-process (CliRunner) freezes what it read out of the garbage
    collector's sight, as a one-shot process may (read_scenario(one_shot=True)); the
    test process lives on, so give it back after each test."""
    yield
    gc.unfreeze()


def _write_folder(folder: Path, base: Path | None = TINY, **tables: str | None) -> Path:
    """A scenario folder at ``folder``: the files of ``base`` with ``tables`` replaced.

    Keys are file stems (``scenario`` -> ``scenario.toml``, ``slots`` -> ``slots.csv``),
    values the file text; ``None`` leaves the file out. Text is written as given (no
    newline translation), so BOMs, CRLF and semicolons reach the reader unchanged.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if base is not None:
        for f in base.iterdir():
            shutil.copyfile(f, folder / f.name)
    for stem, text in tables.items():
        path = folder / (f"{stem}.toml" if stem == "scenario" else f"{stem}.csv")
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(text.encode("utf-8"))
    return folder


@pytest.fixture
def write_folder() -> Callable[..., Path]:
    """``write_folder(tmp_path, slots="...", absences=None)``: tiny with some files replaced."""
    return _write_folder


@pytest.fixture
def tiny_text() -> Callable[[str], str]:
    """``tiny_text("customers")``: the text of a file of the tiny scenario, to edit."""

    def text(stem: str) -> str:
        name = f"{stem}.toml" if stem == "scenario" else f"{stem}.csv"
        return (TINY / name).read_text(encoding="utf-8")

    return text


@pytest.fixture
def tiny() -> Loaded:
    """tests/data/tiny: 2 specialists (S2 half-time), 5 customers, 5 slots, 1 absence."""
    return read_scenario(TINY)


@pytest.fixture(scope="session")
def heilbronn() -> Policy:
    return load_policy("heilbronn-2025")


@pytest.fixture(scope="session")
def ba2010() -> Policy:
    return load_policy("ba-2010")
