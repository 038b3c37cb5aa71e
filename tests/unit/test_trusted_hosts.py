"""Which Host headers an installation serves."""

from __future__ import annotations

import pytest

from leadflow.web.trusted_hosts import host_allowed, host_name


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("CRM.Nordwerk.de", "crm.nordwerk.de"),
        ("crm.nordwerk.de:8443", "crm.nordwerk.de"),
        ("[::1]:8000", "::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("", ""),
    ],
)
def test_the_host_name_drops_port_brackets_and_case(header: str, name: str) -> None:
    assert host_name(header) == name


def test_a_subdomain_pattern_allows_subdomains_but_not_the_domain_or_lookalikes() -> None:
    allowed = ["*.nordwerk.de"]

    assert host_allowed("crm.nordwerk.de", allowed)
    assert not host_allowed("nordwerk.de", allowed)
    assert not host_allowed("evilnordwerk.de", allowed)


def test_a_star_allows_every_host_and_an_exact_name_only_itself() -> None:
    assert host_allowed("evil.example", ["*"])
    assert host_allowed("localhost", ["localhost"])
    assert not host_allowed("localhost.evil.example", ["localhost"])
