"""``kontaktplan simulate``: a simulated year of one office or many; registered on the app
by :mod:`kontaktplan.cli`.

Writes the results table (``--out``, CSV or ``.parquet``), beside it ``*-summary.csv``
(mean and 90 % interval across replications per office, group and week) and ``*-runs.csv``
(one row per office-replication: status, seconds, peak memory, the error of a failed one).
Exit 0; 1 when a task failed after its retries (the others are written); 2 on bad input.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Literal

import typer

from kontaktplan.cli.common import (
    AsJson,
    LangOption,
    Quiet,
    decimal,
    error,
    fail,
    in_folder,
    output_lang,
    say,
)
from kontaktplan.i18n import Phrase, translator

Backend = Literal["local", "ray"]


def _outputs(out: Path) -> tuple[Path, Path, Path]:
    stem = out.with_suffix("")
    return (
        stem.with_name(f"{stem.name}-summary.csv"),
        stem.with_name(f"{stem.name}-runs.csv"),
        out.with_name(f".{out.name}.partial.csv"),
    )


def _offices(folder: Path | None, offices: Path | None):
    from kontaktplan.io import InputError, read_scenario
    from kontaktplan.simulate.offices import OfficesError, folder_office, read_offices

    specs = []
    if folder is not None:
        try:
            read_scenario(folder, one_shot=True)  # bad input ends here, before any task
        except InputError as e:
            raise fail(in_folder(e, folder)) from None
        specs.append(folder_office(folder))
    if offices is not None:
        try:
            specs += read_offices(offices)
        except OfficesError as e:
            raise fail(e) from None
    if not specs:
        raise fail(Phrase("err.sim_input"))
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise fail(Phrase("err.office_names", names=twice))
    for s in specs:
        if s.folder is not None and s is not specs[0]:
            try:
                read_scenario(s.folder, one_shot=True)
            except InputError as e:
                raise fail(in_folder(e, s.folder)) from None
    return specs


class _Progress:
    """A progress bar over the tasks on a terminal, a line per task otherwise."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.done, self.quiet = total, 0, quiet
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                TextColumn("simulating"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[last]}"),
                console=Console(stderr=True),
            )
            self.bar.start()
            self.task = self.bar.add_task("simulating", total=total, last="")

    def __call__(self, r) -> None:
        self.done += 1
        t = translator(output_lang())
        result = t("cli.sim_ok" if r.ok else "cli.sim_failed")
        what = t(
            "cli.sim_task",
            office=r.office,
            n=r.replication,
            result=result,
            seconds=decimal(r.seconds),
        )
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done, last=what)
        elif not self.quiet:
            typer.echo(f"[{self.done}/{self.total}] {what}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _overall_line(x: dict) -> str:
    return translator(output_lang())(
        "cli.sim_overall",
        office=x["office"],
        group=x["group"],
        density=decimal(x["density_mean"], ".1%"),
        p5=decimal(x["density_p5"], ".1%"),
        p95=decimal(x["density_p95"], ".1%"),
        standby=decimal(x["standby_calls_mean"]),
        handovers=decimal(x["handovers_mean"]),
        escalations=decimal(x["escalations_mean"]),
    )


def simulate(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Results table to write: .csv, or .parquet (needs pyarrow).",
            show_default=False,
        ),
    ],
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="A scenario folder: the office to simulate (or use --offices).",
            show_default=False,
            metavar="DIR",
        ),
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=520, help="Weeks to simulate.")] = 52,
    replications: Annotated[
        int,
        typer.Option("--replications", min=1, help="Runs per office with different random draws."),
    ] = 1,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", min=0, help="Seed of all random draws (with office and replication)."
        ),
    ] = 0,
    settings: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            help="Simulation settings (TOML); default: the bundled models/simulation-default.toml.",
        ),
    ] = None,
    offices: Annotated[
        Path | None,
        typer.Option(
            "--offices",
            help="OFFICES.toml: the offices to simulate (folders or generator settings).",
        ),
    ] = None,
    backend: Annotated[
        Backend,
        typer.Option("--backend", help="local processes, or ray (the ray extra of kontaktplan)."),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="Ray cluster to join (e.g. 10.0.0.5:6379, or auto); default: start Ray here.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Tasks side by side (default: the machine's cores)."),
    ] = None,
    retries: Annotated[
        int,
        typer.Option(
            "--retries", min=0, help="Tries again of a failed task before it is reported."
        ),
    ] = 1,
    quiet: Quiet = False,
    as_json: AsJson = False,
    lang: LangOption = None,
) -> None:
    """Simulate a year (or --weeks) of one office or many, with replications.

    Each week the office plans the first plannable week with `plan`; then day by day
    no-shows, cancellations (at least / less than 7 days ahead), a specialist's sickness,
    new customers and customers leaving are drawn from the settings' rates and handled
    by the disruption code (backfill, standby call, re-invitation, handover). The table
    holds, per office, replication, week and customer group (U25, K1, K3, all), the
    realised density, days overdue, bookings per FTE against the target, standby calls,
    handovers and team-lead escalations. The same seed gives the same table on every
    backend. Nothing is written into the scenario folders.
    """
    from kontaktplan.io.files import write_text_atomic
    from kontaktplan.simulate.backends import Task, run_local, run_ray
    from kontaktplan.simulate.measures import summarise, table_text, write_table
    from kontaktplan.simulate.settings import SettingsError, load_settings

    if out.suffix not in (".csv", ".parquet"):
        raise fail(Phrase("err.sim_out", out=out))
    if out.suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise fail(Phrase("err.pyarrow")) from None
    if address and backend != "ray":
        raise fail(Phrase("err.address"))
    if backend == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            raise fail(Phrase("err.ray")) from None
    try:
        rules = load_settings(settings)
    except SettingsError as e:
        raise fail(e) from None
    specs = _offices(folder, offices)
    tasks = [Task(s, r, seed, weeks, rules) for s in specs for r in range(replications)]
    summary_path, runs_path, partial = _outputs(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    results, rows = [], []
    progress = _Progress(len(tasks), quiet or as_json)
    started = time.perf_counter()
    with open(partial, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(table_text([]))

        def arrived(r) -> None:  # written as it arrives; the final table is sorted
            results.append(r)
            rows.extend(r.rows)
            stream.write(table_text(r.rows).split("\n", 1)[1])
            stream.flush()
            progress(r)

        try:
            n = workers or os.cpu_count() or 1
            if backend == "ray":
                run_ray(
                    tasks, arrived, address=address, workers=None if address else n, retries=retries
                )
            else:
                run_local(tasks, arrived, workers=min(n, len(tasks)), retries=retries)
        finally:
            progress.close()
    write_table(rows, out)
    rows_of_runs = sorted(
        (r.run_record() for r in results), key=lambda x: (x["office"], x["replication"])
    )
    write_text_atomic(runs_path, table_text(rows_of_runs, tuple(rows_of_runs[0])))
    summary = summarise(rows, skip_weeks=min(rules.planning.warmup_weeks, weeks - 1))
    if summary:
        write_text_atomic(summary_path, table_text(summary, tuple(summary[0])))
    partial.unlink(missing_ok=True)
    failed = [r for r in results if not r.ok]
    seconds = time.perf_counter() - started
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "out": str(out),
                    "summary": str(summary_path),
                    "runs": str(runs_path),
                    "tasks": len(tasks),
                    "failed": [r.run_record() for r in failed],
                    "rows": len(rows),
                    "seconds": round(seconds, 1),
                },
                indent=2,
            )
        )
    elif not quiet:
        overall = summarise(
            rows, skip_weeks=min(rules.planning.warmup_weeks, weeks - 1), by_week=False
        )
        for x in overall:
            if x["density_mean"] is not None:
                typer.echo(_overall_line(x))
        files = f"{out}, {summary_path.name}, {runs_path.name}"
        say("cli.sim_wrote", files=files, tasks=len(tasks), seconds=decimal(seconds))
    for r in failed:
        what = Phrase("err.task", office=r.office, n=r.replication, tries=r.tries, why=r.error)
        error(what)
    if failed:
        raise typer.Exit(1)
