"""``kontaktplan scenario generate``: a synthetic office as a scenario folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kontaktplan.cli.common import (
    AsJson,
    Force,
    LangOption,
    Quiet,
    check_out,
    counts,
    fail,
    output_lang,
    parse_day,
    save,
    say,
)
from kontaktplan.cli.progress import working
from kontaktplan.i18n import Phrase, translator
from kontaktplan.i18n.errors import reason_of


def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write (replaced if it exists).")],
    specialists: Annotated[
        int, typer.Option("--specialists", min=1, max=2000, help="Number of case workers (IFK).")
    ] = 8,
    customers_per_specialist: Annotated[
        int,
        typer.Option(
            "--customers-per-specialist", min=1, max=5000, help="Caseload per full-time specialist."
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
        str,
        typer.Option(
            "--today", help="Planning date TT.MM.JJJJ or JJJJ-MM-TT (bookings are made on it)."
        ),
    ] = "2026-11-23",
    policy: Annotated[
        str, typer.Option("--policy", help="Rule set: a name in models/ or a policy file.")
    ] = "heilbronn-2025",
    name: Annotated[str | None, typer.Option("--name", help="Scenario name.")] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
    force: Force = False,
    lang: LangOption = None,
) -> None:
    """Generate a realistic synthetic office: teams, part-timers, substitutes (Vertretung),
    free slots, absences, holidays, customers with the category mix of a real Jobcenter,
    and a history of held appointments."""
    from kontaktplan.generate import generate
    from kontaktplan.rules.policy import load_policy

    target = check_out(out, force=force)
    day = parse_day(today, "--today")
    try:
        rules = load_policy(policy)
    except FileNotFoundError as e:
        raise fail(Phrase("err.at", where="--policy", message=reason_of(e))) from None
    except (OSError, ValueError) as e:  # unreadable, not UTF-8, not TOML, out of bounds
        what = Phrase("err.policy_bad", policy=policy, reason=reason_of(e))
        raise fail(Phrase("err.at", where="--policy", message=what)) from None
    if not rules.input.earliest_date <= day <= rules.input.latest_date:
        first, last = rules.input.earliest_date, rules.input.latest_date
        what = Phrase("err.day_outside", day=day, first=first, last=last)
        raise fail(Phrase("err.at", where="--today", message=what))
    generating = translator(output_lang())("cli.generating", n=specialists)
    with working(generating, quiet or as_json):
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
        typer.echo(json.dumps({"out": str(out), **counts(scenario)}, indent=2))
    elif not quiet:
        n = counts(scenario)
        say("cli.wrote_office", path=out, **{k: v for k, v in n.items() if k != "absences"})
