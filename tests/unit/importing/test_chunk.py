"""The bulk path checks and normalises a chunk exactly as candidate_from_row does row by row."""

from __future__ import annotations

import json
import random
from typing import Any

from leadflow.adapters.importing.chunk import history_of, normalize_chunk
from leadflow.adapters.importing.presets import map_columns
from leadflow.adapters.importing.rows import LeadCandidate, RowError, candidate_from_row

HEADERS = ("First Name", "Last Name", "Full Name", "Email", "Phone", "Mobile", "Company",
           "Website", "Country", "No. of Employees", "Annual Revenue", "Lead Status",
           "Rating", "Created Date", "Email Opt Out", "Converted Date", "City",
           "Notiz intern")  # fmt: skip
CHOICES: dict[str, list[str]] = {
    "First Name": ["Anna", "", "  Jörg ", "Select"],
    "Last Name": ["Schmidt", "Müller", "", "null"],
    "Full Name": ["", "Eva Maria Klein", "Solo"],
    "Email": ["anna@firma.de", "x@GMX.de", "bad@", "", "Jörg@müller.de", "a..b@firma.de"],
    "Phone": ["0711 1234560", "+49 30 1234567", "123", "", "+43 1 5868600", "(0)711 123"],
    "Mobile": ["0151 23456789", "", "x"],
    "Company": ["Müller GmbH & Co. KG", "Mueller GmbH", "", "ACME Inc."],
    "Website": ["www.firma.de", "", "not a site", "https://shop.firma.co.uk/x"],
    "Country": ["Deutschland", "Austria", "", "Atlantis", "CH"],
    "No. of Employees": ["1.250", "50-199", "", "many"],
    "Annual Revenue": ["1.234,56", "", "lots"],
    "Lead Status": ["Open - Not Contacted", "Working - Contacted", "", "Weird"],
    "Rating": ["Hot", "", "Lukewarm"],
    "Created Date": ["31.12.2025", "2025-06-01 10:00:00", "", "gestern"],
    "Email Opt Out": ["0", "1", "", "vielleicht"],
    "Converted Date": ["", "02.01.2026"],
    "City": ["Stuttgart", "", "Ulm" * 70],
    "Notiz intern": ["", "VIP"],
}


def _rows(count: int) -> list[tuple[int, dict[str, str]]]:
    rng = random.Random(11)
    return [
        (number, {header: rng.choice(CHOICES[header]) for header in HEADERS})
        for number in range(2, count + 2)
    ]


def _from_frame(row: dict[str, Any]) -> dict[str, Any]:
    values = {name: row[name] for name in LeadCandidate.__dataclass_fields__ if name in row}
    values["stage_history"] = tuple(history_of(row))
    values["extras"] = json.loads(row["extras"])
    return values


def _from_candidate(candidate: LeadCandidate) -> dict[str, Any]:
    values = {name: getattr(candidate, name) for name in LeadCandidate.__dataclass_fields__}
    values["stage"] = candidate.stage.value if candidate.stage else None
    values["annual_revenue"] = (
        None if candidate.annual_revenue is None else str(candidate.annual_revenue)
    )
    values["stage_history"] = tuple((s.value, at) for s, at in candidate.stage_history)
    values["extras"] = dict(candidate.extras)
    del values["warnings"]
    return values


def test_a_chunk_gives_the_same_candidates_warnings_and_errors_as_row_by_row_checks() -> None:
    rows = _rows(3000)
    mapping = map_columns(HEADERS, "salesforce")

    chunk = normalize_chunk(rows, mapping)

    expected_good: dict[int, dict[str, Any]] = {}
    expected_errors: set[RowError] = set()
    expected_warnings: set[RowError] = set()
    for number, raw in rows:
        result = candidate_from_row(number, raw, mapping)
        if isinstance(result, LeadCandidate):
            expected_good[number] = _from_candidate(result)
            expected_warnings.update(result.warnings)
        else:
            expected_errors.update(result)
    got = {row["row"]: _from_frame(row) for row in chunk.frame.iter_rows(named=True)}
    assert set(got) == set(expected_good)
    assert len(got) > 50
    for number, values in expected_good.items():
        assert {k: v for k, v in got[number].items() if k in values} == values, number
    assert set(chunk.errors) == expected_errors
    assert set(chunk.raw) == {error.row for error in expected_errors}
    assert set(chunk.warnings) == expected_warnings
    assert len(expected_warnings) > 50
