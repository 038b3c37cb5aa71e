"""Helpers for the public lead form tests: a visitor's client, time-trap tokens, and the fields
of leadflow's own form and of a Salesforce-generated Web-to-Lead form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.domain import time_trap
from leadflow.domain.campaign import Campaign
from leadflow.services.intake.forms import FormKeys
from leadflow.settings import Settings
from leadflow.web.app import create_app

SECRET = "form-tests-secret-key-with-32-characters-or-more"
VISITOR_IP = "203.0.113.7"


@contextmanager
def visitor_client(database_url: str, db: Database) -> Iterator[TestClient]:
    """The app with the form tests' secret key, as a visitor at VISITOR_IP reaches it."""
    settings = Settings(database_url=database_url, secret_key=SECRET)  # type: ignore[arg-type]
    with TestClient(create_app(settings, db=db), client=(VISITOR_IP, 50000)) as client:
        yield client


def token(campaign: Campaign, seconds_ago: float = 10, secret: str = SECRET) -> str:
    keys = FormKeys.derive(secret.encode())
    issued = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return time_trap.issue(keys.trap, campaign.form_key or "", issued)


def own_form(campaign: Campaign, **fields: str) -> dict[str, str]:
    """What leadflow's own form posts for a person who took their time."""
    return {
        "first_name": "Eva", "last_name": "Fischer", "email": "eva.fischer@nordwerk.de",
        "company": "Nordwerk GmbH", "phone": "0711 1234560", "description": "Bitte Rückruf",
        "utm_source": "linkedin", "utm_campaign": "logimat", "page": "https://nordwerk.de/messe",
        "homepage": "", "_lf_ts": token(campaign), "_lf_form": "1", **fields,
    }  # fmt: skip


def web_to_lead(**fields: str) -> dict[str, str]:
    """What a Salesforce-generated Web-to-Lead form posts (its script added no token)."""
    return {
        "oid": "00D5g000004ABCD", "retURL": "https://www.nordwerk.de/danke",
        "first_name": "Jörg", "last_name": "Weiß", "email": "joerg.weiss@suedmetall.de",
        "company": "Südmetall AG", "title": "Einkaufsleiter", "phone": "+49 89 2345678",
        "street": "Leopoldstraße 12", "city": "München", "zip": "80331", "state": "BY",
        "country": "DE", "lead_source": "Web", "industry": "Maschinenbau", "employees": "250",
        "description": "Angebot bitte", "Campaign_ID": "7015g000000XYZ", "emailOptOut": "0",
        "00N5g00000Lieferzeit": "Q3", **fields,
    }  # fmt: skip


def count(db: Database, table: Any) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())
