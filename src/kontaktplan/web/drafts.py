"""Plan the week as a draft: solved in a background thread on a snapshot, shown on the
board, then published (committed through the workspace) or discarded.

The draft is :func:`kontaktplan.planning.plan` as ``kontaktplan plan`` runs it (one
worker process: the server keeps its cores for the pages); publishing commits the
planned scenario against the version the draft was solved on, so a change made
meanwhile makes the publish a conflict (plan again on the new state).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from kontaktplan.domain import Scenario
from kontaktplan.i18n import Lang, Phrase, translator
from kontaktplan.i18n.errors import reason_of
from kontaktplan.web.auth import User
from kontaktplan.web.workspace import Snapshot, WebWorkspace


@dataclass
class Draft:
    id: str
    user: str
    version: int
    weeks: int
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    total: int = 0
    state: str = "running"  # running, ready, failed, published, discarded
    error: str | None = None  # a Phrase: the API writes it in English, the page in German
    scenario: Scenario | None = None
    base: Snapshot | None = None  # what the draft was solved on
    figures: dict[str, Any] = field(default_factory=dict)  # plan.json's, for the store
    lines: list[str] = field(default_factory=list)  # for the event log, in English
    lines_de: list[str] = field(default_factory=list)  # and in German
    summary: dict[str, Any] = field(default_factory=dict)
    bookings: int = 0

    @property
    def seconds(self) -> float:
        return round(time.monotonic() - self.started, 1)


SOLVER_DE = {
    "OPTIMAL": "optimal",
    "FEASIBLE": "zulässig (Zeitgrenze)",
    "INFEASIBLE": "unlösbar",
    "UNKNOWN": "ohne Lösung",
    "EMPTY": "nichts zu planen",
}


def solver_de(status: str) -> str:
    """The solver's status (``OPTIMAL``, ``FEASIBLE/OPTIMAL`` for several teams) in words."""
    return "/".join(SOLVER_DE.get(part, part) for part in str(status).split("/"))


def _line(result: Any, lang: Lang) -> list[str]:
    """The published plan's line in the event log: bookings, solver status and time, the
    deadline counts."""
    seconds = f"{result.seconds:.1f}"
    status = str(result.status)
    if lang == "de":
        seconds, status = seconds.replace(".", ","), solver_de(status)
    t = translator(lang)
    return [
        t(
            "log.plan_draft",
            bookings=len(result.bookings),
            status=status,
            seconds=seconds,
            **result.counts(),
        )
    ]


class Drafts:
    """The drafts of one server process (one at a time per workspace)."""

    def __init__(self, ws: WebWorkspace, time_limit: float = 10.0) -> None:
        self.ws = ws
        self.time_limit = time_limit
        self._drafts: dict[str, Draft] = {}
        self._lock = threading.Lock()

    def get(self, draft_id: str) -> Draft | None:
        return self._drafts.get(draft_id)

    def current(self) -> Draft | None:
        """The newest draft still running or ready."""
        live = [d for d in self._drafts.values() if d.state in ("running", "ready")]
        return max(live, key=lambda d: d.started) if live else None

    def start(self, user: User, weeks: int = 1) -> Draft:
        with self._lock:
            if (d := self.current()) is not None and d.state == "running":
                return d
            snap = self.ws.snapshot()
            draft = Draft(secrets.token_hex(8), user.name, snap.version, weeks, base=snap)
            self._drafts[draft.id] = draft
        threading.Thread(target=self._solve, args=(draft, snap), daemon=True).start()
        return draft

    def _solve(self, draft: Draft, snap) -> None:
        from kontaktplan.planning import plan

        def progress(done: int, total: int, _result: Any) -> None:
            draft.done, draft.total = done, total

        try:
            result = plan(
                snap.scenario,
                snap.policy,
                weeks=draft.weeks,
                time_limit=self.time_limit,
                workers=1,
                progress=progress,
            )
            draft.scenario = result.planned_scenario()
            draft.bookings = len(result.bookings)
            summary = result.to_dict()
            draft.figures = summary
            draft.lines = _line(result, "en")
            draft.lines_de = _line(result, "de")
            draft.summary = {
                k: summary[k]
                for k in ("solver", "status", "objective", "bound", "seconds", "horizon")
            } | {"deadlines_summary": summary["deadlines_summary"], "bookings": draft.bookings}
            draft.state = "ready"
        except Exception as e:  # the page shows it; the workspace is untouched
            draft.error = Phrase("web.plan_failed", error=type(e).__name__, reason=reason_of(e))
            draft.state = "failed"

    def publish(self, draft_id: str, user: User) -> int:
        """Commit the draft as ``kontaktplan plan`` commits in a workspace; the event id.
        :class:`~kontaktplan.store.Conflict` when a change since touched its specialists."""
        draft = self._drafts.get(draft_id)
        if draft is None or draft.state != "ready" or draft.scenario is None:
            raise KeyError(draft_id)
        assert draft.base is not None
        event = self.ws.commit(
            draft.base,
            draft.scenario,
            expected=draft.version,
            actor=user.name,
            command="plan",
            args={"weeks": draft.weeks, "draft": draft.id, "solved_by": draft.user},
            lines=draft.lines,
            lines_de=draft.lines_de,
            update={"plan": draft.figures},
        )
        draft.state = "published"
        draft.base = None
        return event

    def discard(self, draft_id: str) -> None:
        draft = self._drafts.get(draft_id)
        if draft is None or draft.state not in ("running", "ready"):
            raise KeyError(draft_id)
        draft.state = "discarded"
        draft.scenario = draft.base = None
