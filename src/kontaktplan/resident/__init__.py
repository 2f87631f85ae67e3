"""The resident process: the program kept loaded, a fresh copy of it per command.

:mod:`.channel` (standard library only) is how the launcher (:mod:`kontaktplan.launcher`)
reaches it; :mod:`.server` is the process itself (``kontaktplan resident start``).
"""
