"""Which language a text is in: the catalogue's pieces that only one language uses."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path

from kontaktplan.domain import ScenarioMeta
from kontaktplan.i18n import CATALOGUE
from kontaktplan.io.csvtable import FILES

OTHER = {"de": "en", "en": "de"}
# the data format's own names (tables, columns, scenario.toml's keys) are codes, the same
# in every language
CODES = (
    set(FILES)
    | {c for table in FILES.values() for c in table.columns}
    | set(ScenarioMeta.model_fields)
)


def fragments(lang: str) -> set[str]:
    """The literal pieces of the ``lang`` catalogue that the other language never uses:
    finding one in an output means the output mixes in ``lang``."""

    def pieces(text: str) -> list[str]:
        parsed = string.Formatter().parse(text.replace("<code>", "").replace("</code>", ""))
        return [p.strip(" .,:;()–-") for literal, *_ in parsed for p in literal.split("\n")]

    own = [p for entry in CATALOGUE.values() for p in pieces(entry[lang])]
    other = " ".join(p for entry in CATALOGUE.values() for p in pieces(entry[OTHER[lang]]))
    return {
        p
        for p in own
        if len(p) >= 5 and re.search(r"[a-zäöü]", p) and p not in other and p not in CODES
    }


def without_paths(text: str) -> str:
    """The words of a message, not the paths it names (a folder may be called "target")."""
    return re.sub(r"\S*/\S*", "", text)


def foreign_in(text: str, lang: str) -> list[str]:
    """The other language's catalogue pieces found in ``text`` (as whole words)."""
    return sorted(
        p for p in fragments(OTHER[lang]) if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)
    )


class _Text(HTMLParser):
    """The visible text of a page (and image alt texts), without the JSON data block."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = False

    def handle_starttag(self, tag, attrs):
        self.skip = tag in ("script", "style")
        alt = dict(attrs).get("alt")
        if alt:
            self.parts.append(alt)

    def handle_endtag(self, tag):
        self.skip = False

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML page or fragment."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def page_text(path: Path) -> str:
    return html_text(path.read_text(encoding="utf-8"))
