"""The ``kontaktplan report`` command: the HTML report of a scenario folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from kontaktplan.cli.common import (
    AsJson,
    DbUrl,
    Force,
    LangOption,
    MaybeScenarioDir,
    Quiet,
    cannot_write,
    check_out_file,
    fail,
    language,
)
from kontaktplan.cli.workspace import source
from kontaktplan.i18n import Phrase, translator
from kontaktplan.i18n.errors import reason_of
from kontaktplan.io.files import write_text_atomic

__all__ = ["report"]


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


def report(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write (e.g. report.html).")],
    folder: MaybeScenarioDir = None,
    simulation: Annotated[
        Path | None,
        typer.Option(
            "--simulation", help="Also show a simulation's results (kontaktplan simulate --out)."
        ),
    ] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    db: DbUrl = None,
    force: Force = False,
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
    from kontaktplan.validation import validate

    if db is None:
        path = check_out_file(out, is_our_report, force)
    elif out.is_dir():
        raise fail(Phrase("err.report_folder", out=out))
    else:
        path = out
    loaded = source(db, folder, quiet or as_json)
    try:
        disruptions = (
            read_disruptions(loaded.folder)
            if db is None
            else json.loads(loaded.plan_json or "{}").get("disruptions")  # type: ignore[attr-defined]
        )
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        path = loaded.folder / "plan.json"
        raise fail(Phrase("err.not_json", path=path, reason=reason_of(e))) from None
    words = language(lang)
    extra = ""
    if simulation is not None:
        from kontaktplan.report.simulation import SimulationFileError, simulation_section

        try:
            extra = simulation_section(simulation, lang=words)
        except SimulationFileError as e:
            raise fail(e) from None
    checked = validate(loaded.scenario, loaded.policy)
    page = render_report(loaded.scenario, loaded.policy, checked, disruptions, words, extra)
    try:
        write_text_atomic(path, page)
    except OSError as e:
        raise fail(cannot_write(out, e)) from None
    if as_json:
        typer.echo(json.dumps(summary(out, checked, disruptions), indent=2))
    elif not quiet:
        t = translator(words)
        d = checked.figures["deadline_counts"]
        verdict = t("validate.ok") if checked.ok else t("cli.violations", n=len(checked.violations))
        typer.echo(
            t(
                "cli.report",
                path=out,
                verdict=verdict,
                met=d["met"],
                late=d["late"],
                open=d["open_due_in_horizon"],
                overdue=len(checked.figures["overdue"]),
                disruptions=len(disruptions or []),
            )
        )
