"""Geometry of the dashboard's SVG charts; the templates draw them, so no script is needed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 120
BAR_HEIGHT = 24
GAP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: float
    secondary_width: float | None = None


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars; an optional second value draws a lighter bar behind (e.g. p90)."""

    bars: tuple[Bar, ...]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return max(len(self.bars) * (BAR_HEIGHT + GAP) + GAP, BAR_HEIGHT + 2 * GAP)

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT

    @property
    def value_x(self) -> int:
        return self.width - VALUE_WIDTH + 8


def bar_chart(
    rows: Sequence[tuple[str, float, str]],
    secondary: Sequence[float] | None = None,
) -> BarChart:
    """Bars scaled to the largest value; rows are (label, value, value as text)."""
    values = [value for _label, value, _text in rows] + list(secondary or [])
    largest = max(values, default=0.0) or 1.0
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = tuple(
        Bar(
            label=label,
            value_text=text,
            y=GAP + index * (BAR_HEIGHT + GAP),
            width=round(room * value / largest, 1),
            secondary_width=round(room * secondary[index] / largest, 1) if secondary else None,
        )
        for index, (label, value, text) in enumerate(rows)
    )
    return BarChart(bars)
