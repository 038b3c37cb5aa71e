"""The form quarantine over the API: list it with counts per reason, release an entry into the
funnel, delete one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.quarantine import QuarantineEntry
from leadflow.services.intake import quarantine as quarantine_service
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.privacy_deps import optional_privacy_keys
from leadflow.web.ids import IdPath, Offset
from leadflow.web.public_url import public_url

router = APIRouter(prefix="/api/v1/quarantine", tags=["forms"])


class QuarantinedConsent(BaseModel):
    key: str
    purpose: str
    channel: str
    version: str
    text: str
    text_source: str


class QuarantinedPublic(BaseModel):
    id: int
    campaign_id: int
    campaign_name: str
    received_at: datetime
    reasons: list[str]
    fields: list[tuple[str, str]]
    consents: list[QuarantinedConsent]
    page: str | None
    ip: str | None
    user_agent: str | None
    language: str


class QuarantineListPublic(BaseModel):
    total: int
    counts: dict[str, int]
    entries: list[QuarantinedPublic]


class ReleasedPublic(BaseModel):
    lead_id: int | None
    merged: bool


def _public(entry: QuarantineEntry, campaign_name: str) -> QuarantinedPublic:
    assert entry.id is not None
    return QuarantinedPublic(
        id=entry.id, campaign_id=entry.campaign_id, campaign_name=campaign_name,
        received_at=entry.received_at, reasons=[str(r) for r in entry.reasons],
        fields=entry.fields, page=entry.page, ip=entry.ip, user_agent=entry.user_agent,
        language=entry.language,
        consents=[
            QuarantinedConsent(
                key=c.key, purpose=c.purpose, channel=c.channel, version=c.version,
                text=c.text, text_source=str(c.text_source),
            )
            for c in entry.consents
        ],
    )  # fmt: skip


@router.get("", response_model=QuarantineListPublic)
def list_quarantine(
    db: DbDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> QuarantineListPublic:
    """Lead form submissions held back as automated, newest first, with counts per reason."""
    with reading(db, principal.workspace_id) as uow:
        listing = quarantine_service.quarantine_list(uow, by=principal, limit=limit, offset=offset)
    return QuarantineListPublic(
        total=listing.total,
        counts={str(reason): count for reason, count in listing.counts.items()},
        entries=[_public(entry, name) for entry, name in listing.entries],
    )


@router.post("/{entry_id}/release", response_model=ReleasedPublic)
def release_entry(
    entry_id: IdPath, request: Request, db: DbDep, principal: PrincipalDep, now: NowDep
) -> ReleasedPublic:
    """Enter a held-back submission into the funnel as a good one would (audited)."""
    base_url, privacy = public_url(request), optional_privacy_keys(request)
    outcome = in_unit_of_work(
        db, principal.workspace_id,
        lambda uow: quarantine_service.release(
            uow, entry_id, by=principal, now=now, base_url=base_url, privacy=privacy
        ),
    )  # fmt: skip
    return ReleasedPublic(lead_id=outcome.lead_id, merged=outcome.merged)


@router.delete("/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_entry(entry_id: IdPath, db: DbDep, principal: PrincipalDep, now: NowDep) -> Response:
    """Delete a held-back submission (audited)."""
    in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: quarantine_service.delete(uow, entry_id, by=principal, now=now),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
