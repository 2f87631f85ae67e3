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
from kontaktplan.i18n import Lang
from kontaktplan.report import plots
from kontaktplan.report.data import bookings_grid, days_off, due_by_week, teams
from kontaktplan.report.tables import (
    Words,
    card,
    disruption_log,
    format_value,
    indexed_table,
    overdue_table,
    review_reason,
    table,
    violations,
    words,
)
from kontaktplan.rules.policy import Policy
from kontaktplan.validation import Report

__all__ = ["derived_figures", "format_value", "read_disruptions", "render_report"]

Figures = dict[str, Any]

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


def _header(
    scenario: Scenario, policy: Policy, report: Report, disruptions: list | None, t: Words
) -> str:
    f = figures = report.figures
    meta = scenario.meta
    if report.ok:
        verdict = f'<span class="verdict ok">{t("report.ok")}</span>'
    else:
        counts = ", ".join(f"{rule} {n}" for rule, n in report.counts().items())
        text = t("report.broken", n=len(report.violations), rules=counts)
        verdict = f'<span class="verdict bad">{html.escape(text)}</span>'
    d = f["deadline_counts"]
    end = t.day(f["horizon_end"])
    cards = [
        card(t("report.card_met"), d["met"], ' data-figure="deadline_counts.met"', t),
        card(
            t("report.card_late"),
            d["late"],
            ' data-figure="deadline_counts.late"',
            t,
            warn=d["late"] > 0,
        ),
        card(
            t("report.card_missed"),
            d["missed"],
            ' data-figure="deadline_counts.missed"',
            t,
            warn=d["missed"] > 0,
        ),
        card(
            t("report.card_open", end=end),
            d["open_due_in_horizon"],
            ' data-figure="deadline_counts.open_due_in_horizon"',
            t,
            warn=d["open_due_in_horizon"] > 0,
        ),
        card(
            t("report.card_overdue"),
            len(f["overdue"]),
            ' data-count="overdue"',
            t,
            warn=bool(f["overdue"]),
        ),
        card(
            t("report.card_tasks"),
            len(f["escalations"]),
            ' data-count="escalations"',
            t,
            warn=bool(f["escalations"]),
        ),
        card(
            t("report.card_review"), len(f["category_review"]), ' data-count="category_review"', t
        ),
        card(t("report.card_disruptions"), len(disruptions or []), ' data-count="disruptions"', t),
    ]
    meta_line = t(
        "report.meta",
        today=t.day(figures["today"]),
        policy=policy.name,
        region=meta.region,
        first=t.day(figures["figures_from"]),
        end=end,
        specialists=len(scenario.specialists),
        customers=len(scenario.customers),
    )
    return (
        f"<h1>{html.escape(t('report.title', name=meta.name))}</h1>"
        f'<p class="meta">{html.escape(meta_line)}</p>'
        f'{verdict}<div class="cards">{"".join(cards)}</div>'
    )


def _no_weeks(figures: Figures, t: Words) -> str:
    monday = t.day(figures["figures_from"])
    return f'<p class="note">{html.escape(t("report.no_weeks", monday=monday))}</p>'


def _bookings(scenario: Scenario, policy: Policy, figures: Figures, t: Words) -> str:
    cap = policy.booking.daily_cap
    out = [
        f"<h2>{t('report.h_bookings')}</h2>",
        f'<p class="note">{html.escape(t("report.note_bookings", cap=cap))}</p>',
    ]
    if not teams(figures):
        out.append(_no_weeks(figures, t))
    for team in teams(figures):
        grid = bookings_grid(figures, team)
        closed = days_off(scenario, policy, grid.days)
        ax = plots.new_axes(plots.heatmap_size(figures, team))
        plots.bookings_heatmap(figures, cap, team=team, closed=closed, ax=ax, lang=t.lang)
        out.append(_image(ax, t("report.alt_bookings", team=team)))
    return "".join(out)


def _volume(figures: Figures, policy: Policy, t: Words) -> str:
    volume = policy.booking.weekly_volume_per_fte
    out = [
        f"<h2>{t('report.h_volume')}</h2>",
        f'<p class="note">{html.escape(t("report.note_volume", volume=volume))}</p>',
    ]
    if not teams(figures):
        out.append(_no_weeks(figures, t))
    for team in teams(figures):
        ax = plots.new_axes(plots.volume_size(figures, team))
        plots.weekly_volume(figures, team=team, ax=ax, lang=t.lang)
        out.append(_image(ax, t("report.alt_volume", team=team)))
    columns = [
        (t("col.specialist"), "specialist", False),
        (t("col.team"), "team", False),
        (t("col.week"), "week", False),
        (t("col.target"), "target", True),
        (t("col.booked"), "booked", True),
        (t("col.per_day"), "per_day", False),
        (t("col.available_days"), "available_days", True),
        (t("col.spread"), "spread", True),
    ]
    out.append(f"<h3>{t('report.h_per_specialist')}</h3>")
    out.append(
        table(
            figures["weeks"],
            columns,
            "figure",
            "weeks",
            t,
            lambda w: "short" if w["booked"] < w["target"] else "",
        )
    )
    out.append(f"<h3>{t('report.h_per_team')}</h3>")
    team_cols = [
        (t("col.team"), "team", False),
        (t("col.week"), "week", False),
        (t("col.specialists"), "specialists", True),
        (t("col.target"), "target", True),
        (t("col.booked"), "booked", True),
    ]
    out.append(table(figures["teams"], team_cols, "figure", "teams", t))
    return "".join(out)


def _due(figures: Figures, derived: dict[str, Any], daily_cap: int, t: Words) -> str:
    rows = derived["due_by_week"]
    out = [
        f"<h2>{t('report.h_due')}</h2>",
        f'<p class="note">{html.escape(t("report.note_due", cap=daily_cap))}</p>',
    ]
    if rows:
        ax = plots.new_axes((10.0, 4.0))
        plots.due_per_week(figures, daily_cap, ax=ax, lang=t.lang)
        out.append(_image(ax, t("report.alt_due")))
    columns = [
        (t("col.week"), "week", False),
        (t("col.monday"), "monday", False),
        (t("col.backlog"), "backlog", True),
        (t("col.due_week"), "due", True),
        (t("col.planned_of"), "planned", True),
        (t("col.capacity"), "capacity", True),
        (t("col.ceiling"), "ceiling", True),
        (t("col.due_so_far"), "due_so_far", True),
        (t("col.over_target"), "over_target", True),
        (t("col.over_cap"), "over_cap", True),
    ]
    out.append(
        table(
            rows, columns, "derived", "due_by_week", t, lambda r: "short" if r["over_cap"] else ""
        )
    )
    return "".join(out)


def _customers(figures: Figures, derived: dict[str, Any], t: Words) -> str:
    late = [(i, d) for i, d in enumerate(figures["deadlines"]) if d["status"] == "late"]
    late_columns = [
        (t("col.customer"), "customer", False),
        (t("col.specialist"), "specialist", False),
        (t("col.category"), "category", False),
        (t("col.due"), "due", False),
        (t("col.planned"), "planned", False),
        (t("col.first_interview"), "first_interview", False),
    ]
    review_columns = [
        (t("col.customer"), "customer", False),
        (t("col.specialist"), "specialist", False),
        (t("col.stored"), "stored", False),
        (t("col.expected"), "expected", False),
        (t("col.why"), "reason", False),
    ]
    missed = [(i, d) for i, d in enumerate(figures["deadlines"]) if d["status"] == "missed"]
    missed_columns = [c for c in late_columns if c[1] != "planned"]
    tasks = list(enumerate(figures["escalations"]))
    task_columns = [
        (t("col.appointment"), "appointment", False),
        (t("col.customer"), "customer", False),
        (t("col.absent_specialist"), "specialist", False),
        (t("col.start"), "start", False),
        (t("col.day_has_come"), "due_today", False),
    ]
    today = t.day(figures["today"])
    reviews = [r | {"reason": review_reason(r["reason"], t)} for r in figures["category_review"]]
    return "".join(
        [
            f"<h2>{t('report.h_tasks')}</h2>",
            f'<p class="note">{html.escape(t("report.note_tasks"))}</p>',
            indexed_table(tasks, task_columns, "escalations", t),
            f"<h2>{t('report.h_overdue')}</h2>",
            f'<p class="note">{html.escape(t("report.note_overdue", today=today))}</p>',
            overdue_table(figures["overdue"], derived["days_overdue"], t),
            f"<h3>{t('report.h_missed')}</h3>",
            f'<p class="note">{html.escape(t("report.note_missed"))}</p>',
            indexed_table(missed, missed_columns, "deadlines", t),
            f"<h3>{t('report.h_late')}</h3>",
            f'<p class="note">{t("report.note_late")}</p>',
            indexed_table(late, late_columns, "deadlines", t),
            f"<h2>{t('report.h_review')}</h2>",
            f'<p class="note">{t("report.note_review")}</p>',
            table(reviews, review_columns, "figure", "category_review", t),
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
    lang: Lang = "en",
    extra: str = "",
) -> str:
    """The report page for ``scenario`` checked by the validator (``report``), in ``lang``;
    ``extra`` is HTML of further sections (a simulation)."""
    t = words(lang)
    figures = report.figures
    derived = derived_figures(figures, policy.booking.daily_cap)
    body = "".join(
        [
            _header(scenario, policy, report, disruptions, t),
            _bookings(scenario, policy, figures, t),
            _volume(figures, policy, t),
            _due(figures, derived, policy.booking.daily_cap, t),
            _customers(figures, derived, t),
            violations(report, t),
            disruption_log(disruptions, t),
            extra,
        ]
    )
    data = {
        "figures": figures,
        "derived": derived,
        "ok": report.ok,
        "counts": report.counts(),
        "disruptions": disruptions,
    }
    title = html.escape(t("report.title", name=scenario.meta.name))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="generator" content="kontaktplan">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body><main>{body}"
        f"<footer>kontaktplan {__version__} · {t('report.footer')}"
        f"</footer>{_json_block(data)}</main></body></html>\n"
    )
