"""``plan.json``, the folder's log: the last plan run, the earlier ones and every disruption.

Nothing recorded is dropped. The top level holds the last plan run (its figures as
``kontaktplan plan`` writes them); ``earlier_runs`` the plan runs before it, oldest first,
each as it was written (without the two lists); ``disruptions`` every disruption command
in the order they ran, whichever plan run came between them.
"""

from __future__ import annotations

import json
from typing import Any

from kontaktplan.i18n import Phrase

__all__ = ["EARLIER_RUNS", "entries", "log_text", "read_log", "with_disruption", "with_plan_run"]

EARLIER_RUNS = "earlier_runs"
DISRUPTIONS = "disruptions"


def read_log(text: str | None) -> dict[str, Any]:
    """The log in ``text`` (an empty one for None or a file that holds no JSON object).

    Raises :class:`ValueError` (:class:`json.JSONDecodeError` among them) on text that is
    not JSON or whose lists are not lists."""
    data = json.loads(text) if text else {}
    if not isinstance(data, dict):
        return {}
    for key in (EARLIER_RUNS, DISRUPTIONS):
        if not isinstance(data.get(key, []), list):
            raise ValueError(Phrase("err.not_a_list", key=key))
    return data


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, default=str) + "\n"


def entries(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    """A log's plan runs, oldest first (the top-level one last), and its disruptions: the
    rows a workspace keeps (:mod:`kontaktplan.store`)."""
    runs = list(data.get(EARLIER_RUNS) or [])
    last = {k: v for k, v in data.items() if k not in (EARLIER_RUNS, DISRUPTIONS)}
    if last:
        runs.append(last)
    return runs, list(data.get(DISRUPTIONS) or [])


def log_text(runs: list[dict[str, Any]], disruptions: list[Any]) -> str | None:
    """``plan.json`` text of these entries, the inverse of :func:`entries` (None: no entry)."""
    if runs:
        data = {**runs[-1], EARLIER_RUNS: runs[:-1], DISRUPTIONS: disruptions}
    elif disruptions:
        data = {DISRUPTIONS: disruptions}
    else:
        return None
    return _dump(data)


def with_plan_run(previous: str | None, run: dict[str, Any]) -> str:
    """``plan.json`` text: ``run`` on top; the previous top-level run (if the previous log
    held one) appended to ``earlier_runs``; the disruptions kept."""
    runs, disruptions = entries(read_log(previous))
    new = {k: v for k, v in run.items() if k not in (EARLIER_RUNS, DISRUPTIONS)}
    return log_text([*runs, new], disruptions)  # type: ignore[return-value]


def with_disruption(
    previous: str | None, entry: dict[str, Any], run: dict[str, Any] | None = None
) -> str:
    """``plan.json`` text: ``entry`` appended to ``disruptions``; with ``run`` (a replan's
    plan run) that run goes on top as in :func:`with_plan_run`; every other key is kept."""
    text = with_plan_run(previous, run) if run is not None else previous
    data = read_log(text)
    data[DISRUPTIONS] = [*data.get(DISRUPTIONS, []), entry]
    return _dump(data)
