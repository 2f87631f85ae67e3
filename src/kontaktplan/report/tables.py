"""HTML building blocks of the report: tables whose cells name the figure they show,
the overdue list, the violations, the disruption log; their words in one language."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence
from typing import Any

from kontaktplan.i18n import CATALOGUE, IsoWeek, Lang, translator, written
from kontaktplan.validation import Report

__all__ = [
    "Words",
    "card",
    "disruption_log",
    "fold",
    "format_value",
    "indexed_table",
    "overdue_table",
    "review_reason",
    "table",
    "violations",
    "words",
]

LONG_TABLE = 15  # rows shown before a table folds into "show all"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")
ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


class Words:
    """The report's words in one language: ``t(key, **fields)`` from the catalogue
    (:mod:`kontaktplan.i18n`), and ``t.day(iso)`` for a date in running text."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._t = translator(lang)

    def __call__(self, key: str, *args: Any, **fields: Any) -> str:
        return self._t(key, *args, **fields)

    def day(self, iso: str) -> str:
        d = dt.date.fromisoformat(iso)
        return f"{d:%d.%m.%Y}" if self.lang == "de" else iso

    def figure(self, text: str) -> str:
        """A figure's text as the language writes it: an ISO day, start or week
        (``2026-12-07``, ``2026-12-07T08:00``, ``2026-W50``) in German as ``07.12.2026``,
        ``07.12.2026 08:00``, ``KW 50/2026``; English and anything else as it is."""
        if self.lang == "en":
            return text
        if ISO_DAY.fullmatch(text):
            return written(dt.date.fromisoformat(text), self.lang)
        if ISO_MINUTE.fullmatch(text):
            return written(dt.datetime.fromisoformat(text), self.lang)
        if m := ISO_WEEK.fullmatch(text):
            return IsoWeek(dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)).say(self.lang)
        return text

    def action(self, code: str) -> str:
        """A disruption log's action (``backfilled``, ``reassigned`` ...) in the language."""
        return self(f"action.{code}") if f"action.{code}" in CATALOGUE else code


def words(lang: Lang) -> Words:
    return Words(lang)


def review_reason(text: str, t: Words) -> str:
    """The category review's reason (as :func:`kontaktplan.rules.policy.category_review` words
    it) in the report's language; one it does not know stays as it is."""
    m = re.fullmatch(r"profile (\S+) always belongs in (\S+)", text)
    if m:
        return t("review.profile", profile=m[1], category=m[2])
    m = re.fullmatch(r"(unemployed|not unemployed), (under 25|25 or older)", text)
    if not m:
        return text
    status = t("review.unemployed" if m[1] == "unemployed" else "review.not_unemployed")
    age = t("review.under_25" if m[2] == "under 25" else "review.over_25")
    return f"{status}, {age}"


def format_value(value: Any, t: Words | None = None) -> str:
    """How a figure is written in a table cell (the checks in the tests read it back)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        t = t or Words("en")
        return t("report.yes") if value else t("report.no")
    if isinstance(value, list):
        return " ".join(format_value(v, t) for v in value)
    if isinstance(value, float) and t is not None and t.lang == "de":
        return str(value).replace(".", ",")  # decimal comma
    if isinstance(value, str) and t is not None:
        return t.figure(value)
    return str(value)


Column = tuple[str, str, bool]  # header, key in the row, numeric


def cell(text: str, attr: str = "", numeric: bool = False) -> str:
    cls = ' class="num"' if numeric else ""
    return f"<td{cls}{attr}>{html.escape(text)}</td>"


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    source: str,
    path: str,
    t: Words,
    row_class: Callable[[dict[str, Any]], str] | None = None,
) -> str:
    """A table of ``rows`` (figures at ``path`` in ``source``: figure or derived)."""
    if not rows:
        return _none(t)
    head = "".join(f"<th>{html.escape(h)}</th>" for h, _, _ in columns)
    body = []
    for i, row in enumerate(rows):
        cells = "".join(
            cell(format_value(row[key], t), f' data-{source}="{path}.{i}.{key}"', numeric)
            for _, key, numeric in columns
        )
        cls = row_class(row) if row_class else ""
        body.append(f"<tr{f' class={cls!r}' if cls else ''}>{cells}</tr>")
    return fold(
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>",
        len(rows),
        t,
    )


def _none(t: Words) -> str:
    return f'<p class="note">{t("report.none")}</p>'


def card(label: str, value: Any, attr: str, t: Words, warn: bool = False) -> str:
    cls = "card warn" if warn else "card"
    return (
        f'<div class="{cls}"><div class="n"{attr}>{html.escape(format_value(value, t))}</div>'
        f'<div class="l">{html.escape(label)}</div></div>'
    )


def overdue_table(overdue: list[dict[str, Any]], days: list[int], t: Words) -> str:
    if not overdue:
        return _none(t)
    head = "".join(
        f"<th>{html.escape(t(k))}</th>"
        for k in ("col.customer", "col.specialist", "col.due", "col.days_overdue")
    )
    body = "".join(
        "<tr>"
        + cell(o["customer"], f' data-figure="overdue.{i}.customer"')
        + cell(o["specialist"], f' data-figure="overdue.{i}.specialist"')
        + cell(format_value(o["due"], t), f' data-figure="overdue.{i}.due"')
        + cell(str(n), f' data-derived="days_overdue.{i}"', numeric=True)
        + "</tr>"
        for i, (o, n) in enumerate(zip(overdue, days, strict=True))
    )
    return fold(
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", len(overdue), t
    )


def indexed_table(
    rows: list[tuple[int, dict[str, Any]]], columns: Sequence[Column], path: str, t: Words
) -> str:
    """A table of some rows of a figures list, each cell naming its row's own index."""
    if not rows:
        return _none(t)
    head = "".join(f"<th>{html.escape(h)}</th>" for h, _, _ in columns)
    body = "".join(
        "<tr>"
        + "".join(
            cell(format_value(row[key], t), f' data-figure="{path}.{i}.{key}"', numeric)
            for _, key, numeric in columns
        )
        + "</tr>"
        for i, row in rows
    )
    return fold(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", len(rows), t)


def fold(table: str, n: int, t: Words) -> str:
    if n <= LONG_TABLE:
        return table
    return f"<details><summary>{t('report.show_all', n=n)}</summary>{table}</details>"


def violations(report: Report, t: Words) -> str:
    if report.ok and not report.warnings:
        return ""
    out = [f"<h2>{t('report.h_violations')}</h2>"]
    if report.violations:
        rows = "".join(
            f"<tr><td>{html.escape(v.rule)}</td>"
            f'<td class="wrap">{html.escape(written(v.message, t.lang))}</td></tr>'
            for v in report.violations
        )
        head = f"<th>{t('col.rule')}</th><th>{t('col.what')}</th>"
        out.append(
            fold(
                f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>",
                len(report.violations),
                t,
            )
        )
    if report.warnings:
        items = "".join(f"<li>{html.escape(written(w, t.lang))}</li>" for w in report.warnings)
        summary = t("report.warnings", n=len(report.warnings))
        out.append(f"<details><summary>{summary}</summary><ul>{items}</ul></details>")
    return "".join(out)


def _change(c: dict[str, Any], t: Words) -> str:
    """``action: P1 (C1 with S1, 2026-12-08 08:15): reason``, as the commands print it."""
    who = c.get("appointment_id") or ""
    if c.get("customer_id"):
        when = f", {t.figure(str(c['start'])).replace('T', ' ')}" if c.get("start") else ""
        who += " " + t(
            "report.who",
            customer=c["customer_id"],
            specialist=c.get("specialist_id", "?"),
            when=when,
        )
    action = t.action(str(c.get("action", "")))
    reason = c.get(f"reason_{t.lang}") or c.get("reason", "")  # plan.json: English and German
    text = f"{action}: " + (f"{who.strip()}: " if who else "") + str(reason)
    return f"<li>{html.escape(text)}</li>"


def _changes(items: list[dict[str, Any]], what: str, t: Words) -> str:
    if not items:
        return "—"
    listed = f'<ul class="changes">{"".join(_change(c, t) for c in items)}</ul>'
    if len(items) <= 5:
        return listed
    return f"<details><summary>{len(items)} {what}</summary>{listed}</details>"


def disruption_log(log: list[dict[str, Any]] | None, t: Words) -> str:
    """The ``disruptions`` of plan.json, oldest first: what changed and why, and what
    went to the team lead."""
    out = [
        f"<h2>{t('report.h_disruptions')}</h2>",
        f'<p class="note">{t("report.note_disruptions")}</p>',
    ]
    if not log:
        out.append(_none(t))
        return "".join(out)
    rows = []
    for entry in log:
        changes = entry.get("changes", [])
        escalations = entry.get("escalations", [])
        said = entry.get(f"notes_{t.lang}") or entry.get("notes", [])
        notes = "".join(f"<div>{html.escape(str(n))}</div>" for n in said)
        rows.append(
            f"<tr><td>{html.escape(t.figure(str(entry.get('date', ''))))}</td>"
            f"<td>{html.escape(str(entry.get('command', '')))}</td>"
            f'<td class="num">{len(changes)}</td>'
            f'<td class="wrap">{_changes(changes, t("col.changes"), t)}{notes}</td>'
            f'<td class="num">{len(escalations)}</td>'
            f'<td class="wrap">{_changes(escalations, t("col.escalated"), t)}</td></tr>'
        )
    keys = ("col.date", "col.command", "col.changes", "col.why_changed", "col.escalated",
            "col.team_lead")  # fmt: skip
    head = "".join(f"<th>{html.escape(t(k))}</th>" for k in keys)
    out.append(f"<table><thead><tr>{head}</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return "".join(out)
