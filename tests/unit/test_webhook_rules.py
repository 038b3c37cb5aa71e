from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadflow.domain.errors import InvalidInput
from leadflow.domain.webhooks import (
    check_events,
    derive_secret,
    event_body,
    is_public_address,
    parse_target,
    subscribes_to,
)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("1.1.1.1", True),
        ("2a00:1450:4001:80b::200e", True),
        ("127.0.0.1", False),
        ("10.0.0.8", False),
        ("172.16.5.4", False),
        ("192.168.178.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("::ffff:10.0.0.1", False),
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::a00:1", False),
        ("64:ff9b::c0a8:101", False),
        ("64:ff9b::a9fe:a9fe", False),
        ("64:ff9b::808:808", True),
        ("64:ff9b:1::a00:1", False),
        ("64:ff9b:1::808:808", False),
        ("2002:7f00:1::1", False),
        ("2002:a00:1::1", False),
        ("2002:c0a8:101::1", False),
        ("2002:808:808::1", True),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),
        ("2001:0:808:808:0:0:f7f7:f7f7", False),
        ("fec0::1", False),
        ("fc00::1", False),
        ("fe80::1", False),
        ("febf::1", False),
        ("::7f00:1", False),
        ("::808:808", False),
    ],
)
def test_only_global_unicast_addresses_count_as_public(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_a_target_keeps_its_url_and_knows_its_port() -> None:
    target = parse_target(" https://hooks.example.com/leadflow?x=1 ")

    assert (target.url, target.host, target.port) == (
        "https://hooks.example.com/leadflow?x=1",
        "hooks.example.com",
        443,
    )
    assert parse_target("http://[::1]:8080/x").port == 8080


def test_secrets_differ_per_salt_and_key_and_are_stable() -> None:
    key = b"k" * 40

    assert derive_secret(key, "a") == derive_secret(key, "a")
    assert derive_secret(key, "a") != derive_secret(key, "b")
    assert derive_secret(key, "a") != derive_secret(b"j" * 40, "a")


def test_events_are_checked_and_matched() -> None:
    assert check_events(["lead.assigned", "lead.assigned"]) == ["lead.assigned"]
    assert subscribes_to(["*"], "sla.breached")
    assert not subscribes_to(["lead.assigned"], "sla.breached")
    with pytest.raises(InvalidInput):
        check_events([])


def test_the_body_is_the_same_bytes_every_time() -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    first = event_body("evt_1", "lead.assigned", at, "acme", {"lead_id": 3, "user_id": 7})
    again = event_body("evt_1", "lead.assigned", at, "acme", {"user_id": 7, "lead_id": 3})

    assert first == again
    assert first.startswith(b'{"created_at":"2026-03-02T09:30:00+00:00","data":{"lead_id":3')
