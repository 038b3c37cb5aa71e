"""Form settings that reach a header or a page are checked as data: no frame ancestor can add
a directive to the form's Content-Security-Policy or break it with a line break, and a bad
value stored before these checks cannot break the form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.public_forms import set_form_settings
from leadflow.domain.campaign import Campaign
from leadflow.domain.stages import Role
from tests.factories import Tenant, new_campaign
from tests.integration.form_support import visitor_client


@pytest.fixture
def client(database_url: str, db: Database) -> Iterator[TestClient]:
    with visitor_client(database_url, db) as test_client:
        yield test_client


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant, name="Webinar", channel="webinar")


def _put_form(client: TestClient, campaign: Campaign, tenant: Tenant, **settings: Any) -> Any:
    return client.put(
        f"/api/v1/campaigns/{campaign.id}/form", json=settings,
        headers=tenant.headers(Role.MARKETING),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("frame_ancestors", ["https://a.example; script-src *"]),
        ("frame_ancestors", ["https://a.example\r\nX-Evil: 1"]),
        ("frame_ancestors", ["https://a.example\nb.example"]),
        ("frame_ancestors", ["https://a.example,https://b.example"]),
        ("frame_ancestors", ["https://a.example https://b.example"]),
        ("frame_ancestors", ["'unsafe-inline'"]),
        ("frame_ancestors", ['"self"']),
        ("frame_ancestors", ["https://a.example/\x00"]),
        ("frame_ancestors", "https://a.example"),
        ("frame_ancestors", []),
        ("frame_ancestors", ["'none'", "https://a.example"]),
        ("thank_you_url", "javascript:alert(1)"),
        ("thank_you_url", "https://a.example/danke\r\nSet-Cookie: x=1"),
        ("title_de", "Kontakt\r\naufnehmen"),
    ],
)
def test_an_injection_attempt_in_a_form_setting_is_refused_naming_the_setting(
    client: TestClient, campaign: Campaign, tenant: Tenant, key: str, value: object
) -> None:
    answer = _put_form(client, campaign, tenant, **{key: value})

    assert answer.status_code == 422
    # A control character is refused at the edge already, which names the JSON path.
    assert key in answer.json()["field"]
    page = client.get(f"/f/{campaign.form_key}")
    assert "frame-ancestors *" in page.headers["content-security-policy"]


def test_valid_source_expressions_make_the_form_s_frame_ancestors(
    client: TestClient, campaign: Campaign, tenant: Tenant
) -> None:
    sources = ["'self'", "https:", "https://*.nordwerk.de:8443", "nordwerk.de", "http://x.de/a/"]

    answer = _put_form(client, campaign, tenant, frame_ancestors=sources)
    page = client.get(f"/f/{campaign.form_key}")

    assert answer.status_code == 200, answer.text
    assert page.headers["content-security-policy"].endswith(
        "; frame-ancestors " + " ".join(sources)
    )


def test_a_bad_value_stored_before_the_checks_cannot_break_the_form(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    stored = {
        "frame_ancestors": ["https://a.example\r\nX-Evil: 1", "https://b.example; script-src *"],
        "thank_you_url": "javascript:alert(1)",
        "title_de": "Kontakt\naufnehmen",
    }
    with db.transaction() as connection:
        set_form_settings(connection, tenant.id, campaign.id or 0, stored)

    page = client.get(f"/f/{campaign.form_key}")
    settings = client.get(
        f"/api/v1/campaigns/{campaign.id}/form", headers=tenant.headers(Role.MARKETING)
    )

    assert page.status_code == 200
    assert page.headers["content-security-policy"].endswith("; frame-ancestors 'none'")
    assert "X-Evil" not in page.headers and "javascript:" not in page.text
    assert "<title>Kontakt aufnehmen</title>" in page.text
    assert settings.json()["settings"]["frame_ancestors"] == ["'none'"]
