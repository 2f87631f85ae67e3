"""The independent checker (*Nachhaltung* and every booking and disruption rule).

Owns: the rules a schedule can break, one function each (:mod:`.rules`), the rules of
disruption handling and between a folder and the one it was made from
(:mod:`.disruption_rules`), the figures per specialist, team, week and customer
(:mod:`.figures`), and :func:`validate` that runs them (:mod:`.checker`, whose
``__all__`` is this package's).

Written from the rules alone: it imports nothing from :mod:`kontaktplan.planning` or
:mod:`kontaktplan.disruption` (a test checks it), so that it can judge their output.
"""

from kontaktplan.validation import checker as _checker
from kontaktplan.validation.checker import *  # noqa: F403

__all__ = list(_checker.__all__)
