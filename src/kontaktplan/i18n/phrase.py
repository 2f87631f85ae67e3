"""Sentences that keep their words: a :class:`Phrase` is a catalogue key with its fields.

As a ``str`` a phrase is its English text, exactly as the commands have always written
it, so what is stored (``plan.json``, the workspace's event log, ``--json``) stays English
and machine-stable; :meth:`Phrase.say` writes the same sentence in another language for
the printed output. The disruption commands build their reasons from phrases, so a
reason is translated from what it means, not parsed back from its English text.

A field is written per language by :func:`written`: a date ``07.12.2026`` (de) or
``2026-12-07`` (en); a time of day with its date ``07.12.2026 08:15`` or
``2026-12-07 08:15``; a kind, mode or status in words (de) or as the data format's code
(en); a nested phrase in the same language; a tuple or list as its items joined by
commas (:class:`Listing` for another separator); a :class:`Weekday`, an
:class:`IsoWeek` or a ``str`` with a ``say(lang)`` (a public holiday's name) as it says
itself; anything else as ``str``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kontaktplan.i18n import Lang

__all__ = ["IsoWeek", "Listing", "Phrase", "Weekday", "decimal", "written"]


_CATALOGUE: list[dict[str, dict[str, str]]] = []


def _catalogue() -> dict[str, dict[str, str]]:
    """:data:`kontaktplan.i18n.CATALOGUE` (imported on first use: it imports this module)."""
    if not _CATALOGUE:
        from kontaktplan.i18n import CATALOGUE

        _CATALOGUE.append(CATALOGUE)  # type: ignore[arg-type]
    return _CATALOGUE[0]


class Phrase(str):
    """The English text of catalogue entry ``key`` with ``fields``; :meth:`say` writes it
    in any language. Equal to (and hashed as) its English text."""

    key: str
    fields: dict[str, Any]

    def __new__(cls, key: str, /, **fields: Any) -> Phrase:
        self = super().__new__(cls, cls._render(key, fields, "en"))
        self.key, self.fields = key, fields
        return self

    @staticmethod
    def _render(key: str, fields: dict[str, Any], lang: Lang) -> str:
        text = _catalogue()[key][lang]
        if not fields:
            return text
        return text.format(**{k: written(v, lang) for k, v in fields.items()})

    def say(self, lang: Lang) -> str:
        """The sentence in ``lang`` (``en``: the phrase itself)."""
        return str.__str__(self) if lang == "en" else self._render(self.key, self.fields, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.key, self.fields)


def _rebuild(cls: type[Phrase], key: str, fields: dict[str, Any]) -> Phrase:
    return cls(key, **fields)


class Listing(Phrase):
    """Items written one after the other with ``sep`` between them (``"; "``, ``" "``)."""

    def __new__(cls, items: Iterable[Any], sep: str = ", ") -> Listing:
        return super().__new__(cls, "", items=tuple(items), sep=sep)  # type: ignore[return-value]

    @staticmethod
    def _render(key: str, fields: dict[str, Any], lang: Lang) -> str:
        return fields["sep"].join(written(x, lang) for x in fields["items"])

    def __reduce__(self) -> tuple[Any, ...]:
        return Listing, (self.fields["items"], self.fields["sep"])


@dataclass(frozen=True)
class Weekday:
    """A day's weekday: ``Mo``/``Mon`` (``long``: ``Montag``/``Monday``)."""

    day: dt.date
    long: bool = False

    def say(self, lang: Lang) -> str:
        names = _catalogue()["said.weekdays_long" if self.long else "xlsx.weekdays"][lang]
        return names.split()[self.day.weekday()]


@dataclass(frozen=True)
class IsoWeek:
    """The ISO week of a day: ``KW 50/2026`` (de) or ``2026-W50`` (en)."""

    day: dt.date

    def say(self, lang: Lang) -> str:
        year, week, _ = self.day.isocalendar()
        return f"KW {week}/{year}" if lang == "de" else f"{year}-W{week:02d}"


def decimal(value: float, spec: str, lang: Lang) -> str:
    """A number formatted by ``spec`` as ``lang`` writes it: a decimal comma in German
    (``2,5``), a point in English (``2.5``)."""
    text = format(value, spec)
    return text.replace(".", ",") if lang == "de" else text


def written(value: Any, lang: Lang) -> str:
    """A field's value as ``lang`` writes it (see the module's docstring)."""
    kind = type(value)
    if kind is str:  # ids and codes, the most frequent field
        return value
    if kind is int:
        return str(value)
    if isinstance(value, Phrase):
        return value.say(lang)
    if isinstance(value, Enum):
        key = f"{type(value).__name__.lower()}.{value.value}"
        if lang != "en" and key in _catalogue():
            return _catalogue()[key][lang]
        return str(value.value)
    if isinstance(value, str):  # a holiday's name is a str that says itself
        say = getattr(value, "say", None)
        return say(lang) if say is not None else value
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y %H:%M}" if lang == "de" else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}" if lang == "de" else value.isoformat()
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, Weekday | IsoWeek):
        return value.say(lang)
    if isinstance(value, tuple | list):
        return ", ".join(written(v, lang) for v in value)
    return str(value)
