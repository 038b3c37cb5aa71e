"""Notifications of users, written with the event that causes them, and the e-mails that
`leadflow worker` sends for them over SMTP in the user's language, to a real SMTP server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.notifications import FAILED, QUEUED, SENT, NotificationRepository
from leadflow.adapters.db.sla import SlaRepository
from leadflow.adapters.db.tables import consent_confirmations, email_outbox, notifications
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.adapters.smtp_mail import MailNotSent, SmtpSender, parse_smtp_url
from leadflow.cli.main import app
from leadflow.domain.campaign import Campaign
from leadflow.domain.stages import Role, Stage
from leadflow.services.lifecycle.sla_check import check_sla
from leadflow.services.notifications.inbox import notify
from leadflow.services.notifications.mail_sending import MailRetry
from leadflow.services.tasks.activities import add_task
from leadflow.services.tasks.reminders import remind_due_tasks
from leadflow.services.workspaces.sessions import set_locale
from tests.factories import NOW, Tenant, new_campaign, new_lead, sales_users
from tests.integration.automation_support import move, routing
from tests.integration.form_support import count, visitor_client
from tests.integration.form_support import own_form as _person
from tests.integration.mail_support import (
    PASSWORD,
    SmtpServer,
    html_of,
    send_round,
    smtp_server,
    text_of,
)

__all__ = ["smtp_server"]


def _route_all_to(user_id: int) -> str:
    team = f'[[team]]\nname = "Inside"\nmembers = [{{ user = {user_id} }}]\n'
    return f'default_team = "Inside"\n\n{team}'


def _notes(db: Database, tenant: Tenant, user_id: int) -> list[tuple[str, int | None]]:
    with reading(db, tenant.id) as uow:
        found = NotificationRepository(uow.connection, tenant.id).of_user(user_id)
    return [(note.kind, note.lead_id) for note in found]


def _outbox(db: Database) -> list[tuple[str, str, int, str | None]]:
    with db.reading() as connection:
        rows = connection.execute(select(email_outbox).order_by(email_outbox.c.id))
        return [(row.recipient, row.status, row.attempts, row.last_error) for row in rows]


def test_a_lead_routed_to_a_german_speaking_sales_user_arrives_as_a_german_e_mail(
    db: Database, tenant: Tenant, smtp_server: SmtpServer
) -> None:
    [anna] = sales_users(db, tenant, "anna")
    set_locale(db, anna, "de")
    routing(db, tenant, _route_all_to(anna))

    lead_id = new_lead(db, tenant, stage=Stage.MQL, company="Nordwerk")
    log = send_round(db, smtp_server)

    assert _notes(db, tenant, anna) == [("lead_assigned", lead_id)]
    [message] = smtp_server.inbox.to("anna@acme.example")
    assert message["Subject"] == f"Neuer Lead für Sie: #{lead_id}"
    assert message["From"] == "leadflow@acme.example"
    assert f"Ihnen wurde der Lead #{lead_id} zugewiesen." in text_of(message)
    assert f"http://testserver/app/leads/{lead_id}" in text_of(message)
    assert f'href="http://testserver/app/leads/{lead_id}"' in html_of(message)
    assert 'lang="de"' in html_of(message)
    assert smtp_server.inbox.logins == ["mailer"]
    assert [(row[0], row[1]) for row in _outbox(db)] == [("anna@acme.example", SENT)]
    assert log == ["e-mail: 1 sent, 0 to retry, 0 failed, 0 claims lost"]


def test_an_english_speaking_user_gets_the_e_mail_in_english(
    db: Database, tenant: Tenant, smtp_server: SmtpServer
) -> None:
    [ben] = sales_users(db, tenant, "ben")
    set_locale(db, ben, "en")
    routing(db, tenant, _route_all_to(ben))

    lead_id = new_lead(db, tenant, stage=Stage.MQL)
    send_round(db, smtp_server)

    [message] = smtp_server.inbox.to("ben@acme.example")
    assert message["Subject"] == f"New lead for you: #{lead_id}"
    assert f"Lead #{lead_id} has been assigned to you." in text_of(message)
    assert 'lang="en"' in html_of(message)


def test_a_user_without_a_chosen_language_gets_the_workspace_default(
    db: Database, tenant: Tenant, smtp_server: SmtpServer
) -> None:
    [carla] = sales_users(db, tenant, "carla")
    routing(db, tenant, _route_all_to(carla))

    new_lead(db, tenant, stage=Stage.MQL)
    send_round(db, smtp_server)

    [message] = smtp_server.inbox.to("carla@acme.example")
    assert message["Subject"].startswith("Neuer Lead für Sie")


def test_the_smtp_password_is_neither_stored_nor_logged(
    db: Database, tenant: Tenant, smtp_server: SmtpServer
) -> None:
    [anna] = sales_users(db, tenant, "anna")
    routing(db, tenant, _route_all_to(anna))
    new_lead(db, tenant, stage=Stage.MQL)

    log = send_round(db, smtp_server)

    with db.reading() as connection:
        stored = [str(tuple(row)) for row in connection.execute(select(email_outbox))]
    assert stored and not any(PASSWORD in row for row in stored)
    assert not any(PASSWORD in line for line in log)


def test_a_refusing_server_leads_to_retries_and_then_a_failed_e_mail_with_the_reason(
    db: Database, tenant: Tenant, smtp_server: SmtpServer
) -> None:
    [anna] = sales_users(db, tenant, "anna")
    routing(db, tenant, _route_all_to(anna))
    new_lead(db, tenant, stage=Stage.MQL)
    smtp_server.inbox.refuse = "550 5.1.1 mailbox unavailable"
    retry = MailRetry(base_seconds=60, max_attempts=3)

    send_round(db, smtp_server, retry=retry)
    [(_, status, attempts, error)] = _outbox(db)
    assert (status, attempts) == (QUEUED, 1) and error and "mailbox unavailable" in error

    send_round(db, smtp_server, retry=retry)  # not due yet: the backoff holds it back
    assert _outbox(db)[0][2] == 1

    send_round(db, smtp_server, at=NOW + timedelta(minutes=5), retry=retry)
    log = send_round(db, smtp_server, at=NOW + timedelta(hours=1), retry=retry)

    [(_, status, attempts, error)] = _outbox(db)
    assert (status, attempts) == (FAILED, 3)
    assert error is not None and error.startswith("recipient refused: 550")
    assert log == ["e-mail: 0 sent, 0 to retry, 1 failed, 0 claims lost"]
    assert smtp_server.inbox.messages == []


def test_without_smtp_the_e_mails_stay_queued_and_the_worker_says_so_once(
    db: Database, tenant: Tenant
) -> None:
    from tests.integration.automation_support import one_worker_round

    [anna] = sales_users(db, tenant, "anna")
    routing(db, tenant, _route_all_to(anna))
    new_lead(db, tenant, stage=Stage.MQL)

    log = one_worker_round(db)

    assert [row[1] for row in _outbox(db)] == [QUEUED]
    assert (
        log.count("e-mail: sending is not configured (LEADFLOW_SMTP_URL); e-mails stay queued") == 1
    )


def test_the_same_cause_notifies_a_user_only_once(db: Database, tenant: Tenant) -> None:
    lead_id = new_lead(db, tenant, stage=Stage.MQL)
    admin = tenant.user_ids[Role.ADMIN]

    for _ in range(2):
        with unit_of_work(db, tenant.id) as uow:
            check_sla(uow, NOW + timedelta(days=2))
        with unit_of_work(db, tenant.id) as uow:
            notify(uow, admin, "lead_assigned", lead_id=lead_id, params={}, cause="test:1", now=NOW)

    assert sorted(_notes(db, tenant, admin)) == [
        ("lead_assigned", lead_id),
        ("sla_overdue", lead_id),
    ]
    assert count(db, email_outbox) == 2


def test_the_unique_cause_holds_even_when_two_writers_miss_each_other(
    db: Database, tenant: Tenant
) -> None:
    admin = tenant.user_ids[Role.ADMIN]

    with db.transaction() as connection:
        repository = NotificationRepository(connection, tenant.id)
        added = [
            repository.add(
                admin, kind="task_due", lead_id=None, params={}, message="m", cause="x", now=NOW
            )
            for _ in range(2)
        ]

    assert added[0] is not None and added[1] is None
    assert count(db, notifications) == 1


def test_the_assignee_is_told_once_when_the_decision_is_due_soon(
    db: Database, tenant: Tenant
) -> None:
    [anna] = sales_users(db, tenant, "anna")
    routing(db, tenant, _route_all_to(anna))
    lead_id = new_lead(db, tenant, stage=Stage.MQL)

    with reading(db, tenant.id) as uow:
        [clock] = SlaRepository(uow.connection, tenant.id).running_with_assignee(NOW)

    rounds = []
    for at in (NOW + timedelta(minutes=10), clock.due_at - timedelta(hours=1), clock.due_at):
        with unit_of_work(db, tenant.id) as uow:
            rounds.append(check_sla(uow, at).due_soon)

    assert rounds == [[], [lead_id], []]
    assert _notes(db, tenant, anna) == [("sla_due_soon", lead_id), ("lead_assigned", lead_id)]


def test_a_task_assignee_is_told_once_on_the_due_day(db: Database, tenant: Tenant) -> None:
    [anna] = sales_users(db, tenant, "anna")
    lead_id = new_lead(db, tenant, stage=Stage.MQL)
    with unit_of_work(db, tenant.id) as uow:
        for title, due_on in (("Anrufen", date(2026, 3, 2)), ("Angebot", date(2026, 3, 9))):
            add_task(
                uow, lead_id, title=title, due_on=due_on, assignee_id=anna,
                by=tenant.principal(Role.SALES), now=NOW,
            )  # fmt: skip

    told = []
    for _ in range(2):
        with unit_of_work(db, tenant.id) as uow:
            told.append(remind_due_tasks(uow, NOW))

    assert told == [1, 0]
    with db.reading() as connection:
        [params] = connection.execute(select(notifications.c.params)).scalars()
    assert params["title"] == "Anrufen" and params["due_on"] == "2026-03-02"


def test_marketing_hears_of_a_lead_rejected_by_sales_but_not_of_an_automatic_recycle(
    db: Database, tenant: Tenant
) -> None:
    marketing = tenant.user_ids[Role.MARKETING]
    rejected = new_lead(db, tenant, stage=Stage.MQL)
    accepted = new_lead(db, tenant, stage=Stage.MQL)

    move(db, tenant, rejected, Stage.DISQUALIFIED, reason="competitor")
    move(db, tenant, accepted, Stage.SAL)

    assert _notes(db, tenant, marketing) == [("lead_rejected", rejected)]
    with db.reading() as connection:
        [params] = connection.execute(select(notifications.c.params)).scalars()
    assert (params["stage"], params["reason"]) == ("disqualified", "competitor")


@pytest.fixture
def form_client(database_url: str, db: Database) -> Iterator[TestClient]:
    with visitor_client(database_url, db) as client:
        yield client


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant)


def test_the_double_opt_in_e_mail_arrives_and_its_link_confirms_the_consent(
    form_client: TestClient, db: Database, campaign: Campaign, smtp_server: SmtpServer
) -> None:
    form_client.post(
        f"/f/{campaign.form_key}?lang=en",
        data=_person(campaign, consent_email_marketing="1", email="eva@nordwerk.de"),
    )
    send_round(db, smtp_server, at=datetime.now(UTC))

    [message] = smtp_server.inbox.to("eva@nordwerk.de")
    assert message["Subject"] == "Please confirm your e-mail address"
    found = re.search(r"http://testserver(/p/confirm/\S+)", text_of(message))
    assert found is not None
    page = form_client.get(found.group(1))
    assert page.status_code == 200 and 'method="post"' in page.text
    assert count(db, consent_confirmations) == 0

    confirmed = form_client.post(found.group(1))

    assert confirmed.status_code == 200
    assert count(db, consent_confirmations) == 1


def test_a_german_form_sends_the_double_opt_in_in_german(
    form_client: TestClient, db: Database, campaign: Campaign, smtp_server: SmtpServer
) -> None:
    form_client.post(
        f"/f/{campaign.form_key}",
        data=_person(campaign, consent_email_marketing="1", email="jo@nordwerk.de"),
    )
    send_round(db, smtp_server, at=datetime.now(UTC))

    [message] = smtp_server.inbox.to("jo@nordwerk.de")
    assert message["Subject"] == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "http://testserver/p/confirm/" in html_of(message)


def test_marketing_hears_of_a_quarantined_form_submission_once_a_day(
    form_client: TestClient, db: Database, tenant: Tenant, campaign: Campaign
) -> None:
    for _ in range(2):
        form_client.post(f"/f/{campaign.form_key}", data=_person(campaign, homepage="spam"))

    assert _notes(db, tenant, tenant.user_ids[Role.MARKETING]) == [("form_quarantined", None)]


def test_leadflow_worker_sends_through_the_server_named_by_leadflow_smtp_url(
    db: Database,
    tenant: Tenant,
    smtp_server: SmtpServer,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [anna] = sales_users(db, tenant, "anna")
    routing(db, tenant, _route_all_to(anna))
    new_lead(db, tenant, stage=Stage.MQL)
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("LEADFLOW_SMTP_URL", smtp_server.url)
    monkeypatch.setenv("LEADFLOW_SMTP_FROM", "leads@acme.example")

    result = CliRunner().invoke(app, ["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert f"e-mail through plain 127.0.0.1:{smtp_server.port}" in result.output
    assert "e-mail: 1 sent" in result.output and PASSWORD not in result.output
    [message] = smtp_server.inbox.to("anna@acme.example")
    assert message["From"] == "leads@acme.example"


def test_a_server_without_starttls_gets_nothing_when_starttls_is_required(
    smtp_server: SmtpServer,
) -> None:
    config = parse_smtp_url(f"smtp+starttls://127.0.0.1:{smtp_server.port}", "l@acme.example")

    with pytest.raises(MailNotSent, match="STARTTLS"):
        SmtpSender(config, timeout_seconds=5).send("a@b.example", "Betreff", "Text", "<p>x</p>")

    assert smtp_server.inbox.messages == []
