"""A person's data as one JSON document, and the same as CSV (one line per stored value)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from leadflow.domain.consent import ConsentRecord
from leadflow.domain.suppression import Suppression

SECRET_COLUMNS = frozenset({"doi_token_hash", "token_hash", "password_hash", "secret_salt"})
CSV_HEADER = ("section", "table", "row", "field", "value")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it: times and dates as ISO 8601, decimals as strings."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def public_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in row.items() if k not in SECRET_COLUMNS}


def export_document(
    *,
    workspace: str,
    query: Mapping[str, str | None],
    generated_at: datetime,
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    mentions: Mapping[str, Sequence[Mapping[str, Any]]],
    consents: Sequence[ConsentRecord],
    suppression: Suppression | None,
    deliveries: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The export: the person's rows table by table, their consent proof with the exact texts,
    where each lead came from, which webhook receivers got events about them, and rows of other
    tables that mention them."""
    leads = records.get("leads", [])
    return {
        "workspace": workspace,
        "query": {k: v for k, v in query.items() if v},
        "generated_at": generated_at.isoformat(),
        "found": bool(records.get("contacts")),
        "provenance": [
            {"lead_id": lead["id"], "source": lead.get("source"), "origin": lead.get("provenance")}
            for lead in leads
        ],
        "consents": [_consent(record) for record in consents],
        "suppression": None
        if suppression is None
        else {"reason": suppression.reason.value, "since": suppression.at.isoformat()},
        "webhook_deliveries": [public_row(d) for d in deliveries],
        "records": {
            name: [public_row(row) for row in rows] for name, rows in records.items() if rows
        },
        "mentions": {name: [public_row(row) for row in rows] for name, rows in mentions.items()},
    }


def _consent(record: ConsentRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "event": record.event.value,
        "purpose": record.purpose.value,
        "channel": record.channel.value,
        "text_version": record.text_version,
        "text_hash": record.text_hash,
        "text": record.text,
        "source_url": record.source_url,
        "ip": record.ip,
        "user_agent": record.user_agent,
        "source": record.source,
        "at": jsonable(record.at),
        "double_opt_in_requested_at": jsonable(record.doi_requested_at),
        "confirmed_at": jsonable(record.confirmed_at),
        "confirmation_ip": record.confirmation_ip,
        "confirmation_user_agent": record.confirmation_user_agent,
    }


def csv_lines(document: Mapping[str, Any]) -> Iterator[tuple[str, str, str, str, str]]:
    """The document flattened: one line per value, nested values as JSON."""
    for key in ("workspace", "generated_at", "found"):
        yield ("export", "", "", key, _cell(document[key]))
    for key, value in document["query"].items():
        yield ("query", "", "", key, _cell(value))
    if document["suppression"]:
        for key, value in document["suppression"].items():
            yield ("suppression", "", "", key, _cell(value))
    for section in ("provenance", "consents", "webhook_deliveries"):
        for number, item in enumerate(document[section], start=1):
            for key, value in item.items():
                yield (section, "", str(number), key, _cell(value))
    for section in ("records", "mentions"):
        for table, rows in document[section].items():
            for number, row in enumerate(rows, start=1):
                for key, value in row.items():
                    yield (section, table, str(row.get("id", number)), key, _cell(value))


def to_csv(document: Mapping[str, Any]) -> str:
    """CSV text; a cell that a spreadsheet would run as a formula starts with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_lines(document))
    return out.getvalue()


def to_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
