"""The weekly plan: who is booked when, optimised with CP-SAT (or by the greedy baseline).

Owns, from the data down to the plan: what one specialist can book in the horizon
(:mod:`.candidates`), the CP-SAT model, one function per rule family
(:mod:`.model`, with :mod:`kontaktplan.disruption.reassign_model` the only modules that
import OR-Tools), the objective written as formulas and evaluated for any plan
(:mod:`.objective`), the exact placement of a day's bookings into slots
(:mod:`.matching`), cover for deadlines the own specialist cannot meet (:mod:`.cover`),
the reasons for a missed deadline or target (:mod:`.explain`), the hand-planning
baseline (:mod:`.greedy`), and :func:`plan` that runs them (:mod:`.weekly`).

``import kontaktplan.planning`` loads nothing else: :func:`plan` and its types are
imported on first use, so that a command that only needs :mod:`.candidates` (a
cancellation's backfill) does not load OR-Tools.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kontaktplan.planning.weekly import Plan, SolverName, plan

__all__ = ["Plan", "SolverName", "plan"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from kontaktplan.planning import weekly

    value = getattr(weekly, name)
    globals()[name] = value
    return value
