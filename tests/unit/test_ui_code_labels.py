"""Codes on German pages show as German words: reasons, sources, factor values."""

from __future__ import annotations

from leadflow.web.i18n import load_catalog
from leadflow.web.ui.labels import Labels

GERMAN = Labels(load_catalog("de"))


def test_the_sla_recycle_reason_has_a_german_name() -> None:
    assert GERMAN.reason("sla_expired") == "Übergabe-SLA abgelaufen"


def test_a_source_factor_shows_the_sources_name_also_for_a_typed_spelling() -> None:
    assert GERMAN.factor_value("lead.source", "trade_fair") == "Messe"
    assert GERMAN.factor_value("lead.source", "web form") == GERMAN.source("web_form")
    assert GERMAN.source("web_form") != "web_form"


def test_a_seniority_factor_shows_the_level_in_german() -> None:
    assert GERMAN.factor_field("contact.seniority") == "Hierarchiestufe"
    assert GERMAN.factor_value("contact.seniority", "director") == (
        "Leitung (Direktor, Bereichs- oder Abteilungsleitung)"
    )


def test_a_value_that_is_no_code_shows_as_it_is() -> None:
    assert GERMAN.factor_value("account.industry", "Maschinenbau") == "Maschinenbau"
