"""The HTML report and the plots of a schedule's figures (RULES.md, "Monitoring").

``render_report`` and ``read_disruptions`` are in :mod:`kontaktplan.report.html`, the
plots (``ax=None``, for notebooks) in :mod:`kontaktplan.report.plots`. Imported on first
use, so that the command line does not load matplotlib for every command.
"""

from __future__ import annotations

from typing import Any

__all__ = ["read_disruptions", "render_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kontaktplan.report import html

        return getattr(html, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
