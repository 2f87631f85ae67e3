"""The planners' web app (``kontaktplan serve``): the office's week in a browser.

FastAPI with server-side pages (Jinja2, autoescaped) and htmx for the clicks; the JSON
API under ``/api``. htmx is shipped in ``static/htmx.min.js`` (htmx.org 2.0.11, licence
0BSD, from the npm registry); nothing is loaded from the internet at run time.
Routes call the same library functions as the CLI (:mod:`kontaktplan.web.actions`).
"""

from kontaktplan.web.app import create_app
from kontaktplan.web.workspace import WebWorkspace

__all__ = ["WebWorkspace", "create_app"]
