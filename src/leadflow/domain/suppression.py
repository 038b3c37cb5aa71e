"""The suppression list and signed objection links, both keyed by the installation's secret.

A suppression entry keeps no address or number: only an HMAC-SHA256 of the normalised e-mail
address and of the E.164 phone number, so the list survives erasure without naming anyone, and a
copy of the database alone cannot test addresses against it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leadflow.domain.errors import InvalidInput


class SuppressionReason(StrEnum):
    OBJECTION = "objection"
    ERASURE = "erasure"


@dataclass(frozen=True)
class Suppression:
    """Marketing to this person stays stopped: why and since when."""

    reason: SuppressionReason
    at: datetime
    email_hash: str | None = None
    phone_hash: str | None = None
    note: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class PrivacyKeys:
    """Purpose-bound keys derived from the one secret, so a hash never doubles as a signature."""

    suppression: bytes
    links: bytes

    @classmethod
    def derive(cls, secret: bytes) -> PrivacyKeys:
        if len(secret) < 32:
            raise InvalidInput("the secret key needs at least 32 bytes", field="secret_key")
        return cls(
            suppression=hmac.new(secret, b"leadflow suppression v1", hashlib.sha256).digest(),
            links=hmac.new(secret, b"leadflow privacy links v1", hashlib.sha256).digest(),
        )

    def __repr__(self) -> str:
        return "PrivacyKeys(...)"


def normalize_email(email: str) -> str:
    """The suppression form of an address: trimmed, NFC, lower case."""
    return unicodedata.normalize("NFC", email.strip()).lower()


def email_key(keys: PrivacyKeys, email: str) -> str:
    return _keyed(keys, "email:" + normalize_email(email))


def phone_key(keys: PrivacyKeys, e164: str) -> str:
    """The key of a number already in E.164 (`+497111234560`)."""
    if not e164.startswith("+") or not e164[1:].isdigit():
        raise InvalidInput(f"'{e164}' is not an E.164 phone number", field="phone")
    return _keyed(keys, "phone:" + e164)


def _keyed(keys: PrivacyKeys, value: str) -> str:
    return hmac.new(keys.suppression, value.encode("utf-8"), hashlib.sha256).hexdigest()


def objection_token(keys: PrivacyKeys, workspace_id: int, contact_id: int, secret: str) -> str:
    """A link token that names exactly one person and cannot be forged for another.

    The signature covers the contact's link secret, a random value made when the contact is
    stored and never given to another contact: a link stops working when its person is erased,
    and never acts on a later contact, not even one stored under the same id."""
    return f"{workspace_id}.{contact_id}.{_link_mac(keys, workspace_id, contact_id, secret)}"


def read_objection_token(
    keys: PrivacyKeys, token: str, secret_of: Callable[[int, int], str | None]
) -> tuple[int, int] | None:
    """The workspace and contact a genuine token names, else None. `secret_of` gives the link
    secret of a stored contact (workspace id, contact id), None when there is no such contact."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    workspace_id, contact_id = int(parts[0]), int(parts[1])
    secret = secret_of(workspace_id, contact_id)
    if not secret:
        return None
    expected = _link_mac(keys, workspace_id, contact_id, secret)
    if not hmac.compare_digest(expected.encode(), parts[2].encode()):
        return None
    return workspace_id, contact_id


def _link_mac(keys: PrivacyKeys, workspace_id: int, contact_id: int, secret: str) -> str:
    message = f"objection:{workspace_id}:{contact_id}:{secret}".encode()
    digest = hmac.new(keys.links, message, hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
