"""The form quarantine of one workspace: submissions that looked automated, as posted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.engine import Connection, Row

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import campaigns, form_quarantine
from leadflow.domain.errors import NotFound
from leadflow.domain.quarantine import (
    ConsentTextSource,
    QuarantineEntry,
    QuarantineReason,
    TickedConsent,
)


class Quarantine:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add(self, entry: QuarantineEntry) -> int:
        return inserted_id(
            self.connection.execute(
                insert(form_quarantine).values(
                    workspace_id=self.workspace_id,
                    campaign_id=entry.campaign_id,
                    received_at=entry.received_at,
                    reasons=" ".join(entry.reasons),
                    fields=[[name, value] for name, value in entry.fields],
                    consents=[_consent_data(consent) for consent in entry.consents],
                    page=entry.page,
                    ip=entry.ip,
                    user_agent=entry.user_agent,
                    language=entry.language,
                )
            )
        )

    def get(self, entry_id: int) -> QuarantineEntry:
        row = self.connection.execute(
            select(form_quarantine).where(
                form_quarantine.c.workspace_id == self.workspace_id,
                form_quarantine.c.id == entry_id,
            )
        ).first()
        if row is None:
            raise NotFound("quarantined submission", entry_id)
        return _entry(row)

    def newest(self, *, limit: int, offset: int = 0) -> list[tuple[QuarantineEntry, str]]:
        """Entries, newest first, each with its campaign's name."""
        rows = self.connection.execute(
            select(form_quarantine, campaigns.c.name.label("campaign_name"))
            .join(campaigns, campaigns.c.id == form_quarantine.c.campaign_id)
            .where(form_quarantine.c.workspace_id == self.workspace_id)
            .order_by(form_quarantine.c.received_at.desc(), form_quarantine.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return [(_entry(row), str(row.campaign_name)) for row in rows]

    def counts(self) -> tuple[int, dict[QuarantineReason, int]]:
        """How many entries there are, and how many carry each reason (one scan)."""
        columns = [func.count()] + [
            func.coalesce(
                func.sum(case((form_quarantine.c.reasons.like(f"%{reason.value}%"), 1), else_=0)),
                0,
            )
            for reason in QuarantineReason
        ]
        total, *per_reason = self.connection.execute(
            select(*columns).where(form_quarantine.c.workspace_id == self.workspace_id)
        ).one()
        return int(total), {
            reason: int(count) for reason, count in zip(QuarantineReason, per_reason, strict=True)
        }

    def remove(self, entry_id: int) -> None:
        removed = self.connection.execute(
            delete(form_quarantine).where(
                form_quarantine.c.workspace_id == self.workspace_id,
                form_quarantine.c.id == entry_id,
            )
        ).rowcount
        if not removed:
            raise NotFound("quarantined submission", entry_id)

    def purge(self, before: datetime) -> int:
        """Delete the entries received before a moment; how many went."""
        return int(
            self.connection.execute(
                delete(form_quarantine).where(
                    form_quarantine.c.workspace_id == self.workspace_id,
                    form_quarantine.c.received_at < before,
                )
            ).rowcount
        )


def _consent_data(consent: TickedConsent) -> dict[str, str]:
    return {
        "key": consent.key,
        "purpose": consent.purpose,
        "channel": consent.channel,
        "version": consent.version,
        "text": consent.text,
        "text_source": consent.text_source.value,
    }


def _consent(data: dict[str, Any]) -> TickedConsent:
    return TickedConsent(
        key=data["key"],
        purpose=data["purpose"],
        channel=data["channel"],
        version=data["version"],
        text=data["text"],
        text_source=ConsentTextSource(data["text_source"]),
    )


def _entry(row: Row[Any]) -> QuarantineEntry:
    return QuarantineEntry(
        id=row.id,
        workspace_id=row.workspace_id,
        campaign_id=row.campaign_id,
        received_at=row.received_at,
        reasons=tuple(QuarantineReason(code) for code in row.reasons.split()),
        fields=[(str(name), str(value)) for name, value in row.fields],
        consents=tuple(_consent(data) for data in row.consents),
        page=row.page,
        ip=row.ip,
        user_agent=row.user_agent,
        language=row.language,
    )
