"""Errors of the domain. The edges map each to an HTTP status and a CLI exit code."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class NotFound(DomainError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key} not found")
        self.kind = kind
        self.key = key


class LeadNotFound(NotFound):
    def __init__(self, lead_id: object) -> None:
        super().__init__("lead", lead_id)


class PermissionDenied(DomainError):
    """The actor's role may not do this."""


class InvalidTransition(DomainError):
    """The move is not in the workspace's transition table from the lead's current stage."""

    def __init__(self, message: str, *, current: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.current = current
        self.allowed = allowed


class StaleLead(DomainError):
    """The lead changed since the caller read it (optimistic concurrency)."""

    def __init__(self, lead_id: object, expected: int, actual: int | None) -> None:
        super().__init__(
            f"lead {lead_id} is at version {actual}, not {expected}: reload it and try again"
        )
        self.lead_id = lead_id
        self.expected = expected
        self.actual = actual


class ReasonRequired(DomainError):
    """The move needs a reason code from the workspace's list."""

    def __init__(self, message: str, *, allowed_reasons: list[str]) -> None:
        super().__init__(message)
        self.allowed_reasons = allowed_reasons


class GateNotPassed(DomainError):
    """The qualification gate of the workspace refuses the move (for example sal -> sql)."""


class InvalidInput(DomainError):
    """Input that breaks a domain rule; `field` names where."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(DomainError):
    """The request collides with existing data (a duplicate key, for example)."""


class LastAdmin(Conflict):
    """The change would leave a workspace without an admin."""


class MarketingNotAllowed(DomainError):
    """The person's legal basis, channel permission or objection forbids this marketing action."""

    def __init__(self, message: str, *, action: str, reason: str) -> None:
        super().__init__(message)
        self.action = action
        self.reason = reason


class NotConfigured(DomainError):
    """The operation needs a setting that is missing; `setting` names it."""

    def __init__(self, message: str, *, setting: str) -> None:
        super().__init__(message)
        self.setting = setting


class ModelNotTrained(NotFound):
    """No predictive model has been trained in the workspace yet."""

    def __init__(self) -> None:
        DomainError.__init__(
            self,
            "no predictive model has been trained in this workspace yet: train one first "
            "(`leadflow model train` or POST /api/v1/models/train)",
        )
        self.kind = "predictive model"
        self.key = None


class UploadTooLarge(InvalidInput):
    """An uploaded file is larger than its limit allows."""


class TooManyAttempts(DomainError):
    """Sign-in attempts come too fast (wait `retry_after` seconds), or the account is locked
    until an admin unlocks it (`locked`)."""

    def __init__(self, message: str, *, retry_after: int, locked: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.locked = locked
