"""HTML building blocks of the report: tables whose cells name the figure they show,
the overdue list, the violations, the disruption log."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from kontaktplan.validation import Report

__all__ = [
    "card",
    "disruption_log",
    "fold",
    "format_value",
    "indexed_table",
    "overdue_table",
    "table",
    "violations",
]

LONG_TABLE = 15  # rows shown before a table folds into "show all"


def format_value(value: Any) -> str:
    """How a figure is written in a table cell (the checks in the tests read it back)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(format_value(v) for v in value)
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
    row_class: Callable[[dict[str, Any]], str] | None = None,
) -> str:
    """A table of ``rows`` (figures at ``path`` in ``source``: figure or derived)."""
    if not rows:
        return '<p class="note">none</p>'
    head = "".join(f"<th>{html.escape(h)}</th>" for h, _, _ in columns)
    body = []
    for i, row in enumerate(rows):
        cells = "".join(
            cell(format_value(row[key]), f' data-{source}="{path}.{i}.{key}"', numeric)
            for _, key, numeric in columns
        )
        cls = row_class(row) if row_class else ""
        body.append(f"<tr{f' class={cls!r}' if cls else ''}>{cells}</tr>")
    return fold(
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>", len(rows)
    )


def card(label: str, value: Any, attr: str, warn: bool = False) -> str:
    cls = "card warn" if warn else "card"
    return (
        f'<div class="{cls}"><div class="n"{attr}>{html.escape(format_value(value))}</div>'
        f'<div class="l">{html.escape(label)}</div></div>'
    )


def overdue_table(overdue: list[dict[str, Any]], days: list[int]) -> str:
    if not overdue:
        return '<p class="note">none</p>'
    head = "<th>customer</th><th>specialist</th><th>due</th><th>days overdue</th>"
    body = "".join(
        "<tr>"
        + cell(o["customer"], f' data-figure="overdue.{i}.customer"')
        + cell(o["specialist"], f' data-figure="overdue.{i}.specialist"')
        + cell(o["due"], f' data-figure="overdue.{i}.due"')
        + cell(str(n), f' data-derived="days_overdue.{i}"', numeric=True)
        + "</tr>"
        for i, (o, n) in enumerate(zip(overdue, days, strict=True))
    )
    return fold(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", len(overdue))


def indexed_table(
    rows: list[tuple[int, dict[str, Any]]], columns: Sequence[Column], path: str
) -> str:
    """A table of some rows of a figures list, each cell naming its row's own index."""
    if not rows:
        return '<p class="note">none</p>'
    head = "".join(f"<th>{html.escape(h)}</th>" for h, _, _ in columns)
    body = "".join(
        "<tr>"
        + "".join(
            cell(format_value(row[key]), f' data-figure="{path}.{i}.{key}"', numeric)
            for _, key, numeric in columns
        )
        + "</tr>"
        for i, row in rows
    )
    return fold(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", len(rows))


def fold(table: str, n: int) -> str:
    if n <= LONG_TABLE:
        return table
    return f"<details><summary>show all {n} rows</summary>{table}</details>"


def violations(report: Report) -> str:
    if report.ok and not report.warnings:
        return ""
    out = ["<h2>Rule violations and warnings</h2>"]
    if report.violations:
        rows = "".join(
            f'<tr><td>{html.escape(v.rule)}</td><td class="wrap">{html.escape(v.message)}</td></tr>'
            for v in report.violations
        )
        out.append(
            fold(
                f"<table><thead><tr><th>rule</th><th>what</th></tr></thead><tbody>{rows}"
                "</tbody></table>",
                len(report.violations),
            )
        )
    if report.warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in report.warnings)
        out.append(
            f"<details><summary>{len(report.warnings)} warning(s)</summary><ul>{items}</ul>"
            "</details>"
        )
    return "".join(out)


def _change(c: dict[str, Any]) -> str:
    """``action: P1 (C1 with S1, 2026-12-08 08:15): reason``, as the commands print it."""
    who = c.get("appointment_id") or ""
    if c.get("customer_id"):
        when = f", {str(c['start']).replace('T', ' ')}" if c.get("start") else ""
        who += f" ({c['customer_id']} with {c.get('specialist_id', '?')}{when})"
    text = (
        f"{c.get('action', '')}: " + (f"{who.strip()}: " if who else "") + str(c.get("reason", ""))
    )
    return f"<li>{html.escape(text)}</li>"


def _changes(items: list[dict[str, Any]], what: str) -> str:
    if not items:
        return "—"
    listed = f'<ul class="changes">{"".join(_change(c) for c in items)}</ul>'
    if len(items) <= 5:
        return listed
    return f"<details><summary>{len(items)} {what}</summary>{listed}</details>"


def disruption_log(log: list[dict[str, Any]] | None) -> str:
    """The ``disruptions`` of plan.json, oldest first: what changed and why, and what
    went to the team lead."""
    out = [
        "<h2>Disruption log</h2>",
        '<p class="note">Cancellations, absences, no-shows, status changes and re-plans '
        "recorded in plan.json, oldest first.</p>",
    ]
    if not log:
        out.append('<p class="note">none</p>')
        return "".join(out)
    rows = []
    for entry in log:
        changes = entry.get("changes", [])
        escalations = entry.get("escalations", [])
        notes = "".join(f"<div>{html.escape(str(n))}</div>" for n in entry.get("notes", []))
        rows.append(
            f"<tr><td>{html.escape(str(entry.get('date', '')))}</td>"
            f"<td>{html.escape(str(entry.get('command', '')))}</td>"
            f'<td class="num">{len(changes)}</td>'
            f'<td class="wrap">{_changes(changes, "changes")}{notes}</td>'
            f'<td class="num">{len(escalations)}</td>'
            f'<td class="wrap">{_changes(escalations, "escalations")}</td></tr>'
        )
    out.append(
        "<table><thead><tr><th>date</th><th>command</th><th>changes</th><th>what changed, "
        "and why</th><th>escalated</th><th>for the team lead</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return "".join(out)
