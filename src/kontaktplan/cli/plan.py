"""``kontaktplan plan``: the weekly plan of a scenario folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kontaktplan.cli.common import (
    ActorName,
    AsJson,
    DbUrl,
    Force,
    LangOption,
    MaybeScenarioDir,
    Quiet,
    Seed,
    Solver,
    SolverChoice,
    TimeLimit,
    Verbose,
    Weeks,
    Workers,
    check_out,
    fail,
    language,
    load,
    save,
)
from kontaktplan.cli.progress import solve_progress
from kontaktplan.i18n import Phrase, translator
from kontaktplan.i18n.errors import reason_of
from kontaktplan.io import Loaded
from kontaktplan.io.plan_log import read_log, with_plan_run


def _plan_log(loaded: Loaded) -> str | None:
    """The input folder's ``plan.json`` text (None without one); not JSON is bad input."""
    path = loaded.folder / "plan.json"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        read_log(text)
    except ValueError as e:
        raise fail(Phrase("err.bad_plan_json", path=path, reason=reason_of(e))) from None
    return text


def plan(
    folder: MaybeScenarioDir = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write the plan to (a scenario "
            "folder with the new bookings and plan.json); left out in a workspace.",
        ),
    ] = None,
    weeks: Weeks = 1,
    solver: Solver = SolverChoice.cpsat,
    time_limit: TimeLimit = 10.0,
    seed: Seed = 0,
    workers: Workers = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    verbose: Verbose = False,
    lang: LangOption = None,
    force: Force = False,
    db: DbUrl = None,
    actor: ActorName = None,
) -> None:
    """Plan the week: book due contacts (Kontaktdichte) into the specialists' free slots.

    Books the first plannable week (the first Monday at least the lead time after
    today) or --weeks weeks: every density deadline that can be met, each specialist's
    weekly volume (25 per full-time specialist, Soll), at most 8 a day, spread evenly.
    Writes a scenario folder with the new bookings (status planned, booked today) and
    plan.json with the figures. Exit 0; 2 on bad input.
    """
    from kontaktplan.cli.text import plan_summary
    from kontaktplan.cli.workspace import commit_outcome, positional, require_out, resolve
    from kontaktplan.planning import plan as run

    words = language(lang)
    url = resolve(db)
    positional(url, folder)
    out = require_out(url, out)
    target = None if url else check_out(out, folder, force=force)

    def call(scenario, policy):
        with solve_progress(quiet or as_json, verbose=verbose, lang=words) as progress:
            return run(
                scenario,
                policy,
                weeks=weeks,
                solver=solver.value,  # type: ignore[arg-type]
                time_limit=time_limit,
                seed=seed,
                workers=workers,
                progress=progress,
            )

    if url:
        args = {"weeks": weeks, "solver": solver.value, "time_limit": time_limit, "seed": seed}
        return commit_outcome(
            url,
            "plan",
            args,
            call,
            actor=actor,
            quiet=quiet,
            as_json=as_json,
            lines=lambda r, lang: plan_summary(r, lang, verbose).split("\n"),
            plan_update=lambda r: {"plan": r.to_dict()},
            after=lambda r: r.planned_scenario(),
            lang=words,
            long_running=True,
        )
    loaded = load(folder, quiet or as_json)  # type: ignore[arg-type]
    log = _plan_log(loaded)
    result = call(loaded.scenario, loaded.policy)
    report = with_plan_run(log, result.to_dict())
    save(result.planned_scenario(), target, extra={"plan.json": report}, read=loaded)
    if as_json:
        summary = {
            k: v for k, v in result.to_dict().items() if k not in ("specialists", "deadlines")
        }
        typer.echo(json.dumps(summary, indent=2, default=str))
    elif not quiet:
        typer.echo(plan_summary(result, words, verbose))
        typer.echo(translator(words)("cli.wrote", path=out))
    return None
