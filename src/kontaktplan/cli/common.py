"""What every command shares: the scenario folder argument, --quiet, --json, --verbose,
--lang, the solver options, dates as typed in a German office, the help that shows flags
as flags, reading a folder (bad input ends the command with exit 2), and the error exit.
Imported by the command modules of :mod:`kontaktplan.cli`.

Error and warning lines are in the language of the command's output (:func:`output_lang`:
its ``--lang``, else the locale's), however deep the :func:`fail` that prints them: the
language is read from the running command's parameters, not passed down. A message is a
:class:`~kontaktplan.i18n.Phrase` (or an exception raised with one) to be said in either
language; plain text is printed as it is. typer's own usage errors (an unknown option, a
missing argument) stay in click's English.

Exit codes: 0 ok; 1 the plan/schedule breaks a hard rule; 2 bad input or a refused output
path (nothing written); 3 the output folder (or workspace) changed while the command ran
(nothing written).
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from kontaktplan.i18n import Lang, Phrase, default_lang, translator
from kontaktplan.i18n import decimal as written_decimal
from kontaktplan.i18n.errors import message_of, os_reason
from kontaktplan.io import InputError, Loaded, read_scenario, write_scenario
from kontaktplan.io.output import Conflict, Target, output_file, output_folder

__all__ = [
    "ActorName",
    "AsJson",
    "DbUrl",
    "Force",
    "LangOption",
    "Language",
    "MaybeScenarioDir",
    "OfficeGroup",
    "Quiet",
    "ScenarioDir",
    "Seed",
    "Solver",
    "SolverChoice",
    "TimeLimit",
    "Verbose",
    "Weeks",
    "Workers",
    "cannot_write",
    "check_out",
    "check_out_file",
    "counts",
    "error",
    "fail",
    "in_folder",
    "language",
    "load",
    "output_lang",
    "parse_day",
    "save",
    "unreadable",
    "warn",
]


class OfficeGroup(typer.core.TyperGroup):
    """A command group whose help shows flags as flags.

    typer (0.29) prints ``<bool>`` beside every flag, ``--help`` included, as if it took a
    value; a flag's type column stays empty here. Every ``typer.Typer`` of the command line
    is made with ``cls=OfficeGroup``.
    """

    def get_params(self, ctx: Any) -> list[Any]:
        return _bare_flags(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _bare_flags(command.get_params(ctx))
            command.help = _reflowed(command.help)
        return command


def _reflowed(text: str | None) -> str | None:
    """A help text with the lines of each paragraph joined. typer (0.29) keeps the line
    breaks of every paragraph but the first, so at a terminal narrower than the
    docstring each line broke in two ("… the best customer of the same" / "specialist")."""
    if not text:
        return text
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(p.split()) for p in paragraphs)


def _bare_flags(params: list[Any]) -> list[Any]:
    for p in params:
        if getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""
    return params


ScenarioDir = Annotated[
    Path,
    typer.Argument(
        metavar="DIR",
        help="A scenario folder (scenario.toml, specialists.csv, customers.csv, slots.csv, "
        "optional absences.csv and appointments.csv; see docs/format.md).",
        show_default=False,
    ),
]
MaybeScenarioDir = Annotated[
    Path | None,
    typer.Argument(
        metavar="DIR",
        help="A scenario folder (see docs/format.md); left out when a workspace is chosen (--db).",
        show_default=False,
    ),
]
DbUrl = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="KONTAKTPLAN_DB",
        help="The workspace: a file path or database URL (sqlite:///office.db, "
        "postgresql+psycopg://user@host/db); also KONTAKTPLAN_DB.",
        show_default=False,
    ),
]
ActorName = Annotated[
    str | None,
    typer.Option(
        "--actor",
        envvar="KONTAKTPLAN_ACTOR",
        help="Who acts, for the event log (default: the login name).",
        show_default=False,
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace an existing --out that holds another result (written from another "
        "input, by another command or with other options).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print a machine-readable summary.")]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Also print the solver's figures (status, objective, bound, gap)."
    ),
]


class Language(StrEnum):
    """The language of the printed text, the report and the workbook."""

    de = "de"
    en = "en"


LangOption = Annotated[
    Language | None,
    typer.Option(
        "--lang",
        help="Language of the printed text (and of the report or workbook written): "
        "de or en. Default: de when the locale (LC_ALL, LANG) is German, else en.",
        show_default=False,
    ),
]


def language(value: Language | None) -> Lang:
    """The ``--lang`` given, else the locale's language."""
    return default_lang() if value is None else value.value  # type: ignore[return-value]


class SolverChoice(StrEnum):
    """``--solver``: cpsat optimises; greedy plans as by hand (earliest deadline first)."""

    cpsat = "cpsat"
    greedy = "greedy"


Solver = Annotated[
    SolverChoice,
    typer.Option(
        "--solver", help="cpsat (optimising) or greedy (by hand: earliest deadline first)."
    ),
]
TimeLimit = Annotated[
    float, typer.Option("--time-limit", min=0.1, help="Seconds per specialist model (CP-SAT).")
]
Seed = Annotated[
    int, typer.Option("--seed", min=0, max=2**31 - 1, help="Random seed: same seed, same plan.")
]
Weeks = Annotated[
    int,
    typer.Option("--weeks", min=1, max=12, help="Weeks to plan from the first plannable week."),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", min=1, help="Processes solving specialists side by side (default: cores)."
    ),
]

_GERMAN_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_day(text: str | None, option: str) -> dt.date | None:
    """A day typed on the command line: ``TT.MM.JJJJ`` (German) or ``JJJJ-MM-TT`` (ISO).

    Anything else ends the command with exit 2 and a message naming ``option``.
    """
    if text is None:
        return None
    value = text.strip()
    try:
        german = _GERMAN_DAY.fullmatch(value)
        if german:
            day, month, year = (int(g) for g in german.groups())
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise fail(Phrase("err.bad_day", option=option, text=text))


def _context() -> Any:
    try:  # typer >= 0.22 carries its own copy of click
        from typer._click.globals import get_current_context
    except ImportError:
        from click import get_current_context
    return get_current_context(silent=True)


def output_lang() -> Lang:
    """The language of the running command's output: its ``--lang``, else the locale's
    (also for a command without ``--lang``, and outside a command)."""
    ctx = _context()
    while ctx is not None:
        value = ctx.params.get("lang")
        if isinstance(value, Language):
            return language(value)
        ctx = ctx.parent
    return default_lang()


def say(key: str, **fields: Any) -> None:
    """Print the catalogue's line ``key`` with ``fields`` in :func:`output_lang`."""
    typer.echo(translator(output_lang())(key, **fields))


def decimal(value: float, spec: str = ".1f") -> str:
    """A number as :func:`output_lang` writes it: ``12,5`` (de) or ``12.5`` (en); with a
    ``%`` spec ``12,5 %`` or ``12.5%``."""
    lang = output_lang()
    text = written_decimal(value, spec, lang)
    return text.replace("%", " %") if lang == "de" else text


def error(message: str | Exception) -> None:
    """Print ``error: message`` (``Fehler: …``) on stderr in :func:`output_lang`.
    ``message``: a phrase, an exception (said as
    :func:`~kontaktplan.i18n.errors.message_of`), or text printed as it is."""
    said = message_of(message) if isinstance(message, Exception) else message
    typer.echo(Phrase("err.line", message=said).say(output_lang()), err=True)


def fail(message: str | Exception, code: int = 2) -> typer.Exit:
    """Print the :func:`error`; ``raise fail(...)`` ends the command (exit 2)."""
    error(message)
    return typer.Exit(code)


def warn(message: str) -> None:
    """Print ``warning: message`` (``Warnung: …``) on stderr in :func:`output_lang`."""
    typer.echo(Phrase("warn.line", message=message).say(output_lang()), err=True)


MAX_WARNINGS = 5


def load(folder: Path, quiet: bool = False) -> Loaded:
    """Read a scenario folder; bad input ends the command with exit code 2."""
    try:
        loaded = read_scenario(folder, one_shot=True)
    except InputError as e:
        raise fail(in_folder(e, folder)) from None
    except OSError as e:
        raise fail(Phrase("err.at", where=folder, message=unreadable(e))) from None
    if not quiet:
        for w in loaded.warnings[:MAX_WARNINGS]:
            warn(w)
        if len(loaded.warnings) > MAX_WARNINGS:
            warn(Phrase("warn.more", n=len(loaded.warnings) - MAX_WARNINGS))
    return loaded


def in_folder(e: InputError, folder: Path) -> InputError:
    """The error with its file named inside ``folder`` (``office/customers.csv, row 3``)."""
    if Path(e.file).is_absolute() or e.file == str(folder):
        return e
    return InputError(f"{folder}/{e.file}", e.message, e.row, e.column)


def unreadable(e: OSError) -> str:
    """``cannot be read (reason)``."""
    return Phrase("err.unreadable", reason=os_reason(e) if e.strerror else str(e))


def cannot_write(path: Path, e: OSError) -> str:
    """``path: cannot write (reason); nothing written``."""
    return Phrase("err.cannot_write", path=path, reason=os_reason(e) if e.strerror else str(e))


def counts(scenario) -> dict[str, int]:
    """Rows per table of a scenario, for ``--json`` summaries."""
    return {
        "specialists": len(scenario.specialists),
        "customers": len(scenario.customers),
        "slots": len(scenario.slots),
        "absences": len(scenario.absences),
        "appointments": len(scenario.appointments),
    }


def _signature() -> str:
    """The command and its options as given (not the paths in and out): a result folder
    may be replaced without --force only by the same command on the same input."""
    ctx = _context()
    # the language changes only what is printed, never the result folder
    skip = {"folder", "workbook", "out", "force", "quiet", "as_json", "lang"}
    options = " ".join(
        f"--{k.replace('_', '-')}={v}" for k, v in sorted(ctx.params.items()) if k not in skip
    )
    return f"kontaktplan {ctx.command_path.split(' ', 1)[-1]} {options}".strip()


def check_out(out: Path, *inputs: Path, force: bool = False) -> Target:
    """Check ``--out`` as a scenario folder to write, before any work (exit 2 if refused)."""
    try:
        return output_folder(out, inputs=inputs, force=force, command=_signature())
    except InputError as e:
        raise fail(e) from None


def check_out_file(out: Path, ours, force: bool, suffix: str | None = None) -> Path:
    """Check ``--out`` as a file to write, before any work (exit 2 if refused)."""
    try:
        return output_file(out, ours=ours, force=force, suffix=suffix)
    except InputError as e:
        raise fail(e) from None


def save(scenario, target: Target, extra: dict[str, str] | None = None, read=None) -> None:
    """Write the result folder; exit 3 if it changed meanwhile, 2 if it cannot be written."""
    try:
        write_scenario(scenario, target.path, extra=extra, read=read, target=target)
    except Conflict as e:
        raise fail(e, 3) from None
    except InputError as e:
        raise fail(e) from None
    except OSError as e:
        raise fail(cannot_write(target.path, e)) from None
