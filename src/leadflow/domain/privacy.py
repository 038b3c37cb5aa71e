"""Purposes of processing, legal bases per lead and purpose, channels and phone permission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leadflow.domain.errors import InvalidInput


class Purpose(StrEnum):
    LEAD_MANAGEMENT = "lead_management"
    EMAIL_MARKETING = "email_marketing"
    PHONE_MARKETING = "phone_marketing"


class LegalBasis(StrEnum):
    CONSENT = "consent"
    LEGITIMATE_INTEREST_PROSPECT = "legitimate_interest_prospect"
    LEGITIMATE_INTEREST_CUSTOMER = "legitimate_interest_customer"
    CONTRACT = "contract"
    NOT_APPLICABLE = "not_applicable"


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    POST = "post"
    WEB = "web"


class PhonePermission(StrEnum):
    EXPRESS = "express"
    PRESUMED = "presumed"
    NONE = "none"


PURPOSE_CHANNEL = {Purpose.EMAIL_MARKETING: Channel.EMAIL, Purpose.PHONE_MARKETING: Channel.PHONE}
BASES_NEEDING_A_REASON = frozenset(
    {LegalBasis.LEGITIMATE_INTEREST_PROSPECT, LegalBasis.LEGITIMATE_INTEREST_CUSTOMER}
)
PHONE_BASES = frozenset(
    {
        LegalBasis.CONSENT,
        LegalBasis.LEGITIMATE_INTEREST_PROSPECT,
        LegalBasis.LEGITIMATE_INTEREST_CUSTOMER,
        LegalBasis.CONTRACT,
    }
)


@dataclass(frozen=True)
class BasisEntry:
    """One entry of a lead's append-only legal-basis history."""

    purpose: Purpose
    basis: LegalBasis
    at: datetime
    reason: str | None = None
    source: str | None = None
    by_user_id: int | None = None
    id: int | None = None


def check_basis(purpose: Purpose, basis: LegalBasis, reason: str | None) -> str | None:
    """The cleaned reason; refuses a legitimate interest without its documented reason."""
    cleaned = reason.strip() if reason else None
    if basis in BASES_NEEDING_A_REASON and not cleaned:
        hint = (
            " (for e-mail marketing: the existing-customer exception of §7(3) UWG)"
            if purpose is Purpose.EMAIL_MARKETING
            else ""
        )
        raise InvalidInput(f"legal basis '{basis}' needs a written reason{hint}", field="reason")
    return cleaned


def check_phone_permission(permission: PhonePermission, reason: str | None) -> str | None:
    cleaned = reason.strip() if reason else None
    if permission is PhonePermission.PRESUMED and not cleaned:
        raise InvalidInput(
            "presumed phone permission needs a written reason (why a call is welcome)",
            field="reason",
        )
    return cleaned


def check_channel(purpose: Purpose, channel: Channel) -> None:
    expected = PURPOSE_CHANNEL.get(purpose)
    if expected is not None and channel is not expected:
        raise InvalidInput(
            f"consent for {purpose} is given for the channel '{expected}', not '{channel}'",
            field="channel",
        )


def current_bases(history: list[BasisEntry]) -> dict[Purpose, BasisEntry]:
    """The newest entry per purpose."""
    current: dict[Purpose, BasisEntry] = {}
    for entry in sorted(history, key=lambda e: (e.at, e.id or 0)):
        current[entry.purpose] = entry
    return current


@dataclass(frozen=True)
class PhonePermissionEntry:
    """One entry of a person's append-only phone-permission history."""

    permission: PhonePermission
    at: datetime
    reason: str | None = None
    source: str | None = None
    by_user_id: int | None = None
    id: int | None = None


ORIGIN_KINDS = ("form", "import", "api", "cli", "ui", "research")


def provenance(kind: str, **detail: object) -> dict[str, object]:
    """Where a lead came from, for its `provenance`: provenance("form", form_key="...",
    url="..."), provenance("import", file="messe.csv", row=17), provenance("api", token_id=3)."""
    if kind not in ORIGIN_KINDS:
        raise InvalidInput(
            f"unknown origin '{kind}': use one of {', '.join(ORIGIN_KINDS)}", field="provenance"
        )
    return {"kind": kind, "detail": {k: v for k, v in detail.items() if v is not None}}
