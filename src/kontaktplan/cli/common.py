"""What every command shares: the scenario-folder argument, --quiet and --json, reading a
folder (bad input ends the command with exit 2), and the error exit.

Exit codes: 0 ok; 1 the plan/schedule breaks a hard rule; 2 bad input (nothing written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kontaktplan.io import InputError, Loaded, read_scenario

ScenarioDir = Annotated[
    Path,
    typer.Argument(
        help="A scenario folder (scenario.toml, specialists.csv, customers.csv, slots.csv, "
        "optional absences.csv and appointments.csv; see FORMAT.md).",
        show_default=False,
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print a machine-readable summary.")]

MAX_WARNINGS = 5


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def load(folder: Path, quiet: bool = False) -> Loaded:
    """Read a scenario folder; bad input ends the command with exit code 2."""
    try:
        loaded = read_scenario(folder, one_shot=True)
    except InputError as e:
        where = "" if Path(e.file).is_absolute() or e.file == str(folder) else f"{folder}/"
        raise fail(f"{where}{e}") from None
    if not quiet:
        for w in loaded.warnings[:MAX_WARNINGS]:
            typer.echo(f"warning: {w}", err=True)
        if len(loaded.warnings) > MAX_WARNINGS:
            more = len(loaded.warnings) - MAX_WARNINGS
            typer.echo(f"warning: ... and {more} more (kontaktplan validate --all)", err=True)
    return loaded


def counts(scenario) -> dict[str, int]:
    """Rows per table of a scenario, for ``--json`` summaries."""
    return {
        "specialists": len(scenario.specialists),
        "customers": len(scenario.customers),
        "slots": len(scenario.slots),
        "absences": len(scenario.absences),
        "appointments": len(scenario.appointments),
    }
