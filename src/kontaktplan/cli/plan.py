"""``kontaktplan plan``: the weekly plan of a scenario folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kontaktplan.cli.common import AsJson, Quiet, ScenarioDir, fail, load
from kontaktplan.cli.progress import solve_progress
from kontaktplan.io import InputError, Loaded, write_scenario
from kontaktplan.io.plan_log import read_log, with_plan_run


def _plan_summary(result) -> str:
    """Plan's printed summary; every deadline figure is the validator's (one definition)."""
    from collections import defaultdict

    from kontaktplan.validation import deadline_lines

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
    if result.covers:
        lines.append(
            f"  {len(result.covers)} customers booked with a substitute or team colleague "
            "(own specialist absent or full before the deadline; see plan.json 'covers')"
        )
    reasons = {d["customer_id"]: d["reason"] for d in result.deadlines if d.get("reason")}
    lines += deadline_lines(result.figures, reasons, until=result.horizon.last_day)
    lines.append(
        f"overdue (nothing planned, due on or before {result.scenario.today}): "
        f"{len(result.figures['overdue'])}"
    )
    gap = f"{result.gap:.4%}" if result.gap is not None else "n/a"
    bound = result.bound if result.bound is not None else "n/a"
    lines.append(
        f"solver {result.solver}: {result.status}, objective {result.objective}, "
        f"bound {bound}, gap {gap}, {result.seconds:.1f} s"
    )
    return "\n".join(lines)


def _plan_log(loaded: Loaded) -> str | None:
    """The input folder's ``plan.json`` text (None without one); not JSON is bad input."""
    path = loaded.folder / "plan.json"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        read_log(text)
    except json.JSONDecodeError as e:
        raise fail(f"{path}: not JSON ({e})") from None
    return text


def plan(
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
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same plan.")] = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Processes solving specialists side by side (default: cores)."
        ),
    ] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
) -> None:
    """Plan the week: book due contacts (Kontaktdichte) into the specialists' free slots.

    Books the first plannable week (the first Monday at least the lead time after
    today) or --weeks weeks: every density deadline that can be met, each specialist's
    weekly volume (25 per full-time specialist, Soll), at most 8 a day, spread evenly.
    Writes a scenario folder with the new bookings (status planned, booked today) and
    plan.json with the figures. Exit 0; 2 on bad input.
    """
    from kontaktplan.planning import plan as run

    if solver not in ("cpsat", "greedy"):
        raise fail(f"--solver must be cpsat or greedy, not {solver!r}")
    loaded = load(folder, quiet or as_json)
    log = _plan_log(loaded)
    with solve_progress(quiet or as_json) as progress:
        result = run(
            loaded.scenario,
            loaded.policy,
            weeks=weeks,
            solver=solver,  # type: ignore[arg-type]
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            progress=progress,
        )
    report = with_plan_run(log, result.to_dict())
    try:
        write_scenario(
            result.planned_scenario(),
            out,
            extra={"plan.json": report},
            read=loaded,
        )
    except InputError as e:
        raise fail(str(e)) from None
    if as_json:
        summary = {
            k: v for k, v in result.to_dict().items() if k not in ("specialists", "deadlines")
        }
        typer.echo(json.dumps(summary, indent=2, default=str))
    elif not quiet:
        typer.echo(_plan_summary(result))
        typer.echo(f"wrote {out}")
