"""Webhook endpoints: subscriptions, secrets and dead letters."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from leadflow.adapters.db.outbox import DeliveryRow, StoredWebhook
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.adapters.secret_key import secret_key
from leadflow.services.webhooks import subscriptions as webhook_service
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.webhook_schemas import (
    DeliveryPublic,
    SecretPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
    WebhookUpdate,
)
from leadflow.web.ids import IdPath

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


@router.post("", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED)
def create_webhook(
    body: WebhookCreate, request: Request, db: DbDep, principal: PrincipalDep, now: NowDep
) -> WebhookCreated:
    """Subscribe a URL to events (`*` for all); the answer holds the signing secret, once.

    URLs resolving to private, loopback or link-local addresses answer 422 unless an admin
    sets `allow_private` (for testing)."""
    created = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: webhook_service.create_webhook(
            uow,
            body.url,
            body.events,
            key=secret_key(request.app.state.settings),
            by=principal,
            now=now,
            allow_private=body.allow_private,
            description=body.description,
        ),
    )
    return WebhookCreated(**_public(created.webhook).model_dump(), secret=created.secret)


@router.get("", response_model=list[WebhookPublic])
def list_webhooks(db: DbDep, principal: PrincipalDep) -> list[WebhookPublic]:
    """The workspace's webhooks."""
    with reading(db, principal.workspace_id) as uow:
        return [_public(hook) for hook in webhook_service.list_webhooks(uow)]


@router.get("/dead-letters", response_model=list[DeliveryPublic])
def list_dead_letters(db: DbDep, principal: PrincipalDep) -> list[DeliveryPublic]:
    """Deliveries given up after the last attempt."""
    with reading(db, principal.workspace_id) as uow:
        return [_delivery(row) for row in webhook_service.dead_letters(uow)]


@router.post("/dead-letters/{delivery_id}/retry", status_code=status.HTTP_204_NO_CONTENT)
def retry_dead_letter(
    delivery_id: IdPath, db: DbDep, principal: PrincipalDep, now: NowDep
) -> Response:
    """Queue a dead letter for a fresh series of attempts."""
    in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: webhook_service.retry_dead_letter(uow, delivery_id, by=principal, now=now),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch("/{webhook_id}", response_model=WebhookPublic)
def change_webhook(
    webhook_id: IdPath, body: WebhookUpdate, db: DbDep, principal: PrincipalDep
) -> WebhookPublic:
    """Change URL, events, description, pause (`active: false`) or resume a webhook."""
    changed = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: webhook_service.change_webhook(
            uow, webhook_id, by=principal, **body.model_dump(exclude_unset=True)
        ),
    )
    return _public(changed)


@router.post("/{webhook_id}/rotate-secret", response_model=SecretPublic)
def rotate_secret(
    webhook_id: IdPath, request: Request, db: DbDep, principal: PrincipalDep
) -> SecretPublic:
    """A new signing secret (shown once); the old one stops working at once."""
    secret = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: webhook_service.rotate_secret(
            uow, webhook_id, key=secret_key(request.app.state.settings), by=principal
        ),
    )
    return SecretPublic(secret=secret)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: IdPath, db: DbDep, principal: PrincipalDep) -> Response:
    """Delete a webhook and its pending deliveries."""
    in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: webhook_service.remove_webhook(uow, webhook_id, by=principal),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _public(hook: StoredWebhook) -> WebhookPublic:
    return WebhookPublic(
        id=hook.id,
        url=hook.url,
        events=hook.events,
        active=hook.active,
        allow_private=hook.allow_private,
        description=hook.description,
        created_at=hook.created_at,
    )


def _delivery(row: DeliveryRow) -> DeliveryPublic:
    return DeliveryPublic.model_validate(row, from_attributes=True)
