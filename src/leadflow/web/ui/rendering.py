"""Jinja2 environments, one per language, with the catalogs and locale-aware formatting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from leadflow.web.i18n import LOCALES, Catalog, load_catalog
from leadflow.web.ui.labels import Labels

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
DISPLAY_ZONE = ZoneInfo("Europe/Berlin")


class Renderer:
    """Renders pages in the reader's language; `mark_missing` shows untranslated messages."""

    def __init__(self, *, mark_missing: bool = False) -> None:
        self.catalogs = {loc: load_catalog(loc, mark_missing=mark_missing) for loc in LOCALES}
        self.environments = {loc: _environment(self.catalogs[loc]) for loc in LOCALES}

    def render(self, locale: str, template: str, context: Mapping[str, object]) -> str:
        return self.environments[locale].get_template(template).render(context)

    def page(
        self, locale: str, template: str, context: Mapping[str, object], status_code: int = 200
    ) -> HTMLResponse:
        return HTMLResponse(self.render(locale, template, context), status_code=status_code)


def _environment(catalog: Catalog) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        catalog.gettext, catalog.ngettext, newstyle=True
    )
    locale = catalog.locale
    environment.globals["locale"] = locale
    environment.globals["labels"] = Labels(catalog)
    environment.filters.update(
        date=lambda value: _date(value, locale),
        datetime=lambda value: _datetime(value, locale),
        number=lambda value, digits=0: _number(value, locale, digits),
        amount=lambda value: _amount(value, locale),
        percent=lambda value: _percent(value, locale),
        money=lambda value, currency="EUR": _money(value, locale, currency),
        duration=lambda value: _duration(value, locale),
    )
    return environment


def _date(value: date | datetime | None, locale: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(DISPLAY_ZONE).date()
    return format_date(value, format="medium", locale=locale)


def _datetime(value: datetime | None, locale: str) -> str:
    if value is None:
        return "–"
    return format_datetime(value, format="short", tzinfo=DISPLAY_ZONE, locale=locale)


def _number(value: float | int | Decimal | None, locale: str, digits: int) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale)


def _amount(value: float | int | Decimal | None, locale: str) -> str:
    """An entered amount as it was entered: whole numbers without, others with their decimals."""
    if value is None:
        return "–"
    if Decimal(str(value)) == Decimal(str(value)).to_integral_value():
        return format_decimal(value, format="#,##0", locale=locale)
    return format_decimal(Decimal(str(value)), format="#,##0.00########", locale=locale)


def _percent(value: float | None, locale: str) -> str:
    if value is None:
        return "–"
    return format_percent(value, format="#,##0.0 %", locale=locale)


def _money(value: float | Decimal | None, locale: str, currency: str) -> str:
    if value is None:
        return "–"
    return format_currency(value, currency, locale=locale)


def _duration(value: timedelta | None, locale: str) -> str:
    if value is None:
        return "–"
    return format_timedelta(value, threshold=1.5, locale=locale)
