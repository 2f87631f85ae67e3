"""The report's section on a simulation (``kontaktplan report --simulation RESULT``):
the summary across replications per office and group, and a plot per measure, in the
report's language."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from kontaktplan.i18n import Lang, Phrase
from kontaktplan.i18n.errors import reason_of
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
        what = Phrase("err.cannot_read", reason=reason_of(e))
        raise SimulationFileError(Phrase("err.at", where=path, message=what)) from None
    if not rows:
        what = Phrase("err.no_rows")
        raise SimulationFileError(Phrase("err.at", where=path, message=what))
    missing = [c for c in NEEDED if c not in rows[0]]
    if missing:
        what = Phrase("err.not_simulation", column=missing[0])
        raise SimulationFileError(Phrase("err.at", where=path, message=what))
    for i, r in enumerate(rows, 2):
        if not isinstance(r["week"], int) or not isinstance(r["replication"], int):
            raise SimulationFileError(Phrase("err.week_numbers", path=path, row=i))
    return rows


def _image(ax: Any, alt: str) -> str:
    png = plots.png_base64(ax.figure)
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{png}">'


def simulation_section(path: Path, warmup_weeks: int = 2, lang: Lang = "en") -> str:
    """HTML: the simulation's summary table and one plot per measure, in ``lang``."""
    from kontaktplan.simulate import plots as sim_plots
    from kontaktplan.simulate.measures import summarise

    t = words(lang)
    rows = _rows(path)
    weeks = max(r["week"] for r in rows) + 1
    skip = min(warmup_weeks, weeks - 1)
    overall = summarise(rows, skip_weeks=skip, by_week=False)
    overall = [r | {"group": t("sim.all")} if r["group"] == "all" else r for r in overall]
    by_week = summarise(rows, skip_weeks=skip)
    columns = [
        (t(f"sim.col.{name}"), key, numeric)
        for name, key, numeric in (
            ("office", "office", False),
            ("group", "group", False),
            ("replications", "replications", True),
            ("density", "density_mean", True),
            ("p5", "density_p5", True),
            ("p95", "density_p95", True),
            ("overdue_p90", "overdue_days_p90_mean", True),
            ("bookings_per_fte", "bookings_per_fte_mean", True),
            ("standby_calls", "standby_calls_mean", True),
            ("handovers", "handovers_mean", True),
            ("escalations", "escalations_mean", True),
        )
    ]
    note = t("sim.note", name=path.name, weeks=weeks, skip=skip)
    out = [
        f"<h2>{html.escape(t('sim.h'))}</h2>",
        f'<p class="note">{html.escape(note)}</p>',
        table(overall, columns, "simulation", "summary", t),
    ]
    for name, draw in (
        ("density", sim_plots.density),
        ("overdue", sim_plots.overdue_days),
        ("bookings_per_fte", sim_plots.bookings_per_fte),
        ("standby_calls", sim_plots.standby_calls),
        ("handovers", sim_plots.handovers),
        ("escalations", sim_plots.escalations),
    ):
        ax = plots.new_axes((7.0, 3.4))
        draw(by_week, ax=ax, lang=lang)
        out.append(_image(ax, t("sim.image", name=t(f"sim.plot.{name}"))))
    return "".join(out)
