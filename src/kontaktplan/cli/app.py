"""The ``kontaktplan`` app: the command groups of :mod:`kontaktplan.cli` put together.

The command modules define plain functions and import only :mod:`.common` and
:mod:`.progress`; they are registered here, so nothing imports back up.
"""

from __future__ import annotations

import copy
import gc
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from kontaktplan import __version__
from kontaktplan.cli import (
    desk,
    disruption,
    exchange,
    plan,
    report,
    resident,
    scenario,
    simulate,
    validate,
    web,
    workspace,
)
from kontaktplan.cli.common import OfficeGroup


class _App(typer.Typer):
    """The top-level app. Run from the command line, it builds only the command (or
    command group) named first: typer turns every registered function into a click
    command before it parses anything, 27 of them, about 0.05 s of every command's start
    (issue 13: a whole ``cancel`` or ``status`` is mostly start-up). Without a command
    name (``--help``, ``--version``) or with one it does not know (click's "No such
    command" then lists them all), it builds them all, as before.

    The resident process builds them all once (:meth:`build`): each command it runs then
    starts from the click commands made (``kontaktplan.resident.server``)."""

    built: Any = None
    """The click command of the whole app, once :meth:`build` made it."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.built is not None:
            return self.built(*args, **kwargs)
        argv = kwargs.get("args", args[0] if args else None)
        argv = sys.argv[1:] if argv is None else argv
        return typer.Typer.__call__(self.only(argv[:1]), *args, **kwargs)

    def build(self) -> None:
        """Make every click command now, for every later call of this app."""
        self.built = typer.main.get_command(self)

    def only(self, argv: Sequence[str]) -> typer.Typer:
        """This app with only the command or group ``argv[0]`` names (else itself)."""
        name = argv[0] if argv else ""
        commands = [
            c
            for c in self.registered_commands
            if (c.name or typer.main.get_command_name(c.callback.__name__)) == name
        ]
        groups = [g for g in self.registered_groups if g.name == name]
        if not commands and not groups:
            return self
        one = copy.copy(self)
        one.registered_commands, one.registered_groups = commands, groups
        return one


app = _App(
    cls=OfficeGroup,
    help=(
        "Kontaktplan: plans Jobcenter appointments so that every customer (eLb) gets the "
        "qualified contacts the contact-density concept (Kundenkontaktdichtekonzept) asks "
        "for, and every case worker (Integrationsfachkraft, IFK) books the weekly volume."
    ),
    no_args_is_help=True,
    add_completion=False,
)
scenario_app = typer.Typer(
    cls=OfficeGroup, help="Make scenario folders (synthetic offices).", no_args_is_help=True
)
app.add_typer(scenario_app, name="scenario")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kontaktplan {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Kontaktplan command line."""
    # A command makes tens of thousands of small objects and ends: collect garbage
    # rarely (the default passes over every live row cost ~0.2 s per command on a
    # 60-specialist office; the data holds no reference cycles).
    gc.set_threshold(100_000, 50, 100)


app.command()(validate.validate)
scenario_app.command("generate")(scenario.generate)
app.command("plan")(plan.plan)
export_app = typer.Typer(
    cls=OfficeGroup,
    help="Write a scenario for other programs: calendar files (.ics), an Excel workbook.",
    no_args_is_help=True,
)
import_app = typer.Typer(
    cls=OfficeGroup,
    help="Read a scenario (an Excel workbook) or outcomes (a CSV file).",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
export_app.command("ics")(exchange.export_ics)
export_app.command("xlsx")(exchange.export_xlsx)
import_app.command("xlsx")(exchange.import_xlsx)
import_app.command("outcomes")(desk.import_outcomes)
app.command(cls=disruption.OptionalFill)(disruption.cancel)
for command in (
    disruption.absence,
    disruption.noshow,
    disruption.standby,
    desk.status,
    disruption.replan,
    disruption.resolve,
    desk.slot,
    desk.group,
):
    app.command()(command)
app.command()(report.report)
app.command()(simulate.simulate)
app.add_typer(workspace.db_app, name="db")
app.command("log")(workspace.log_command)
app.command("undo")(workspace.undo_command)
app.command()(web.serve)
app.add_typer(web.user_app, name="user")
app.add_typer(resident.resident_app, name="resident")
