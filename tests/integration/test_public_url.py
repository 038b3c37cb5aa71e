"""Links leadflow writes start with LEADFLOW_PUBLIC_URL, never with a request's Host header, and
a request addressed to a host that is not allowed answers 400."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import leads, outbox_events
from leadflow.domain.campaign import Campaign
from leadflow.domain.stages import Role
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import Tenant, new_campaign
from tests.integration.form_support import SECRET, VISITOR_IP, count, own_form

PUBLIC = "https://leads.nordwerk.de"
EVIL = {"Host": "evil.example"}


@contextmanager
def _client(database_url: str, db: Database, **settings: str) -> Iterator[TestClient]:
    configured = Settings(database_url=database_url, secret_key=SECRET, **settings)  # type: ignore[arg-type]
    app = create_app(configured, db=db)
    with TestClient(app, base_url=PUBLIC, client=(VISITOR_IP, 50000)) as client:
        yield client


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant, name="Messe")


def _confirm_urls(db: Database) -> list[str]:
    with db.reading() as connection:
        rows = connection.execute(
            select(outbox_events.c.payload).where(
                outbox_events.c.type == "consent.confirmation_requested"
            )
        )
        return [row.payload["confirm_url"] for row in rows]


def _with_consent(campaign: Campaign) -> dict[str, str]:
    return own_form(campaign, consent_email_marketing="1")


def test_a_form_post_to_a_host_not_allowed_answers_400_and_stores_nothing(
    database_url: str, db: Database, campaign: Campaign
) -> None:
    with _client(database_url, db, public_url=PUBLIC) as client:
        answer = client.post(f"/f/{campaign.form_key}", data=_with_consent(campaign), headers=EVIL)

    assert answer.status_code == 400
    assert answer.json()["field"] == "Host" and "evil.example" in answer.json()["detail"]
    assert count(db, leads) == 0 and _confirm_urls(db) == []


def test_with_any_host_allowed_the_confirmation_link_still_uses_the_public_url(
    database_url: str, db: Database, campaign: Campaign
) -> None:
    with _client(database_url, db, public_url=PUBLIC, allowed_hosts="*") as client:
        answer = client.post(f"/f/{campaign.form_key}", data=_with_consent(campaign), headers=EVIL)

    assert answer.status_code == 200, answer.text
    [confirm_url] = _confirm_urls(db)
    assert confirm_url.startswith(f"{PUBLIC}/p/confirm/")
    assert "evil.example" not in confirm_url


def test_form_url_and_embed_code_in_the_api_use_the_public_url(
    database_url: str, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    marketing = tenant.headers(Role.MARKETING) | EVIL
    with _client(database_url, db, public_url=PUBLIC, allowed_hosts="*") as client:
        read = client.get(f"/api/v1/campaigns/{campaign.id}", headers=marketing)
        form = client.get(f"/api/v1/campaigns/{campaign.id}/form", headers=marketing)

    assert read.json()["form_url"] == f"{PUBLIC}/f/{campaign.form_key}"
    assert form.json()["form_url"] == f"{PUBLIC}/f/{campaign.form_key}"
    assert f'src="{PUBLIC}/f/{campaign.form_key}"' in form.json()["embed_iframe"]
    assert "evil.example" not in form.text


def test_the_host_of_the_public_url_and_the_local_names_are_allowed_by_default(
    database_url: str, db: Database, campaign: Campaign
) -> None:
    with _client(database_url, db, public_url=PUBLIC) as client:
        public = client.get(f"/f/{campaign.form_key}")
        local = client.get("/health", headers={"Host": "localhost:8000"})
        loopback = client.get("/health", headers={"Host": "127.0.0.1"})
        other = client.get("/health", headers={"Host": "testserver"})

    assert (public.status_code, local.status_code, loopback.status_code) == (200, 200, 200)
    assert other.status_code == 400


def test_a_listed_subdomain_pattern_allows_its_subdomains_only(
    database_url: str, db: Database
) -> None:
    with _client(database_url, db, public_url=PUBLIC, allowed_hosts="*.nordwerk.de") as client:
        sub = client.get("/health", headers={"Host": "crm.nordwerk.de"})
        evil = client.get("/health", headers=EVIL)

    assert (sub.status_code, evil.status_code) == (200, 400)
