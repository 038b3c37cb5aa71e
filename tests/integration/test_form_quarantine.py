"""The form quarantine: what looked automated is listed for marketing with its reasons, enters
the funnel on release with its consent record intact, is deleted on request, expires after a set
number of days, and stays inside its own workspace."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.quarantine import Quarantine
from leadflow.adapters.db.tables import (
    audit_log,
    consent_records,
    consent_texts,
    contacts,
    form_quarantine,
    leads,
    outbox_events,
    sla_clocks,
    stage_changes,
    touches,
)
from leadflow.adapters.db.uow import in_unit_of_work, unit_of_work
from leadflow.domain.campaign import Campaign
from leadflow.domain.quarantine import QuarantineEntry, QuarantineReason
from leadflow.domain.stages import Role
from leadflow.services.intake.quarantine import purge_quarantine
from tests.factories import NOW, Tenant, new_campaign
from tests.integration.automation_support import one_worker_round
from tests.integration.form_support import (
    VISITOR_IP,
    count,
    own_form,
    token,
    visitor_client,
    web_to_lead,
)
from tests.integration.ui_support import sign_in

SEEN_TEXT = "Ja, Südmetall darf mir Neuigkeiten per E-Mail senden (Stand Messe 2026)."


@pytest.fixture
def client(database_url: str, db: Database) -> Iterator[TestClient]:
    with visitor_client(database_url, db) as test_client:
        yield test_client


def _campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant, name="Website Kontakt", channel="website")


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return _campaign(db, tenant)


def _send_without_script(client: TestClient, campaign: Campaign, **fields: str) -> None:
    """A Web-to-Lead form whose token request was blocked: a plain post with a consent box."""
    data = web_to_lead(
        consent_email_marketing="on", consent_text_email_marketing=SEEN_TEXT,
        page="https://www.suedmetall.de/kontakt", **fields,
    )  # fmt: skip
    answer = client.post(
        f"/f/{campaign.form_key}", data=data, headers={"User-Agent": "Firefox/140"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303


def _the_only_entry(client: TestClient, tenant: Tenant) -> dict[str, object]:
    listing = client.get("/api/v1/quarantine", headers=tenant.headers(Role.MARKETING)).json()
    [entry] = listing["entries"]
    return dict(entry)


def test_marketing_sees_the_held_back_submission_with_everything_it_carried(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    _send_without_script(client, campaign)

    listing = client.get("/api/v1/quarantine", headers=tenant.headers(Role.MARKETING))

    assert listing.status_code == 200
    body = listing.json()
    assert body["total"] == 1 and body["counts"]["missing_token"] == 1
    assert body["counts"]["time_trap"] == 0
    [entry] = body["entries"]
    assert entry["reasons"] == ["missing_token"]
    assert entry["campaign_name"] == "Website Kontakt"
    assert dict(entry["fields"])["00N5g00000Lieferzeit"] == "Q3"
    assert dict(entry["fields"])["oid"] == "00D5g000004ABCD"
    assert (entry["user_agent"], entry["ip"]) == ("Firefox/140", VISITOR_IP)
    assert entry["page"] == "https://www.suedmetall.de/kontakt"
    assert [(c["key"], c["text"], c["text_source"]) for c in entry["consents"]] == [
        ("email_marketing", SEEN_TEXT, "page")
    ]


def test_a_released_submission_becomes_a_lead_with_its_consent_record_intact(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    _send_without_script(client, campaign)
    entry = _the_only_entry(client, tenant)
    received_at = datetime.fromisoformat(str(entry["received_at"]))

    released = client.post(
        f"/api/v1/quarantine/{entry['id']}/release", headers=tenant.headers(Role.MARKETING)
    )

    assert released.status_code == 200, released.text
    lead_id = released.json()["lead_id"]
    with db.reading() as connection:
        lead = connection.execute(select(leads)).one()
        stages = connection.execute(select(stage_changes.c.target)).scalars().all()
        clock = connection.execute(select(sla_clocks.c.lead_id)).scalar_one()
        touch_at = connection.execute(select(touches.c.at)).scalar_one()
        events = set(connection.execute(select(outbox_events.c.type)).scalars())
        consent = connection.execute(
            select(consent_records, consent_texts.c.text, consent_texts.c.version).join(
                consent_texts, consent_texts.c.id == consent_records.c.text_id
            )
        ).one()
        audit = connection.execute(
            select(
                audit_log.c.action, audit_log.c.subject, audit_log.c.actor, audit_log.c.details
            ).where(audit_log.c.action.like("quarantine.%"))
        ).one()
    assert (lead.id, lead.stage, lead.source, lead.campaign_id) == (
        lead_id, "mql", "website", campaign.id,
    )  # fmt: skip
    assert lead.extras["street"] == "Leopoldstraße 12"
    assert stages == ["mql"] and clock == lead_id and touch_at == received_at
    assert {"lead.stage_changed", "consent.confirmation_requested"} <= events
    assert (consent.text, consent.version) == (SEEN_TEXT, "email-marketing-1")
    assert consent.at == received_at and consent.source == "form:page_text"
    assert (consent.ip, consent.user_agent) == (VISITOR_IP, "Firefox/140")
    assert consent.source_url == "https://www.suedmetall.de/kontakt"
    assert (audit.action, audit.subject) == ("quarantine.released", f"quarantine:{entry['id']}")
    assert audit.actor == f"user:{tenant.user_ids[Role.MARKETING]}"
    assert audit.details["lead_id"] == lead_id
    assert count(db, form_quarantine) == 0


def test_marketing_deletes_spam_from_the_quarantine_and_the_audit_log_keeps_that(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    _send_without_script(client, campaign, homepage="https://cheap-pills.example")
    entry = _the_only_entry(client, tenant)

    deleted = client.delete(
        f"/api/v1/quarantine/{entry['id']}", headers=tenant.headers(Role.MARKETING)
    )

    assert deleted.status_code == 204
    assert entry["reasons"] == ["honeypot", "missing_token"]
    assert count(db, form_quarantine) == 0 and count(db, leads) == 0
    with db.reading() as connection:
        actions = connection.execute(select(audit_log.c.action)).scalars().all()
    assert "quarantine.deleted" in actions


def test_another_workspace_never_sees_releases_or_deletes_an_entry(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant, other_tenant: Tenant
) -> None:
    _send_without_script(client, campaign)
    entry_id = _the_only_entry(client, tenant)["id"]
    foreign = other_tenant.headers(Role.ADMIN)

    listing = client.get("/api/v1/quarantine", headers=foreign)
    released = client.post(f"/api/v1/quarantine/{entry_id}/release", headers=foreign)
    deleted = client.delete(f"/api/v1/quarantine/{entry_id}", headers=foreign)

    assert (listing.json()["total"], listing.json()["entries"]) == (0, [])
    assert set(listing.json()["counts"].values()) == {0}
    assert (released.status_code, deleted.status_code) == (404, 404)
    assert count(db, form_quarantine) == 1 and count(db, leads) == 0


def test_sales_may_not_release_from_the_quarantine(
    client: TestClient, campaign: Campaign, tenant: Tenant
) -> None:
    _send_without_script(client, campaign)
    entry_id = _the_only_entry(client, tenant)["id"]

    answer = client.post(
        f"/api/v1/quarantine/{entry_id}/release", headers=tenant.headers(Role.SALES)
    )

    assert answer.status_code == 403


def test_a_quick_person_on_leadflow_s_own_form_is_released_with_the_text_shown(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    client.post(
        f"/f/{campaign.form_key}?lang=en",
        data=own_form(campaign, _lf_ts=token(campaign, seconds_ago=1), consent_email_marketing="1"),
    )  # fmt: skip
    entry = _the_only_entry(client, tenant)

    client.post(f"/api/v1/quarantine/{entry['id']}/release", headers=tenant.headers(Role.ADMIN))

    assert entry["reasons"] == ["time_trap"]
    with db.reading() as connection:
        consent = connection.execute(
            select(consent_records.c.source, consent_texts.c.text).join(
                consent_texts, consent_texts.c.id == consent_records.c.text_id
            )
        ).one()
        email = connection.execute(select(contacts.c.email)).scalar_one()
    assert consent.source == "form"
    assert consent.text.startswith("Yes, I would like to receive information")
    assert email == "eva.fischer@nordwerk.de"


def _hold(db: Database, tenant: Tenant, campaign: Campaign, received_at: datetime) -> int:
    assert campaign.id is not None
    entry = QuarantineEntry(
        workspace_id=tenant.id, campaign_id=campaign.id, received_at=received_at,
        reasons=(QuarantineReason.MISSING_TOKEN,), fields=[("email", "x@nordwerk.de")],
    )  # fmt: skip
    with unit_of_work(db, tenant.id) as uow:
        return Quarantine(uow.connection, tenant.id).add(entry)


def _held_ids(db: Database) -> set[int]:
    with db.reading() as connection:
        return set(connection.execute(select(form_quarantine.c.id)).scalars())


def test_the_purge_deletes_only_old_entries_of_its_own_workspace(
    db: Database, campaign: Campaign, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = _campaign(db, other_tenant)
    old = _hold(db, tenant, campaign, NOW - timedelta(days=31))
    recent = _hold(db, tenant, campaign, NOW - timedelta(days=29))
    old_of_theirs = _hold(db, other_tenant, theirs, NOW - timedelta(days=40))

    purged = in_unit_of_work(
        db, tenant.id, lambda uow: purge_quarantine(uow, now=NOW, keep_days=30)
    )

    assert purged == 1
    assert _held_ids(db) == {recent, old_of_theirs}
    assert old not in _held_ids(db)


def test_the_worker_purges_entries_older_than_thirty_days_everywhere(
    db: Database, campaign: Campaign, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = _campaign(db, other_tenant)
    _hold(db, tenant, campaign, NOW - timedelta(days=31))
    _hold(db, other_tenant, theirs, NOW - timedelta(days=45))
    recent = _hold(db, tenant, campaign, NOW - timedelta(days=1))

    log = one_worker_round(db, now=NOW)

    assert _held_ids(db) == {recent}
    assert "form quarantine acme: 1 old entries deleted" in log


def test_the_quarantine_page_lists_entries_and_releases_one_for_marketing(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    _send_without_script(client, campaign)
    entry_id = _the_only_entry(client, tenant)["id"]
    csrf = sign_in(client, db, tenant, Role.MARKETING)

    listed = client.get("/app/quarantine")
    released = client.post(
        f"/app/quarantine/{entry_id}/release", data={"csrf_token": csrf}, follow_redirects=False
    )

    assert listed.status_code == 200
    assert "Token fehlt" in listed.text and "Quarantäne" in listed.text
    assert 'href="/app/quarantine"' in listed.text and "Leopoldstraße 12" in listed.text
    assert released.status_code == 303
    with db.reading() as connection:
        lead_id = connection.execute(select(leads.c.id)).scalar_one()
    assert released.headers["location"] == f"/app/leads/{lead_id}?done=released"


def test_sales_gets_no_quarantine_link_and_no_quarantine_page(
    client: TestClient, db: Database, tenant: Tenant
) -> None:
    sign_in(client, db, tenant, Role.SALES)

    board = client.get("/app/board")
    refused = client.get("/app/quarantine")

    assert 'href="/app/quarantine"' not in board.text
    assert refused.status_code == 403


def test_a_quarantined_entry_keeps_a_field_posted_twice_exactly_as_sent(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    fields = [*web_to_lead().items(), ("00N5g00000Produkte", "Regale"),
              ("00N5g00000Produkte", "Stapler")]  # fmt: skip

    client.post(f"/f/{campaign.form_key}", content=urlencode(fields), headers=_FORM)

    sent = _the_only_entry(client, tenant)["fields"]
    assert [tuple(pair) for pair in sent] == fields  # type: ignore[union-attr]


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_an_entry_reads_back_as_it_was_stored(
    db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    entry_id = _hold(db, tenant, campaign, at)

    with db.reading() as connection:
        entry = Quarantine(connection, tenant.id).get(entry_id)
    assert entry.received_at == at and entry.reasons == (QuarantineReason.MISSING_TOKEN,)
