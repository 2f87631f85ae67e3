"""The error and warning lines of every command, in German and English.

What ends a command with ``error: …`` (``Fehler: …``) and what it warns of with
``warning: …`` (``Warnung: …``): bad input named by file, row and column, refused
output paths, a folder or workspace changed meanwhile, bad options; and what the web app
refuses (``web.*``: its pages say it in German, its JSON API in English). The messages are
built as :class:`~kontaktplan.i18n.phrase.Phrase` (or raised as an exception whose first
argument is one, see :func:`message_of`), so that their English text stays what tests,
scripts and the event log rely on, and :func:`kontaktplan.cli.common.fail` says them in
the command's language. Merged into :data:`kontaktplan.i18n.CATALOGUE`.

Words that come from outside the product (the operating system's reason a file cannot
be read, pydantic's description of a bad value) keep their English as they came
(:class:`Worded`); their German comes from the entries ``os.<errno>`` and
``pyd.<error type>``, and a cause without an entry stays in English.
"""

from __future__ import annotations

import errno
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from kontaktplan.i18n.phrase import Phrase

if TYPE_CHECKING:
    from kontaktplan.i18n import Lang

__all__ = [
    "ERRORS",
    "Choices",
    "Worded",
    "csv_reason",
    "message_of",
    "os_reason",
    "place",
    "pydantic_reason",
    "reason_of",
    "toml_reason",
    "utf8_reason",
]


def message_of(error: BaseException) -> str:
    """The message ``error`` was raised with: a :class:`Phrase` where it was raised with
    one (said in any language), else its text."""
    if error.args and isinstance(error.args[0], Phrase):
        return error.args[0]
    return str(error)


def place(file: str, row: int | None = None, column: str | None = None) -> str:
    """Where bad input is: ``file``, ``file, row 3``, ``file, column 'x'`` or
    ``file, row 3, column 'x'`` (row 1 is the header)."""
    if row and column:
        return Phrase("err.place_row_column", file=file, row=row, column=column)
    if row:
        return Phrase("err.place_row", file=file, row=row)
    if column:
        return Phrase("err.place_column", file=file, column=column)
    return file


class Worded(Phrase):
    """A sentence whose English words come from outside the product (the system, a
    library) and stay as they came; another language says it from catalogue entry
    ``key`` with ``fields``, or in the English words where the catalogue has none."""

    def __new__(cls, english: str, key: str, /, **fields: Any) -> Worded:
        self = str.__new__(cls, english)
        self.key, self.fields = key, {**fields, "_english": english}
        return self

    @staticmethod
    def _render(key: str, fields: dict[str, Any], lang: Lang) -> str:
        from kontaktplan.i18n import CATALOGUE

        if key not in CATALOGUE:
            return fields["_english"]
        return Phrase._render(key, fields, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {k: v for k, v in self.fields.items() if k != "_english"}
        return _worded, (type(self), str.__str__(self), self.key, fields)


def _worded(cls: type[Worded], english: str, key: str, fields: dict[str, Any]) -> Worded:
    return cls(english, key, **fields)


class Choices(Phrase):
    """The values allowed, quoted: ``'a', 'b' or 'c'`` (de: ``… oder 'c'``)."""

    def __new__(cls, items: Iterable[str]) -> Choices:
        return super().__new__(cls, "", items=tuple(items))  # type: ignore[return-value]

    @staticmethod
    def _render(key: str, fields: dict[str, Any], lang: Lang) -> str:
        from kontaktplan.i18n import CATALOGUE

        quoted = [f"'{item}'" for item in fields["items"]]
        if len(quoted) < 2:
            return "".join(quoted)
        return f"{', '.join(quoted[:-1])} {CATALOGUE['err.or'][lang]} {quoted[-1]}"

    def __reduce__(self) -> tuple[Any, ...]:
        return Choices, (self.fields["items"],)


def os_reason(error: OSError, english: str | None = None) -> str:
    """Why the system refused a file operation: in English ``english`` (default: the
    system's words, ``strerror``), in German the catalogue's for the usual causes
    (``os.ENOENT`` …)."""
    name = errno.errorcode.get(error.errno or 0, "")
    return Worded(english or error.strerror or str(error), f"os.{name}")


def utf8_reason(error: UnicodeDecodeError) -> str:
    """Why bytes are not UTF-8 text (``invalid start byte`` …)."""
    return Worded(error.reason, "utf8." + error.reason.replace(" ", "_"))


def csv_reason(error: Exception) -> str:
    """Why the csv module could not read a file (a cell over its size limit …)."""
    text = str(error)
    limit = re.fullmatch(r"field larger than field limit \((\d+)\)", text)
    if limit:
        return Worded(text, "csv.field_limit", limit=int(limit.group(1)))
    return Worded(text, "csv." + text.replace(" ", "_"))


_TOML = {
    "Cannot overwrite a value": "toml.overwrite",
    "Escaped character is not a Unicode scalar value": "toml.escape",
    "Expected '=' after a key in a key/value pair": "toml.equals",
    "Expected ']' at the end of a table declaration": "toml.table_end",
    "Expected ']]' at the end of an array declaration": "toml.array_table_end",
    "Invalid date or datetime": "toml.date",
    "Invalid hex value": "toml.hex",
    "Invalid initial character for a key part": "toml.key",
    "Invalid statement": "toml.statement",
    "Invalid value": "toml.value",
    "Unclosed array": "toml.array",
    "Unclosed inline table": "toml.inline_table",
    "Unescaped '\\' in a string": "toml.backslash",
    "Unterminated string": "toml.string",
    "Expected newline or end of document after a statement": "toml.newline",
}


def toml_reason(error: Exception) -> str:
    """What the TOML parser found wrong, and where (line and column, or the end)."""
    text = str(error)
    found = re.fullmatch(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", text)
    if found is None:
        return Worded(text, _TOML.get(text, "toml.?"))
    what, line, column = found.groups()
    said = Worded(what, _TOML.get(what, "toml.?"))
    if line is None:
        return Worded(text, "toml.at_end", what=said)
    return Worded(text, "toml.at", what=said, line=int(line), column=int(column))


_JSON = {
    "Expecting value": "json.value",
    "Expecting property name enclosed in double quotes": "json.name",
    "Expecting ',' delimiter": "json.comma",
    "Expecting ':' delimiter": "json.colon",
    "Unterminated string starting at": "json.string",
    "Invalid control character at": "json.control",
    "Extra data": "json.extra",
}


def json_reason(error: json.JSONDecodeError) -> str:
    """What the JSON parser found wrong, and where (line and column)."""
    what = Worded(error.msg, _JSON.get(error.msg, "json.?"))
    return Worded(str(error), "json.at", what=what, line=error.lineno, column=error.colno)


def reason_of(error: Exception) -> str:
    """Why an operation failed, in any language where the product knows the words: the
    phrase an error of ours was raised with, the reason of a file that is no UTF-8, TOML
    or JSON, the system's reason; else the error's English text."""
    said = message_of(error)
    if isinstance(said, Phrase):
        return said
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        setting = ".".join(str(part) for part in first["loc"])
        return Worded(said, "err.at", where=setting, message=pydantic_reason(first))
    if isinstance(error, json.JSONDecodeError):
        return json_reason(error)
    if isinstance(error, tomllib.TOMLDecodeError):
        return toml_reason(error)
    if isinstance(error, UnicodeDecodeError):
        return Worded(said, "err.not_utf8", reason=utf8_reason(error), byte=error.start)
    if isinstance(error, OSError):
        return os_reason(error, said)
    return said


def pydantic_reason(err: Mapping[str, Any]) -> str:
    """A pydantic error's message (``err['msg']`` in English, without ``Value error, ``);
    in German from ``pyd.<type>`` with its context; a check of ours that raised a
    :class:`Phrase` says that phrase."""
    kind, ctx = err["type"], dict(err.get("ctx") or {})
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "value_error":
        inner = ctx.get("error")
        said = message_of(inner) if isinstance(inner, BaseException) else message
        return said if isinstance(said, Phrase) else message
    if "expected" in ctx:
        ctx["expected"] = Choices(re.findall(r"'([^']*)'", str(ctx["expected"])))
    fields = {k: _number(v) for k, v in ctx.items() if k != "error"}
    return Worded(message, f"pyd.{kind}", **fields)


def _number(value: Any) -> Any:
    """A bound as pydantic writes it: ``1``, not ``1.0``."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


ERRORS: dict[str, dict[str, str]] = {
    # --- the lines themselves ---
    "err.line": {"de": "Fehler: {message}", "en": "error: {message}"},
    "warn.line": {"de": "Warnung: {message}", "en": "warning: {message}"},
    "err.at": {"de": "{where}: {message}", "en": "{where}: {message}"},
    "err.place_row": {"de": "{file}, Zeile {row}", "en": "{file}, row {row}"},
    "err.place_column": {"de": "{file}, Spalte {column!r}", "en": "{file}, column {column!r}"},
    "err.place_row_column": {
        "de": "{file}, Zeile {row}, Spalte {column!r}",
        "en": "{file}, row {row}, column {column!r}",
    },
    "err.or": {"de": "oder", "en": "or"},
    "err.got": {"de": "{message} (erhalten: {got!r})", "en": "{message} (got {got!r})"},
    # --- the system's reasons (os_reason); English as the C library says them ---
    "os.ENOENT": {"de": "Datei oder Ordner nicht gefunden", "en": "No such file or directory"},
    "os.EACCES": {"de": "Zugriff verweigert", "en": "Permission denied"},
    "os.EPERM": {"de": "Vorgang nicht erlaubt", "en": "Operation not permitted"},
    "os.EISDIR": {"de": "ist ein Ordner", "en": "Is a directory"},
    "os.ENOTDIR": {"de": "ist kein Ordner", "en": "Not a directory"},
    "os.ENOSPC": {"de": "kein Platz mehr auf dem Datenträger", "en": "No space left on device"},
    "os.EROFS": {"de": "Dateisystem nur lesbar", "en": "Read-only file system"},
    "os.ENAMETOOLONG": {"de": "Dateiname zu lang", "en": "File name too long"},
    "os.ELOOP": {
        "de": "zu viele Ebenen symbolischer Verknüpfungen",
        "en": "Too many levels of symbolic links",
    },
    "os.EEXIST": {"de": "Datei existiert bereits", "en": "File exists"},
    "os.ENOTEMPTY": {"de": "Ordner ist nicht leer", "en": "Directory not empty"},
    "os.EBUSY": {"de": "Gerät oder Ressource belegt", "en": "Device or resource busy"},
    "os.EINVAL": {"de": "ungültiges Argument", "en": "Invalid argument"},
    "os.EIO": {"de": "Ein-/Ausgabefehler", "en": "Input/output error"},
    "os.EXDEV": {
        "de": "Verschieben zwischen Dateisystemen nicht möglich",
        "en": "Invalid cross-device link",
    },
    "os.EDQUOT": {"de": "Speicherkontingent überschritten", "en": "Disk quota exceeded"},
    "os.ENXIO": {"de": "Gerät oder Adresse nicht vorhanden", "en": "No such device or address"},
    # --- pydantic's descriptions of a bad value (pydantic_reason); English as it says them ---
    "pyd.missing": {"de": "Angabe fehlt", "en": "Field required"},
    "pyd.extra_forbidden": {"de": "unbekannte Angabe", "en": "Extra inputs are not permitted"},
    "pyd.enum": {"de": "erlaubt ist {expected}", "en": "Input should be {expected}"},
    "pyd.literal_error": {"de": "erlaubt ist {expected}", "en": "Input should be {expected}"},
    "pyd.greater_than": {
        "de": "muss größer als {gt} sein",
        "en": "Input should be greater than {gt}",
    },
    "pyd.greater_than_equal": {
        "de": "muss mindestens {ge} sein",
        "en": "Input should be greater than or equal to {ge}",
    },
    "pyd.less_than": {"de": "muss kleiner als {lt} sein", "en": "Input should be less than {lt}"},
    "pyd.less_than_equal": {
        "de": "darf höchstens {le} sein",
        "en": "Input should be less than or equal to {le}",
    },
    "pyd.string_too_short": {
        "de": "muss mindestens {min_length} Zeichen haben",
        "en": "String should have at least {min_length} character",
    },
    "pyd.string_too_long": {
        "de": "darf höchstens {max_length} Zeichen haben",
        "en": "String should have at most {max_length} characters",
    },
    "pyd.string_type": {"de": "muss ein Text sein", "en": "Input should be a valid string"},
    "pyd.int_type": {"de": "muss eine ganze Zahl sein", "en": "Input should be a valid integer"},
    "pyd.int_parsing": {
        "de": "muss eine ganze Zahl sein",
        "en": "Input should be a valid integer, unable to parse string as an integer",
    },
    "pyd.int_from_float": {
        "de": "muss eine ganze Zahl sein",
        "en": "Input should be a valid integer, got a number with a fractional part",
    },
    "pyd.float_type": {"de": "muss eine Zahl sein", "en": "Input should be a valid number"},
    "pyd.float_parsing": {
        "de": "muss eine Zahl sein",
        "en": "Input should be a valid number, unable to parse string as a number",
    },
    "pyd.finite_number": {
        "de": "muss eine endliche Zahl sein",
        "en": "Input should be a finite number",
    },
    "pyd.bool_type": {"de": "muss ein Wahrheitswert sein", "en": "Input should be a valid boolean"},
    "pyd.bool_parsing": {
        "de": "muss ein Wahrheitswert sein",
        "en": "Input should be a valid boolean, unable to interpret input",
    },
    "pyd.date_type": {"de": "muss ein Datum sein", "en": "Input should be a valid date"},
    "pyd.date_parsing": {
        "de": "muss ein Datum JJJJ-MM-TT sein",
        "en": "Input should be a valid date in the format YYYY-MM-DD",
    },
    "pyd.date_from_datetime_parsing": {
        "de": "muss ein Datum JJJJ-MM-TT sein",
        "en": "Input should be a valid date or datetime",
    },
    "pyd.date_from_datetime_inexact": {
        "de": "muss ein Datum ohne Uhrzeit sein",
        "en": "Datetimes provided to dates should have zero time - e.g. be exact dates",
    },
    "pyd.datetime_type": {
        "de": "muss ein Zeitpunkt sein",
        "en": "Input should be a valid datetime",
    },
    "pyd.datetime_parsing": {
        "de": "muss ein Zeitpunkt JJJJ-MM-TTTHH:MM sein",
        "en": "Input should be a valid datetime",
    },
    "pyd.dict_type": {"de": "muss eine Tabelle sein", "en": "Input should be a valid dictionary"},
    "pyd.list_type": {"de": "muss eine Liste sein", "en": "Input should be a valid list"},
    "pyd.model_type": {
        "de": "muss eine Tabelle sein",
        "en": "Input should be a valid dictionary or instance of the model",
    },
    "utf8.invalid_start_byte": {"de": "ungültiges Startbyte", "en": "invalid start byte"},
    "utf8.invalid_continuation_byte": {
        "de": "ungültiges Folgebyte",
        "en": "invalid continuation byte",
    },
    "utf8.unexpected_end_of_data": {
        "de": "unerwartetes Ende der Daten",
        "en": "unexpected end of data",
    },
    "csv.field_limit": {
        "de": "Zelle länger als die Grenze von {limit} Zeichen",
        "en": "field larger than field limit ({limit})",
    },
    "csv.line_contains_NUL": {"de": "Zeile enthält ein NUL-Zeichen", "en": "line contains NUL"},
    # --- a scenario folder's tables (kontaktplan.io.csvtable) ---
    "err.not_utf8": {
        "de": "kein UTF-8-Text ({reason} bei Byte {byte})",
        "en": "not UTF-8 text ({reason} at byte {byte})",
    },
    "err.not_csv": {
        "de": "nicht als CSV lesbar ({reason})",
        "en": "not readable as CSV ({reason})",
    },
    "err.empty_file": {
        "de": "leere Datei: eine Kopfzeile ist nötig",
        "en": "empty file: a header row is required",
    },
    "err.missing_column": {"de": "Spalte fehlt", "en": "missing column"},
    "err.column_twice": {"de": "Spalte doppelt angegeben", "en": "column given twice"},
    "err.too_many_cells": {
        "de": "{cells} Zellen, aber {columns} Spalten",
        "en": "{cells} cells but {columns} columns",
    },
    "err.value_required": {"de": "Wert fehlt", "en": "value required"},
    "err.not_boolean": {
        "de": "{text!r} ist kein Wahrheitswert (true/false, 1/0, ja/nein)",
        "en": "{text!r} is not a boolean (true/false, 1/0, ja/nein)",
    },
    "err.not_date": {
        "de": "{text!r} ist kein Datum JJJJ-MM-TT",
        "en": "{text!r} is not a date YYYY-MM-DD",
    },
    "err.not_time": {
        "de": "{text!r} ist kein Zeitpunkt JJJJ-MM-TTTHH:MM (z. B. 2026-12-07T08:15)",
        "en": "{text!r} is not a time YYYY-MM-DDTHH:MM",
    },
    "err.time_zone": {
        "de": "{text!r}: bitte Ortszeit der Dienststelle ohne Zeitzone angeben",
        "en": "{text!r}: give local office time without a time zone",
    },
    "err.not_number": {"de": "{text!r} ist keine Zahl", "en": "{text!r} is not a number"},
    # --- a row's own checks (kontaktplan.domain) ---
    "err.must_be_after": {
        "de": "{field} muss nach {earlier} liegen",
        "en": "{field} must be after {earlier}",
    },
    "err.must_be_on_or_after": {
        "de": "{field} darf nicht vor {earlier} liegen",
        "en": "{field} must be on or after {earlier}",
    },
    "err.half_day": {"de": "ein halber Tag ist AM oder PM", "en": "half must be AM or PM"},
    "err.unknown_weekday": {
        "de": "unbekannter Wochentag {day!r} in {text!r} (Mon..Sun, z. B. Mon;Wed-AM)",
        "en": "unknown weekday {day!r} in {text!r} (use Mon..Sun, e.g. Mon;Wed-AM)",
    },
    "err.unknown_half_day": {
        "de": "unbekannter halber Tag {half!r} in {text!r} (AM oder PM, z. B. Wed-AM)",
        "en": "unknown half day {half!r} in {text!r} (use AM or PM, e.g. Wed-AM)",
    },
    "err.customer_mode": {
        "de": "die bevorzugte Kontaktform eines Kunden ist in_person oder video",
        "en": "a customer's preferred mode is in_person or video",
    },
    "err.slot_one_day": {
        "de": "ein Slot muss am selben Tag beginnen und enden",
        "en": "a slot must start and end on the same day",
    },
    # --- the TOML parser's words (toml_reason); English as tomllib says them ---
    "toml.at": {
        "de": "{what} (in Zeile {line}, Spalte {column})",
        "en": "{what} (at line {line}, column {column})",
    },
    "toml.at_end": {"de": "{what} (am Ende der Datei)", "en": "{what} (at end of document)"},
    "toml.overwrite": {
        "de": "ein Wert wird überschrieben (Schlüssel doppelt)",
        "en": "Cannot overwrite a value",
    },
    "toml.escape": {
        "de": "Escape-Zeichen ist kein Unicode-Zeichen",
        "en": "Escaped character is not a Unicode scalar value",
    },
    "toml.equals": {
        "de": "'=' nach dem Schlüssel erwartet",
        "en": "Expected '=' after a key in a key/value pair",
    },
    "toml.table_end": {
        "de": "']' am Ende der Tabellenüberschrift erwartet",
        "en": "Expected ']' at the end of a table declaration",
    },
    "toml.array_table_end": {
        "de": "']]' am Ende der Überschrift erwartet",
        "en": "Expected ']]' at the end of an array declaration",
    },
    "toml.date": {
        "de": "ungültiges Datum oder ungültige Uhrzeit",
        "en": "Invalid date or datetime",
    },
    "toml.hex": {"de": "ungültiger Hexadezimalwert", "en": "Invalid hex value"},
    "toml.key": {
        "de": "ungültiges erstes Zeichen eines Schlüssels",
        "en": "Invalid initial character for a key part",
    },
    "toml.statement": {"de": "ungültige Anweisung", "en": "Invalid statement"},
    "toml.value": {"de": "ungültiger Wert", "en": "Invalid value"},
    "toml.array": {"de": "Liste nicht geschlossen", "en": "Unclosed array"},
    "toml.inline_table": {"de": "Inline-Tabelle nicht geschlossen", "en": "Unclosed inline table"},
    "toml.backslash": {"de": "'\\' ohne Escape in einem Text", "en": "Unescaped '\\' in a string"},
    "toml.string": {"de": "Text nicht abgeschlossen", "en": "Unterminated string"},
    "toml.newline": {
        "de": "Zeilenende oder Dateiende nach einer Anweisung erwartet",
        "en": "Expected newline or end of document after a statement",
    },
    # --- a scenario folder (kontaktplan.io.folder) ---
    "err.not_found_in": {"de": "nicht gefunden in {folder}", "en": "not found in {folder}"},
    "err.unknown_region": {
        "de": "unbekannte Region {region!r} (ein Länder- oder Bundeslandcode, z. B. DE-BW)",
        "en": "unknown region {region!r} (a country or country-subdivision code, e.g. DE-BW)",
    },
    "err.policy_invalid": {
        "de": "ungültige Regelwerksdatei: {reason}",
        "en": "invalid policy file: {reason}",
    },
    "err.policy_not_utf8": {
        "de": "Regelwerksdatei ist kein UTF-8-Text ({reason})",
        "en": "policy file is not UTF-8 text ({reason})",
    },
    "err.policy_unreadable": {
        "de": "Regelwerksdatei nicht lesbar ({reason})",
        "en": "policy file cannot be read ({reason})",
    },
    "err.dangling_link": {
        "de": "ist eine symbolische Verknüpfung ins Leere",
        "en": "is a symbolic link to nothing",
    },
    "err.old_write": {
        "de": "kein solcher Ordner; ein abgebrochener Schreibvorgang einer älteren Version von "
        "kontaktplan hat ihn als {old} hinterlassen: bitte wieder in {name} umbenennen",
        "en": "no such folder; an interrupted write of an older kontaktplan left it as "
        "{old}: rename that back to {name}",
    },
    "err.no_folder": {"de": "kein solcher Ordner", "en": "no such folder"},
    "err.not_a_folder": {"de": "kein Ordner", "en": "not a folder"},
    "err.duplicate_id": {
        "de": "doppelte ID {id!r} (zuerst in Zeile {first})",
        "en": "duplicate id {id!r} (first in row {first})",
    },
    "err.unknown_specialist": {
        "de": "unbekannte Fachkraft {id!r}",
        "en": "unknown specialist {id!r}",
    },
    "err.unknown_customer": {"de": "unbekannter Kunde {id!r}", "en": "unknown customer {id!r}"},
    "err.unknown_appointment": {
        "de": "unbekannter Termin {id!r}",
        "en": "unknown appointment {id!r}",
    },
    "err.unknown_category": {
        "de": "unbekannte Kategorie {category!r} im Regelwerk {policy} (bekannt: {known})",
        "en": "unknown category {category!r} for policy {policy} (known: {known})",
    },
    "err.slot_overlap": {
        "de": "Slot überschneidet sich mit dem Slot in Zeile {row} von Fachkraft {specialist}",
        "en": "slot overlaps the slot in row {row} of specialist {specialist}",
    },
    "warn.held_without_slot": {
        "de": "stattgefundener Termin am {day} an einem Tag ohne Slot von {specialist}; "
        "als Verlauf behalten",
        "en": "held appointment on {day} on a day without a slot of {specialist}; kept as history",
    },
    "warn.more_held_without_slot": {
        "de": "{n} weitere stattgefundene Termine ohne Slot",
        "en": "{n} more held appointments without slot",
    },
    # --- what the product accepts beyond a cell's type (kontaktplan.io.inputs) ---
    "err.date_outside": {
        "de": "Datum außerhalb von {first} .. {last}",
        "en": "date outside {first} .. {last}",
    },
    "err.value_outside": {
        "de": "Datum {value} außerhalb von {first} .. {last}",
        "en": "date {value} outside {first} .. {last}",
    },
    "err.id_pattern": {
        "de": "ID {id} passt nicht zum ID-Muster {pattern} (nur pseudonyme IDs: keine Namen, "
        "Anschriften oder Geburtsdaten)",
        "en": "id {id} does not match the id pattern {pattern} (pseudonymous ids only: no "
        "names, addresses or birth dates)",
    },
    "err.other_day": {
        "de": "endet an einem anderen Tag ({end})",
        "en": "ends on another day ({end})",
    },
    "err.free_text": {
        "de": "Freitext muss eine Zeile mit höchstens {limit} Zeichen sein",
        "en": "free text must be one line of at most {limit} characters",
    },
    # --- output paths (kontaktplan.io.output) ---
    "what.link": {"de": "eine symbolische Verknüpfung", "en": "a symbolic link"},
    "what.fifo": {"de": "eine FIFO (benannte Pipe)", "en": "a FIFO (named pipe)"},
    "what.socket": {"de": "ein Socket", "en": "a socket"},
    "what.device": {"de": "ein Gerät", "en": "a device"},
    "what.not_regular": {"de": "keine normale Datei", "en": "not a regular file"},
    "what.file": {"de": "eine Datei", "en": "a file"},
    "what.folder": {"de": "ein Ordner", "en": "a folder"},
    "err.out_empty": {"de": "bitte einen Pfad angeben", "en": "give a path"},
    "err.out_link": {
        "de": "{option} ist eine symbolische Verknüpfung; bitte den echten Pfad angeben",
        "en": "{option} is a symbolic link; give the real path",
    },
    "err.out_under_file": {
        "de": "{option} liegt unter {parent}, und das ist kein Ordner",
        "en": "{option} lies under {parent}, which is not a folder",
    },
    "err.out_long": {
        "de": "{option}: der Name ist zu lang",
        "en": "{option}: the name is too long",
    },
    "err.out_not_folder": {
        "de": "{option} ist {what}; bitte einen Ordner angeben, in den das Szenario "
        "geschrieben wird",
        "en": "{option} is {what}; give a folder to write the scenario to",
    },
    "err.out_inside": {
        "de": "{option} liegt im Eingabeordner {input}; bitte einen anderen wählen",
        "en": "{option} lies inside the input {input}; choose another",
    },
    "err.out_contains": {
        "de": "{option} enthält den Eingabeordner {input}; bitte einen anderen wählen",
        "en": "{option} contains the input {input}; choose another",
    },
    "err.out_foreign": {
        "de": "{option} gibt es schon, und es ist kein von kontaktplan geschriebener "
        "Szenario-Ordner; es wird nicht hineingeschrieben (bitte einen neuen oder leeren "
        "Ordner wählen)",
        "en": "{option} exists and is not a scenario folder written by kontaktplan; "
        "refusing to write into it (choose a new or empty folder)",
    },
    "err.out_hand_made": {
        "de": "{option} enthält einen Szenario-Ordner, den nicht kontaktplan geschrieben hat; "
        "mit --force werden seine Szenario-Dateien ersetzt, sonst bitte einen neuen Ordner "
        "wählen",
        "en": "{option} holds a scenario folder that kontaktplan did not write; "
        "give --force to replace its scenario files, or choose a new folder",
    },
    "err.out_other": {
        "de": "{option} enthält ein anderes Ergebnis (geschrieben von {by} aus {source} oder "
        "aus einem früheren Stand davon); mit --force wird es ersetzt, sonst bitte einen "
        "neuen Ordner wählen",
        "en": "{option} holds another result (written by {by} from {source}, or from an "
        "earlier state of it); give --force to replace it, or choose a new folder",
    },
    "err.out_by_library": {"de": "einem Bibliotheksaufruf", "en": "a library call"},
    "err.out_no_input": {"de": "keinem Eingabeordner", "en": "no input folder"},
    "err.out_suffix": {
        "de": "{option} muss ein Dateiname mit der Endung {suffix} sein",
        "en": "{option} must be a file name ending in {suffix}",
    },
    "err.out_not_file": {
        "de": "{option} ist {what}; bitte die zu schreibende Datei angeben",
        "en": "{option} is {what}; name the file to write",
    },
    "err.out_foreign_file": {
        "de": "{option} gibt es schon, und kontaktplan hat die Datei nicht geschrieben; mit "
        "--force wird sie ersetzt",
        "en": "{option} exists and was not written by kontaktplan; give --force to replace it",
    },
    "err.out_give_folder": {
        "de": "{option} ist {what}; bitte einen Ordner angeben",
        "en": "{option} is {what}; give a folder",
    },
    "err.out_not_ics": {
        "de": "{option} enthält andere Dateien als .ics ({files}); bitte einen neuen oder "
        "einen früheren Export-Ordner wählen",
        "en": "{option} holds other files than .ics ({files}); "
        "choose a new or an earlier export folder",
    },
    "err.unreadable": {"de": "nicht lesbar ({reason})", "en": "cannot be read ({reason})"},
    "err.not_a_file": {"de": "ist {what}, keine Datei", "en": "is {what}, not a file"},
    "err.no_permission": {
        "de": "nicht lesbar (keine Berechtigung)",
        "en": "cannot be read (permission denied)",
    },
    "err.cannot_recover": {
        "de": "ein früherer Schreibvorgang in diesen Ordner wurde unterbrochen und kann hier "
        "nicht abgeschlossen werden ({reason}); bitte den Befehl mit Schreibrecht auf den "
        "Ordner wiederholen",
        "en": "an earlier write to this folder was interrupted and cannot be finished here "
        "({reason}); run the command again with write access to the folder",
    },
    "err.changed_meanwhile": {
        "de": "{folder} wurde geändert, während dieser Befehl lief (ein anderer Befehl hat "
        "geschrieben); nichts wurde geschrieben: bitte den Befehl auf dem neuen Stand "
        "wiederholen",
        "en": "{folder} changed while this command ran (another command wrote it); "
        "nothing was written: run the command again on the new state",
    },
    # --- an Excel workbook (kontaktplan.io.xlsx) ---
    "zip.bad": {"de": "keine ZIP-Datei", "en": "File is not a zip file"},
    "err.no_file_at": {"de": "keine solche Datei: {path}", "en": "no such file: {path}"},
    "err.xls": {
        "de": "das alte Excel-Format .xls: bitte in Excel erst als .xlsx speichern",
        "en": "the old Excel format .xls: save it as .xlsx in Excel first",
    },
    "err.not_xlsx": {
        "de": "keine Excel-Arbeitsmappe: bitte eine .xlsx-Datei angeben",
        "en": "not an Excel workbook: give a .xlsx file",
    },
    "err.not_xlsx_because": {
        "de": "keine Excel-Arbeitsmappe (.xlsx): {reason}",
        "en": "not an Excel workbook (.xlsx): {reason}",
    },
    "err.no_sheet": {
        "de": "Blatt nicht in der Arbeitsmappe (sie hat: {sheets})",
        "en": "sheet not found in the workbook (it has: {sheets})",
    },
    "err.unknown_key": {
        "de": "unbekannter Schlüssel {key!r} (bekannt: {known})",
        "en": "unknown key {key!r} (known: {known})",
    },
    "err.empty_sheet": {
        "de": "leeres Blatt: eine Kopfzeile ist nötig",
        "en": "empty sheet: a header row is required",
    },
    "err.no_header": {
        "de": "Wert {value} in Spalte {letter}, die keine Überschrift hat",
        "en": "value {value} in column {letter}, which has no header",
    },
    # --- the command line (kontaktplan.cli) ---
    "err.bad_day": {
        "de": "{option}: {text!r} ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT, z. B. 07.12.2026)",
        "en": "{option}: {text!r} is not a date (DD.MM.YYYY or YYYY-MM-DD, e.g. 07.12.2026)",
    },
    "warn.more": {
        "de": "... und {n} weitere (kontaktplan validate --all)",
        "en": "... and {n} more (kontaktplan validate --all)",
    },
    "err.cannot_write": {
        "de": "{path}: kann nicht geschrieben werden ({reason}); nichts geschrieben",
        "en": "{path}: cannot write ({reason}); nothing written",
    },
    # --- the JSON parser's words (reason_of); English as the json module says them ---
    "json.at": {
        "de": "{what}: Zeile {line}, Spalte {column}",
        "en": "{what}: line {line} column {column}",
    },
    "json.value": {"de": "Wert erwartet", "en": "Expecting value"},
    "json.name": {
        "de": "Name in doppelten Anführungszeichen erwartet",
        "en": "Expecting property name enclosed in double quotes",
    },
    "json.comma": {"de": "',' erwartet", "en": "Expecting ',' delimiter"},
    "json.colon": {"de": "':' erwartet", "en": "Expecting ':' delimiter"},
    "json.string": {"de": "Text nicht abgeschlossen", "en": "Unterminated string starting at"},
    "json.control": {"de": "ungültiges Steuerzeichen", "en": "Invalid control character at"},
    "json.extra": {"de": "überzählige Daten", "en": "Extra data"},
    # --- plan.json (kontaktplan.io.plan_log) ---
    "err.not_a_list": {"de": "{key!r} ist keine Liste", "en": "{key!r} is not a list"},
    "err.bad_plan_json": {
        "de": "{path}: kein plan.json, das dieses Programm lesen kann ({reason})",
        "en": "{path}: not a plan.json this product can read ({reason})",
    },
    # --- kontaktplan report ---
    "err.report_folder": {
        "de": "--out: {out} ist ein Ordner; bitte die zu schreibende HTML-Datei angeben",
        "en": "--out: {out} is a folder; name the HTML file to write",
    },
    "err.not_json": {"de": "{path}: kein JSON ({reason})", "en": "{path}: not JSON ({reason})"},
    "err.cannot_read": {"de": "nicht lesbar ({reason})", "en": "cannot read ({reason})"},
    "err.no_rows": {
        "de": "keine Zeilen (mit kontaktplan simulate schreiben)",
        "en": "no rows (write it with kontaktplan simulate)",
    },
    "err.not_simulation": {
        "de": "kein Simulationsergebnis (Spalte {column!r} fehlt; mit kontaktplan simulate "
        "schreiben)",
        "en": "not a simulation result (missing column {column!r}; "
        "write it with kontaktplan simulate)",
    },
    "err.week_numbers": {
        "de": "{path}: Zeile {row}: Woche und Replikation müssen Zahlen sein",
        "en": "{path}: row {row}: week and replication must be numbers",
    },
    # --- the disruption commands' options (kontaktplan.cli.disruption) ---
    "err.bad_moment": {
        "de": "--on: {text!r} ist weder ein Datum JJJJ-MM-TT noch ein Zeitpunkt JJJJ-MM-TTTHH:MM",
        "en": "--on: {text!r} is no date YYYY-MM-DD or time YYYY-MM-DDTHH:MM",
    },
    "err.day_outside": {
        "de": "{day} außerhalb von {first} .. {last}",
        "en": "{day} outside {first} .. {last}",
    },
    # --- the front-desk commands' options (kontaktplan.cli.desk) ---
    "err.empty_id": {
        "de": "{option}: {text!r} enthält eine leere ID (IDs durch Kommas getrennt)",
        "en": "{option}: {text!r} holds an empty id (ids separated by commas)",
    },
    "err.status_args": {
        "de": "bitte ID und ERGEBNIS (held, not_held, no_show, voided) angeben, oder --day DATUM",
        "en": "give ID and OUTCOME (held, not_held, no_show, voided), or --day DATE",
    },
    "err.day_options": {
        "de": "--held-except, --no-show und --not-held gehören zu --day",
        "en": "--held-except, --no-show and --not-held go with --day",
    },
    "err.bad_outcome": {
        "de": "das Ergebnis muss held, not_held, no_show oder voided sein, nicht {outcome!r}",
        "en": "status must be held, not_held, no_show or voided, not {outcome!r}",
    },
    "err.day_and_id": {
        "de": "--day erfasst einen ganzen Tag: dazu bitte keine ID und kein ERGEBNIS angeben",
        "en": "--day records a whole day: give no ID and OUTCOME with it",
    },
    "err.no_file": {"de": "keine solche Datei", "en": "no such file"},
    "err.book_out": {
        "de": "--book braucht --out (den zu schreibenden Ordner)",
        "en": "--book needs --out (the folder to write)",
    },
    "err.bad_kind": {
        "de": "--kind muss first_interview oder follow_up sein, nicht {kind!r}",
        "en": "--kind must be first_interview or follow_up, not {kind!r}",
    },
    # --- kontaktplan simulate ---
    "err.sim_input": {
        "de": "bitte einen Szenario-Ordner DIR oder --offices OFFICES.toml angeben",
        "en": "give a scenario folder DIR or --offices OFFICES.toml",
    },
    "err.office_names": {
        "de": "Dienststellennamen müssen eindeutig sein: {names}",
        "en": "office names must be unique: {names}",
    },
    "err.sim_out": {
        "de": "--out {out}: bitte eine .csv- oder .parquet-Datei angeben",
        "en": "--out {out}: give a .csv or .parquet file",
    },
    "err.pyarrow": {
        "de": "--out .parquet braucht pyarrow (pip install pyarrow); oder eine .csv angeben",
        "en": "--out .parquet needs pyarrow (pip install pyarrow); or give a .csv",
    },
    "err.task": {
        "de": "{office} Replikation {n} fehlgeschlagen ({tries} Versuche): {why}",
        "en": "{office} replication {n} failed ({tries} tries): {why}",
    },
    "err.address": {"de": "--address braucht --backend ray", "en": "--address needs --backend ray"},
    "err.ray": {
        "de": "--backend ray braucht Ray: pip install 'kontaktplan[ray]'",
        "en": "--backend ray needs Ray: pip install 'kontaktplan[ray]'",
    },
    # --- a simulation's offices and settings (kontaktplan.simulate) ---
    "err.whole_number": {
        "de": "{key} muss eine ganze Zahl von mindestens {low} sein, nicht {value}",
        "en": "{key} must be a whole number of at least {low}, not {value}",
    },
    "err.office_name": {
        "de": "jede Dienststelle braucht einen Namen",
        "en": "every office needs a name",
    },
    "err.office_folder": {
        "de": "Ordner {folder} gibt es nicht",
        "en": "folder {folder} does not exist",
    },
    "err.office_today": {
        "de": "today muss ein Datum sein (2026-11-23), nicht {today}",
        "en": "today must be a date (2026-11-23), not {today}",
    },
    "err.not_toml": {"de": "kein TOML ({reason})", "en": "not TOML ({reason})"},
    "err.no_offices": {"de": "keine [[office]]-Einträge", "en": "no [[office]] entries"},
    "err.office_at": {"de": "{path}: Dienststelle {n}", "en": "{path}: office {n}"},
    "err.sum_to_one": {
        "de": "{what} muss in der Summe 1 ergeben, nicht {total}",
        "en": "{what} must sum to 1, not {total}",
    },
    "err.negative": {
        "de": "eine Wahrscheinlichkeit ist negativ",
        "en": "a probability is negative",
    },
    "err.cancellation_rates": {
        "de": "die beiden Absagequoten zusammen dürfen 1 nicht übersteigen",
        "en": "the two cancellation rates together must not exceed 1",
    },
    "err.spell": {
        "de": "eine Erkrankung dauert mindestens 1 Arbeitstag",
        "en": "a spell lasts at least 1 working day",
    },
    # --- a rule set (kontaktplan.rules.policy) ---
    "err.rule_needs": {
        "de": "die Regel {rule!r} braucht [density.{table}]",
        "en": "rule {rule!r} needs [density.{table}]",
    },
    "err.density_range": {
        "de": "die Kontaktdichte für {code} muss zwischen 1 und {most} liegen",
        "en": "density for {code} must be between 1 and {most}",
    },
    "err.id_regex": {
        "de": "id_pattern ist kein regulärer Ausdruck ({reason})",
        "en": "id_pattern is not a regular expression ({reason})",
    },
    "err.date_range": {
        "de": "earliest_date < latest_date, beide innerhalb von 1900 .. 2200",
        "en": "earliest_date < latest_date, both within 1900 .. 2200",
    },
    "err.review_unknown": {
        "de": "[category_review] nennt {categories}, die [density] nicht festlegt",
        "en": "[category_review] names {categories}, which [density] does not define",
    },
    "err.policy_unknown": {
        "de": "Regelwerk {name!r} ist weder ein mitgeliefertes Regelwerk ({bundled}) noch eine "
        ".toml-Datei im Szenario-Ordner",
        "en": "policy {name!r} is not a bundled rule set ({bundled}) nor a .toml file in the "
        "scenario folder",
    },
    "err.policy_outside": {
        "de": "Regelwerksdatei {name!r} muss ein Pfad im Szenario-Ordner sein",
        "en": "policy file {name!r} must be a path inside the scenario folder",
    },
    "err.policy_leads_out": {
        "de": "Regelwerksdatei {name!r} führt aus dem Ordner hinaus",
        "en": "policy file {name!r} leads out of the folder",
    },
    "err.policy_not_found": {
        "de": "Regelwerksdatei {name!r} nicht gefunden in {folder}",
        "en": "policy file {name!r} not found in {folder}",
    },
    # --- kontaktplan scenario generate ---
    "err.policy_bad": {
        "de": "{policy}: keine gültige Regelwerksdatei ({reason})",
        "en": "{policy}: not a valid policy file ({reason})",
    },
    # --- the workspace (kontaktplan.store) ---
    "err.store_conflict": {
        "de": "{what} wurde von {actor} um {at} UTC geändert (Ereignis {event}); bitte erneut "
        "ausführen",
        "en": "{what} was changed by {actor} at {at} UTC (event {event}); run again",
    },
    "err.store_row": {"de": "{table} Zeile {key}", "en": "{table} row {key}"},
    "err.store_specialist": {"de": "Fachkraft {specialist}", "en": "specialist {specialist}"},
    "err.store_new_id": {"de": "die neue ID {key} ({table})", "en": "the new id {key} ({table})"},
    "err.store_not_empty": {
        "de": "der Arbeitsbereich enthält schon eine Dienststelle (für den Import einen neuen "
        "anlegen)",
        "en": "the workspace already holds an office (make a new one to import)",
    },
    "err.store_busy": {
        "de": "ein anderer Vorgang hält den Arbeitsbereich seit über {seconds} s zum Schreiben "
        "(ein beim Speichern angehaltener Befehl?); nichts wurde geschrieben, bitte erneut "
        "ausführen",
        "en": "another action has held the workspace for writing for over {seconds} s (a "
        "command stopped while committing?); nothing was written, run again",
    },
    "err.lock_wait": {
        "de": "{name}={value}: erwartet wird eine Zahl von Sekunden über 0 und bis 3600",
        "en": "{name}={value}: expected a number of seconds above 0 and up to 3600",
    },
    "err.store_empty": {
        "de": "der Arbeitsbereich ist leer (füllen mit: kontaktplan db import DIR)",
        "en": "the workspace is empty (fill it with: kontaktplan db import DIR)",
    },
    "err.no_workspace_at": {
        "de": "kein Arbeitsbereich unter {path} (anlegen mit: kontaktplan db init)",
        "en": "no workspace at {path} (make one with: kontaktplan db init)",
    },
    "err.no_event": {
        "de": "kein Ereignis {event} im Protokoll",
        "en": "no event {event} in the log",
    },
    "err.nothing_to_undo": {"de": "nichts rückgängig zu machen", "en": "nothing to undo"},
    "err.no_undo": {
        "de": "Ereignis {event} ({command}) kann nicht rückgängig gemacht werden",
        "en": "event {event} ({command}) cannot be undone",
    },
    "err.undo_undo": {
        "de": "Ereignis {event} ist selbst ein Rückgängigmachen; das wird nicht rückgängig gemacht",
        "en": "event {event} is itself an undo; undo is not undone",
    },
    "err.undone": {
        "de": "Ereignis {event} wurde schon rückgängig gemacht",
        "en": "event {event} was undone already",
    },
    "err.changed_by": {
        "de": " von Ereignis {event} ({command}, {actor})",
        "en": " by event {event} ({command}, {actor})",
    },
    "err.changed_later": {"de": " später", "en": " later"},
    "err.undo_changed": {
        "de": "Ereignis {event} kann nicht rückgängig gemacht werden: {row} wurde{by} geändert; "
        "bitte zuerst jenes rückgängig machen",
        "en": "cannot undo event {event}: {row} was changed{by}; undo that first",
    },
    "err.no_retention": {
        "de": "das Regelwerk {policy} legt keine Aufbewahrungsfrist fest ([retention] "
        "closed_history_days); nichts wird gelöscht",
        "en": "the policy {policy} sets no retention period ([retention] "
        "closed_history_days); nothing is purged",
    },
    "err.retention": {
        "de": "--before {before} liegt in der Aufbewahrungsfrist von {days} Tagen "
        "(Regelwerk {policy})",
        "en": "--before {before} is within the retention period of {days} days (policy {policy})",
    },
    "err.retention_give": {
        "de": "{what}: bitte {latest} oder früher angeben",
        "en": "{what}: give {latest} or earlier",
    },
    # --- the workspace commands (kontaktplan.cli.workspace, kontaktplan.cli.web) ---
    "err.resident_lost": {
        "de": "der Hintergrundprozess hat den Befehl ohne Antwort beendet",
        "en": "the resident process ended the command without an answer",
    },
    "err.resident_start": {
        "de": "der Hintergrundprozess ist beendet oder hat nicht binnen {seconds} s "
        "geantwortet (siehe {log})",
        "en": "the resident process ended or did not answer within {seconds} s (see {log})",
    },
    "err.no_workspace": {
        "de": "kein Arbeitsbereich: bitte --db URL angeben oder KONTAKTPLAN_DB setzen",
        "en": "no workspace: give --db URL or set KONTAKTPLAN_DB",
    },
    "err.web_extra": {
        "de": "die Web-App braucht das Extra: pip install 'kontaktplan[web]' ({reason})",
        "en": "the web app needs the extra: pip install 'kontaktplan[web]' ({reason})",
    },
    "err.no_office": {
        "de": "der Arbeitsbereich enthält keine Dienststelle: mit --demo DIR starten (oder "
        "eine importieren)",
        "en": "the workspace holds no office: start with --demo DIR (or import one)",
    },
    "err.missing_folder": {
        "de": "Argument fehlt: bitte zuerst den Szenario-Ordner angeben (oder einen "
        "Arbeitsbereich: --db)",
        "en": "missing argument: give the scenario folder first (or a workspace: --db)",
    },
    "err.folder_and_db": {
        "de": "mit einem Arbeitsbereich (--db oder KONTAKTPLAN_DB) bitte kein Ordner-Argument "
        "angeben",
        "en": "with a workspace (--db or KONTAKTPLAN_DB), leave out the folder argument",
    },
    "err.missing_argument": {
        "de": "Argument fehlt (siehe --help)",
        "en": "missing argument (see --help)",
    },
    "err.missing_out": {
        "de": "Option --out fehlt (der zu schreibende Ordner), oder einen Arbeitsbereich "
        "wählen: --db",
        "en": "missing option --out (the folder to write), or choose a workspace: --db",
    },
    "err.out_and_db": {
        "de": "mit einem Arbeitsbereich bitte kein --out angeben: der Befehl ändert den "
        "Arbeitsbereich",
        "en": "with a workspace, leave out --out: the command changes the workspace",
    },
    "err.no_driver": {
        "de": "kein Datenbanktreiber ({name}): pip install 'kontaktplan[postgres]'",
        "en": "no database driver ({name}): pip install 'kontaktplan[postgres]'",
    },
    "err.no_tables": {
        "de": "der Arbeitsbereich hat noch keine Tabellen (anlegen mit: kontaktplan db init)",
        "en": "the workspace has no tables yet (make them with: kontaktplan db init)",
    },
    "err.old_tables": {
        "de": "die Tabellen des Arbeitsbereichs stammen von einer älteren Kontaktplan-Version "
        "(auf den neuen Stand bringen mit: kontaktplan db init)",
        "en": "the workspace's tables are from an older version of Kontaktplan (bring them "
        "up to date with: kontaktplan db init)",
    },
    # --- web app users (kontaktplan.web.auth) ---
    "err.user_name": {
        "de": "der Benutzername muss 1-100 druckbare Zeichen haben",
        "en": "the user name must be 1-100 printable characters",
    },
    "err.role": {"de": "die Rolle muss eine von {roles} sein", "en": "role must be one of {roles}"},
    "err.password": {
        "de": "das Passwort braucht mindestens 8 Zeichen",
        "en": "the password needs at least 8 characters",
    },
    "err.user_exists": {
        "de": "Benutzer {name!r} gibt es schon",
        "en": "user {name!r} exists already",
    },
}
ERRORS |= {
    # --- the disruption and front-desk library (kontaktplan.disruption) ---
    "err.no_appointment": {
        "de": "kein Termin {id!r} in appointments.csv",
        "en": "no appointment {id!r} in appointments.csv",
    },
    "err.no_appointment_ws": {
        "de": "kein Termin {id!r} im Arbeitsbereich",
        "en": "no appointment {id!r} in the workspace",
    },
    "err.not_planned": {
        "de": "{appointment} hat den Status {status}; nur ein geplanter Termin {what}",
        "en": "{appointment} has status {status}; only a planned appointment {what}",
    },
    "err.can_be_cancelled": {"de": "kann abgesagt werden", "en": "can be cancelled"},
    "err.can_be_missed": {"de": "kann versäumt werden", "en": "can be missed"},
    "err.can_be_resolved": {
        "de": "einer abwesenden Fachkraft wird aufgelöst",
        "en": "of an absent specialist is resolved",
    },
    "err.on_before_today": {
        "de": "--on {on} liegt vor dem Planungsdatum {today} (Ordner oder Arbeitsbereich)",
        "en": "--on {on} lies before the planning date {today} of the folder or workspace",
    },
    "err.before_cancellation": {
        "de": "{appointment} am {day} liegt vor der Absage am {on}",
        "en": "{appointment} on {day} lies before the cancellation {on}",
    },
    "err.fill": {
        "de": "--fill {fill}: nur {n} Kandidat(en)",
        "en": "--fill {fill}: only {n} candidate(s)",
    },
    "err.noshow_early": {
        "de": "{appointment} beginnt {start}, nach {now}: ein Nichterscheinen wird erfasst, "
        "sobald der Termin begonnen hat (den Tag mit --on angeben)",
        "en": "{appointment} starts {start}, after {now}: a no-show is recorded once the "
        "appointment has started (give the day with --on)",
    },
    "err.no_specialist": {
        "de": "unbekannte Fachkraft {id!r} (nicht in specialists.csv)",
        "en": "unknown specialist {id!r} (not in specialists.csv)",
    },
    "err.no_specialist_ws": {
        "de": "unbekannte Fachkraft {id!r} (nicht im Arbeitsbereich)",
        "en": "unknown specialist {id!r} (not in the workspace)",
    },
    "err.to_before_from": {
        "de": "--to {last} liegt vor --from {first}",
        "en": "--to {last} lies before --from {first}",
    },
    "err.not_absent": {
        "de": "{appointment}: {specialist} ist am {day} nicht abwesend; nichts aufzulösen",
        "en": "{appointment}: {specialist} is not absent on {day}; nothing to resolve",
    },
    "err.before_today": {
        "de": "{appointment} am {day} liegt vor dem heutigen Tag {today}",
        "en": "{appointment} on {day} lies before today {today}",
    },
    "err.no_option": {
        "de": "{appointment}: keine freie Zeit der eigenen Fachkraft, der Vertretung oder des "
        "Teams innerhalb von {days} Tagen, die die Frist hält; der Termin bleibt bei der "
        "Teamleitung",
        "en": "{appointment}: no free time of the own specialist, the substitute or the team "
        "within {days} days that keeps the deadline; it stays with the team lead",
    },
    "err.choice": {
        "de": "--choice muss 1 bis {n} sein, nicht {choice}",
        "en": "--choice must be 1 to {n}, not {choice}",
    },
    "err.exempt": {
        "de": "{customer} ist ausgenommen ({exempt}): wird nach diesen Regeln nicht gebucht",
        "en": "{customer} is exempt ({exempt}): not booked under these rules",
    },
    "err.booked_already": {
        "de": "{customer} hat schon {appointment} am {day} bei {specialist}: eine künftige "
        "Buchung je Kunde (erst absagen)",
        "en": "{customer} already has {appointment} on {day} with {specialist}: one future "
        "booking per customer (cancel it first)",
    },
    "err.no_customer": {
        "de": "kein Kunde {id!r} in customers.csv",
        "en": "no customer {id!r} in customers.csv",
    },
    "err.no_customer_ws": {
        "de": "kein Kunde {id!r} im Arbeitsbereich",
        "en": "no customer {id!r} in the workspace",
    },
    "err.no_contact_yet": {
        "de": "{customer} hatte noch keinen qualifizierten Kontakt: der Termin ist ein {kind}",
        "en": "{customer} has no qualified contact yet: the appointment is a {kind}",
    },
    "err.had_contact": {
        "de": "{customer} hatte schon einen qualifizierten Kontakt: der Termin ist ein {kind}",
        "en": "{customer} had a qualified contact: the appointment is a {kind}",
    },
    "err.book_choice": {
        "de": "--book {book}: die Liste hat {n} freie(n) Slot(s)",
        "en": "--book {book}: the list has {n} free slot(s)",
    },
    "err.capacity": {
        "de": "--capacity muss mindestens 1 sein",
        "en": "--capacity must be at least 1",
    },
    "err.group_lead": {
        "de": "{day} liegt weniger als {lead} Tage nach dem Planungsdatum {today} (Vorlauf)",
        "en": "{day} is less than {lead} days after the planning date {today} (lead time)",
    },
    "err.group_slot": {
        "de": "kein freier Slot von {specialist} umfasst {start}-{end} (slots.csv; ein Slot "
        "mit einem Termin ist belegt)",
        "en": "no free slot of {specialist} holds {start}-{end} "
        "(slots.csv; a slot holding an appointment is taken)",
    },
    "group.not_counted": {
        "de": "eine Gruppenberatung zählt nicht für {category}",
        "en": "a group session does not count for {category}",
    },
    "group.first_interview": {"de": "braucht ein Erstgespräch", "en": "needs a first interview"},
    "group.recent": {
        "de": "Gruppenberatung am {last}, weniger als {every} Monate vorher",
        "en": "group session on {last}, less than {every} months before",
    },
    "group.planned": {"de": "bereits geplant", "en": "already planned"},
    "group.last_contact": {"de": "letzter Kontakt {last}", "en": "last contact {last}"},
    "group.left": {"de": "{n} {why}", "en": "{n} {why}"},
    "err.nobody_invited": {
        "de": "kein Kunde von {specialist} kann eingeladen werden ({reasons})",
        "en": "no customer of {specialist} can be invited ({reasons})",
    },
    "err.statuses": {
        "de": "das Ergebnis muss eines von {statuses} sein",
        "en": "status must be one of {statuses}",
    },
    "err.cancelled": {
        "de": "{appointment} wurde vom Kunden abgesagt: er bekommt kein Ergebnis",
        "en": "{appointment} was cancelled by the customer: it gets no outcome",
    },
    "err.cancelled_on": {
        "de": "{appointment} wurde am {on} vom Kunden abgesagt: er bekommt kein Ergebnis",
        "en": "{appointment} was cancelled by the customer on {on}: it gets no outcome",
    },
    "err.has_outcome": {
        "de": "{appointment} hat schon das Ergebnis {status}; ein Ergebnis wird einmal gesetzt, "
        "auf einem geplanten Termin (zum Berichtigen im Quellsystem ändern und neu exportieren)",
        "en": "{appointment} already has the outcome {status}; an outcome is set once, on a "
        "planned appointment (to correct it, change it in the source system and export again)",
    },
    "err.outcome_early": {
        "de": "{appointment} beginnt {start}, nach {now}: ein Ergebnis ({status}) wird gesetzt, "
        "wenn der Termin stattgefunden hat (vorher nur voided; den Tag mit --on angeben)",
        "en": "{appointment} starts {start}, after {now}: an outcome ({status}) is set once the "
        "appointment has taken place (only voided before; give the day with --on)",
    },
    "err.absent_void": {
        "de": "{appointment}: {specialist} ist am {day} abwesend, und eine Abwesenheit sagt nie "
        "einen Termin ab (docs/rules.md): übergeben (`kontaktplan absence`, `kontaktplan "
        "replan`) oder mit `kontaktplan resolve` verlegen",
        "en": "{appointment}: {specialist} is absent on {day}, and an absence never cancels an "
        "appointment (docs/rules.md): hand it over (`kontaktplan absence`, `kontaktplan "
        "replan`) or move it with `kontaktplan resolve`",
    },
    "err.both": {
        "de": "{ids}: sowohl --no-show als auch --not-held",
        "en": "{ids}: both --no-show and --not-held",
    },
    "err.no_such_id": {
        "de": "kein Termin mit dieser ID in appointments.csv",
        "en": "no appointment with this id in appointments.csv",
    },
    "err.is_on": {"de": "er ist am {day}", "en": "it is on {day}"},
    "err.has_status": {
        "de": "er hat schon den Status {status}",
        "en": "it already has status {status}",
    },
    "err.not_of_day": {
        "de": "{appointment} ist kein geplanter Termin vom {day}: {why}",
        "en": "{appointment} is no planned appointment of {day}: {why}",
    },
    "err.all_excepted": {
        "de": "kein Ergebnis am {day} zu erfassen: jeder geplante Termin ist ausgenommen",
        "en": "no outcome to record on {day}: every planned appointment is excepted",
    },
    "err.none_planned": {
        "de": "kein geplanter Termin am {day}",
        "en": "no planned appointment on {day}",
    },
    "err.given_twice": {
        "de": "doppelt angegeben (zuerst in Zeile {first})",
        "en": "given twice (first in row {first})",
    },
    "err.an_outcome": {
        "de": "ein Ergebnis ist held, not_held, no_show oder voided",
        "en": "an outcome is held, not_held, no_show or voided",
    },
    "err.no_outcomes": {"de": "keine Ergebniszeilen", "en": "no outcome rows"},
    "err.not_in_folder": {
        "de": "kein Termin {id!r} im Ordner",
        "en": "no appointment {id!r} in the folder",
    },
}
ERRORS |= {
    # --- the web app's refusals and its own reasons (kontaktplan.web); its pages say them
    # in German, the JSON API in English ---
    "web.no_office": {
        "de": "der Arbeitsbereich enthält keine Dienststelle (kontaktplan db import DIR)",
        "en": "the workspace holds no office (kontaktplan db import DIR)",
    },
    "web.version_unknown": {
        "de": "Stand {version} ist unbekannt (die Dienststelle ist bei Stand {current})",
        "en": "version {version} is unknown (the office is at {current})",
    },
    "web.not_candidate": {
        "de": "{candidate!r} ist kein Kandidat für den frei gewordenen Slot",
        "en": "{candidate!r} is not a candidate for the freed slot",
    },
    "web.duty_first": {
        "de": "ab 7 Tagen vorher wird der beste Kandidat sofort eingeladen (Nachbesetzungspflicht)",
        "en": "at 7 days or more the best candidate is invited at once (backfill duty)",
    },
    "web.no_specialist": {"de": "unbekannte Fachkraft {id!r}", "en": "unknown specialist {id!r}"},
    "web.no_customer": {"de": "unbekannter Kunde {id!r}", "en": "unknown customer {id!r}"},
    "web.not_planned_of": {
        "de": "{appointment!r} ist kein geplanter Termin von {specialist} am {day}",
        "en": "{appointment!r} is no planned appointment of {specialist} on {day}",
    },
    "web.none_planned": {
        "de": "{specialist} hat am {day} keinen geplanten Termin",
        "en": "{specialist} has no planned appointment on {day}",
    },
    "web.not_escalated": {
        "de": "{appointment!r} wartet nicht auf die Teamleitung",
        "en": "{appointment!r} is not waiting for the team lead",
    },
    "web.cannot_take": {
        "de": "{specialist!r} kann {appointment} nicht zu dessen Zeit übernehmen",
        "en": "{specialist!r} cannot take {appointment} at its time",
    },
    "web.no_slot": {"de": "kein freier Slot für {customer}", "en": "no free slot for {customer}"},
    "web.no_slot_left": {
        "de": "kein freier Slot für {customer} ({left})",
        "en": "no free slot for {customer} ({left})",
    },
    "web.no_slot_at": {
        "de": "kein freier Slot von {specialist} am {start}, in den {customer} gebucht werden "
        "kann (alle Buchungsregeln)",
        "en": "no free slot of {specialist} at {start} that {customer} can be booked into "
        "(all booking rules)",
    },
    "web.backfill_chosen": {
        "de": "freiwillige Nachbesetzung für {appointment}, von der Planung gewählt: {reasons}",
        "en": "optional backfill chosen by the planner for {appointment}: {reasons}",
    },
    "web.handed_over": {
        "de": "{absent} abwesend; von der Teamleitung {lead} an {specialist} übergeben",
        "en": "{absent} absent; handed to {specialist} by the team lead {lead}",
    },
    "web.plan_failed": {"de": "{error}: {reason}", "en": "{error}: {reason}"},
}
