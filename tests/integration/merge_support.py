"""Files in real vendor layouts filled with a few German rows, and snapshots of what is stored
about a lead, for the merge policy's tests."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import (
    activities,
    contact_alternates,
    contacts,
    lead_merges,
    leads,
    stage_changes,
)
from leadflow.domain.stages import Role
from leadflow.services.imports.importer import ImportReport, ImportRequest, run_import
from tests.environment import SHARED_DATA
from tests.factories import NOW, Tenant

VENDOR_FORMATS = SHARED_DATA / "vendor_formats"
SALESFORCE = VENDOR_FORMATS / "salesforce_lead_export_HEADER_ONLY.csv"
HUBSPOT = VENDOR_FORMATS / "hubspot_contacts_export_HEADER_ONLY_all_properties.csv"
OLIST = SHARED_DATA / "olist_marketing_funnel"


def vendor_headers(layout: Path) -> list[str]:
    with layout.open(encoding="utf-8-sig", newline="") as stream:
        return next(csv.reader(stream))


def write_in_layout(layout: Path, target: Path, rows: list[dict[str, str]]) -> Path:
    """A file with the layout's header (read now, never copied) and the rows' values; every
    value double-quoted, as Salesforce's Data Loader writes them."""
    headers = vendor_headers(layout)
    unknown = {name for row in rows for name in row} - set(headers)
    assert not unknown, f"not columns of {layout.name}: {unknown}"
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL)
        writer.writerow(headers)
        writer.writerows([[row.get(name, "") for name in headers] for row in rows])
    return target


def write_csv(target: Path, headers: list[str], rows: list[list[str]]) -> Path:
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(headers)
        writer.writerows(rows)
    return target


def import_file(
    db: Database, tenant: Tenant, path: Path, *, now: datetime = NOW, **options: Any
) -> ImportReport:
    request = ImportRequest(tenant.id, **options)
    return run_import(db, path, request, by=tenant.principal(Role.MARKETING), now=now)


def lead_of(db: Database, tenant: Tenant, **contact: str) -> int:
    """The live lead of the contact with these column values."""
    with db.reading() as connection:
        return int(
            connection.execute(
                select(leads.c.id)
                .join(contacts, contacts.c.id == leads.c.contact_id)
                .where(
                    leads.c.workspace_id == tenant.id,
                    leads.c.merged_into_id.is_(None),
                    *(contacts.c[name] == value for name, value in contact.items()),
                )
            ).scalar_one()
        )


def rows_of(db: Database, table: Any, **where: Any) -> list[dict[str, Any]]:
    with db.reading() as connection:
        query = select(table).where(*(table.c[name] == value for name, value in where.items()))
        return [dict(row._mapping) for row in connection.execute(query.order_by(table.c.id))]


def alternates_of(db: Database, contact_id: int) -> set[tuple[str, str]]:
    return {(r["kind"], r["value"]) for r in rows_of(db, contact_alternates, contact_id=contact_id)}


def snapshot(db: Database, lead_id: int) -> dict[str, Any]:
    """Every stored row about a lead: the lead (less its version and time of writing, which
    only move on), its contact, alternates, stage log and notes."""
    (lead,) = rows_of(db, leads, id=lead_id)
    contact_id = lead["contact_id"]
    return {
        "lead": {k: v for k, v in lead.items() if k not in ("version", "updated_at")},
        "contact": rows_of(db, contacts, id=contact_id),
        "alternates": rows_of(db, contact_alternates, contact_id=contact_id),
        "stage_log": rows_of(db, stage_changes, lead_id=lead_id),
        "notes": rows_of(db, activities, lead_id=lead_id),
    }


def merge_log(db: Database, lead_id: int) -> list[dict[str, Any]]:
    return rows_of(db, lead_merges, survivor_id=lead_id)
