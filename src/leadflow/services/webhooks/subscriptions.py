"""Webhook subscriptions of a workspace, their signing secrets and the dead-letter list."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from leadflow.adapters.db.outbox import DEAD, DeliveryRow, StoredWebhook
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.webhook_http import Resolver, checked_addresses, system_resolver
from leadflow.domain.errors import PermissionDenied
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.domain.webhooks import check_events, derive_secret, parse_target


@dataclass(frozen=True)
class WebhookWithSecret:
    webhook: StoredWebhook
    secret: str
    """Shown once; leadflow derives it from LEADFLOW_SECRET_KEY and stores only a salt."""


def create_webhook(
    uow: UnitOfWork,
    url: str,
    events: Sequence[str],
    *,
    key: bytes,
    by: Principal,
    now: datetime,
    allow_private: bool = False,
    description: str | None = None,
    resolve: Resolver = system_resolver,
) -> WebhookWithSecret:
    """Subscribe a URL to events; private, loopback and link-local targets need an admin's leave."""
    by.require(Actor.MARKETING)
    _check_private_leave(by, allow_private)
    target = parse_target(url)
    checked_addresses(target, allow_private=allow_private, resolve=resolve)
    repository = uow.webhooks
    salt = secrets.token_hex(16)
    webhook_id = repository.add(
        target.url,
        check_events(events),
        secret_salt=salt,
        allow_private=allow_private,
        description=description,
        now=now,
    )
    return WebhookWithSecret(repository.get(webhook_id), derive_secret(key, salt))


def change_webhook(
    uow: UnitOfWork,
    webhook_id: int,
    *,
    by: Principal,
    url: str | None = None,
    events: Sequence[str] | None = None,
    active: bool | None = None,
    allow_private: bool | None = None,
    description: str | None = None,
    resolve: Resolver = system_resolver,
) -> StoredWebhook:
    """Change a subscription; the URL is checked again against the (new) leave."""
    by.require(Actor.MARKETING)
    repository = uow.webhooks
    current = repository.get(webhook_id)
    if allow_private is not None:
        _check_private_leave(by, allow_private)
    values: dict[str, object] = {}
    leave = current.allow_private if allow_private is None else allow_private
    if url is not None or allow_private is not None:
        target = parse_target(url or current.url)
        checked_addresses(target, allow_private=leave, resolve=resolve)
        values.update(url=target.url, allow_private=leave)
    if events is not None:
        values["events"] = check_events(events)
    if active is not None:
        values["active"] = active
    if description is not None:
        values["description"] = description
    if values:
        repository.change(webhook_id, **values)
    return repository.get(webhook_id)


def rotate_secret(uow: UnitOfWork, webhook_id: int, *, key: bytes, by: Principal) -> str:
    """A new signing secret for the webhook; the old one stops working at once."""
    by.require(Actor.MARKETING)
    salt = secrets.token_hex(16)
    uow.webhooks.change(webhook_id, secret_salt=salt)
    return derive_secret(key, salt)


def remove_webhook(uow: UnitOfWork, webhook_id: int, *, by: Principal) -> None:
    """Delete a subscription with its pending deliveries."""
    by.require(Actor.MARKETING)
    uow.webhooks.remove(webhook_id)


def list_webhooks(uow: UnitOfWork) -> list[StoredWebhook]:
    return uow.webhooks.all()


def dead_letters(uow: UnitOfWork, *, limit: int = 100) -> list[DeliveryRow]:
    """Deliveries given up after the last attempt, oldest first."""
    return uow.outbox.deliveries(status=DEAD, limit=limit)


def retry_dead_letter(uow: UnitOfWork, delivery_id: int, *, by: Principal, now: datetime) -> None:
    """Give a dead letter a fresh series of attempts."""
    by.require(Actor.MARKETING)
    uow.outbox.requeue(delivery_id, now)


def _check_private_leave(by: Principal, allow_private: bool) -> None:
    if allow_private and by.actor is not Actor.ADMIN:
        raise PermissionDenied(
            "only an admin may allow a webhook to private, loopback or link-local addresses"
        )
