"""The audit log: who read or changed what, append-only, naming people by internal ids only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from leadflow.domain.principal import Principal


class AuditAction(StrEnum):
    PERSON_EXPORTED = "person.exported"
    PERSON_ERASED = "person.erased"
    OBJECTION_RECORDED = "person.objected"
    RETENTION_PURGED = "retention.purged"
    RETENTION_RULES_CHANGED = "rules.retention_changed"
    FRAMEWORK_CHANGED = "rules.framework_changed"
    LIFECYCLE_CHANGED = "rules.lifecycle_changed"
    ROLE_SET = "role.set"
    ROLE_REMOVED = "role.removed"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    WORKSPACE_EXPORTED = "workspace.exported"
    WORKSPACE_DELETED = "workspace.deleted"
    QUARANTINE_RELEASED = "quarantine.released"
    QUARANTINE_DELETED = "quarantine.deleted"
    SIGN_IN_THROTTLED = "sign_in.throttled"
    SIGN_IN_LOCKED = "sign_in.locked"
    SIGN_IN_UNLOCKED = "sign_in.unlocked"
    API_RATE_LIMITED = "api.rate_limited"
    LEAD_EDITED = "lead.edited"


OPERATOR = "operator"


def actor_label(by: Principal | None) -> str:
    """A non-personal name of who acted: a user id, a token id, or the local operator."""
    if by is None:
        return OPERATOR
    if by.user_id is not None:
        return f"user:{by.user_id}"
    if by.token_id is not None:
        return f"token:{by.token_id}"
    return f"{OPERATOR}:{by.actor}"


@dataclass(frozen=True)
class AuditEntry:
    workspace_id: int | None
    at: datetime
    action: AuditAction
    subject: str
    actor: str = OPERATOR
    actor_user_id: int | None = None
    details: dict[str, object] = field(default_factory=dict)
    id: int | None = None

    @classmethod
    def by(
        cls,
        principal: Principal | None,
        action: AuditAction,
        subject: str,
        *,
        at: datetime,
        workspace_id: int | None,
        **details: object,
    ) -> AuditEntry:
        return cls(
            workspace_id=workspace_id,
            at=at,
            action=action,
            subject=subject,
            actor=actor_label(principal),
            actor_user_id=principal.user_id if principal else None,
            details=dict(details),
        )
