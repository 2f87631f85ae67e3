"""Progress on the terminal for long commands: a rich progress bar or spinner on a terminal,
plain lines when stderr is a file or a pipe (logs, CI), nothing with ``--quiet``/``--json``.

Progress always goes to stderr, so that stdout stays the command's result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer

from kontaktplan.i18n import Lang, decimal, translator

__all__ = ["solve_progress", "working"]

Progress = Callable[[int, int, Any], None]


def _terminal() -> bool:
    return sys.stderr.isatty()


def _line(done: int, total: int, r: Any, lang: Lang = "en", verbose: bool = False) -> str:
    if verbose:
        bound = "n/a" if r.bound is None else r.bound
        return (
            f"[{done}/{total}] {r.specialist_id}: {r.status} objective {r.objective} "
            f"bound {bound} ({r.seconds:.2f} s)"
        )
    return translator(lang)(
        "progress.line",
        done=done,
        total=total,
        specialist=r.specialist_id,
        seconds=decimal(r.seconds, ".2f", lang),
    )


@contextmanager
def solve_progress(
    quiet: bool, what: str | None = None, verbose: bool = False, lang: Lang = "en"
) -> Iterator[Progress | None]:
    """A ``progress(done, total, result)`` callback for :func:`kontaktplan.planning.plan`:
    a progress bar per specialist model on a terminal, else one line each (the solver's
    status and objective only when ``verbose``); None if quiet."""
    if quiet:
        yield None
        return
    t = translator(lang)
    if not _terminal():
        yield lambda done, total, r: typer.echo(_line(done, total, r, lang, verbose), err=True)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(what or t("progress.planning"), total=None, last=t("progress.building"))

        def update(done: int, total: int, r: Any) -> None:
            last = (
                f"{r.specialist_id}: {r.status} ({r.seconds:.1f} s)" if verbose else r.specialist_id
            )
            bar.update(task, total=total, completed=done, last=last)

        yield update


@contextmanager
def working(message: str, quiet: bool) -> Iterator[None]:
    """A spinner with ``message`` while a step without steps runs (terminal only)."""
    if quiet or not _terminal():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield
