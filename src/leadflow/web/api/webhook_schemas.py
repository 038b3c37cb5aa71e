"""Request and response shapes of the webhook API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from leadflow.web.api.schemas import Input

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2000)]
Events = Annotated[list[str], Field(min_length=1, max_length=10)]


class WebhookCreate(Input):
    url: Url
    events: Events = ["*"]
    allow_private: bool = False
    """Allow private, loopback and link-local targets (for testing); admins only."""
    description: Annotated[str, StringConstraints(max_length=200)] | None = None


class WebhookUpdate(Input):
    url: Url | None = None
    events: Events | None = None
    active: bool | None = None
    allow_private: bool | None = None
    description: Annotated[str, StringConstraints(max_length=200)] | None = None


class WebhookPublic(BaseModel):
    id: int
    url: str
    events: list[str]
    active: bool
    allow_private: bool
    description: str | None
    created_at: datetime


class WebhookCreated(WebhookPublic):
    secret: str
    """Shown only now: verify each delivery's Standard Webhooks headers (`webhook-id`,
    `webhook-timestamp`, `webhook-signature`) with it, e.g. with a standardwebhooks library."""


class SecretPublic(BaseModel):
    secret: str


class DeliveryPublic(BaseModel):
    id: int
    webhook_id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
