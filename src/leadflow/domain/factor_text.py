"""Factors as people read them: '+ source = webinar (x2.4)', '- free-mail address (x0.55)'."""

from __future__ import annotations

from collections.abc import Mapping

from leadflow.domain.naive_bayes import Factor

EXTRAS_PREFIX = "extras."
ENGAGEMENT_PREFIX = "engagement."

_LABELS: Mapping[str, str] = {
    "lead.source": "source",
    "lead.campaign": "campaign",
    "lead.campaign_id": "campaign",
    "campaign.channel": "channel",
    "lead.fit_score": "fit score",
    "account.industry": "industry",
    "account.employees": "company size",
    "account.country": "country",
    "contact.department": "department",
    "contact.buying_role": "buying role",
    "contact.seniority": "seniority",
    "contact.email_free_mail": "free-mail address",
    "engagement.touches": "touches before sales contact",
}
_STATEMENTS: Mapping[tuple[str, str], str] = {
    ("contact.email_free_mail", "yes"): "free-mail address",
    ("contact.email_free_mail", "no"): "company e-mail address",
}


def field_label(name: str) -> str:
    """The name a person knows a feature by: 'account.industry' -> 'industry'."""
    if name in _LABELS:
        return _LABELS[name]
    if name.startswith(EXTRAS_PREFIX):
        return name.removeprefix(EXTRAS_PREFIX)
    if name.startswith(ENGAGEMENT_PREFIX):
        return name.removeprefix(ENGAGEMENT_PREFIX).replace("_", " ") + " touches"
    return name


def factor_statement(factor: Factor) -> str:
    """What the lead is, without the sign: 'source = webinar' or 'free-mail address'."""
    return _STATEMENTS.get(
        (factor.field, factor.value), f"{field_label(factor.field)} = {factor.value}"
    )


def factor_text(factor: Factor) -> str:
    """A factor with its direction and odds multiplier: '+ source = webinar (x2.4)'."""
    sign = "+" if factor.contribution >= 0 else "-"
    return f"{sign} {factor_statement(factor)} (x{factor.ratio:.2g})"
