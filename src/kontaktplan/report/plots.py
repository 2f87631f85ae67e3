"""Plots of the validator's figures, for the HTML report and for notebooks.

Each function draws on ``ax`` (a new figure when None) and returns the axes, so that
notebooks can compose them. They read ``validate(scenario, policy).figures`` only, and
label in ``lang`` (``en`` by default; the words from :mod:`kontaktplan.i18n`).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from kontaktplan.i18n import IsoWeek, Lang, translator
from kontaktplan.report.data import bookings_grid, due_by_week, horizon_mondays

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "bookings_heatmap",
    "due_per_week",
    "heatmap_size",
    "new_axes",
    "png_base64",
    "volume_size",
    "weekly_volume",
]

Figures = dict[str, Any]
OVER = "#d62728"  # over the daily cap, below the weekly target, deadlines breaking
BOOKED = "#1f77b4"
PLANNED = "#2ca02c"
OPEN = "#ff7f0e"
WARN = "#c26a00"
BACKLOG = "#8c564b"
CLOSED = "#e0e0e0"


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new pyplot figure (shown inline in a notebook)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def new_axes(size: tuple[float, float]) -> Axes:
    """Axes of a figure outside pyplot (no backend, no global state): for files."""
    return Figure(figsize=size, layout="constrained").add_subplot()


def heatmap_size(figures: Figures, team: str | None = None) -> tuple[float, float]:
    grid = bookings_grid(figures, team)
    return max(6.0, 0.42 * len(grid.days) + 2.5), 1.4 + 0.38 * len(grid.specialists)


def volume_size(figures: Figures, team: str | None = None) -> tuple[float, float]:
    n = len({w["specialist"] for w in figures["weeks"] if team is None or w["team"] == team})
    return max(6.0, 0.9 * n + 2), 3.8


def bookings_heatmap(
    figures: Figures,
    daily_cap: int,
    *,
    team: str | None = None,
    closed: Mapping[tuple[str, dt.date], str] | None = None,
    ax: Axes | None = None,
    lang: Lang = "en",
) -> Axes:
    """Bookings per specialist and day; the colour scale ends at the daily cap, days over
    it are red. ``closed`` (specialist, day) -> reason greys out days off (absence, holiday;
    see :func:`kontaktplan.report.data.days_off`).
    """
    t = translator(lang)
    day_names = t("xlsx.weekdays").split()
    grid = bookings_grid(figures, team)
    ax = _axes(ax, heatmap_size(figures, team))
    counts = np.array(grid.counts, dtype=float).reshape(len(grid.specialists), len(grid.days))
    cmap = matplotlib.colormaps["Blues"].with_extremes(over=OVER)
    image = ax.imshow(counts, cmap=cmap, vmin=0, vmax=daily_cap, aspect="auto")
    closed = closed or {}
    for r, sid in enumerate(grid.specialists):
        for c, day in enumerate(grid.days):
            n = int(counts[r, c])
            if (sid, day) in closed:  # a booking on a day off stays visible through the hatch
                face = CLOSED if n == 0 else "none"
                ax.add_patch(
                    Rectangle((c - 0.5, r - 0.5), 1, 1, fc=face, hatch="///", ec="#b0b0b0", lw=0)
                )
            if n == 0:
                continue
            dark = n > daily_cap * 0.6
            ax.text(
                c,
                r,
                str(n),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
                fontweight="bold" if n > daily_cap else None,
            )
    for i in range(5, len(grid.days), 5):
        ax.axvline(i - 0.5, color="black", lw=1.2)
    ax.set_yticks(range(len(grid.specialists)), grid.specialists)
    ax.set_xticks(
        range(len(grid.days)),
        [f"{day_names[d.weekday()]}\n{d:%d.%m.}" for d in grid.days],
        fontsize=7,
    )
    ax.tick_params(length=0)
    bar = ax.figure.colorbar(image, ax=ax, extend="max", fraction=0.025, pad=0.01)
    bar.set_label(t("plot.per_day_cap", cap=daily_cap))
    bar.ax.axhline(daily_cap, color=OVER, lw=2)
    ax.set_title(t("plot.bookings") + _team(team, t), loc="left")
    return ax


def _team(team: str | None, t: Any) -> str:
    return t("plot.team", team=team) if team else ""


def weekly_volume(
    figures: Figures, *, team: str | None = None, ax: Axes | None = None, lang: Lang = "en"
) -> Axes:
    """Bookings per specialist and week (bars, one shade per week) against the weekly
    target (black marks); a week below its target is hatched red."""
    t = translator(lang)
    mondays = horizon_mondays(figures)
    rows = [w for w in figures["weeks"] if w["monday"] in mondays]
    if team is not None:
        rows = [w for w in rows if w["team"] == team]
    specialists = list(dict.fromkeys(w["specialist"] for w in rows))
    ax = _axes(ax, volume_size(figures, team))
    width = 0.8 / max(1, len(mondays))
    shades = matplotlib.colormaps["Blues"](np.linspace(0.85, 0.35, max(1, len(mondays))))
    x_of = {s: i for i, s in enumerate(specialists)}
    handles: list[Any] = []
    labels: list[str] = []
    for k, monday in enumerate(mondays):
        week = [w for w in rows if w["monday"] == monday]
        if not week:
            continue
        offset = (k - (len(mondays) - 1) / 2) * width
        xs = np.array([x_of[w["specialist"]] for w in week], dtype=float) + offset
        short = [w["booked"] < w["target"] for w in week]
        ax.bar(
            xs,
            [w["booked"] for w in week],
            width * 0.9,
            color=shades[k],
            hatch=["///" if s else "" for s in short],
            edgecolor=[OVER if s else shades[k] for s in short],
            linewidth=0.8,
        )
        ax.hlines([w["target"] for w in week], xs - width * 0.4, xs + width * 0.4, "black", lw=2)
        handles.append(Patch(facecolor=shades[k]))
        labels.append(IsoWeek(dt.date.fromisoformat(monday)).say(lang))
    handles += [Line2D([], [], color="black", lw=2), Patch(fc="white", ec=OVER, hatch="///")]
    labels += [t("plot.weekly_target"), t("plot.below_target")]
    ax.set_xticks(range(len(specialists)), specialists)
    ax.set_ylabel(t("plot.bookings_week"))
    ax.legend(
        handles,
        labels,
        fontsize=8,
        ncols=len(labels),
        loc="upper left",
        bbox_to_anchor=(0, -0.1),
        frameon=False,
    )
    ax.set_title(t("plot.volume") + _team(team, t), loc="left")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def due_per_week(
    figures: Figures, daily_cap: int, *, ax: Axes | None = None, lang: Lang = "en"
) -> Axes:
    """Deadlines falling in each week (stacked: overdue backlog, planned, nothing planned)
    against the sum of the weekly targets and the daily cap's ceiling. A week is marked
    orange where the deadlines so far need more than the targets, red where they need
    more than the daily cap allows: there, deadlines break."""
    t = translator(lang)
    rows = due_by_week(figures, daily_cap)
    ax = _axes(ax, (10.0, 4.0))
    x = np.arange(len(rows))
    backlog = np.array([r["backlog"] for r in rows])
    planned = np.array([r["planned"] for r in rows])
    open_ = np.array([r["due"] - r["planned"] for r in rows])
    ax.bar(x, backlog, 0.6, color=BACKLOG, label=t("plot.backlog"))
    ax.bar(x, planned, 0.6, bottom=backlog, color=PLANNED, label=t("plot.due_planned"))
    ax.bar(x, open_, 0.6, bottom=backlog + planned, color=OPEN, label=t("plot.due_open"))
    ax.hlines(
        [r["capacity"] for r in rows],
        x - 0.38,
        x + 0.38,
        "black",
        lw=2.5,
        label=t("plot.capacity"),
    )
    ax.hlines(
        [r["ceiling"] for r in rows],
        x - 0.38,
        x + 0.38,
        "black",
        lw=1.2,
        linestyles="dashed",
        label=t("plot.ceiling", cap=daily_cap),
    )
    top = max([r["backlog"] + r["due"] for r in rows] + [r["ceiling"] for r in rows] + [1])
    for i, r in enumerate(rows):
        if r["over_cap"]:
            text, colour = t("plot.over_cap", n=r["over_cap"]), OVER
        elif r["over_target"]:
            text, colour = t("plot.over_target", n=r["over_target"]), WARN
        else:
            continue
        ax.annotate(text, (i, top * 1.03), ha="center", va="bottom", color=colour, fontsize=8)
    ax.set_ylim(0, top * 1.22)
    mondays = [dt.date.fromisoformat(r["monday"]) for r in rows]
    ax.set_xticks(x, [f"{IsoWeek(m).say(lang)}\n{m:%d.%m.}" for m in mondays])
    for label, r in zip(ax.get_xticklabels(), rows, strict=True):
        if r["over_cap"]:
            label.set_color(OVER)
    ax.set_ylabel(t("plot.customers_due"))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title(t("plot.due"), loc="left")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def png_base64(fig: Figure, dpi: int = 100) -> str:
    """The figure as a base64 PNG, byte for byte the same for the same figure (no
    timestamp or software metadata)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")
