"""Notifications of users, written in the transaction of the event that causes them: each one
also queues an e-mail to the user (in their language) that `leadflow worker` sends over SMTP.
One notification per user and cause: the same cause told twice changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from leadflow.adapters.db.notifications import StoredNotification
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.notification_mail import (
    CONFIRM_CONSENT,
    confirmation_mail,
    line,
    locale_or_default,
    notification_mail,
)
from leadflow.domain.stages import Role

PUBLIC_URL_MARK = "{public_url}"
"""Stands for LEADFLOW_PUBLIC_URL in a queued e-mail; the worker puts the address in when it
sends (the events that notify know no address)."""


def notify(
    uow: UnitOfWork,
    user_id: int,
    kind: str,
    *,
    lead_id: int | None,
    params: Mapping[str, Any],
    cause: str,
    now: datetime,
) -> int | None:
    """Tell the user, once per cause; return the new notification's id (None: told before)."""
    repository = uow.notifications
    if repository.has_cause(user_id, cause):
        return None
    values = {"lead_id": lead_id, **params}
    notification_id = repository.add(
        user_id,
        kind=kind,
        lead_id=lead_id,
        params=values,
        message=line(kind, "en", values),
        cause=cause,
        now=now,
    )
    if notification_id is None:
        return None
    email, chosen = repository.user_address(user_id)
    if email:
        locale = locale_or_default(chosen, workspace_locale(uow))
        link = PUBLIC_URL_MARK + (f"/app/leads/{lead_id}" if lead_id else "/app/notifications")
        mail = notification_mail(kind, locale, values, link)
        repository.queue_mail(
            kind=kind, recipient=email, locale=locale, subject=mail.subject,
            body_text=mail.text, body_html=mail.html, notification_id=notification_id, now=now,
        )  # fmt: skip
    return notification_id


def notify_role(
    uow: UnitOfWork,
    role: Role,
    kind: str,
    *,
    lead_id: int | None,
    params: Mapping[str, Any],
    cause: str,
    now: datetime,
) -> list[int]:
    """Tell every member of the workspace with this role."""
    told = []
    for member in uow.directory.members(uow.workspace_id):
        if member.role is role:
            found = notify(
                uow, member.user_id, kind, lead_id=lead_id, params=params, cause=cause, now=now
            )
            if found is not None:
                told.append(found)
    return told


def queue_confirmation(
    uow: UnitOfWork, *, email: str, locale: str | None, confirm_url: str, now: datetime
) -> int:
    """Queue the double opt-in e-mail to the person, in the language of the form they used."""
    chosen = locale_or_default(locale, workspace_locale(uow))
    mail = confirmation_mail(chosen, confirm_url)
    return uow.notifications.queue_mail(
        kind=CONFIRM_CONSENT, recipient=email, locale=chosen, subject=mail.subject,
        body_text=mail.text, body_html=mail.html, notification_id=None, now=now,
    )  # fmt: skip


def workspace_locale(uow: UnitOfWork) -> str:
    stored = uow.directory.workspace_config(uow.workspace_id).get("default_locale")
    return locale_or_default(stored if isinstance(stored, str) else None)


def my_notifications(uow: UnitOfWork, user_id: int) -> list[StoredNotification]:
    return uow.notifications.of_user(user_id)


def unread_count(uow: UnitOfWork, user_id: int) -> int:
    return uow.notifications.unread_count(user_id)


def mark_read(uow: UnitOfWork, user_id: int, notification_id: int | None, now: datetime) -> int:
    """Mark one of the user's notifications read (None: all of them)."""
    return uow.notifications.mark_read(user_id, notification_id, now)
