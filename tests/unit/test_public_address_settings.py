"""The public address and the allowed hosts: defaults for local use, the public URL's host."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from leadflow.settings import Settings


@pytest.fixture(autouse=True)
def no_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LEADFLOW_PUBLIC_URL", "LEADFLOW_ALLOWED_HOSTS", "LEADFLOW_HOST", "LEADFLOW_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_by_default_links_point_to_the_local_server_and_only_local_names_are_allowed() -> None:
    settings = Settings()

    assert settings.public_base_url() == "http://127.0.0.1:8000"
    assert settings.trusted_hosts() == ["127.0.0.1", "localhost"]


def test_a_server_on_every_interface_links_to_the_loopback_address() -> None:
    settings = Settings(host="0.0.0.0", port=9000)

    assert settings.public_base_url() == "http://127.0.0.1:9000"
    assert "0.0.0.0" not in settings.trusted_hosts()


def test_the_public_url_s_host_and_the_listening_host_are_allowed_beside_the_list() -> None:
    settings = Settings(
        public_url="https://Leads.Nordwerk.de/crm/", allowed_hosts="*.intern.de", host="10.0.0.5"
    )

    assert settings.public_base_url() == "https://Leads.Nordwerk.de/crm"
    assert settings.trusted_hosts() == ["*.intern.de", "leads.nordwerk.de", "10.0.0.5"]


@pytest.mark.parametrize(
    "url", ["leads.nordwerk.de", "ftp://leads.nordwerk.de", "https://u@x.de", "https://x.de/?a=1"]
)
def test_a_public_url_must_be_an_absolute_http_address(url: str) -> None:
    with pytest.raises(ValidationError, match="public_url"):
        Settings(public_url=url)
