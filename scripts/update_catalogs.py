"""Extract the UI's messages from templates and code and merge them into the two catalogs.

    .venv/bin/python scripts/update_catalogs.py

New German messages arrive empty (the test `test_ui_catalogs` fails until they are translated);
the English catalog translates every message to itself, so wording stays in the templates.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "leadflow" / "web"
LOCALE_DIR = WEB / "locale"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
UI_FOLDERS = (
    "auth", "board", "campaigns", "dashboard", "imports", "leads", "models", "notifications",
    "quarantine", "settings",
)  # fmt: skip
"""The UI's own templates. The public form's and the privacy pages' words are marked in
web/form_texts.py and web/privacy_pages.py, whose templates show them as given."""
TEMPLATE_PATTERNS = ["templates/*.html", *(f"templates/{name}/**.html" for name in UI_FOLDERS)]
METHODS = [
    *((pattern, "jinja2.ext:babel_extract") for pattern in TEMPLATE_PATTERNS),
    ("ui/**.py", "python"),
    ("form_texts.py", "python"),
    ("privacy_pages.py", "python"),
]
OPTIONS = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern in TEMPLATE_PATTERNS}


def extract() -> Catalog:
    template = Catalog(project="leadflow", charset="utf-8")
    found = extract_from_dir(
        str(WEB), METHODS, keywords=KEYWORDS, options_map=OPTIONS, comment_tags=("i18n:",)
    )
    for filename, lineno, message, comments, context in found:
        template.add(
            message, locations=[(filename, lineno)], auto_comments=comments, context=context
        )
    return template


def merge(template: Catalog, locale: str) -> None:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        template.creation_date = catalog.creation_date  # no diff from a re-run alone
    else:
        catalog = Catalog(locale=locale, project="leadflow", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    language = {"de": "German", "en": "English"}[locale]
    catalog.header_comment = f"# {language} messages of the leadflow web UI."
    catalog.project, catalog.version = "leadflow", "1"
    catalog.msgid_bugs_address = catalog.last_translator = ""
    catalog.language_team = f"leadflow {locale}"
    catalog.fuzzy = False
    for message in catalog:
        if locale == "en" and message.id:
            message.string = message.id
        message.flags.discard("fuzzy")
    catalog.obsolete.clear()
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True, no_location=True)


def main() -> None:
    template = extract()
    for locale in ("de", "en"):
        merge(template, locale)
    print(f"{len(template)} messages")


if __name__ == "__main__":
    main()
