"""Outreach by people (activities) and what is still to do (tasks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"


class Outcome(StrEnum):
    REACHED = "reached"
    NOT_REACHED = "not_reached"
    VOICEMAIL = "voicemail"
    MEETING_BOOKED = "meeting_booked"
    INTERESTED = "interested"
    NOT_INTERESTED = "not_interested"
    FOLLOW_UP = "follow_up"
    NONE = "none"


@dataclass(frozen=True)
class Activity:
    workspace_id: int
    lead_id: int
    kind: ActivityKind
    at: datetime
    outcome: Outcome = Outcome.NONE
    subject: str | None = None
    body: str | None = None
    by_user_id: int | None = None
    id: int | None = None


@dataclass
class Task:
    workspace_id: int
    lead_id: int
    title: str
    due_on: date
    id: int | None = None
    assignee_id: int | None = None
    done_at: datetime | None = None

    def is_overdue(self, today: date) -> bool:
        """Still open after its due day (the lead page marks it)."""
        return self.done_at is None and self.due_on < today
