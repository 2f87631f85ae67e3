"""The HTML report: one self-contained file a team lead opens in a browser.

Every figure comes from the independent validator (``validate(scenario, policy)``);
only the disruption log is read from ``plan.json``. The page embeds its plots as base64
PNG and its styles inline, and loads nothing from elsewhere. The figures travel along
as JSON (``<script type="application/json" id="figures">``), and every number in a
table names the figure it shows (``data-figure="weeks.3.booked"`` into the validator's
figures, ``data-derived="due_by_week.0.capacity"`` into the sums derived from them), so
a program can check the page against the validator. Same input, same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

from kontaktplan import __version__
from kontaktplan.domain import Scenario
from kontaktplan.policy import Policy
from kontaktplan.report import plots
from kontaktplan.report.data import bookings_grid, days_off, due_by_week, teams
from kontaktplan.report.tables import (
    card,
    disruption_log,
    format_value,
    indexed_table,
    overdue_table,
    table,
    violations,
)
from kontaktplan.validate import Report

__all__ = ["derived_figures", "format_value", "read_disruptions", "render_report"]

Figures = dict[str, Any]
NO_WEEKS = '<p class="note">No free slots or bookings from {} on: nothing to show.</p>'

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #222; background: #f6f7f9; }
main { max-width: 1280px; margin: 0 auto; padding: 1.5rem 2rem 3rem; background: #fff; }
h1 { margin: 0 0 .2rem; font-size: 1.6rem; }
h2 { margin: 2.2rem 0 .4rem; font-size: 1.25rem; border-bottom: 2px solid #dde;
  padding-bottom: .2rem; }
h3 { margin: 1.2rem 0 .3rem; font-size: 1.05rem; }
p.meta, p.note { color: #555; margin: .2rem 0 .8rem; }
.verdict { display: inline-block; padding: .35rem .8rem; border-radius: 4px; font-weight: 600; }
.verdict.ok { background: #e3f4e5; color: #17642a; }
.verdict.bad { background: #fde4e4; color: #a11; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid #dde; border-radius: 6px; padding: .6rem .9rem; min-width: 9rem; }
.card .n { font-size: 1.6rem; font-weight: 700; }
.card .l { color: #555; font-size: .85rem; }
.card.warn .n { color: #b3261e; }
img { max-width: 100%; height: auto; display: block; margin: .6rem 0; }
table { border-collapse: collapse; font-size: .88rem; margin: .4rem 0 1rem; }
th, td { border: 1px solid #dde; padding: .22rem .55rem; text-align: left; vertical-align: top;
  white-space: nowrap; }
th { white-space: normal; }
td.wrap { white-space: normal; min-width: 18rem; }
th { background: #eef0f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.short td { background: #fdeaea; }
details summary { cursor: pointer; color: #1f4e9c; margin: .3rem 0; }
ul.changes { margin: 0; padding-left: 1.1rem; }
footer { color: #777; font-size: .8rem; margin-top: 2.5rem; }
"""


def derived_figures(figures: Figures, daily_cap: int) -> dict[str, Any]:
    """Sums and differences of the validator's figures that the report shows."""
    today = dt.date.fromisoformat(figures["today"])
    return {
        "due_by_week": due_by_week(figures, daily_cap),
        "days_overdue": [
            (today - dt.date.fromisoformat(o["due"])).days for o in figures["overdue"]
        ],
    }


def read_disruptions(folder: Path) -> list[dict[str, Any]] | None:
    """The ``disruptions`` list of the folder's ``plan.json``; None without one."""
    path = folder / "plan.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    log = data.get("disruptions") if isinstance(data, dict) else None
    return log if isinstance(log, list) else None


# -- building blocks ---------------------------------------------------------------------


def _image(ax: Any, alt: str) -> str:
    return (
        f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{plots.png_base64(ax.figure)}">'
    )


# -- sections ------------------------------------------------------------------------------


def _header(scenario: Scenario, policy: Policy, report: Report, disruptions: list | None) -> str:
    f = figures = report.figures
    meta = scenario.meta
    if report.ok:
        verdict = '<span class="verdict ok">hard rules: ok</span>'
    else:
        counts = ", ".join(f"{rule} {n}" for rule, n in report.counts().items())
        verdict = (
            f'<span class="verdict bad">hard rules: {len(report.violations)} violation(s) '
            f"({html.escape(counts)})</span>"
        )
    d = f["deadline_counts"]
    cards = [
        card(
            "deadlines met (contact planned in time)",
            d["met"],
            ' data-figure="deadline_counts.met"',
        ),
        card(
            "planned after the deadline",
            d["late"],
            ' data-figure="deadline_counts.late"',
            warn=d["late"] > 0,
        ),
        card(
            f"due by {f['horizon_end']}, nothing planned",
            d["open_due_in_horizon"],
            ' data-figure="deadline_counts.open_due_in_horizon"',
            warn=d["open_due_in_horizon"] > 0,
        ),
        card(
            "overdue, nothing planned",
            len(f["overdue"]),
            ' data-count="overdue"',
            warn=bool(f["overdue"]),
        ),
        card("category review", len(f["category_review"]), ' data-count="category_review"'),
        card("disruptions logged", len(disruptions or []), ' data-count="disruptions"'),
    ]
    return (
        f"<h1>Kontaktplan report — {html.escape(meta.name)}</h1>"
        f'<p class="meta">planning date {figures["today"]} · rule set {html.escape(policy.name)}'
        f" · region {html.escape(meta.region)} · weeks from {figures['first_plannable_monday']}"
        f" to {figures['horizon_end']} · {len(scenario.specialists)} specialists,"
        f" {len(scenario.customers)} customers</p>"
        f'{verdict}<div class="cards">{"".join(cards)}</div>'
    )


def _bookings(scenario: Scenario, policy: Policy, figures: Figures) -> str:
    cap = policy.booking.daily_cap
    out = [
        "<h2>Bookings per specialist and day</h2>",
        f'<p class="note">Appointments per working day (standby phone calls not counted). '
        f"The colour scale ends at the daily cap of {cap}; a red day is over it. "
        "Grey hatched days are days off (absence, public holiday, part-time day).</p>",
    ]
    if not teams(figures):
        out.append(NO_WEEKS.format(figures["first_plannable_monday"]))
    for team in teams(figures):
        grid = bookings_grid(figures, team)
        closed = days_off(scenario, policy, grid.days)
        ax = plots.new_axes(plots.heatmap_size(figures, team))
        plots.bookings_heatmap(figures, cap, team=team, closed=closed, ax=ax)
        out.append(_image(ax, f"bookings per day, team {team}"))
    return "".join(out)


def _volume(figures: Figures) -> str:
    out = [
        "<h2>Weekly volume against target</h2>",
        '<p class="note">Bookings per specialist and week (Ist) against the weekly target '
        "(Soll: 25 per full-time post, scaled by FTE and available days). "
        "Hatched red: below target.</p>",
    ]
    if not teams(figures):
        out.append(NO_WEEKS.format(figures["first_plannable_monday"]))
    for team in teams(figures):
        ax = plots.new_axes(plots.volume_size(figures, team))
        plots.weekly_volume(figures, team=team, ax=ax)
        out.append(_image(ax, f"weekly volume against target, team {team}"))
    columns = [
        ("specialist", "specialist", False),
        ("team", "team", False),
        ("week", "week", False),
        ("target", "target", True),
        ("booked", "booked", True),
        ("per day Mon–Fri", "per_day", False),
        ("available days", "available_days", True),
        ("spread", "spread", True),
    ]
    out.append("<h3>Per specialist and week</h3>")
    out.append(
        table(
            figures["weeks"],
            columns,
            "figure",
            "weeks",
            lambda w: "short" if w["booked"] < w["target"] else "",
        )
    )
    out.append("<h3>Per team and week</h3>")
    team_cols = [
        ("team", "team", False),
        ("week", "week", False),
        ("specialists", "specialists", True),
        ("target", "target", True),
        ("booked", "booked", True),
    ]
    out.append(table(figures["teams"], team_cols, "figure", "teams"))
    return "".join(out)


def _due(figures: Figures, derived: dict[str, Any], daily_cap: int) -> str:
    rows = derived["due_by_week"]
    out = [
        "<h2>Due contacts per week against capacity</h2>",
        '<p class="note">Customers whose deadline falls in each week of the horizon, against '
        "the sum of the weekly targets (capacity) and the most the daily cap of "
        f"{daily_cap} allows on the available days (ceiling). The first week also carries the "
        "backlog of deadlines before it. Where the deadlines due so far outnumber the "
        "capacity so far, the volume must exceed the target; where they outnumber the "
        "ceiling, deadlines break.</p>",
    ]
    if rows:
        ax = plots.new_axes((10.0, 4.0))
        plots.due_per_week(figures, daily_cap, ax=ax)
        out.append(_image(ax, "due contacts per week against capacity"))
    columns = [
        ("week", "week", False),
        ("Monday", "monday", False),
        ("due earlier (backlog)", "backlog", True),
        ("due in the week", "due", True),
        ("of them planned", "planned", True),
        ("capacity (targets)", "capacity", True),
        ("ceiling (daily cap)", "ceiling", True),
        ("due so far", "due_so_far", True),
        ("over target so far", "over_target", True),
        ("over the cap so far", "over_cap", True),
    ]
    out.append(
        table(rows, columns, "derived", "due_by_week", lambda r: "short" if r["over_cap"] else "")
    )
    return "".join(out)


def _customers(figures: Figures, derived: dict[str, Any]) -> str:
    late = [(i, d) for i, d in enumerate(figures["deadlines"]) if d["status"] == "late"]
    late_columns = [
        ("customer", "customer", False),
        ("specialist", "specialist", False),
        ("category", "category", False),
        ("due", "due", False),
        ("planned", "planned", False),
        ("first interview", "first_interview", False),
    ]
    review_columns = [
        ("customer", "customer", False),
        ("specialist", "specialist", False),
        ("stored", "stored", False),
        ("expected", "expected", False),
        ("why", "reason", False),
    ]
    return "".join(
        [
            "<h2>Overdue customers</h2>",
            f'<p class="note">Deadline before the planning date {figures["today"]} and no '
            "qualified contact planned.</p>",
            overdue_table(figures["overdue"], derived["days_overdue"]),
            "<h3>Contact planned after the deadline</h3>",
            '<p class="note">The first planned qualified contact lies after the deadline.</p>',
            indexed_table(late, late_columns, "deadlines"),
            "<h2>Category review</h2>",
            '<p class="note">Customers whose stored category contradicts the rules; they are '
            "scheduled by the stricter interval until a person decides.</p>",
            table(figures["category_review"], review_columns, "figure", "category_review"),
        ]
    )


def _json_block(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    # "</script", "<!--" or "<script" in a value would end or confuse the script element:
    # escape the three HTML-significant characters as JSON escapes (same value when parsed)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="figures">{text}</script>'


def render_report(
    scenario: Scenario,
    policy: Policy,
    report: Report,
    disruptions: list[dict[str, Any]] | None = None,
) -> str:
    """The report page for ``scenario`` checked by the validator (``report``)."""
    figures = report.figures
    derived = derived_figures(figures, policy.booking.daily_cap)
    body = "".join(
        [
            _header(scenario, policy, report, disruptions),
            _bookings(scenario, policy, figures),
            _volume(figures),
            _due(figures, derived, policy.booking.daily_cap),
            _customers(figures, derived),
            violations(report),
            disruption_log(disruptions),
        ]
    )
    data = {
        "figures": figures,
        "derived": derived,
        "ok": report.ok,
        "counts": report.counts(),
        "disruptions": disruptions,
    }
    title = html.escape(f"Kontaktplan report — {scenario.meta.name}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="generator" content="kontaktplan">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body><main>{body}"
        f"<footer>kontaktplan {__version__} · every figure is the independent validator's "
        "(<code>kontaktplan validate</code>); the disruption log is read from plan.json."
        f"</footer>{_json_block(data)}</main></body></html>\n"
    )
