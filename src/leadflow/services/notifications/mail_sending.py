"""One round of e-mail sending: claim due e-mails with a lease, send them over SMTP, record the
outcome. A failed attempt waits with capped, jittered backoff; after `max_attempts` the e-mail
is failed with the server's last answer. A worker that dies mid-send leaves its claim to run
out, and the e-mail is sent again (at least once, never twice within a lease)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.notifications import FAILED, QUEUED, SENT, MailQueue, QueuedMail
from leadflow.adapters.smtp_mail import MailNotSent
from leadflow.domain.webhook_signing import retry_delay
from leadflow.services.notifications.inbox import PUBLIC_URL_MARK

Clock = Callable[[], datetime]
MAX_MAIL_ATTEMPTS = 8


class MailSender(Protocol):
    def send(self, recipient: str, subject: str, text: str, html: str) -> None: ...


@dataclass(frozen=True)
class MailRetry:
    base_seconds: float = 60.0
    cap_seconds: float = 6 * 3600.0
    max_attempts: int = MAX_MAIL_ATTEMPTS


@dataclass
class MailRound:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost_claims: int = 0

    @property
    def attempts(self) -> int:
        return self.sent + self.retried + self.failed


def send_due_mail(
    db: Database,
    *,
    sender: MailSender,
    public_url: str,
    clock: Clock,
    rng: random.Random,
    lease_seconds: float,
    batch: int,
    retry: MailRetry = MailRetry(),
) -> MailRound:
    """Send up to `batch` due e-mails; the lease must outlast the batch."""
    token = uuid.uuid4().hex
    start = clock()
    with db.transaction() as connection:
        claimed = MailQueue(connection).claim(
            start, lease_until=start + timedelta(seconds=lease_seconds), limit=batch, token=token
        )
    outcome = MailRound()
    for mail in claimed:
        error = _send(sender, mail, public_url.rstrip("/"))
        now = clock()
        attempts = mail.attempts + 1
        if error is None:
            status, next_at, sent_at = SENT, now, now
        elif attempts >= retry.max_attempts:
            status, next_at, sent_at = FAILED, now, None
        else:
            delay = retry_delay(
                attempts, base_seconds=retry.base_seconds, cap_seconds=retry.cap_seconds, rng=rng
            )
            status, next_at, sent_at = QUEUED, now + timedelta(seconds=delay), None
        with db.transaction() as connection:
            kept = MailQueue(connection).finish(
                mail.id, token, status=status, attempts=attempts, next_attempt_at=next_at,
                error=error, sent_at=sent_at,
            )  # fmt: skip
        if not kept:
            outcome.lost_claims += 1
        elif status == SENT:
            outcome.sent += 1
        elif status == FAILED:
            outcome.failed += 1
        else:
            outcome.retried += 1
    return outcome


def queued_mail(db: Database) -> int:
    with db.reading() as connection:
        return MailQueue(connection).queued()


def _send(sender: MailSender, mail: QueuedMail, public_url: str) -> str | None:
    try:
        sender.send(
            mail.recipient,
            mail.subject,
            mail.body_text.replace(PUBLIC_URL_MARK, public_url),
            mail.body_html.replace(PUBLIC_URL_MARK, public_url),
        )
    except MailNotSent as error:
        return str(error)[:2000]
    return None
