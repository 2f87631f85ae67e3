"""``kontaktplan export ics|xlsx`` and ``kontaktplan import xlsx``: a scenario for other
programs (calendar files, an Excel workbook) and back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kontaktplan.cli.common import (
    AsJson,
    DbUrl,
    Force,
    LangOption,
    MaybeScenarioDir,
    Quiet,
    cannot_write,
    check_out,
    check_out_file,
    counts,
    fail,
    language,
    save,
    say,
    unreadable,
    warn,
)
from kontaktplan.cli.workspace import source
from kontaktplan.i18n import Phrase, translator
from kontaktplan.io import InputError


def export_ics(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the calendar files, one <specialist_id>.ics per specialist "
            "(replaced if it holds only .ics files; any other folder is left alone).",
        ),
    ],
    folder: MaybeScenarioDir = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    db: DbUrl = None,
) -> None:
    """Calendar files (iCalendar, .ics) of the appointments, one per specialist (IFK).

    Every appointment is an event in German time (Europe/Berlin) with a stable UID, so
    importing a newer export updates the events a calendar already holds. Planned ones
    are confirmed, e.g. "C12: Folgegespräch, vor Ort" (the pseudonymous customer id, kind,
    mode); cancelled and voided ones, and ones handed over to a colleague, stay in the
    file as cancelled events (SEQUENCE counts the changes); a backfill or a re-booking is
    a new event. Outcomes before the current week are left out.
    Exit 0; 2 on bad input (nothing written); 3 if the folder changed meanwhile.
    """
    from kontaktplan.io.ics import write_ics
    from kontaktplan.io.output import Conflict, calendar_folder

    try:
        target = calendar_folder(out, command="kontaktplan export ics")
    except InputError as e:
        raise fail(e) from None
    words = language(lang)
    loaded = source(db, folder, quiet or as_json)
    try:
        counts = write_ics(loaded.scenario, out, words, target)
    except Conflict as e:
        raise fail(e, 3) from None
    except OSError as e:
        raise fail(cannot_write(out, e)) from None
    if as_json:
        typer.echo(json.dumps({"out": str(out), "appointments": counts}, indent=2))
    elif not quiet:
        t = translator(words)
        for name, n in counts.items():
            typer.echo(t("cli.ics_file", path=out / name, **n))


def export_xlsx(
    out: Annotated[Path, typer.Option("--out", help="The workbook to write (FILE.xlsx).")],
    folder: MaybeScenarioDir = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
    force: Force = False,
    db: DbUrl = None,
) -> None:
    """Excel workbook for team leads and planners.

    A sheet per team (appointments per specialist and day, weekly target (Soll) and
    bookings (Ist), marked when a day is over the daily cap or a week below target),
    the overdue customers, the category review list, and the six tables of the scenario,
    so the workbook can be edited and read back with `kontaktplan import xlsx`.
    Exit 0; 2 on bad input (nothing written).
    """
    from kontaktplan.io.xlsx import is_our_workbook, write_xlsx

    path = check_out_file(out, is_our_workbook, force, suffix=".xlsx")
    words = language(lang)
    loaded = source(db, folder, quiet or as_json)
    try:
        rows = write_xlsx(loaded.scenario, loaded.policy, path, lang=words)
    except OSError as e:
        raise fail(cannot_write(out, e)) from None
    if as_json:
        typer.echo(json.dumps({"out": str(out), "rows": rows}, indent=2))
    elif not quiet:
        t = translator(words)
        typer.echo(t("cli.wrote", path=out))
        for sheet, n in rows.items():
            typer.echo(t("cli.xlsx_sheet", sheet=sheet, n=n))


def import_xlsx(
    workbook: Annotated[
        Path,
        typer.Argument(
            help="An Excel workbook with the sheets scenario, specialists, customers, slots "
            "and optional absences and appointments (as `kontaktplan export xlsx` writes).",
            show_default=False,
            metavar="WORKBOOK",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write (replaced if it exists).")],
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
    lang: LangOption = None,
) -> None:
    """Read a scenario from an Excel workbook and write it as a scenario folder.

    The sheets hold the columns of the CSV files (docs/format.md); the scenario sheet holds
    the rows name, today, policy, region. Cells may be text or Excel dates, times,
    numbers and booleans. Bad input names sheet, row and column; exit 2, nothing written.
    """
    from kontaktplan.io.xlsx import read_xlsx

    target = check_out(out, workbook, force=force)
    try:
        loaded = read_xlsx(workbook)
    except InputError as e:
        raise fail(e) from None
    except OSError as e:
        raise fail(Phrase("err.at", where=workbook, message=unreadable(e))) from None
    if not (quiet or as_json):
        for w in loaded.warnings:
            warn(w)
    scenario = loaded.scenario
    save(scenario, target)
    if as_json:
        summary = {"out": str(out), **counts(scenario), "warnings": loaded.warnings}
        typer.echo(json.dumps(summary, indent=2))
    elif not quiet:
        say("cli.wrote_workbook", path=out, **counts(scenario))
