"""The what-if notebooks run from top to bottom and print a conclusion computed by the run.

The four what-ifs together take about 30 s on the demo office (plans of one or two weeks
with a 5 s limit per specialist model); the simulated year (``year``) adds four 8-week
simulations of it, shortened for CI. They run by default.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["absence_wave", "caseload_growth", "rule_sets", "no_shows", "year"]
CELL_TIMEOUT = 180  # seconds per cell; a cell plans at most four fortnights


def _builder():
    spec = importlib.util.spec_from_file_location("notebook_build", NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_notebooks_are_the_builders_and_carry_no_outputs(tmp_path):
    _builder().build(tmp_path)
    for name in NAMES:
        committed = (NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8")
        assert committed == (tmp_path / f"{name}.ipynb").read_text(encoding="utf-8"), (
            f"{name}.ipynb differs from notebooks/build.py: run python notebooks/build.py"
        )
        nb = nbformat.reads(committed, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_and_prints_its_conclusion(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert images, "no plot shown"
    last = nb.cells[-1]
    text = "".join(o.text for o in last.outputs if o.output_type == "stream")
    assert text.startswith("Conclusion: ")
    assert any(ch.isdigit() for ch in text)  # a number from the run, not a typed sentence
