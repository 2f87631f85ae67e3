"""The ``kontaktplan report`` command; registered on the app by :mod:`kontaktplan.cli`."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from kontaktplan.cli import AsJson, Force, Quiet, ScenarioDir, app, check_out_file, fail, load

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


def is_our_report(path: Path) -> bool:
    """True if ``path`` is a report this product wrote (its generator tag says so)."""
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
    except OSError:
        return False
    return b'<meta name="generator" content="kontaktplan">' in head


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
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """An HTML report for team leads: one self-contained file to open in a browser.

    Bookings per specialist and day (daily cap marked), weekly volume against target
    (Soll/Ist), due contacts per week against capacity (where deadlines will break),
    overdue customers, the category review list, rule violations and the disruption log
    of plan.json. Every figure is the validator's (as `kontaktplan validate` prints it).
    Exit 0 (also when the schedule breaks a rule: the report shows it); 2 on bad input.
    """
    from kontaktplan.report.html import read_disruptions, render_report
    from kontaktplan.validate import validate

    path = check_out_file(out, is_our_report, force)
    loaded = load(folder, quiet or as_json)
    try:
        disruptions = read_disruptions(loaded.folder)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise fail(f"{loaded.folder / 'plan.json'}: not JSON ({e})") from None
    checked = validate(loaded.scenario, loaded.policy)
    page = render_report(loaded.scenario, loaded.policy, checked, disruptions)
    try:
        write_text_atomic(path, page)
    except OSError as e:
        raise fail(f"{out}: cannot write ({e.strerror or e}); nothing written") from None
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
