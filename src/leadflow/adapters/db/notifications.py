"""Notifications of users (one per user and cause) and the e-mail outbox of one workspace; the
outbox is also read across workspaces by the worker, which claims due e-mails with a lease."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import email_outbox, notifications, users

QUEUED = "queued"
SENT = "sent"
FAILED = "failed"


@dataclass(frozen=True)
class StoredNotification:
    id: int
    user_id: int
    lead_id: int | None
    kind: str
    params: dict[str, Any]
    message: str
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True)
class QueuedMail:
    id: int
    workspace_id: int
    kind: str
    recipient: str
    locale: str
    subject: str
    body_text: str
    body_html: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None


class NotificationRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def has_cause(self, user_id: int, cause: str) -> bool:
        found = self.connection.execute(
            select(notifications.c.id).where(
                notifications.c.workspace_id == self.workspace_id,
                notifications.c.user_id == user_id,
                notifications.c.cause == cause,
            )
        ).first()
        return found is not None

    def add(
        self,
        user_id: int,
        *,
        kind: str,
        lead_id: int | None,
        params: dict[str, Any],
        message: str,
        cause: str | None,
        now: datetime,
    ) -> int | None:
        """The new notification's id; None when the user was told of this cause already (also
        by a transaction running at the same time: the unique index decides)."""
        values = {
            "workspace_id": self.workspace_id, "user_id": user_id, "lead_id": lead_id,
            "kind": kind, "params": params, "message": message, "cause": cause,
            "created_at": now,
        }  # fmt: skip
        statement: Any
        if self.connection.dialect.name == "postgresql":
            statement = postgresql_insert(notifications).values(values)
        else:
            statement = sqlite_insert(notifications).values(values)
        statement = statement.on_conflict_do_nothing(
            index_elements=["workspace_id", "user_id", "cause"]
        ).returning(notifications.c.id)
        found = self.connection.execute(statement).scalar_one_or_none()
        return None if found is None else int(found)

    def user_address(self, user_id: int) -> tuple[str | None, str | None]:
        """The user's e-mail address and chosen language (either may be missing)."""
        row = self.connection.execute(
            select(users.c.email, users.c.locale).where(users.c.id == user_id)
        ).first()
        return (row.email, row.locale) if row is not None else (None, None)

    def of_user(self, user_id: int, *, limit: int = 200) -> list[StoredNotification]:
        rows = self.connection.execute(
            select(notifications)
            .where(
                notifications.c.workspace_id == self.workspace_id,
                notifications.c.user_id == user_id,
            )
            .order_by(notifications.c.id.desc())
            .limit(limit)
        )
        return [
            StoredNotification(
                r.id,
                r.user_id,
                r.lead_id,
                r.kind,
                dict(r.params or {}),
                r.message,
                r.created_at,
                r.read_at,
            )  # fmt: skip
            for r in rows
        ]

    def unread_count(self, user_id: int) -> int:
        return int(
            self.connection.execute(
                select(func.count()).where(
                    notifications.c.workspace_id == self.workspace_id,
                    notifications.c.user_id == user_id,
                    notifications.c.read_at.is_(None),
                )
            ).scalar_one()
        )

    def mark_read(self, user_id: int, notification_id: int | None, now: datetime) -> int:
        """Mark one notification (or all, with None) of the user read; return how many."""
        statement = update(notifications).where(
            notifications.c.workspace_id == self.workspace_id,
            notifications.c.user_id == user_id,
            notifications.c.read_at.is_(None),
        )
        if notification_id is not None:
            statement = statement.where(notifications.c.id == notification_id)
        return self.connection.execute(statement.values(read_at=now)).rowcount

    def queue_mail(
        self,
        *,
        kind: str,
        recipient: str,
        locale: str,
        subject: str,
        body_text: str,
        body_html: str,
        notification_id: int | None,
        now: datetime,
    ) -> int:
        result = self.connection.execute(
            insert(email_outbox).values(
                workspace_id=self.workspace_id,
                notification_id=notification_id,
                kind=kind,
                recipient=recipient,
                locale=locale,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                status=QUEUED,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        return inserted_id(result)


class MailQueue:
    """The e-mail outbox of every workspace, as the worker sees it."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def claim(
        self, now: datetime, *, lease_until: datetime, limit: int, token: str
    ) -> list[QueuedMail]:
        """Take up to `limit` due e-mails: until the lease runs out no other worker sends them."""
        due = (
            select(email_outbox.c.id)
            .where(email_outbox.c.status == QUEUED, email_outbox.c.next_attempt_at <= now)
            .order_by(email_outbox.c.next_attempt_at, email_outbox.c.id)
            .limit(limit)
        )
        if self.connection.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = [row.id for row in self.connection.execute(due)]
        if not ids:
            return []
        self.connection.execute(
            update(email_outbox)
            .where(email_outbox.c.id.in_(ids))
            .values(next_attempt_at=lease_until, claim_token=token)
        )
        rows = self.connection.execute(
            select(email_outbox)
            .where(email_outbox.c.id.in_(ids), email_outbox.c.claim_token == token)
            .order_by(email_outbox.c.id)
        )
        return [_mail(row) for row in rows]

    def finish(
        self,
        mail_id: int,
        token: str,
        *,
        status: str,
        attempts: int,
        next_attempt_at: datetime,
        error: str | None,
        sent_at: datetime | None,
    ) -> bool:
        """Record the outcome, unless the claim was lost to another worker."""
        result = self.connection.execute(
            update(email_outbox)
            .where(email_outbox.c.id == mail_id, email_outbox.c.claim_token == token)
            .values(
                status=status,
                attempts=attempts,
                next_attempt_at=next_attempt_at,
                last_error=error,
                sent_at=sent_at,
                claim_token=None,
            )
        )
        return result.rowcount == 1

    def queued(self) -> int:
        return int(
            self.connection.execute(
                select(func.count()).where(email_outbox.c.status == QUEUED)
            ).scalar_one()
        )


def _mail(row: Any) -> QueuedMail:
    return QueuedMail(
        row.id, row.workspace_id, row.kind, row.recipient, row.locale, row.subject,
        row.body_text, row.body_html, row.status, row.attempts, row.next_attempt_at,
        row.last_error, row.sent_at,
    )  # fmt: skip
