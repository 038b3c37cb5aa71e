"""German public holidays, nationwide or for one Bundesland, from the `holidays` package."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

import holidays

from leadflow.domain.errors import InvalidInput

BUNDESLAENDER: Mapping[str, str] = MappingProxyType(
    {
        "BB": "Brandenburg",
        "BE": "Berlin",
        "BW": "Baden-Württemberg",
        "BY": "Bayern",
        "HB": "Bremen",
        "HE": "Hessen",
        "HH": "Hamburg",
        "MV": "Mecklenburg-Vorpommern",
        "NI": "Niedersachsen",
        "NW": "Nordrhein-Westfalen",
        "RP": "Rheinland-Pfalz",
        "SH": "Schleswig-Holstein",
        "SL": "Saarland",
        "SN": "Sachsen",
        "ST": "Sachsen-Anhalt",
        "TH": "Thüringen",
    }
)


def german_holidays(state: str | None, years: Iterable[int]) -> set[date]:
    """Public holidays in Germany for the years; `state` adds a Bundesland's own (e.g. 'BY')."""
    code = None if state is None else state.strip().upper()
    if code is not None and code not in BUNDESLAENDER:
        known = ", ".join(BUNDESLAENDER)
        raise InvalidInput(f"unknown Bundesland {state!r}: use one of {known}", field="state")
    calendar = holidays.country_holidays("DE", subdiv=code, years=sorted(set(years)))
    return set(calendar.keys())
