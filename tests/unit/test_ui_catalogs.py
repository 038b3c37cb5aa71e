"""Both UI languages are complete: every message of the templates and the UI code has a German
and an English translation, and no template shows text that bypasses the catalogs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from leadflow.web.client import negotiate
from leadflow.web.i18n import LOCALES, MISSING_MARK, Catalog, load_catalog
from leadflow.web.ui.rendering import TEMPLATES

WEB = TEMPLATES.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
UI_FOLDERS = (
    "auth", "board", "campaigns", "dashboard", "imports", "leads", "models", "notifications",
    "quarantine",
)  # fmt: skip
"""The UI's own templates; other pages (privacy, the public form) keep their own wording."""
TEMPLATE_PATTERNS = ["templates/*.html", *(f"templates/{name}/**.html" for name in UI_FOLDERS)]
METHODS = [
    *((pattern, "jinja2.ext:babel_extract") for pattern in TEMPLATE_PATTERNS),
    ("ui/**.py", "python"),
]
OPTIONS = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern in TEMPLATE_PATTERNS}
ALLOWED_WORDS = {"leadflow"}
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _used_messages() -> set[str | tuple[str, str]]:
    found = extract_from_dir(str(WEB), METHODS, keywords=KEYWORDS, options_map=OPTIONS)
    messages: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in found:
        messages.add(message if isinstance(message, str) else (message[0], message[1]))
    return messages


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {locale: load_catalog(locale) for locale in LOCALES}


def test_the_code_and_templates_use_messages() -> None:
    assert len(_used_messages()) > 200


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_has_a_translation(locale: str, catalogs: dict[str, Catalog]) -> None:
    catalog = catalogs[locale]

    missing = [
        message
        for message in _used_messages()
        if (isinstance(message, str) and not catalog.messages.get(message))
        or (isinstance(message, tuple) and not all(catalog.plurals.get(message[0], ())))
    ]

    assert missing == []


def test_german_translations_keep_the_placeholders(catalogs: dict[str, Catalog]) -> None:
    german = catalogs["de"].messages

    broken = [
        msgid
        for msgid, text in german.items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]

    assert broken == []


class _ShownText(HTMLParser):
    """Text and visible attribute values of a template whose Jinja code became placeholders."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shown += [value or "" for name, value in attrs if name in VISIBLE_ATTRIBUTES]

    def handle_data(self, data: str) -> None:
        self.shown.append(data)


def _bare_text(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    source = re.sub(r"{#.*?#}|{%.*?%}", "", source, flags=re.S)
    source = re.sub(r"{{.*?}}", "§", source, flags=re.S)
    parser = _ShownText()
    parser.feed(source)
    return [
        word
        for text in parser.shown
        for word in re.findall(r"[A-Za-zÄÖÜäöüß]{2,}", text)
        if word not in ALLOWED_WORDS
    ]


UI_TEMPLATES = sorted(
    [*TEMPLATES.glob("*.html"), *(p for name in UI_FOLDERS for p in (TEMPLATES / name).rglob("*"))]
)


@pytest.mark.parametrize("template", UI_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_show_no_text_outside_the_catalogs(template: Path) -> None:
    assert _bare_text(template) == []


def test_a_missing_translation_is_marked_when_asked() -> None:
    catalog = Catalog("de", {"Leads": "Leads"}, {}, mark_missing=True)

    assert catalog.gettext("Leads") == "Leads"
    assert catalog.gettext("Untranslated") == MISSING_MARK + "Untranslated"
    assert catalog.ngettext("%(num)d x", "%(num)d xs", 2) == MISSING_MARK + "%(num)d xs"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5, de;q=0.7", "de"),
        ("fr", "de"),
        ("", "de"),
        ("en;q=0, de;q=0.1", "de"),
    ],
)
def test_the_browser_language_picks_the_best_supported_one(header: str, expected: str) -> None:
    assert negotiate(header, "de") == expected


def test_without_a_usable_header_the_default_language_holds() -> None:
    assert negotiate("fr, es", "en") == "en"
