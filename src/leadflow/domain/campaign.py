"""Campaigns: online and offline marketing measures that generate leads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from leadflow.domain.errors import InvalidInput


class ChannelKind(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


CHANNELS: dict[str, ChannelKind] = {
    "search": ChannelKind.ONLINE,
    "social": ChannelKind.ONLINE,
    "newsletter": ChannelKind.ONLINE,
    "webinar": ChannelKind.ONLINE,
    "content": ChannelKind.ONLINE,
    "website": ChannelKind.ONLINE,
    "trade_fair": ChannelKind.OFFLINE,
    "event": ChannelKind.OFFLINE,
    "print": ChannelKind.OFFLINE,
    "direct_mail": ChannelKind.OFFLINE,
    "telemarketing": ChannelKind.OFFLINE,
}


@dataclass
class Campaign:
    workspace_id: int
    name: str
    channel: str
    starts_on: date
    id: int | None = None
    ends_on: date | None = None
    planned_cost: Decimal = Decimal("0")
    actual_cost: Decimal = Decimal("0")
    form_key: str | None = None

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise InvalidInput(
                f"unknown channel '{self.channel}': use one of {', '.join(CHANNELS)}",
                field="channel",
            )
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise InvalidInput("a campaign cannot end before it starts", field="ends_on")
        if self.planned_cost < 0 or self.actual_cost < 0:
            raise InvalidInput("costs cannot be negative", field="actual_cost")

    @property
    def kind(self) -> ChannelKind:
        return CHANNELS[self.channel]
