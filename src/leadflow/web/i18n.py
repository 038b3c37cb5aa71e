"""German and English message catalogs (read from the .po files) and the choice of language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from leadflow.web.client import LANGUAGES

LOCALES = LANGUAGES
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
MISSING_MARK = "\u2047"
"""Put before a message that has no translation, when a catalog is asked to show gaps."""


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Catalog:
    """The translations of one language. German and English both use one form for n == 1."""

    locale: str
    messages: dict[str, str]
    plurals: dict[str, tuple[str, ...]]
    mark_missing: bool = False

    def gettext(self, message: str) -> str:
        found = self.messages.get(message)
        if found:
            return found
        return MISSING_MARK + message if self.mark_missing else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.plurals.get(singular)
        index = 0 if n == 1 else 1
        if forms and len(forms) > index and forms[index]:
            return forms[index]
        fallback = singular if n == 1 else plural
        return MISSING_MARK + fallback if self.mark_missing else fallback


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def load_catalog(locale: str, *, mark_missing: bool = False) -> Catalog:
    """Read one language's .po file; fuzzy and empty entries count as missing."""
    with po_path(locale).open("rb") as handle:
        po = read_po(handle, locale=locale)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in po:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            plurals[str(message.id[0])] = tuple(str(s) for s in message.string or ())
        elif message.string:
            messages[str(message.id)] = str(message.string)
    return Catalog(locale, messages, plurals, mark_missing)


@cache
def catalog(locale: str) -> Catalog:
    """One language's catalog, read once per process: for pages outside the signed-in UI (the
    public lead form, the privacy pages)."""
    return load_catalog(locale)
