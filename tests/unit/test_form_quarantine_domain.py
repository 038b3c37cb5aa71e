"""Why a form submission is held back, which consent text it carries, and how a foreign form
gets its errors back, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from leadflow.domain import time_trap
from leadflow.domain.form_config import FormConfig
from leadflow.domain.quarantine import (
    ConsentTextSource,
    QuarantineReason,
    ticked_consents,
    trap_reasons,
)
from leadflow.domain.web_to_lead import read_submission, single_values, url_with_errors

KEY = b"k" * 32
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _token(seconds_ago: float, form_key: str = "form1") -> str:
    return time_trap.issue(KEY, form_key, NOW - timedelta(seconds=seconds_ago))


def _reasons(**fields: str) -> tuple[QuarantineReason, ...]:
    return trap_reasons(FormConfig(), "form1", read_submission(fields), KEY, NOW)


def test_a_person_with_a_good_token_raises_no_suspicion() -> None:
    assert _reasons(email="eva@nordwerk.de", _lf_ts=_token(10)) == ()


def test_each_trap_names_its_own_reason() -> None:
    assert _reasons(email="a@b.de") == (QuarantineReason.MISSING_TOKEN,)
    assert _reasons(_lf_ts=_token(1)) == (QuarantineReason.TIME_TRAP,)
    assert _reasons(_lf_ts=_token(10, "other")) == (QuarantineReason.INVALID_TOKEN,)
    assert _reasons(_lf_ts=_token(2 * 24 * 3600)) == (QuarantineReason.INVALID_TOKEN,)
    assert _reasons(homepage="x", _lf_ts=_token(10)) == (QuarantineReason.HONEYPOT,)


def test_a_foreign_page_s_consent_text_wins_and_its_absence_is_marked() -> None:
    with_text = read_submission(
        {"consent_email_marketing": "on", "consent_text_email_marketing": "Ja, Newsletter."}
    )
    without_text = read_submission({"consent_email_marketing": "on"})
    own = read_submission(
        {"consent_email_marketing": "1", "consent_text_email_marketing": "forged", "_lf_form": "1"}
    )

    [page] = ticked_consents(FormConfig(), with_text, "de")
    [configured] = ticked_consents(FormConfig(), without_text, "de")
    [shown] = ticked_consents(FormConfig(), own, "en")

    assert (page.text, page.text_source) == ("Ja, Newsletter.", ConsentTextSource.PAGE)
    assert configured.text_source is ConsentTextSource.CONFIGURED
    assert configured.text.startswith("Ja, ich möchte Informationen")
    assert (shown.text_source, shown.record_source) == (ConsentTextSource.FORM, "form")
    assert shown.text.startswith("Yes, I would like")
    assert page.record_source == "form:page_text"
    assert configured.record_source == "form:configured_text"
    assert with_text.consents == frozenset({"email_marketing"})


def test_a_field_posted_twice_keeps_both_values() -> None:
    assert single_values([("a", "1"), ("b", "2"), ("a", "3")]) == {"a": "1;3", "b": "2"}


def test_errors_go_back_under_the_posted_names_and_keep_the_address_s_own_query() -> None:
    url = url_with_errors(
        "https://www.nordwerk.de/kontakt?src=fair#form",
        {"email": "not an e-mail address", "postal_code": "too long"},
    )

    parts = urlsplit(url)
    assert parts.fragment == "form"
    assert parse_qsl(parts.query) == [
        ("src", "fair"), ("lf_status", "invalid"), ("lf_errors", "email,zip"),
        ("lf_error_email", "not an e-mail address"), ("lf_error_zip", "too long"),
    ]  # fmt: skip


def test_a_form_that_takes_only_its_own_holds_back_a_foreign_one() -> None:
    own_only = FormConfig(accept_foreign_forms=False)
    foreign = read_submission({"email": "a@b.de", "_lf_ts": _token(10)})
    own = read_submission({"email": "a@b.de", "_lf_ts": _token(10), "_lf_form": "1"})

    assert trap_reasons(own_only, "form1", foreign, KEY, NOW) == (QuarantineReason.FOREIGN_FORM,)
    assert trap_reasons(own_only, "form1", own, KEY, NOW) == ()
