"""Factors read as sentences: '+ source = webinar (x2.4)', '- free-mail address (x0.55)'."""

from __future__ import annotations

import math

from leadflow.domain.factor_text import factor_text, field_label
from leadflow.domain.naive_bayes import Factor


def test_a_positive_factor_names_its_field_value_and_odds_multiplier() -> None:
    factor = Factor("lead.source", "webinar", math.log(2.4))

    assert factor_text(factor) == "+ source = webinar (x2.4)"


def test_a_free_mail_address_reads_as_a_statement() -> None:
    factor = Factor("contact.email_free_mail", "yes", math.log(0.55))

    assert factor_text(factor) == "- free-mail address (x0.55)"


def test_imported_columns_keep_their_header_and_touches_their_type() -> None:
    assert field_label("extras.Lead Origin") == "Lead Origin"
    assert field_label("engagement.webinar_attended") == "webinar attended touches"
    assert field_label("account.employees") == "company size"
