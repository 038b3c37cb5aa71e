"""The SMTP address read from LEADFLOW_SMTP_URL, and what the e-mails say in both languages."""

from __future__ import annotations

import pytest

from leadflow.adapters.smtp_mail import parse_smtp_url
from leadflow.domain.errors import InvalidInput
from leadflow.domain.notification_mail import (
    LEAD_REJECTED,
    TASK_DUE,
    confirmation_mail,
    notification_mail,
)


def test_the_three_kinds_of_smtp_address_are_read_with_their_default_ports() -> None:
    plain = parse_smtp_url("smtp://relay.local", "leads@acme.example")
    starttls = parse_smtp_url("smtp+starttls://u%40acme:p%3Ass@mail.acme.example", "l@acme.de")
    tls = parse_smtp_url("smtps://u:secret@mail.acme.example:2465", "l@acme.de")

    assert (plain.security, plain.port, plain.username) == ("plain", 25, None)
    assert (starttls.security, starttls.port) == ("starttls", 587)
    assert (starttls.username, starttls.password) == ("u@acme", "p:ss")
    assert (tls.security, tls.port) == ("ssl", 2465)
    assert "secret" not in repr(tls) and "secret" not in tls.describe()


@pytest.mark.parametrize(
    ("url", "sender"),
    [("http://mail.acme.example", "l@acme.de"), ("smtp://", "l@acme.de"), ("smtp://m", None)],
)
def test_an_unusable_smtp_setting_is_refused(url: str, sender: str | None) -> None:
    with pytest.raises(InvalidInput):
        parse_smtp_url(url, sender)


def test_an_e_mail_says_what_happened_in_the_users_language_and_escapes_its_values() -> None:
    params = {"lead_id": 7, "stage": "nurture", "reason": "<b>not_now</b>"}
    german = notification_mail(LEAD_REJECTED, "de", params, "https://l.example/app/leads/7")
    english = notification_mail(
        TASK_DUE, "en", {"lead_id": 7, "title": "Call", "due_on": "x"}, None
    )

    assert german.subject == "Der Vertrieb hat Lead #7 abgelehnt"
    assert "<b>not_now</b>" in german.text and "&lt;b&gt;not_now&lt;/b&gt;" in german.html
    assert 'href="https://l.example/app/leads/7"' in german.html
    assert english.subject == "Task due today: Call" and "href" not in english.html


def test_the_confirmation_e_mail_carries_the_link_in_both_parts() -> None:
    mail = confirmation_mail("xx", "https://l.example/p/confirm/abc")

    assert mail.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "https://l.example/p/confirm/abc" in mail.text
    assert 'href="https://l.example/p/confirm/abc"' in mail.html
