"""The product documents itself: docs/format.md holds every column the reader accepts,
docs/rules.md every policy key, and no user-facing text points outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.domain import ScenarioMeta
from kontaktplan.io.csvtable import FILES
from kontaktplan.rules.policy import Policy

ROOT = Path(__file__).parents[1]
FORMAT = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
RULES = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under the heading that starts with ``heading`` up to the next heading."""
    m = re.search(rf"^#+ {re.escape(heading)}.*?$(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert m, f"no section {heading!r}"
    return m.group(1)


def policy_keys(model: type[BaseModel] = Policy, prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            keys += policy_keys(kind, f"{prefix}{name}.")
        else:
            keys.append(prefix + name)
    return keys


@pytest.mark.parametrize("key", list(FILES))
def test_every_column_the_reader_accepts_is_documented_in_its_file_section(key):
    table = FILES[key]
    text = section(FORMAT, table.file)
    missing = [c for c in table.columns if f"`{c}`" not in text]
    assert not missing, f"docs/format.md, {table.file}: {missing}"
    for c in table.required:
        assert re.search(rf"^\| `{c}` \| yes", text, re.M), f"{c} not marked required"


def test_every_scenario_toml_key_is_documented():
    text = section(FORMAT, "scenario.toml")
    assert [k for k in ScenarioMeta.model_fields if f"`{k}`" not in text] == []


def test_every_policy_key_is_documented_in_the_rules():
    keys = policy_keys()
    assert len(keys) > 30
    assert [k for k in keys if f"`{k}`" not in RULES] == []


def test_the_rules_name_both_rule_sets_and_their_files():
    for name in ("heilbronn-2025", "ba-2010"):
        assert f"`{name}`" in RULES
        assert (ROOT / "models" / f"{name}.toml").is_file()


def _help_texts() -> dict[str, str]:
    runner = CliRunner()
    out = {"": runner.invoke(app, ["--help"], terminal_width=200).output}
    commands = re.findall(r"^│ (\w[\w-]*)\s", out[""], re.M)
    assert "plan" in commands and "export" in commands
    for command in commands:
        text = runner.invoke(app, [command, "--help"], terminal_width=200).output
        out[command] = text
        for sub in re.findall(r"^│ (\w[\w-]*)\s", section_of_commands(text), re.M):
            out[f"{command} {sub}"] = runner.invoke(
                app, [command, sub, "--help"], terminal_width=200
            ).output
    return out


def section_of_commands(help_text: str) -> str:
    return help_text.split("Commands", 1)[1] if "Commands" in help_text else ""


def test_help_readme_and_policy_files_point_to_the_docs_not_elsewhere():
    texts = _help_texts()
    assert len(texts) > 12
    texts["README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    for p in (ROOT / "models").glob("*.toml"):
        texts[p.name] = p.read_text(encoding="utf-8")
    for name, text in texts.items():
        for foreign in ("FORMAT.md", "RULES.md", "shared/"):
            assert foreign not in text, f"{name} points to {foreign}"
    assert "docs/format.md" in texts["plan"]
    assert "docs/format.md" in texts["README.md"] and "docs/rules.md" in texts["README.md"]


def test_help_shows_flags_without_a_type_and_the_solver_choices():
    texts = _help_texts()
    for name, text in texts.items():
        assert "<bool>" not in text, name
    assert "cpsat|greedy" in texts["plan"] and "cpsat|greedy" in texts["replan"]
    for option in ("--solver", "--time-limit", "--seed", "--workers"):
        assert option in texts["replan"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_workbook_legend_points_to_the_docs(lang, tmp_path):
    import openpyxl

    out = tmp_path / "t.xlsx"
    tiny = ROOT / "tests" / "data" / "tiny"
    result = CliRunner().invoke(
        app, ["export", "xlsx", str(tiny), "--out", str(out), "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["Team T1"]
    cells = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "docs/rules.md" in cells and "docs/format.md" in cells
    assert "RULES.md" not in cells and "FORMAT.md" not in cells
