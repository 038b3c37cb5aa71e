"""Editing a lead's person and owner on /app/leads/{id}/edit: checked like an entry, audited by
field name, refused with what was typed kept."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.custom_fields import FieldDefinition, FieldType
from leadflow.domain.stages import Role
from leadflow.services.handover.routing import assignments_of
from leadflow.services.workspaces.audit import audit_entries
from leadflow.services.workspaces.custom_fields import define_field
from tests.factories import ERIKA, NOW, Tenant, new_lead
from tests.integration.ui_support import sign_in


def _person(db: Database, tenant: Tenant, lead_id: int) -> dict[str, object]:
    with reading(db, tenant.id) as uow:
        lead = uow.leads.get(lead_id)
        return {**uow.merges.contact(lead.contact_id), "owner_id": lead.owner_id}


def _form(csrf: str, **fields: str) -> dict[str, str]:
    base = {"first_name": "Erika", "last_name": "Muster", "email": "erika@muster.example",
            "phone": "", "job_title": "", "owner_id": ""}  # fmt: skip
    return {"csrf_token": csrf, **base, **fields}


def test_sales_corrects_the_person_and_takes_the_lead_over(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    sales = tenant.user_ids[Role.SALES]
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    form = app_client.get(f"/app/leads/{lead_id}/edit")
    saved = app_client.post(
        f"/app/leads/{lead_id}/edit",
        data=_form(csrf, job_title="Leiterin Einkauf", phone="0711 1234567", owner_id=str(sales)),
        follow_redirects=False,
    )

    assert 'value="erika@muster.example"' in form.text
    assert saved.headers["location"] == f"/app/leads/{lead_id}?done=edited"
    person = _person(db, tenant, lead_id)
    assert (person["job_title"], person["phone"], person["owner_id"]) == (
        "Leiterin Einkauf", "+497111234567", sales,
    )  # fmt: skip
    with reading(db, tenant.id) as uow:
        assert assignments_of(uow, lead_id)[-1].reason == "set by hand"
        edits = audit_entries(uow, by=tenant.principal(Role.ADMIN), action="lead.edited")
    assert edits[0].entry.details["fields"] == ["job_title", "owner_id", "phone"]
    assert "Leiterin Einkauf" not in str(edits[0].entry.details)


def test_an_email_of_another_person_is_refused_and_nothing_changes(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    new_lead(db, tenant, email="jan.berg@nordwerk.de", last_name="Berg")
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    refused = app_client.post(
        f"/app/leads/{lead_id}/edit",
        data=_form(csrf, email="jan.berg@nordwerk.de", job_title="Einkauf"),
    )

    assert refused.status_code == 422
    assert 'value="Einkauf"' in refused.text
    assert _person(db, tenant, lead_id)["email"] == "erika@muster.example"


def test_a_bad_phone_is_refused_naming_the_field(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    refused = app_client.post(f"/app/leads/{lead_id}/edit", data=_form(csrf, phone="0711 ABC"))

    assert refused.status_code == 422
    assert "„Telefon“" in unescape(refused.text)
    assert _person(db, tenant, lead_id)["phone"] is None


def test_viewers_cannot_edit_and_another_workspaces_lead_is_not_found(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Database
) -> None:
    foreign = new_lead(db, other_tenant, like=ERIKA, email="erika@muster.example")
    mine = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.VIEWER)
    as_viewer = app_client.post(f"/app/leads/{mine}/edit", data=_form(csrf, job_title="x"))
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    other = app_client.get(f"/app/leads/{foreign}/edit")

    assert as_viewer.status_code == 403
    assert other.status_code == 404
    assert _person(db, tenant, mine)["job_title"] is None


def _define(db: Database, tenant: Tenant, definition: FieldDefinition) -> None:
    admin = tenant.principal(Role.ADMIN)
    in_unit_of_work(db, tenant.id, lambda uow: define_field(uow, definition, by=admin, now=NOW))


def test_custom_fields_are_edited_with_the_lead_by_their_types(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    _define(db, tenant, FieldDefinition("budget", FieldType.NUMBER, "Budget", "Budget"))
    _define(db, tenant, FieldDefinition("fair", FieldType.BOOLEAN, "Messekontakt", "Fair contact"))
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    form = app_client.get(f"/app/leads/{lead_id}/edit").text
    saved = app_client.post(
        f"/app/leads/{lead_id}/edit",
        data=_form(csrf, **{"field.budget": "12.500,50", "field.fair": "true"}),
        follow_redirects=False,
    )
    refused = app_client.post(
        f"/app/leads/{lead_id}/edit", data=_form(csrf, **{"field.budget": "viel"})
    )

    assert 'name="field.budget"' in form and "Messekontakt" in form
    assert saved.status_code == 303
    with reading(db, tenant.id) as uow:
        assert uow.leads.get(lead_id).custom_fields == {"budget": 12500.5, "fair": True}
    assert refused.status_code == 422 and 'value="viel"' in refused.text
