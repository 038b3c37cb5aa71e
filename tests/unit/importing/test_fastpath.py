"""The fast paths accept only what email-validator and phonenumbers accept, with their values."""

from __future__ import annotations

import random

import polars as pl

from leadflow.adapters.importing.fastpath import fast_email, fast_german_phone
from leadflow.adapters.importing.normalize import normalize_email, normalize_phone

AREAS = ["711", "30", "89", "40", "221", "7151", "6221", "151", "160", "171", "176", "1520",
         "800", "900", "180", "700", "0711", "49", "1", "32", "164", "18"]  # fmt: skip
STYLES = ["0{a} {n}", "+49 {a} {n}", "0049 {a}-{n}", "(0{a}) {n}", "+49 (0){a} {n}", "0{a}/{n}",
          "+49{a}{n}", "0{a}.{n}", "{a}{n}", "+49-{a}-{n}", "0{a} {n} ext. 12", "+43 {a} {n}",
          "0{a}  {n}", "+490{a}{n}", "0 {a} {n}"]  # fmt: skip
LOCALS = ["anna", "a.b", "x_y", "Max.Mustermann", "-a", "a..b", ".a", "a.", "a+tag", "ÄÖ",
          "o'neil", "a" * 65, "info", "MÜller", "first-last", "1234"]  # fmt: skip
DOMAINS = ["example.de", "Firma.DE", "sub.firma.co.uk", "x--y.de", "a.test", "local",
           "b.localhost", "-bad.de", "bad-.de", "a.b.c.com", "x.c0m", "x.museum", "gmx.de",
           "x.onion", "1.2.3.4", "[127.0.0.1]", "xn--mller-kva.de", "a_b.de", "d.e",
           "l" * 64 + ".de", "müller.de"]  # fmt: skip


def _phones(count: int) -> list[str]:
    rng = random.Random(20260302)
    return [
        rng.choice(STYLES).format(
            a=rng.choice(AREAS), n="".join(rng.choices("0123456789", k=rng.randint(2, 10)))
        )
        for _ in range(count)
    ]


def _library_phone(text: str) -> str | None:
    try:
        return normalize_phone(text, region="DE")
    except ValueError:
        return None


def _library_email(text: str) -> str | None:
    try:
        return normalize_email(text).address
    except ValueError:
        return None


def test_every_phone_number_the_fast_path_accepts_phonenumbers_accepts_with_the_same_e164() -> None:
    sample = _phones(40_000)

    fast = fast_german_phone(pl.Series(sample), pl.Series([True] * len(sample))).to_list()

    accepted = [(text, value) for text, value in zip(sample, fast, strict=True) if value]
    assert len(accepted) > 10_000
    assert [(t, v) for t, v in accepted if _library_phone(t) != v] == []


def test_a_national_number_outside_germany_is_left_to_the_library() -> None:
    fast = fast_german_phone(pl.Series(["0711 1234560", "+49 711 1234560"]), pl.Series([False] * 2))

    assert fast.to_list() == [None, "+497111234560"]


def test_every_address_the_fast_path_accepts_email_validator_accepts_with_the_same_value() -> None:
    rng = random.Random(7)
    sample = [f"{rng.choice(LOCALS)}@{rng.choice(DOMAINS)}" for _ in range(8_000)]

    fast = fast_email(pl.Series(sample)).to_list()

    accepted = [(text, value) for text, value in zip(sample, fast, strict=True) if value]
    assert len(accepted) > 1_000
    assert [(t, v) for t, v in accepted if _library_email(t) != v] == []
