"""Webhook subscriptions: event types, target URLs, derived secrets and the delivered body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from leadflow.domain.errors import InvalidInput
from leadflow.domain.webhook_signing import SECRET_PREFIX

STAGE_CHANGED = "lead.stage_changed"
ASSIGNED = "lead.assigned"
SLA_BREACHED = "sla.breached"
# A form collected an e-mail consent: a mailer sends the double-opt-in link in the payload.
CONFIRMATION_REQUESTED = "consent.confirmation_requested"
# A person was erased: receivers delete their copies of these leads.
PERSON_ERASED = "person.erased"
EVENT_TYPES: tuple[str, ...] = (
    STAGE_CHANGED,
    ASSIGNED,
    SLA_BREACHED,
    CONFIRMATION_REQUESTED,
    PERSON_ERASED,
)
ALL_EVENTS = "*"


@dataclass(frozen=True)
class WebhookTarget:
    """A checked webhook URL, split into what delivery needs."""

    url: str
    scheme: str
    host: str
    port: int


def check_events(events: Sequence[str]) -> list[str]:
    """The subscribed event types, checked; '*' subscribes to all."""
    if not events:
        raise InvalidInput("subscribe to at least one event type (or '*')", field="events")
    unknown = [event for event in events if event not in (*EVENT_TYPES, ALL_EVENTS)]
    if unknown:
        raise InvalidInput(
            f"unknown event type {unknown[0]!r} (known: {', '.join(EVENT_TYPES)}, or '*')",
            field="events",
        )
    return sorted(set(events))


def subscribes_to(events: Iterable[str], event_type: str) -> bool:
    return any(event in (event_type, ALL_EVENTS) for event in events)


def parse_target(url: str) -> WebhookTarget:
    """Check the shape of a webhook URL: http(s), a host, no credentials, no fragment."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise InvalidInput(f"webhook URL {url!r} is malformed: {error}", field="url") from error
    if parts.scheme not in ("http", "https"):
        raise InvalidInput("a webhook URL starts with https:// or http://", field="url")
    if not parts.hostname:
        raise InvalidInput("a webhook URL needs a host name", field="url")
    if parts.username or parts.password:
        raise InvalidInput("a webhook URL must not carry a user name or password", field="url")
    if parts.fragment:
        raise InvalidInput("a webhook URL must not have a #fragment", field="url")
    default_port = 443 if parts.scheme == "https" else 80
    return WebhookTarget(url.strip(), parts.scheme, parts.hostname, port or default_port)


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NEVER_PUBLIC = (_LOCAL_NAT64, _SITE_LOCAL, _IPV4_COMPATIBLE)


def is_public_address(address: str) -> bool:
    """False for private, loopback, link-local, multicast, reserved and unspecified addresses,
    also where an IPv6 address carries such an IPv4 address (IPv4-mapped, NAT64, 6to4) or is
    a tunnel, deprecated or local translation address (Teredo, IPv4-compatible, local-use
    NAT64, site-local)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None or any(ip in network for network in _NEVER_PUBLIC):
            return False
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(str(embedded))
    return ip.is_global and not ip.is_multicast


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def derive_secret(key: bytes, salt: str) -> str:
    """A webhook's signing secret, derived from the installation key and its stored salt.

    Only the salt is stored, so the database alone never reveals a secret.
    """
    digest = hmac.new(key, f"leadflow webhook v1:{salt}".encode(), hashlib.sha256)
    return SECRET_PREFIX + base64.b64encode(digest.digest()).decode()


def event_body(
    event_id: str, event_type: str, created_at: datetime, workspace: str, data: Mapping[str, object]
) -> bytes:
    """The JSON body a receiver gets: the same bytes on every attempt."""
    document = {
        "id": event_id,
        "type": event_type,
        "created_at": created_at.isoformat(),
        "workspace": workspace,
        "data": data,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), default=str).encode()
