"""Fixtures of the privacy tests: the installation's keys and leads with a person behind them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.secret_key import privacy_keys
from leadflow.domain.lead import LeadDetails
from leadflow.domain.suppression import PrivacyKeys
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import EVA, MakeLead, Tenant, enter_lead


@pytest.fixture
def keys(settings: Settings) -> PrivacyKeys:
    """The keys the app derives from the test settings."""
    return privacy_keys(settings)


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db=db)) as test_client:
        yield test_client


@pytest.fixture
def make_lead(db: Database, tenant: Tenant) -> MakeLead:
    """Store a lead for a person, by default Eva Fischer of Nordwerk, as marketing."""

    def make(tenant: Tenant = tenant, **fields: Any) -> LeadDetails:
        return enter_lead(db, tenant, like=EVA, **fields).details

    return make
