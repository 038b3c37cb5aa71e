"""Legal bases, consent proof, phone permission and the suppression list of one workspace.

Every table here is append-only: the repository offers no update and no delete (erasure removes
rows through the person eraser, nothing else does).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import (
    consent_confirmations,
    consent_records,
    consent_texts,
    legal_bases,
    phone_permissions,
    suppressions,
)
from leadflow.domain.consent import ConsentEvent, ConsentRecord, text_hash
from leadflow.domain.privacy import (
    BasisEntry,
    Channel,
    LegalBasis,
    PhonePermission,
    PhonePermissionEntry,
    Purpose,
)
from leadflow.domain.suppression import Suppression, SuppressionReason


class PrivacyRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add_basis(self, lead_id: int, entry: BasisEntry) -> int:
        return inserted_id(
            self.connection.execute(
                insert(legal_bases).values(
                    workspace_id=self.workspace_id,
                    lead_id=lead_id,
                    purpose=entry.purpose.value,
                    basis=entry.basis.value,
                    reason=entry.reason,
                    source=entry.source or "api",
                    by_user_id=entry.by_user_id,
                    at=entry.at,
                )
            )
        )

    def bases(self, lead_id: int) -> list[BasisEntry]:
        return self.bases_of([lead_id]).get(lead_id, [])

    def bases_of(self, lead_ids: Sequence[int]) -> dict[int, list[BasisEntry]]:
        """Each lead's legal-basis history, oldest first."""
        rows = self.connection.execute(
            select(legal_bases)
            .where(
                legal_bases.c.workspace_id == self.workspace_id,
                legal_bases.c.lead_id.in_(list(lead_ids)),
            )
            .order_by(legal_bases.c.at, legal_bases.c.id)
        )
        found: dict[int, list[BasisEntry]] = defaultdict(list)
        for r in rows:
            found[r.lead_id].append(
                BasisEntry(
                    Purpose(r.purpose),
                    LegalBasis(r.basis),
                    r.at,
                    r.reason,
                    r.source,
                    r.by_user_id,
                    r.id,
                )
            )
        return found

    def text_id(self, version: str, text: str, now: datetime) -> int:
        """The stored consent text with this version and exact wording, stored on first use."""
        digest = text_hash(text)
        found = self.connection.execute(
            select(consent_texts.c.id).where(
                consent_texts.c.workspace_id == self.workspace_id,
                consent_texts.c.text_hash == digest,
                consent_texts.c.version == version,
            )
        ).scalar()
        if found is not None:
            return int(found)
        return inserted_id(
            self.connection.execute(
                insert(consent_texts).values(
                    workspace_id=self.workspace_id,
                    version=version,
                    text_hash=digest,
                    text=text,
                    first_used_at=now,
                )
            )
        )

    def add_consent(
        self, record: ConsentRecord, *, text_id: int | None, doi_token_hash: str | None
    ) -> int:
        return inserted_id(
            self.connection.execute(
                insert(consent_records).values(
                    workspace_id=self.workspace_id,
                    contact_id=record.contact_id,
                    event=record.event.value,
                    purpose=record.purpose.value,
                    channel=record.channel.value,
                    text_id=text_id,
                    source_url=record.source_url,
                    ip=record.ip,
                    user_agent=record.user_agent,
                    source=record.source or "api",
                    by_user_id=record.by_user_id,
                    doi_token_hash=doi_token_hash,
                    doi_requested_at=record.doi_requested_at,
                    at=record.at,
                )
            )
        )

    def confirm(
        self, consent_id: int, at: datetime, ip: str | None, user_agent: str | None
    ) -> None:
        self.connection.execute(
            insert(consent_confirmations).values(
                workspace_id=self.workspace_id,
                consent_id=consent_id,
                ip=ip,
                user_agent=user_agent,
                at=at,
            )
        )

    def consents(self, contact_id: int) -> list[ConsentRecord]:
        """The person's consent records, oldest first, with text and confirmation."""
        return self.consents_of([contact_id]).get(contact_id, [])

    def consents_of(self, contact_ids: Sequence[int]) -> dict[int, list[ConsentRecord]]:
        query = _consent_query().where(
            consent_records.c.workspace_id == self.workspace_id,
            consent_records.c.contact_id.in_(list(contact_ids)),
        )
        rows = self.connection.execute(query.order_by(consent_records.c.at, consent_records.c.id))
        found: dict[int, list[ConsentRecord]] = defaultdict(list)
        for row in rows:
            found[row.contact_id].append(consent_from_row(row))
        return found

    def consent(self, consent_id: int) -> ConsentRecord | None:
        row = self.connection.execute(
            _consent_query().where(
                consent_records.c.workspace_id == self.workspace_id,
                consent_records.c.id == consent_id,
            )
        ).first()
        return consent_from_row(row) if row is not None else None

    def add_phone_permission(self, contact_id: int, entry: PhonePermissionEntry) -> int:
        return inserted_id(
            self.connection.execute(
                insert(phone_permissions).values(
                    workspace_id=self.workspace_id,
                    contact_id=contact_id,
                    permission=entry.permission.value,
                    reason=entry.reason,
                    source=entry.source or "api",
                    by_user_id=entry.by_user_id,
                    at=entry.at,
                )
            )
        )

    def phone_permissions(self, contact_id: int) -> list[PhonePermissionEntry]:
        return self.phone_permissions_of([contact_id]).get(contact_id, [])

    def phone_permissions_of(
        self, contact_ids: Sequence[int]
    ) -> dict[int, list[PhonePermissionEntry]]:
        rows = self.connection.execute(
            select(phone_permissions)
            .where(
                phone_permissions.c.workspace_id == self.workspace_id,
                phone_permissions.c.contact_id.in_(list(contact_ids)),
            )
            .order_by(phone_permissions.c.at, phone_permissions.c.id)
        )
        found: dict[int, list[PhonePermissionEntry]] = defaultdict(list)
        for r in rows:
            found[r.contact_id].append(
                PhonePermissionEntry(
                    PhonePermission(r.permission), r.at, r.reason, r.source, r.by_user_id, r.id
                )
            )
        return found

    def add_suppression(self, suppression: Suppression) -> int:
        return inserted_id(
            self.connection.execute(
                insert(suppressions).values(
                    workspace_id=self.workspace_id,
                    email_hash=suppression.email_hash,
                    phone_hash=suppression.phone_hash,
                    reason=suppression.reason.value,
                    at=suppression.at,
                )
            )
        )

    def suppression(self, email_hash: str | None, phone_hash: str | None) -> Suppression | None:
        """The oldest entry matching either hash."""
        found = self.suppressions_matching([h for h in (email_hash, phone_hash) if h])
        return found[0] if found else None

    def suppressions_matching(self, hashes: Sequence[str]) -> list[Suppression]:
        """Entries whose e-mail or phone hash is one of `hashes`, oldest first."""
        if not hashes:
            return []
        rows = self.connection.execute(
            select(suppressions)
            .where(
                suppressions.c.workspace_id == self.workspace_id,
                or_(
                    suppressions.c.email_hash.in_(list(hashes)),
                    suppressions.c.phone_hash.in_(list(hashes)),
                ),
            )
            .order_by(suppressions.c.at, suppressions.c.id)
        )
        return [
            Suppression(SuppressionReason(r.reason), r.at, r.email_hash, r.phone_hash, id=r.id)
            for r in rows
        ]


def _consent_query() -> Any:
    return (
        select(
            consent_records,
            consent_texts.c.version.label("text_version"),
            consent_texts.c.text_hash.label("text_hash"),
            consent_texts.c.text.label("text"),
            consent_confirmations.c.at.label("confirmed_at"),
            consent_confirmations.c.ip.label("confirmation_ip"),
            consent_confirmations.c.user_agent.label("confirmation_user_agent"),
        )
        .select_from(consent_records)
        .outerjoin(consent_texts, consent_texts.c.id == consent_records.c.text_id)
        .outerjoin(
            consent_confirmations, consent_confirmations.c.consent_id == consent_records.c.id
        )
    )


def consent_from_row(row: Any) -> ConsentRecord:
    return ConsentRecord(
        contact_id=row.contact_id,
        event=ConsentEvent(row.event),
        purpose=Purpose(row.purpose),
        channel=Channel(row.channel),
        at=row.at,
        text_version=row.text_version,
        text_hash=row.text_hash,
        text=row.text,
        source_url=row.source_url,
        ip=row.ip,
        user_agent=row.user_agent,
        source=row.source,
        doi_requested_at=row.doi_requested_at,
        confirmed_at=row.confirmed_at,
        confirmation_ip=row.confirmation_ip,
        confirmation_user_agent=row.confirmation_user_agent,
        by_user_id=row.by_user_id,
        id=row.id,
    )


def consent_by_token_hash(connection: Connection, token_hash: str) -> tuple[int, int] | None:
    """The workspace and id of the consent record a double-opt-in token belongs to."""
    row = connection.execute(
        select(consent_records.c.workspace_id, consent_records.c.id).where(
            consent_records.c.doi_token_hash == token_hash
        )
    ).first()
    return (int(row.workspace_id), int(row.id)) if row is not None else None
