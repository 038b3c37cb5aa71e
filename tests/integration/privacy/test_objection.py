"""Objection: a one-click link without login, for its own person only; the suppression entry
then keeps marketing stopped through re-import and new form entries."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.people import People
from leadflow.adapters.db.tables import contacts, suppressions
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.consent import ConsentEvent
from leadflow.domain.marketing import Action
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role
from leadflow.domain.suppression import PrivacyKeys, SuppressionReason
from leadflow.services.imports.importer import ImportRequest, run_import
from leadflow.services.privacy import consent, marketing
from leadflow.services.privacy.person_rights import erase_person
from leadflow.services.privacy.suppression import is_suppressed, objection_url
from tests.factories import NOW, MakeLead, Tenant, enter_lead_as

EVA = "eva.fischer@nordwerk-maschinen.de"


def _confirmed_newsletter(db: Database, tenant: Tenant, lead_id: int) -> None:
    with unit_of_work(db, tenant.id) as uow:
        recorded = consent.record_consent(
            uow,
            lead_id=lead_id,
            purpose="email_marketing",
            channel="email",
            text_version="nl-1",
            text="Newsletter: ja.",
            source_url="https://nordwerk.example/nl",
            ip="203.0.113.9",
            user_agent="UA",
            at=NOW,
        )
    assert recorded.doi_token is not None
    consent.confirm_double_opt_in(db, recorded.doi_token, NOW + timedelta(minutes=3))


def _link(keys: PrivacyKeys, db: Database, tenant: Tenant, lead_id: int) -> str:
    with reading(db, tenant.id) as uow:
        contact = uow.leads.details(lead_id).contact
        url = objection_url(uow, keys, "http://testserver", contact)
    return url.removeprefix("http://testserver")


def _email_allowed(db: Database, tenant: Tenant, keys: PrivacyKeys, lead_id: int) -> bool:
    with reading(db, tenant.id) as uow:
        decisions = marketing.marketing_decisions(uow, keys, lead_id)
    return {d.action: d.allowed for d in decisions}[Action.CAMPAIGN_EMAIL]


def test_the_objection_link_works_without_login_and_stops_marketing(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id
    _confirmed_newsletter(db, tenant, lead_id)
    link = _link(keys, db, tenant, lead_id)
    assert _email_allowed(db, tenant, keys, lead_id)

    shown = client.get(link)
    still_allowed = _email_allowed(db, tenant, keys, lead_id)
    done = client.post(link)

    assert shown.status_code == 200 and "Widersprechen" in shown.text
    assert still_allowed
    assert done.status_code == 200 and "Widerspruch erfasst" in done.text
    assert not _email_allowed(db, tenant, keys, lead_id)
    with reading(db, tenant.id) as uow:
        events = [r.event for r in consent.consents(uow, lead_id)]
        entry = is_suppressed(uow, keys, email=EVA.upper())
    assert events == [ConsentEvent.GRANTED, ConsentEvent.WITHDRAWN]
    assert entry is not None and entry.reason is SuppressionReason.OBJECTION


def test_the_suppression_entry_keeps_only_keyed_hashes_with_why_and_when(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id

    client.post(_link(keys, db, tenant, lead_id))

    with db.reading() as connection:
        [row] = connection.execute(select(suppressions)).all()
    stored = " ".join(str(value) for value in row)
    assert "eva" not in stored.lower() and "1234560" not in stored
    assert row.reason == "objection" and row.at is not None
    assert len(row.email_hash) == 64 and len(row.phone_hash) == 64


def test_a_link_for_one_person_cannot_touch_another(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    eva = make_lead().lead.id
    jan = make_lead(email="jan.berg@nordwerk-maschinen.de", last_name="Berg", phone=None)
    workspace, _contact, mac = _link(keys, db, tenant, eva).rsplit("/", 1)[1].split(".")
    forged = f"/p/objection/{workspace}.{jan.contact.id}.{mac}"

    shown = client.get(forged)
    posted = client.post(forged)

    assert shown.status_code == 404 and posted.status_code == 404
    with reading(db, tenant.id) as uow:
        assert is_suppressed(uow, keys, email="jan.berg@nordwerk-maschinen.de") is None
        assert is_suppressed(uow, keys, email=EVA) is None


def test_a_suppressed_person_stays_suppressed_after_reimport_and_a_new_form_entry(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id
    client.post(_link(keys, db, tenant, lead_id))
    importer = Principal.process(tenant.id, Actor.IMPORT)

    again = enter_lead_as(
        db,
        importer,
        at=NOW + timedelta(days=30),
        email=" Eva.Fischer@Nordwerk-Maschinen.de ",
        phone="0711 1234560",
    )
    _confirmed_newsletter(db, tenant, again.details.lead.id)

    assert not _email_allowed(db, tenant, keys, again.details.lead.id)
    with reading(db, tenant.id) as uow:
        assert is_suppressed(uow, keys, phone="+49 (711) 123 45 60") is not None
        [decision] = [
            d
            for d in marketing.marketing_decisions(uow, keys, again.details.lead.id)
            if d.action is Action.CAMPAIGN_EMAIL
        ]
    assert "objection" in decision.reason


def test_an_objection_recorded_by_staff_stops_calls(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id

    response = client.post(f"/api/v1/leads/{lead_id}/objection", headers=tenant.headers(Role.SALES))
    call = client.post(
        f"/api/v1/leads/{lead_id}/call-tasks",
        json={"title": "Anrufen", "due_on": "2026-03-04"},
        headers=tenant.headers(Role.SALES),
    )

    assert response.status_code == 200 and response.json()["suppressed"] is True
    assert call.status_code == 409 and "objection" in call.json()["reason"]


def test_the_link_of_an_erased_person_never_acts_on_a_later_person_with_the_same_id(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    eva = make_lead()
    link = _link(keys, db, tenant, eva.lead.id)
    erase_person(db, keys, by=tenant.principal(Role.ADMIN), email=EVA, now=NOW)
    after_erasure = client.post(link)
    # Ids are never handed out twice; a contact written back under Eva's old id stands in for
    # a database that did reuse one.
    with db.transaction() as connection:
        connection.execute(
            insert(contacts).values(
                id=eva.contact.id,
                workspace_id=tenant.id,
                first_name="Jan",
                last_name="Berg",
                email="jan.berg@nordwerk-maschinen.de",
                created_at=NOW,
            )
        )

    shown = client.get(link)
    posted = client.post(link)

    assert after_erasure.status_code == 404
    assert shown.status_code == 404 and posted.status_code == 404
    with reading(db, tenant.id) as uow:
        assert is_suppressed(uow, keys, email="jan.berg@nordwerk-maschinen.de") is None
        assert eva.contact.id is not None
        jan = People(uow.connection, tenant.id).contact(eva.contact.id)
        jan_link = objection_url(uow, keys, "", jan)
    assert jan_link != link and client.post(jan_link).status_code == 200


def test_every_contact_gets_its_own_random_link_secret(
    db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    eva = make_lead().contact.id
    jan = make_lead(email="jan.berg@nordwerk-maschinen.de", last_name="Berg", phone=None)
    assert eva is not None and jan.contact.id is not None

    with reading(db, tenant.id) as uow:
        secrets = People(uow.connection, tenant.id).link_secrets([eva, jan.contact.id])

    assert len(set(secrets.values())) == 2
    assert all(len(secret) == 32 for secret in secrets.values())


def test_a_garbled_link_answers_404(client: TestClient) -> None:
    assert client.get("/p/objection/1.2.bogus").status_code == 404
    assert client.post("/p/objection/nothing").status_code == 404


def test_an_erased_person_imported_again_from_a_file_gets_no_marketing(
    client: TestClient,
    db: Database,
    tenant: Tenant,
    keys: PrivacyKeys,
    make_lead: MakeLead,
    tmp_path: Path,
) -> None:
    make_lead()
    erase_person(db, keys, by=tenant.principal(Role.ADMIN), email=EVA, now=NOW)
    sheet = tmp_path / "messe-2026.csv"
    sheet.write_text(
        "E-Mail;Vorname;Nachname;Telefon;Firma\n"
        "EVA.FISCHER@nordwerk-maschinen.de;Eva;Fischer;0711 1234560;Nordwerk Maschinen GmbH\n",
        encoding="utf-8",
    )

    report = run_import(
        db, sheet, ImportRequest(tenant.id), by=tenant.principal(Role.MARKETING), now=NOW
    )
    with reading(db, tenant.id) as uow:
        contact = uow.contacts.by_email(EVA)
        assert contact is not None and contact.id is not None
        lead = uow.leads.by_contact(contact.id)
    assert report.created == 1 and lead is not None and lead.id is not None
    _confirmed_newsletter(db, tenant, lead.id)

    assert not _email_allowed(db, tenant, keys, lead.id)
    assert lead.provenance is not None and lead.provenance["kind"] == "import"
