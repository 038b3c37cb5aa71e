"""Lead source spellings map to one code each."""

from __future__ import annotations

import pytest

from leadflow.domain.errors import InvalidInput
from leadflow.domain.sources import BUILT_IN_ALIASES, SOURCE_CODES, SourceMap, source_key


def test_every_built_in_spelling_stands_for_its_own_code_only() -> None:
    sources = SourceMap()

    wrong = {
        spelling: found.value
        for code, spellings in BUILT_IN_ALIASES.items()
        for spelling in spellings
        if (found := sources.canonical(spelling)) is None or found.value != code
    }

    assert wrong == {}
    assert set(BUILT_IN_ALIASES) <= set(SOURCE_CODES)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Messe", "trade_fair"), ("TRADE SHOW", "trade_fair"), ("trade_fair", "trade_fair"),
     ("Webinar", "webinar"), ("Web", "website"), ("Organic Search", "search"),
     ("Paid Search", "search"), ("Empfehlung", "referral"), ("Partner Referral", "referral"),
     ("Kaltakquise", "telemarketing"), ("Purchased List", "purchased_list"),
     ("OFFLINE", "offline"), ("ORGANIC_SEARCH", "search"), ("PAID_SOCIAL", "social"),
     ("web form", "web_form")],
)  # fmt: skip
def test_german_english_and_vendor_spellings_become_codes(typed: str, code: str) -> None:
    found = SourceMap().canonical(typed)

    assert found is not None and (found.value, found.known) == (code, True)


def test_an_unknown_source_is_kept_as_typed_and_a_workspace_spelling_maps_it() -> None:
    assert SourceMap().canonical(" Flurfunk ") is not None
    assert SourceMap().canonical(" Flurfunk ").known is False  # type: ignore[union-attr]
    assert SourceMap().canonical(" Flurfunk ").value == "Flurfunk"  # type: ignore[union-attr]
    assert SourceMap({"Flur-Funk": "referral"}).canonical("flurfunk").value == "referral"  # type: ignore[union-attr]


def test_a_workspace_spelling_must_name_a_code() -> None:
    with pytest.raises(InvalidInput, match="not a source code"):
        SourceMap({"Flurfunk": "gossip"})


def test_spellings_compare_without_case_accents_and_punctuation() -> None:
    assert source_key("Trade-Show") == source_key("TRADE_SHOW") == "tradeshow"
    assert source_key("Empfehlung über Kunden") == "empfehlungueberkunden"
