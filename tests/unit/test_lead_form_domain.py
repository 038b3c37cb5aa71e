"""The lead form's rules without a database: return addresses, the time trap, Web-to-Lead field
names and form settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow.domain import time_trap
from leadflow.domain.errors import InvalidInput
from leadflow.domain.form_config import form_config_from
from leadflow.domain.web_to_lead import read_submission, safe_return_url

KEY = b"k" * 32
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://www.nordwerk.de/danke?x=1", True),
        ("http://nordwerk.de", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("//evil.example/", False),
        ("https://user:pw@nordwerk.de/", False),
        ("https://nordwerk.de/\nSet-Cookie:x", False),
        ("data:text/html,<b>x</b>", False),
        ("/danke", False),
    ],
)
def test_only_absolute_http_addresses_are_followed_after_a_submission(url: str, kept: bool) -> None:
    assert (safe_return_url(url) == url) is kept


def test_a_token_passes_after_the_minimum_time_and_not_before() -> None:
    token = time_trap.issue(KEY, "form1", NOW)

    def at(later: timedelta) -> str | None:
        return time_trap.verdict(KEY, "form1", token, NOW + later, min_seconds=3)

    assert at(timedelta(seconds=5)) is None
    assert at(timedelta(seconds=1)) == time_trap.TOO_FAST
    assert at(timedelta(days=2)) == time_trap.INVALID


def test_a_token_of_another_form_or_key_does_not_pass() -> None:
    token = time_trap.issue(KEY, "form1", NOW)
    later = NOW + timedelta(seconds=10)

    assert time_trap.verdict(KEY, "form2", token, later, min_seconds=3) == time_trap.INVALID
    assert time_trap.verdict(b"x" * 32, "form1", token, later, min_seconds=3) == time_trap.INVALID
    assert time_trap.verdict(KEY, "form1", "12.34", later, min_seconds=3) == time_trap.INVALID


def test_web_to_lead_names_are_read_and_unknown_fields_kept_as_notes() -> None:
    submission = read_submission(
        {"oid": "00D", "first_name": " Eva ", "title": "CEO", "zip": "70173", "url": "nw.de",
         "00N5g0Lieferzeit": "Q3", "consent_email_marketing": "1", "consent_phone": "0",
         "utm_source": "xing", "retURL": "javascript:x", "homepage": ""}
    )  # fmt: skip

    assert submission.values == {
        "first_name": "Eva", "job_title": "CEO", "postal_code": "70173", "website": "nw.de",
    }  # fmt: skip
    assert submission.notes == {"00N5g0Lieferzeit": "Q3"}
    assert submission.consents == frozenset({"email_marketing"})
    assert submission.utm == {"utm_source": "xing"}
    assert submission.return_url is None and submission.foreign


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"fields": ["email", "shoe_size"]}, "form.fields"),
        ({"fields": ["first_name"]}, "form.fields"),
        ({"required": ["company"], "fields": ["email"]}, "form.required"),
        ({"frame_ancestors": ["evil.example; script-src *"]}, "form.frame_ancestors"),
        ({"consents": [{"key": "x"}]}, "form.consents[1]"),
        ({"colour": "red"}, "form.colour"),
    ],
)
def test_broken_form_settings_name_their_place(settings: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        form_config_from(settings)

    assert refused.value.field == field
