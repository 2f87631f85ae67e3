"""The office workspace: one database (SQLite file or PostgreSQL) the whole office works
in. Owns the tables (:mod:`.schema`) and their Alembic migrations (``migrations/``),
import and export of scenario folders, loading a consistent snapshot, committing an
action's changes with its event under optimistic concurrency, the event log, undo and
purge. Folders stay the exchange format; the store reads and writes them with
:mod:`kontaktplan.io`.
"""

from kontaktplan.store.changes import RUNS, commit, running_again, turn
from kontaktplan.store.engine import Workspace, open_workspace
from kontaktplan.store.history import Event, log, purge, undo
from kontaktplan.store.workspace import (
    Busy,
    Conflict,
    Snapshot,
    StoreError,
    export,
    import_folder,
    init,
    load,
    teams_of,
)

__all__ = [
    "RUNS",
    "Busy",
    "Conflict",
    "Event",
    "Snapshot",
    "StoreError",
    "Workspace",
    "commit",
    "export",
    "import_folder",
    "init",
    "load",
    "log",
    "open_workspace",
    "purge",
    "running_again",
    "teams_of",
    "turn",
    "undo",
]
