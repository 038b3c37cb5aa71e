"""What the edge refuses in text and JSON: characters no database column keeps, numbers no
column holds, nesting no form needs. Each check names the field and says what is wrong."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from leadflow.web.ids import MAX_ID

# NUL, C0 controls other than tab, line feed and carriage return, and lone UTF-16 surrogates.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_LONGEST_INT = len(str(-MAX_ID - 1))


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class _OutOfRange:
    """Stands in for a JSON number no 64-bit column or float can hold."""


_OUT_OF_RANGE = _OutOfRange()


def unwanted_character(text: str) -> str | None:
    """A description of the first character the edge refuses in `text`, or None."""
    found = _UNWANTED.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if code == 0:
        return "a NUL character (U+0000)"
    if code >= 0xD800:
        return f"a lone surrogate (U+{code:04X}), which is not a character"
    return f"the control character U+{code:04X}"


def printable(name: object) -> str:
    """A field name fit for an error message: refused characters shown as U+FFFD, cut short."""
    return _UNWANTED.sub("\ufffd", str(name))[:100]


def field_problem(pairs: Iterable[tuple[str, str]]) -> Problem | None:
    """The first name or value of a query string or form that carries a refused character."""
    for name, value in pairs:
        why = unwanted_character(name)
        if why is not None:
            return Problem(printable(name), f"the field name contains {why}")
        why = unwanted_character(value)
        if why is not None:
            return Problem(printable(name), f"{printable(name)} contains {why}")
    return None


def urlencoded_problem(raw: bytes) -> Problem | None:
    """Check a query string or form body, decoded as Starlette decodes it."""
    return field_problem(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def json_problem(raw: bytes, *, max_depth: int) -> Problem | None:
    """Check a JSON body; a body that is not JSON at all is left to the route to refuse, one
    that is not even text (UTF-8, -16 or -32) is refused here as the routes would answer 400."""
    try:
        data = json.loads(raw, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        return Problem("body", _too_deep(max_depth))
    except UnicodeDecodeError:
        return Problem("body", "the body is not JSON text: it is not valid UTF-8")
    except ValueError:
        return None
    return _walk(data, max_depth)


def _walk(data: Any, max_depth: int) -> Problem | None:
    pending: list[tuple[Any, tuple[object, ...]]] = [(data, ())]
    while pending:
        value, path = pending.pop()
        if isinstance(value, dict | list):
            if len(path) >= max_depth:
                return Problem(
                    _name(path), f"objects and arrays nest deeper than {max_depth} levels"
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                why = unwanted_character(key) if isinstance(key, str) else None
                if why is not None:
                    return Problem(_name((*path, key)), f"the field name contains {why}")
                pending.append((item, (*path, key)))
        elif isinstance(value, str):
            why = unwanted_character(value)
            if why is not None:
                return Problem(_name(path), f"{_name(path)} contains {why}")
        elif value is _OUT_OF_RANGE:
            return Problem(
                _name(path),
                f"{_name(path)} is a number outside -{MAX_ID + 1} .. {MAX_ID} (or not finite)",
            )
    return None


def _too_deep(max_depth: int) -> str:
    return f"objects and arrays nest deeper than {max_depth} levels"


def _name(path: tuple[object, ...]) -> str:
    return ".".join(printable(part) for part in path) or "body"


def _integer(text: str) -> int | _OutOfRange:
    if len(text) > _LONGEST_INT:
        return _OUT_OF_RANGE
    value = int(text)
    return value if -MAX_ID - 1 <= value <= MAX_ID else _OUT_OF_RANGE


def _float(text: str) -> float | _OutOfRange:
    value = float(text)
    return value if math.isfinite(value) else _OUT_OF_RANGE


def _constant(_name: str) -> _OutOfRange:
    return _OUT_OF_RANGE
