"""Regular expressions of fit rules, run by RE2: time linear in the text, no backtracking.

A rule such as `^(a+)+$` takes Python's `re` seconds on a 28-character job title (exponential
backtracking); RE2 answers at once. RE2 refuses what it cannot run in linear time
(back-references, look-around), so such a rule is refused when it is stored.
"""

from __future__ import annotations

from typing import Any

import re2

from leadflow.domain.scoring import TextPattern

_MAX_MEMORY = 8 << 20
"""Bytes RE2 may use for one compiled pattern; a larger one is refused, not truncated."""


def _options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = _MAX_MEMORY
    return options


def compile_pattern(pattern: str) -> TextPattern:
    """The pattern compiled case-insensitively; ValueError names why RE2 refuses it."""
    try:
        compiled: TextPattern = re2.compile(pattern, _options())
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(str(reason)) from None
    return compiled


class _NothingMatches:
    def search(self, text: str) -> None:
        return None


def compile_stored_pattern(pattern: str) -> TextPattern:
    """A pattern from a stored rule set; one RE2 refuses (stored before leadflow used RE2)
    matches nothing, so scoring goes on instead of failing every entry."""
    try:
        return compile_pattern(pattern)
    except ValueError:
        return _NothingMatches()
