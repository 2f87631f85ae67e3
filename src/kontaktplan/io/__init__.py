"""Reading and writing the exchange formats: the scenario folder (FORMAT.md)."""

from kontaktplan.io.folder import FILES, InputError, Loaded, read_scenario, write_scenario

__all__ = ["FILES", "InputError", "Loaded", "read_scenario", "write_scenario"]
