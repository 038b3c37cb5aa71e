"""Amounts typed into forms the way the user's language writes them (12.500,50 in German)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

from leadflow.domain.errors import InvalidInput


def amount_from_text(text: str, locale: str, field: str) -> Decimal | None:
    """The amount in `text`, None when it is empty; InvalidInput naming `field` otherwise."""
    if not text.strip():
        return None
    try:
        amount = parse_decimal(text.strip(), locale=locale)
    except NumberFormatError:
        raise InvalidInput(f"{field} must be an amount", field=field) from None
    if not amount.is_finite() or amount < 0 or abs(amount) >= Decimal("1e12"):
        raise InvalidInput(f"{field} must be an amount from 0 to 999,999,999,999", field=field)
    return amount.quantize(Decimal("0.01"))
