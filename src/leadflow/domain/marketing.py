"""The rule whether a marketing action may happen for one person.

German law adds to the GDPR: e-mail advertising needs prior express consent (§7(2) Nr. 2 UWG),
proven by a confirmed double opt-in, unless the existing-customer exception of §7(3) UWG applies;
a call to a business needs at least presumed consent (§7(2) Nr. 1 UWG). An objection stops every
kind of marketing (Art. 21(3) GDPR).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leadflow.domain.consent import ConsentState, ConsentStatus
from leadflow.domain.errors import MarketingNotAllowed
from leadflow.domain.privacy import (
    PHONE_BASES,
    BasisEntry,
    LegalBasis,
    PhonePermission,
    PhonePermissionEntry,
    Purpose,
)


class Action(StrEnum):
    """A marketing action on one lead."""

    CAMPAIGN_EMAIL = "campaign_email"
    CALL = "call"


ACTION_PURPOSE = {
    Action.CAMPAIGN_EMAIL: Purpose.EMAIL_MARKETING,
    Action.CALL: Purpose.PHONE_MARKETING,
}


@dataclass(frozen=True)
class MarketingFacts:
    """Everything the rule needs to know about one person."""

    bases: dict[Purpose, BasisEntry]
    email_consent: ConsentStatus
    phone_consent: ConsentStatus
    phone_permission: PhonePermissionEntry | None
    has_email: bool
    has_phone: bool
    suppressed_at: datetime | None = None
    suppression_reason: str | None = None


@dataclass(frozen=True)
class Decision:
    action: Action
    allowed: bool
    reason: str

    def require(self, lead_id: int | None = None) -> None:
        """Raise MarketingNotAllowed unless the action is allowed."""
        if not self.allowed:
            who = f"lead {lead_id}" if lead_id is not None else "this person"
            raise MarketingNotAllowed(
                f"{self.action} refused for {who}: {self.reason}",
                action=self.action.value,
                reason=self.reason,
            )


def decide(action: Action, facts: MarketingFacts) -> Decision:
    """May this marketing action happen for this person, and why (not)."""
    if facts.suppressed_at is not None:
        when = facts.suppressed_at.date().isoformat()
        return Decision(action, False, f"marketing stopped on {when} ({facts.suppression_reason})")
    if action is Action.CAMPAIGN_EMAIL:
        return _decide_email(facts)
    return _decide_call(facts)


def effective_phone_permission(
    explicit: PhonePermissionEntry | None, consent: ConsentStatus
) -> PhonePermission:
    """The newer of the recorded permission and the phone consent: an active consent is an
    express permission, a withdrawn one is none."""
    from_consent = {
        ConsentState.ACTIVE: PhonePermission.EXPRESS,
        ConsentState.WITHDRAWN: PhonePermission.NONE,
    }.get(consent.state)
    if from_consent is not None and consent.since is not None:
        if explicit is None or consent.since >= explicit.at:
            return from_consent
    return explicit.permission if explicit else PhonePermission.NONE


def _decide_email(facts: MarketingFacts) -> Decision:
    action = Action.CAMPAIGN_EMAIL
    if not facts.has_email:
        return Decision(action, False, "the lead has no e-mail address")
    entry = facts.bases.get(Purpose.EMAIL_MARKETING)
    if entry is not None and entry.basis is LegalBasis.LEGITIMATE_INTEREST_CUSTOMER:
        return Decision(action, True, f"existing-customer exception (§7(3) UWG): {entry.reason}")
    if entry is not None and entry.basis is LegalBasis.CONSENT:
        state = facts.email_consent.state
        if state is ConsentState.ACTIVE:
            return Decision(action, True, "consent confirmed by double opt-in")
        return Decision(action, False, _CONSENT_PROBLEM[state])
    named = f"'{entry.basis}'" if entry else "not recorded"
    return Decision(
        action,
        False,
        f"the legal basis for email_marketing is {named}; e-mail marketing needs consent "
        "confirmed by double opt-in or the existing-customer exception (§7(3) UWG)",
    )


_CONSENT_PROBLEM = {
    ConsentState.PENDING: "the double opt-in is not confirmed yet",
    ConsentState.WITHDRAWN: "the consent to e-mail marketing was withdrawn",
    ConsentState.NONE: "the legal basis is consent, but no consent to e-mail marketing is recorded",
}


def _decide_call(facts: MarketingFacts) -> Decision:
    action = Action.CALL
    if not facts.has_phone:
        return Decision(action, False, "the lead has no phone number")
    entry = facts.bases.get(Purpose.PHONE_MARKETING)
    if entry is None or entry.basis not in PHONE_BASES:
        named = f"'{entry.basis}'" if entry else "not recorded"
        return Decision(action, False, f"the legal basis for phone_marketing is {named}")
    permission = effective_phone_permission(facts.phone_permission, facts.phone_consent)
    if permission is PhonePermission.NONE:
        return Decision(
            action,
            False,
            "phone permission is 'none': record express consent, or presumed consent with a reason",
        )
    return Decision(action, True, f"phone permission '{permission}'")
