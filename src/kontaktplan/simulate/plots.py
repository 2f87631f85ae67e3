"""Plots of a simulation's summary (:func:`kontaktplan.simulate.summarise`), one per measure.

Each draws the mean across replications per week with its 90 % interval as a band, one
line per office and customer group, on ``ax`` (a new figure when None), and returns the
axes, so that notebooks and the report can compose them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from matplotlib.ticker import FuncFormatter, MaxNLocator

from kontaktplan.i18n import CATALOGUE, Lang, translator
from kontaktplan.report.plots import _axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "bookings_per_fte",
    "density",
    "escalations",
    "handovers",
    "overdue_days",
    "plot_measure",
    "standby_calls",
]

#: The axis label of each measure (English; ``lang`` picks the catalogue's words).
LABELS = {
    m: CATALOGUE[f"sim.axis.{m}"]["en"]
    for m in (
        "density",
        "overdue_days_median",
        "overdue_days_p90",
        "bookings_per_fte",
        "standby_calls",
        "handovers",
        "escalations",
    )
}


def plot_measure(
    summary: Iterable[dict[str, Any]],
    measure: str,
    *,
    groups: Iterable[str] = ("U25", "K1", "K3"),
    offices: Iterable[str] | None = None,
    ax: Axes | None = None,
    lang: Lang = "en",
) -> Axes:
    """``measure`` per week: mean across replications, 90 % interval shaded; the labels
    in ``lang``."""
    t = translator(lang)
    ax = _axes(ax, (7.0, 3.6))
    rows = [r for r in summary if "week" in r and r.get(f"{measure}_mean") is not None]
    wanted = set(groups)
    names = sorted({r["office"] for r in rows}) if offices is None else list(offices)
    for office in names:
        for group in [g for g in ("all", "U25", "K1", "K3") if g in wanted]:
            line = sorted(
                (r for r in rows if r["office"] == office and r["group"] == group),
                key=lambda r: r["week"],
            )
            if not line:
                continue
            weeks = [r["week"] for r in line]
            shown = t("sim.all") if group == "all" else group
            label = shown if len(names) == 1 else f"{office} {shown}"
            (drawn,) = ax.plot(weeks, [r[f"{measure}_mean"] for r in line], label=label)
            ax.fill_between(
                weeks,
                [r[f"{measure}_p5"] for r in line],
                [r[f"{measure}_p95"] for r in line],
                color=drawn.get_color(),
                alpha=0.2,
                linewidth=0,
            )
    ax.set_xlabel(t("sim.axis.week"))
    ax.set_ylabel(t(f"sim.axis.{measure}") if measure in LABELS else measure)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # weeks are whole
    if lang == "de":  # decimal comma
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}".replace(".", ",")))
    if ax.lines:
        ax.legend(fontsize="small", ncols=2)
    return ax


def density(summary, *, ax: Axes | None = None, **kw: Any) -> Axes:
    """Realised contact density per group, with the 95 % line."""
    ax = plot_measure(summary, "density", ax=ax, **kw)
    ax.axhline(0.95, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(top=1.01)
    return ax


def overdue_days(summary, *, ax: Axes | None = None, quantile: str = "p90", **kw: Any) -> Axes:
    """Days overdue of the overdue customers (``quantile``: ``median`` or ``p90``)."""
    return plot_measure(summary, f"overdue_days_{quantile}", ax=ax, **kw)


def bookings_per_fte(
    summary, *, ax: Axes | None = None, target: float | None = None, **kw: Any
) -> Axes:
    """Bookings per FTE (the whole office: group ``all``), against ``target`` if given."""
    kw.setdefault("groups", ("all",))
    ax = plot_measure(summary, "bookings_per_fte", ax=ax, **kw)
    if target is not None:
        ax.axhline(target, color="grey", linestyle=":", linewidth=1)
    return ax


def standby_calls(summary, *, ax: Axes | None = None, **kw: Any) -> Axes:
    """Standby phone consultations booked after no-shows, by the called customer's group."""
    return plot_measure(summary, "standby_calls", ax=ax, **kw)


def handovers(summary, *, ax: Axes | None = None, **kw: Any) -> Axes:
    """Appointments handed to a substitute or colleague in a sickness."""
    return plot_measure(summary, "handovers", ax=ax, **kw)


def escalations(summary, *, ax: Axes | None = None, **kw: Any) -> Axes:
    """Appointments and re-invitations left to the team lead."""
    return plot_measure(summary, "escalations", ax=ax, **kw)
