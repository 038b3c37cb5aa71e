"""Blocking keys of company names: a name within two typos shares a key, another block none."""

from __future__ import annotations

import random

from rapidfuzz.distance import Levenshtein

from leadflow.domain.company_blocks import EDITS, MOST_PROBES, probe_keys, stored_keys


def _typos(rng: random.Random, name: str, count: int) -> str:
    for _ in range(count):
        at = rng.randrange(3, len(name) + 1)
        letter = rng.choice("aeiln")
        kind = rng.choice(("insert", "delete", "change"))
        if kind == "insert":
            name = name[:at] + letter + name[at:]
        elif at < len(name):
            name = name[:at] + ("" if kind == "delete" else letter) + name[at + 1 :]
    return name


def test_every_name_within_two_typos_after_its_first_letters_shares_a_key() -> None:
    rng = random.Random(7)
    pairs = []
    for _ in range(5_000):
        name = "mue" + "".join(rng.choice("aeiln ") for _ in range(rng.randrange(0, 30))).strip()
        typed = _typos(rng, name, rng.randrange(0, EDITS + 1))
        if (
            Levenshtein.distance(" ".join(sorted(name.split())), " ".join(sorted(typed.split())))
            <= EDITS
        ):
            pairs.append((name, typed))

    missed = [(name, typed) for name, typed in pairs if not stored_keys(name) & probe_keys(typed)]

    assert len(pairs) > 3_000
    assert missed == []


def test_words_in_another_order_share_a_key() -> None:
    assert stored_keys("mueller schmidt bau") & probe_keys("mueller bau schmidt")


def test_names_with_other_digits_share_no_key() -> None:
    assert not stored_keys("werk 12") & probe_keys("werk 13")


def test_names_with_other_first_letters_share_no_key() -> None:
    assert not stored_keys("bauer technik") & probe_keys("sauer technik")


def test_a_probe_has_few_keys_however_long_the_name() -> None:
    longest = max(len(probe_keys("ab" * length)) for length in range(1, 150))

    assert longest <= MOST_PROBES


def test_an_account_without_a_name_is_filed_under_no_key() -> None:
    assert stored_keys("") == frozenset()
