"""Blocking keys for fuzzy company matching: a few indexed keys per account name, so that a
name with up to EDITS typos is found by exact key look-ups instead of a scan.

A name is compared in its token-sorted form (what rapidfuzz's token sort ratio compares). It is
cut into k + 1 segments; a name within k edits of it leaves at least one segment intact,
shifted by at most k places (the pigeonhole filter of Pass-Join, Li et al., VLDB 2012). An
account stores one key per segment, for k = 1 and k = EDITS; a probe looks up the substrings
that could be such an intact segment. Every key carries the name's block (first letters and
digits), because names of different blocks never match: "Werk 12" is not "Werk 13".
"""

from __future__ import annotations

from functools import lru_cache

EDITS = 2
"""Typos (inserted, deleted or changed letters) a name may have and still be found."""
LEVELS = (1, EDITS)
"""One typo is the common case: its keys are halves of the name, longer and so rarer than the
thirds that two typos leave intact."""
BLOCK_LETTERS = 3
KEY_LENGTH = 200
CACHED_NAMES = 1 << 16
MOST_PROBES = 25
"""How many keys probe_keys() gives at most, for any name: 6 for one typo, 19 for two."""


def block_of(name_key: str) -> str:
    """Fuzzy candidates share the first letters and every digit: "Werk 12" is not "Werk 13"."""
    return name_key[:BLOCK_LETTERS] + "|" + "".join(char for char in name_key if char.isdigit())


def sorted_form(name_key: str) -> str:
    return " ".join(sorted(name_key.split()))


@lru_cache(maxsize=CACHED_NAMES)
def stored_keys(name_key: str) -> frozenset[str]:
    """The keys an account with this name key is filed under (none without a name)."""
    if not name_key:
        return frozenset()
    text, block = sorted_form(name_key), block_of(name_key)
    return frozenset(
        _key(block, edits, len(text), number, text[start:end])
        for edits in LEVELS
        for number, (start, end) in enumerate(_segments(len(text), edits))
    )


@lru_cache(maxsize=CACHED_NAMES)
def probe_keys(name_key: str) -> frozenset[str]:
    """The keys under which every account within EDITS edits of this name key is filed."""
    text, block = sorted_form(name_key), block_of(name_key)
    keys: set[str] = set()
    for edits in LEVELS:
        for length in range(max(len(text) - edits, 0), len(text) + edits + 1):
            longer = len(text) - length
            for number, (start, end) in enumerate(_segments(length, edits)):
                # Segment `number` has at most `number` edits before it, edits - number after.
                low = max(-number, longer - (edits - number))
                high = min(number, longer + (edits - number))
                for shift in range(low, high + 1):
                    if 0 <= start + shift and end + shift <= len(text):
                        segment = text[start + shift : end + shift]
                        keys.add(_key(block, edits, length, number, segment))
    return frozenset(keys)


def _segments(length: int, edits: int) -> list[tuple[int, int]]:
    parts = edits + 1
    return [(length * n // parts, length * (n + 1) // parts) for n in range(parts)]


def _key(block: str, edits: int, length: int, number: int, segment: str) -> str:
    return f"{block}|{edits}|{length}|{number}|{segment}"[:KEY_LENGTH]
