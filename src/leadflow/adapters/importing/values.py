"""Parsing of spreadsheet cell values as German and English exports write them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation

# "Select" is what web forms export for an untouched drop-down; Salesforce writes an empty
# lookup as the all-zero Id.
PLACEHOLDERS = frozenset({"", "select", "null", "n/a", "#n/a", "-", "000000000000000aaa"})

_TRUE = frozenset({"true", "1", "ja", "j", "yes", "y", "x", "wahr"})
_FALSE = frozenset({"false", "0", "nein", "n", "no", "falsch"})

_NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f']|€|\$|£|%|\b(?:EUR|USD|CHF|GBP)\b", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?[eE][+-]?\d+")
_GROUPED = {
    ".": re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+"),
    ",": re.compile(r"[1-9]\d{0,2}(?:,\d{3})+"),
}
_SIZE_RANGE = re.compile(r"(.+?)\s*(?:-|–|bis|to)\s*(.+)")

_TIME = r"(?:(?:,?\s+|T)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
# Day first as Europeans write it (31.12.2025, 31/12/2025, 31-12-2025), or year first with dots
# or slashes (2018.02.01, 2018/02/01); ISO dates and date-times go to datetime.fromisoformat.
_DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})(?P<mark>[./-])(?P<month>\d{1,2})(?P=mark)(?P<year>\d{4}|\d{2})" + _TIME
)
_YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})(?P<mark>[./])(?P<month>\d{1,2})(?P=mark)(?P<day>\d{1,2})" + _TIME
)

DATE_FORMATS = "DD.MM.YYYY, D.M.YY, DD/MM/YYYY, YYYY.MM.DD, YYYY-MM-DD or an ISO date and time"


def clean(text: str | None) -> str | None:
    """The stripped text, or None when the cell is empty or holds a placeholder."""
    if text is None:
        return None
    stripped = text.strip()
    return None if stripped.casefold() in PLACEHOLDERS else stripped


def parse_number(text: str | None, *, decimal_comma: bool = True) -> Decimal | None:
    """A number written as 1.234,56 or 1,234.56 (currency and % signs are ignored)."""
    value = clean(text)
    if value is None:
        return None
    digits = _NUMBER_NOISE.sub("", value)
    sign = ""
    if digits[:1] in ("+", "-"):
        sign, digits = digits[0], digits[1:]
    if _SCIENTIFIC.fullmatch(digits):
        return Decimal(sign + digits)
    canonical = _canonical_digits(digits, decimal_comma)
    if canonical is None:
        raise ValueError(f"'{value}' is not a number; expected e.g. 1234, 1.234,56 or 1,234.56")
    try:
        return Decimal(sign + canonical)
    except InvalidOperation as error:
        raise ValueError(f"'{value}' is not a number") from error


def _canonical_digits(digits: str, decimal_comma: bool) -> str | None:
    if digits.isdigit():
        return digits
    if "." in digits and "," in digits:
        mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if mark == "," else ","
        whole, _, fraction = digits.rpartition(mark)
        if not (_GROUPED[thousands].fullmatch(whole) or whole.isdigit()):
            return None
        return _joined(whole.replace(thousands, ""), fraction)
    mark = "." if "." in digits else ","
    # One group of three after a single mark is ambiguous: 1.234 is 1234 to a German reader.
    grouping_mark = "." if decimal_comma else ","
    if _GROUPED[mark].fullmatch(digits) and (digits.count(mark) > 1 or mark == grouping_mark):
        return digits.replace(mark, "")
    whole, _, fraction = digits.rpartition(mark)
    return _joined(whole, fraction)


def _joined(whole: str, fraction: str) -> str | None:
    if not (whole.isdigit() or whole == "") or not fraction.isdigit():
        return None
    return f"{whole or '0'}.{fraction}"


def parse_integer(text: str | None, *, decimal_comma: bool = True) -> int | None:
    """A whole number such as 1.250 or 1,250."""
    number = parse_number(text, decimal_comma=decimal_comma)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"'{clean(text)}' is not a whole number")
    return int(number)


def parse_size(text: str | None, *, decimal_comma: bool = True) -> int | None:
    """A head count: a number, a range such as 50-199 (its lower bound) or 1000+."""
    value = clean(text)
    if value is None:
        return None
    expected = "expected a number of employees such as 250, 50-199 or 1000+"
    try:
        if value.endswith("+"):
            return parse_integer(value[:-1], decimal_comma=decimal_comma)
        if match := _SIZE_RANGE.fullmatch(value):
            # The lower bound is the only figure the range guarantees.
            parse_integer(match.group(2), decimal_comma=decimal_comma)
            return parse_integer(match.group(1), decimal_comma=decimal_comma)
        return parse_integer(value, decimal_comma=decimal_comma)
    except ValueError as error:
        raise ValueError(f"'{value}' is not a head count; {expected}") from error


def parse_bool(text: str | None) -> bool | None:
    """A yes/no value: true/false, 1/0, ja/nein, yes/no, or x for a ticked box."""
    value = clean(text)
    if value is None:
        return None
    folded = value.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"'{value}' is not a yes/no value; expected true/false, 1/0, ja/nein or x")


def parse_datetime(
    text: str | None, *, tz: tzinfo = UTC, date_format: str | None = None
) -> datetime | None:
    """A date or date and time; values without an offset are read in `tz`. A `date_format`
    (strftime pattern) wins over guessing; ISO dates are read with or without it."""
    value = clean(text)
    if value is None:
        return None
    if date_format is not None:
        parsed = _formatted(value, date_format) or _iso(value)
        if parsed is None:
            raise ValueError(f"'{value}' is not a date in the format {date_format}")
    else:
        parsed = _day_first(value) or _year_first(value) or _iso(value)
        if parsed is None:
            raise ValueError(f"'{value}' is not a date; expected {DATE_FORMATS}{_hint(value)}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def parse_date(text: str | None, *, date_format: str | None = None) -> date | None:
    """A calendar date in one of the accepted date formats (a time part is dropped)."""
    parsed = parse_datetime(text, date_format=date_format)
    return None if parsed is None else parsed.date()


def check_date_format(pattern: str) -> str:
    """The strftime pattern if it writes and reads back a date; ValueError otherwise."""
    sample = datetime(2001, 2, 3, 4, 5, 6)
    try:
        written = sample.strftime(pattern)
        read = datetime.strptime(written, pattern)
    except ValueError as error:
        raise ValueError(f"'{pattern}' is not a date format ({error})") from error
    if "%" not in pattern or read.date() != sample.date():
        raise ValueError(
            f"'{pattern}' is not a date format; expected a strftime pattern with day, month "
            "and year such as %d.%m.%Y or %m/%d/%Y"
        )
    return pattern


def _formatted(value: str, pattern: str) -> datetime | None:
    try:
        return datetime.strptime(value, pattern)
    except ValueError:
        return None


def _day_first(value: str) -> datetime | None:
    match = _DAY_FIRST.fullmatch(value)
    return _built(match) if match else None


def _year_first(value: str) -> datetime | None:
    match = _YEAR_FIRST.fullmatch(value)
    return _built(match) if match else None


def _hint(value: str) -> str:
    match = _DAY_FIRST.fullmatch(value)
    if match and match["mark"] == "/" and int(match["day"]) <= 12 < int(match["month"]):
        return (
            "; it reads only as month/day/year: name the format in a mapping file "
            '(date_format = "%m/%d/%Y")'
        )
    return ""


def _built(match: re.Match[str]) -> datetime | None:
    year = int(match["year"])
    if len(match["year"]) == 2:
        year += 2000 if year < 70 else 1900
    try:
        return datetime.combine(
            date(year, int(match["month"]), int(match["day"])),
            time(int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0)),
        )
    except ValueError:
        return None


def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
