"""The report's section on a simulation (``kontaktplan report --simulation RESULT``):
the summary across replications per office and group, and a plot per measure."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from kontaktplan.report import plots
from kontaktplan.report.tables import table, words

__all__ = ["SimulationFileError", "simulation_section"]

NEEDED = ("office", "replication", "week", "group", "density")


class SimulationFileError(ValueError):
    """A simulation results file that cannot be read (names the file)."""


def _rows(path: Path) -> list[dict[str, Any]]:
    from kontaktplan.simulate.measures import read_table

    try:
        rows = read_table(path)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise SimulationFileError(f"{path}: cannot read ({e})") from None
    if not rows:
        raise SimulationFileError(f"{path}: no rows (write it with kontaktplan simulate)")
    missing = [c for c in NEEDED if c not in rows[0]]
    if missing:
        raise SimulationFileError(
            f"{path}: not a simulation result (missing column {missing[0]!r}; "
            "write it with kontaktplan simulate)"
        )
    for i, r in enumerate(rows, 2):
        if not isinstance(r["week"], int) or not isinstance(r["replication"], int):
            raise SimulationFileError(f"{path}: row {i}: week and replication must be numbers")
    return rows


def _image(ax: Any, alt: str) -> str:
    png = plots.png_base64(ax.figure)
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{png}">'


def simulation_section(path: Path, warmup_weeks: int = 2) -> str:
    """HTML: the simulation's summary table and one plot per measure."""
    from kontaktplan.simulate import plots as sim_plots
    from kontaktplan.simulate.measures import summarise

    rows = _rows(path)
    weeks = max(r["week"] for r in rows) + 1
    skip = min(warmup_weeks, weeks - 1)
    overall = summarise(rows, skip_weeks=skip, by_week=False)
    by_week = summarise(rows, skip_weeks=skip)
    columns = [
        ("office", "office", False),
        ("group", "group", False),
        ("replications", "replications", True),
        ("density (mean)", "density_mean", True),
        ("5 %", "density_p5", True),
        ("95 %", "density_p95", True),
        ("days overdue p90", "overdue_days_p90_mean", True),
        ("bookings / FTE", "bookings_per_fte_mean", True),
        ("standby calls / week", "standby_calls_mean", True),
        ("handovers / week", "handovers_mean", True),
        ("escalations / week", "escalations_mean", True),
    ]
    out = [
        "<h2>Simulation</h2>",
        f'<p class="note">{html.escape(path.name)}: {weeks} simulated weeks, weeks before '
        f"{skip} left out as warm-up. Mean across replications per week, 90 % interval "
        "(5th to 95th percentile) in brackets and shaded.</p>",
        # the simulation section is in English for now (the report's --lang covers the
        # schedule's sections; README decisions)
        table(overall, columns, "simulation", "summary", words("en")),
    ]
    for name, draw in (
        ("realised contact density", sim_plots.density),
        ("days overdue (90th percentile)", sim_plots.overdue_days),
        ("bookings per FTE", sim_plots.bookings_per_fte),
        ("standby calls", sim_plots.standby_calls),
        ("handovers", sim_plots.handovers),
        ("team-lead escalations", sim_plots.escalations),
    ):
        ax = plots.new_axes((7.0, 3.4))
        draw(by_week, ax=ax)
        out.append(_image(ax, f"simulation: {name}"))
    return "".join(out)
