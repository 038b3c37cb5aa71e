"""Free-mail providers: an address there says nothing about the person's company."""

from __future__ import annotations

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "aol.com",
        "arcor.de",
        "bluewin.ch",
        "email.de",
        "freenet.de",
        "gmail.com",
        "gmx.at",
        "gmx.ch",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "hotmail.de",
        "icloud.com",
        "kabelmail.de",
        "live.com",
        "live.de",
        "mail.de",
        "mail.ru",
        "mailbox.org",
        "me.com",
        "msn.com",
        "online.de",
        "outlook.com",
        "outlook.de",
        "posteo.de",
        "proton.me",
        "protonmail.com",
        "t-online.de",
        "vodafone.de",
        "web.de",
        "yahoo.com",
        "yahoo.de",
        "yandex.ru",
        "zoho.com",
    }
)


def email_domain(email: str) -> str:
    """The lower-cased domain of an address, or '' when it has none."""
    _, at, domain = email.strip().rpartition("@")
    return domain.lower() if at else ""


def is_free_mail(email: str) -> bool:
    return email_domain(email) in FREE_MAIL_DOMAINS
