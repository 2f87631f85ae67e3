"""``kontaktplan validate``: the independent checker on a scenario folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kontaktplan.cli.common import (
    AsJson,
    DbUrl,
    LangOption,
    MaybeScenarioDir,
    Quiet,
    language,
    load,
)
from kontaktplan.cli.workspace import source


def validate(
    folder: MaybeScenarioDir = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every violation and warning, not the first ones.")
    ] = False,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="The folder DIR was made from (e.g. before a disruption command): also check "
            "that no row was removed, reassignments kept date and time, an absence cancelled "
            "nothing and history is unchanged.",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also fail (exit 1) on the warnings a team lead would reject: a week more "
            "uneven than its free slots forced (spread), an appointment after a deadline "
            "that could still be met (late_booking).",
        ),
    ] = False,
    lang: LangOption = None,
    db: DbUrl = None,
) -> None:
    """Check a schedule against every rule (docs/rules.md) that a schedule can break.

    Independent of the optimizer. Lists each violation with its rule name and
    reports the figures: per specialist and week the target (Soll), bookings
    (Ist) and per-day counts; deadlines met and missed; overdue customers
    (Kontaktdichte). Exit 0 when no hard rule is broken, 1 otherwise, 2 on bad input.
    Warnings (e.g. past appointments without status) go to stderr and never fail,
    except with --strict those of the classes spread and late_booking.
    """
    from kontaktplan.cli.text import validate_summary
    from kontaktplan.i18n import translator, written
    from kontaktplan.validation import validate as run

    loaded = source(db, folder, quiet or as_json)
    previous = load(against, True).scenario if against is not None else None
    report = run(loaded.scenario, loaded.policy, previous)
    passed = report.ok_strict() if strict else report.ok
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, default=str))
        raise typer.Exit(0 if passed else 1)
    words = language(lang)
    t = translator(words)
    shown = report.violations if quiet or show_all else report.violations[:20]
    for v in shown:
        typer.echo(f"{v.rule}: {written(v.message, words)}")
    if len(shown) < len(report.violations):
        typer.echo(t("validate.more", n=len(report.violations) - len(shown)))
    if not quiet:
        for w in report.warnings if show_all else report.warnings[:10]:
            typer.echo(t("validate.warning", warning=written(w, words)), err=True)
        typer.echo(validate_summary(report, words))
    if strict and report.ok and not passed:
        for w in report.strict_failures()[: None if show_all else 20]:
            typer.echo(t("validate.strict", warning=written(w, words)))
        typer.echo(t("validate.strict_count", n=len(report.strict_failures())))
    raise typer.Exit(0 if passed else 1)
