"""The ``kontaktplan`` command line: parse options, call the library, print, set the exit code.

Exit codes: 0 ok; 1 the plan/schedule breaks a hard rule; 2 bad input or a refused output
path (nothing written); 3 the output folder changed while the command ran (nothing written).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from pathlib import Path
from typing import Annotated

import typer

from kontaktplan import __version__
from kontaktplan.cli_progress import solve_progress, working
from kontaktplan.io import InputError, Loaded, read_scenario, write_scenario
from kontaktplan.io.output import Conflict, Target, output_file, output_folder

app = typer.Typer(
    help=(
        "Kontaktplan: plans Jobcenter appointments so that every customer (eLb) gets the "
        "qualified contacts the contact-density concept (Kundenkontaktdichtekonzept) asks "
        "for, and every case worker (Integrationsfachkraft, IFK) books the weekly volume."
    ),
    no_args_is_help=True,
    add_completion=False,
)
scenario_app = typer.Typer(help="Make scenario folders (synthetic offices).", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")

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
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace an existing --out that holds another result (written from another "
        "input, by another command or with other options).",
    ),
]


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
    except OSError as e:
        raise fail(f"{folder}: cannot be read ({e.strerror or e})") from None
    if not quiet:
        for w in loaded.warnings[:MAX_WARNINGS]:
            typer.echo(f"warning: {w}", err=True)
        if len(loaded.warnings) > MAX_WARNINGS:
            more = len(loaded.warnings) - MAX_WARNINGS
            typer.echo(f"warning: ... and {more} more (kontaktplan validate --all)", err=True)
    return loaded


def _signature() -> str:
    """The command and its options as given (not the paths in and out): a result folder
    may be replaced without --force only by the same command on the same input."""
    try:  # typer >= 0.22 carries its own copy of click
        from typer._click.globals import get_current_context
    except ImportError:
        from click import get_current_context

    ctx = get_current_context()
    skip = {"folder", "workbook", "out", "force", "quiet", "as_json"}
    options = " ".join(
        f"--{k.replace('_', '-')}={v}" for k, v in sorted(ctx.params.items()) if k not in skip
    )
    return f"kontaktplan {ctx.command_path.split(' ', 1)[-1]} {options}".strip()


def check_out(out: Path, *inputs: Path, force: bool = False) -> Target:
    """Check ``--out`` as a scenario folder to write, before any work (exit 2 if refused)."""
    try:
        return output_folder(out, inputs=inputs, force=force, command=_signature())
    except InputError as e:
        raise fail(str(e)) from None


def check_out_file(out: Path, ours, force: bool, suffix: str | None = None) -> Path:
    """Check ``--out`` as a file to write, before any work (exit 2 if refused)."""
    try:
        return output_file(out, ours=ours, force=force, suffix=suffix)
    except InputError as e:
        raise fail(str(e)) from None


def save(scenario, target: Target, extra: dict[str, str] | None = None, read=None) -> None:
    """Write the result folder; exit 3 if it changed meanwhile, 2 if it cannot be written."""
    try:
        write_scenario(scenario, target.path, extra=extra, read=read, target=target)
    except Conflict as e:
        raise fail(str(e), 3) from None
    except InputError as e:
        raise fail(str(e)) from None
    except OSError as e:
        raise fail(f"{target.path}: cannot write ({e.strerror or e}); nothing written") from None


@app.command()
def validate(
    folder: ScenarioDir,
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
) -> None:
    """Check a schedule against every rule (RULES.md) that a schedule can break.

    Independent of the optimizer. Lists each violation with its rule name and
    reports the figures: per specialist and week the target (Soll), bookings
    (Ist) and per-day counts; deadlines met and missed; overdue customers
    (Kontaktdichte). Exit 0 when no hard rule is broken, 1 otherwise, 2 on bad input.
    Warnings (e.g. past appointments without status) go to stderr and never fail.
    """
    from kontaktplan.validate import validate as run

    loaded = load(folder, quiet or as_json)
    previous = load(against, True).scenario if against is not None else None
    report = run(loaded.scenario, loaded.policy, previous)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, default=str))
        raise typer.Exit(0 if report.ok else 1)
    shown = report.violations if quiet or show_all else report.violations[:20]
    for v in shown:
        typer.echo(f"{v.rule}: {v.message}")
    if len(shown) < len(report.violations):
        typer.echo(f"... {len(report.violations) - len(shown)} more (--all lists every one)")
    if not quiet:
        for w in report.warnings if show_all else report.warnings[:10]:
            typer.echo(f"warning: {w}", err=True)
        typer.echo(report.summary())
    raise typer.Exit(0 if report.ok else 1)


@scenario_app.command("generate")
def scenario_generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write (replaced if it exists).")],
    specialists: Annotated[
        int, typer.Option("--specialists", min=1, max=2000, help="Number of case workers (IFK).")
    ] = 8,
    customers_per_specialist: Annotated[
        int,
        typer.Option(
            "--customers-per-specialist",
            min=1,
            max=5000,
            help="Caseload per full-time specialist.",
        ),
    ] = 200,
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=2**32 - 1, help="Same seed, same folder.")
    ] = 1,
    weeks: Annotated[
        int,
        typer.Option(
            "--weeks", min=1, max=104, help="Weeks of free slots from the first plannable week."
        ),
    ] = 4,
    today: Annotated[
        str, typer.Option("--today", help="Planning date YYYY-MM-DD (bookings are made on it).")
    ] = "2026-11-23",
    policy: Annotated[
        str, typer.Option("--policy", help="Rule set: a name in models/ or a policy file.")
    ] = "heilbronn-2025",
    name: Annotated[str | None, typer.Option("--name", help="Scenario name.")] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """Generate a realistic synthetic office: teams, part-timers, substitutes (Vertretung),
    free slots, absences, holidays, customers with the category mix of a real Jobcenter,
    and a history of held appointments."""
    from kontaktplan.generate import generate
    from kontaktplan.policy import load_policy

    target = check_out(out, force=force)
    try:
        day = dt.date.fromisoformat(today)
    except ValueError:
        raise fail(f"--today: {today!r} is not a date YYYY-MM-DD") from None
    try:
        rules = load_policy(policy)
    except FileNotFoundError as e:
        raise fail(f"--policy: {e}") from None
    except (OSError, ValueError) as e:  # unreadable, not UTF-8, not TOML, out of bounds
        raise fail(f"--policy: {policy}: not a valid policy file ({e})") from None
    if not rules.input.earliest_date <= day <= rules.input.latest_date:
        raise fail(
            f"--today: {day} outside {rules.input.earliest_date} .. {rules.input.latest_date}"
        )
    with working(f"generating {specialists} specialists' office", quiet or as_json):
        scenario = generate(
            specialists=specialists,
            customers_per_specialist=customers_per_specialist,
            seed=seed,
            weeks=weeks,
            today=day,
            policy=rules,
            name=name or out.name,
        )
    extra = {}
    if policy.endswith(".toml"):  # carry the policy file along, named relative to the folder
        meta = scenario.meta.model_copy(update={"policy": Path(policy).name})
        scenario = scenario.model_copy(update={"meta": meta})
        extra[Path(policy).name] = Path(policy).read_text(encoding="utf-8")
    save(scenario, target, extra=extra)
    if as_json:
        typer.echo(json.dumps({"out": str(out), **_counts(scenario)}, indent=2))
    elif not quiet:
        typer.echo(
            f"wrote {out}: {len(scenario.specialists)} specialists, "
            f"{len(scenario.customers)} customers, {len(scenario.slots)} free slots, "
            f"{len(scenario.appointments)} appointments"
        )


def _counts(scenario) -> dict[str, int]:
    """Rows per table of a scenario, for ``--json`` summaries."""
    return {
        "specialists": len(scenario.specialists),
        "customers": len(scenario.customers),
        "slots": len(scenario.slots),
        "absences": len(scenario.absences),
        "appointments": len(scenario.appointments),
    }


def _plan_summary(result) -> str:
    from collections import defaultdict

    teams: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for sp in result.specialists:
        for w in sp["weeks"]:
            t = teams[sp["team"]]
            t[0] += w["target"]
            t[1] += w["booked"]
            t[2] += w["booked"] < w["target"]
    lines = [
        f"horizon {result.horizon.first_day} .. {result.horizon.last_day} "
        f"({result.horizon.weeks} week(s)), {len(result.bookings)} new bookings"
    ]
    for team, (target, booked, short) in sorted(teams.items()):
        note = f", {short} specialist-week(s) below target" if short else ""
        lines.append(f"  team {team}: booked {booked} of target {target}{note}")
    counts = result.counts()
    lines.append(
        "deadlines in horizon: "
        + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("met", "late", "missed"))
    )
    if result.covers:
        lines.append(
            f"  {len(result.covers)} customers booked with a substitute or team colleague "
            "(own specialist absent or full before the deadline; see plan.json 'covers')"
        )
    for d in [d for d in result.deadlines if d["result"] != "met"][:10]:
        lines.append(
            f"  {d['customer_id']} ({d['specialist_id']}) due {d['due']}: "
            f"{d['result']} - {d.get('reason', '')}"
        )
    gap = f"{result.gap:.4%}" if result.gap is not None else "n/a"
    bound = result.bound if result.bound is not None else "n/a"
    lines.append(
        f"solver {result.solver}: {result.status}, objective {result.objective}, "
        f"bound {bound}, gap {gap}, {result.seconds:.1f} s"
    )
    return "\n".join(lines)


@app.command("plan")
def plan_command(
    folder: ScenarioDir,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder to write the plan to (a scenario "
            "folder with the new bookings and plan.json).",
        ),
    ],
    weeks: Annotated[
        int,
        typer.Option("--weeks", min=1, max=12, help="Weeks to plan from the first plannable week."),
    ] = 1,
    solver: Annotated[
        str,
        typer.Option(
            "--solver", help="cpsat (optimising) or greedy (by hand: earliest deadline first)."
        ),
    ] = "cpsat",
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds per specialist model (CP-SAT).")
    ] = 10.0,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, max=2**31 - 1, help="Random seed: same seed, same plan."),
    ] = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Processes solving specialists side by side (default: cores)."
        ),
    ] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """Plan the week: book due contacts (Kontaktdichte) into the specialists' free slots.

    Books the first plannable week (the first Monday at least the lead time after
    today) or --weeks weeks: every density deadline that can be met, each specialist's
    weekly volume (25 per full-time specialist, Soll), at most 8 a day, spread evenly.
    Writes a scenario folder with the new bookings (status planned, booked today) and
    plan.json with the figures. Exit 0; 2 on bad input.
    """
    from kontaktplan.planning import plan

    if solver not in ("cpsat", "greedy"):
        raise fail(f"--solver must be cpsat or greedy, not {solver!r}")
    target = check_out(out, folder, force=force)
    loaded = load(folder, quiet or as_json)
    with solve_progress(quiet or as_json) as progress:
        result = plan(
            loaded.scenario,
            loaded.policy,
            weeks=weeks,
            solver=solver,  # type: ignore[arg-type]
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            progress=progress,
        )
    report = json.dumps(result.to_dict(), indent=1, default=str)
    save(result.planned_scenario(), target, extra={"plan.json": report + "\n"}, read=loaded)
    if as_json:
        summary = {
            k: v for k, v in result.to_dict().items() if k not in ("specialists", "deadlines")
        }
        typer.echo(json.dumps(summary, indent=2, default=str))
    elif not quiet:
        typer.echo(_plan_summary(result))
        typer.echo(f"wrote {out}")


export_app = typer.Typer(
    help="Write a scenario for other programs: calendar files (.ics), an Excel workbook.",
    no_args_is_help=True,
)
import_app = typer.Typer(
    help="Read a scenario from another format (an Excel workbook).", no_args_is_help=True
)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


@export_app.command("ics")
def export_ics(
    folder: ScenarioDir,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the calendar files, one <specialist_id>.ics per specialist "
            "(replaced if it holds only .ics files; any other folder is left alone).",
        ),
    ],
    quiet: Quiet = False,
    as_json: AsJson = False,
) -> None:
    """Calendar files (iCalendar, .ics) of the planned appointments, one per specialist (IFK).

    Every appointment with status planned becomes an event in German time
    (Europe/Berlin) with its kind and mode, e.g. "Folgegespräch (follow_up), in_person";
    the description holds the pseudonymous customer id and nothing else. Held or
    cancelled appointments are not exported. Exit 0; 2 on bad input (nothing written).
    """
    from kontaktplan.io.ics import write_ics
    from kontaktplan.io.output import calendar_folder

    try:
        calendar_folder(out)
    except InputError as e:
        raise fail(str(e)) from None
    loaded = load(folder, quiet or as_json)
    try:
        counts = write_ics(loaded.scenario, out)
    except FileExistsError as e:
        raise fail(f"--out: {e}") from None
    except OSError as e:
        raise fail(f"{out}: cannot write ({e.strerror or e}); nothing written") from None
    if as_json:
        typer.echo(json.dumps({"out": str(out), "appointments": counts}, indent=2))
    elif not quiet:
        for name, n in counts.items():
            typer.echo(f"{out / name}: {n} appointment(s)")


@export_app.command("xlsx")
def export_xlsx(
    folder: ScenarioDir,
    out: Annotated[Path, typer.Option("--out", help="The workbook to write (FILE.xlsx).")],
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
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
    loaded = load(folder, quiet or as_json)
    try:
        rows = write_xlsx(loaded.scenario, loaded.policy, path)
    except OSError as e:
        raise fail(f"{out}: cannot write ({e.strerror or e}); nothing written") from None
    if as_json:
        typer.echo(json.dumps({"out": str(out), "rows": rows}, indent=2))
    elif not quiet:
        typer.echo(f"wrote {out}")
        for sheet, n in rows.items():
            typer.echo(f"  {sheet}: {n} row(s)")


@import_app.command("xlsx")
def import_xlsx(
    workbook: Annotated[
        Path,
        typer.Argument(
            help="An Excel workbook with the sheets scenario, specialists, customers, slots "
            "and optional absences and appointments (as `kontaktplan export xlsx` writes).",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write (replaced if it exists).")],
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """Read a scenario from an Excel workbook and write it as a scenario folder.

    The sheets hold the columns of the CSV files (FORMAT.md); the scenario sheet holds
    the rows name, today, policy, region. Cells may be text or Excel dates, times,
    numbers and booleans. Bad input names sheet, row and column; exit 2, nothing written.
    """
    from kontaktplan.io.xlsx import read_xlsx

    target = check_out(out, workbook, force=force)
    try:
        loaded = read_xlsx(workbook)
    except InputError as e:
        raise fail(str(e)) from None
    except OSError as e:
        raise fail(f"{workbook}: cannot be read ({e.strerror or e})") from None
    if not (quiet or as_json):
        for w in loaded.warnings:
            typer.echo(f"warning: {w}", err=True)
    scenario = loaded.scenario
    save(scenario, target)
    if as_json:
        summary = {"out": str(out), **_counts(scenario), "warnings": loaded.warnings}
        typer.echo(json.dumps(summary, indent=2))
    elif not quiet:
        typer.echo(
            f"wrote {out}: {len(scenario.specialists)} specialists, "
            f"{len(scenario.customers)} customers, {len(scenario.slots)} free slots, "
            f"{len(scenario.absences)} absences, {len(scenario.appointments)} appointments"
        )


from kontaktplan import cli_disruption as _cli_disruption  # noqa: E402, F401  (registers cancel, absence, noshow, standby, status, replan)
from kontaktplan.report import command as _report_command  # noqa: E402, F401  (registers report)
