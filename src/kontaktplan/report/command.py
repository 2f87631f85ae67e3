"""The ``kontaktplan report`` command; registered on the app by :mod:`kontaktplan.cli`."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from kontaktplan.cli import AsJson, Quiet, ScenarioDir, app, fail, load

__all__ = ["report"]


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` all or nothing (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summary(out: Path, report: Any, disruptions: list | None) -> dict[str, Any]:
    """What ``--json`` prints: the verdict and the headline figures of the report."""
    f = report.figures
    return {
        "out": str(out),
        "ok": report.ok,
        "violations": report.counts(),
        "deadline_counts": f["deadline_counts"],
        "overdue": len(f["overdue"]),
        "category_review": len(f["category_review"]),
        "disruptions": len(disruptions or []),
        "teams": f["teams"],
    }


@app.command()
def report(
    folder: ScenarioDir,
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write (e.g. report.html).")],
    simulation: Annotated[
        Path | None,
        typer.Option(
            "--simulation", help="Also show a simulation's results (kontaktplan simulate --out)."
        ),
    ] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
) -> None:
    """An HTML report for team leads: one self-contained file to open in a browser.

    Bookings per specialist and day (daily cap marked), weekly volume against target
    (Soll/Ist), due contacts per week against capacity (where deadlines will break),
    overdue customers, the category review list, rule violations and the disruption log
    of plan.json; with --simulation, a simulation's results (kontaktplan simulate).
    Every figure of the schedule is the validator's (as `kontaktplan validate` prints it).
    Exit 0 (also when the schedule breaks a rule: the report shows it); 2 on bad input.
    """
    from kontaktplan.report.html import read_disruptions, render_report
    from kontaktplan.validate import validate

    if out.is_dir():
        raise fail(f"--out: {out} is a folder; name the HTML file to write")
    loaded = load(folder, quiet or as_json)
    try:
        disruptions = read_disruptions(loaded.folder)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise fail(f"{loaded.folder / 'plan.json'}: not JSON ({e})") from None
    extra = ""
    if simulation is not None:
        from kontaktplan.report.simulation import SimulationFileError, simulation_section

        try:
            extra = simulation_section(simulation)
        except SimulationFileError as e:
            raise fail(str(e)) from None
    checked = validate(loaded.scenario, loaded.policy)
    page = render_report(loaded.scenario, loaded.policy, checked, disruptions, extra)
    write_text_atomic(out, page)
    if as_json:
        typer.echo(json.dumps(summary(out, checked, disruptions), indent=2))
    elif not quiet:
        d = checked.figures["deadline_counts"]
        verdict = "hard rules ok" if checked.ok else f"{len(checked.violations)} violation(s)"
        typer.echo(
            f"wrote {out}: {verdict}; deadlines {d['met']} met, {d['late']} late, "
            f"{d['open_due_in_horizon']} due in the horizon with nothing planned; "
            f"{len(checked.figures['overdue'])} overdue; "
            f"{len(disruptions or [])} disruption(s) logged"
        )
