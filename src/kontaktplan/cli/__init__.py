"""The ``kontaktplan`` command line: parse options, call the library, print, set the exit code.

One module per command group (:mod:`.plan`, :mod:`.validate`, :mod:`.disruption`,
:mod:`.report`, :mod:`.exchange`, :mod:`.scenario`); what they share (the folder
argument, ``--quiet``/``--json``, reading a folder, the error exit) is in
:mod:`.common`, progress on the terminal in :mod:`.progress`; :mod:`.app` puts them
together. Exit codes: 0 ok; 1 the schedule breaks a hard rule; 2 bad input.
"""

from kontaktplan.cli.app import app

__all__ = ["app"]
