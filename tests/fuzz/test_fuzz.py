"""The fuzzer of issue 11 in the default run: mutated folders and output paths against
every command (see ``fuzzing.py`` for the mutations and the properties)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from fuzzing import Case, base_folder, cases, run_case
from hypothesis import HealthCheck, given, settings


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return base_folder(tmp_path_factory.mktemp("fuzzbase"))


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(case=cases())
def test_no_command_breaks_on_a_mutated_folder_or_output_path(base, case: Case):
    root = Path(tempfile.mkdtemp(prefix="kpf-", dir="/tmp"))  # short: socket paths
    try:
        failure = run_case(case, root, base)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert failure is None, f"{failure}: {case.describe()}"
