"""Fixtures of the privacy tests: the installation's keys and leads with a person behind them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import unit_of_work
from leadflow.adapters.secret_key import privacy_keys
from leadflow.domain.lead import LeadDetails
from leadflow.domain.stages import Role, Stage
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.lead_input import LeadInput
from leadflow.services.leads import create_lead
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import NOW, Tenant

MakeLead = Callable[..., LeadDetails]


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
        data = {
            "email": "eva.fischer@nordwerk-maschinen.de",
            "first_name": "Eva",
            "last_name": "Fischer",
            "phone": "+49 711 1234560",
            "company": "Nordwerk Maschinen GmbH",
            "stage": Stage.MQL,
            **fields,
        }
        with unit_of_work(db, tenant.id) as uow:
            created = create_lead(
                uow, LeadInput(**data), by=tenant.principal(Role.MARKETING), now=NOW
            )
        return created.details

    return make
