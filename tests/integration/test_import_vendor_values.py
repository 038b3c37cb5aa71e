"""Salesforce and HubSpot exports in their real layouts (the header files of
../shared/data/vendor_formats, filled with a few German rows at test time): bad optional values
are dropped with a warning, id-only rows need a choice, dates, lead sources and opt-outs."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import (
    contacts,
    leads,
    legal_bases,
    phone_permissions,
    suppressions,
)
from leadflow.adapters.importing import parse_mapping_file
from leadflow.cli.main import app
from leadflow.domain.stages import Role
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.imports.importer import ImportReport, ImportRequest, run_import
from tests.environment import SHARED_DATA
from tests.factories import NOW, Tenant

VENDOR_FORMATS = SHARED_DATA / "vendor_formats"
SALESFORCE = VENDOR_FORMATS / "salesforce_lead_export_HEADER_ONLY.csv"
HUBSPOT = VENDOR_FORMATS / "hubspot_contacts_export_HEADER_ONLY_all_properties.csv"
KEYS = PrivacyKeys.derive(b"vendor-import-tests-secret-key-of-32-bytes")

pytestmark = pytest.mark.skipif(
    not VENDOR_FORMATS.is_dir(), reason=f"vendor layouts not found at {VENDOR_FORMATS}"
)


def _vendor_file(layout: Path, target: Path, rows: list[dict[str, str]]) -> Path:
    """The vendor's header with our rows; every column a row does not name stays empty."""
    with layout.open(encoding="utf-8-sig", newline="") as stream:
        headers = next(csv.reader(stream))
    assert all(name in headers for row in rows for name in row), "a column the layout lacks"
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL)
        writer.writerow(headers)
        writer.writerows([[row.get(header, "") for header in headers] for row in rows])
    return target


def _import(db: Database, tenant: Tenant, path: Path, **options: object) -> ImportReport:
    request = ImportRequest(tenant.id, privacy=KEYS, **options)  # type: ignore[arg-type]
    return run_import(db, path, request, by=tenant.principal(Role.MARKETING), now=NOW)


def _salesforce(tmp_path: Path) -> Path:
    def lead(number: int, **values: str) -> dict[str, str]:
        return {"Id": f"00Q5g00000Abc{number:05d}", "Company": "Nordwerk GmbH",
                "Country": "Deutschland", "Status": "Open - Not Contacted", **values}  # fmt: skip

    return _vendor_file(
        SALESFORCE,
        tmp_path / "Lead.csv",
        [
            lead(1, FirstName="Anna", LastName="Schmidt", Email="anna.schmidt@nordwerk.de",
                 MobilePhone="0151 2345678", LeadSource="Messe", CreatedDate="2018.02.01"),
            lead(2, FirstName="Jörg", LastName="Weiß", Phone="0711-BITTE-ANRUFEN",
                 LeadSource="trade_fair", HasOptedOutOfEmail="1", DoNotCall="1",
                 Email="joerg.weiss@nordwerk.de"),
            lead(3, FirstName="Eva", LastName="Fischer", Email="eva.fischer@nordwerk.de",
                 LeadSource="Flurfunk", Phone="0711 1234560"),
        ],
    )  # fmt: skip


def _lead_of(db: Database, email: str) -> dict[str, object]:
    with db.reading() as connection:
        row = connection.execute(
            select(leads, contacts.c.phone, contacts.c.id.label("contact"))
            .join(contacts, contacts.c.id == leads.c.contact_id)
            .where(contacts.c.email == email)
        ).one()
    return dict(row._mapping)


def test_a_short_mobile_and_a_phone_with_letters_are_dropped_with_warnings_not_rows(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    report = _import(db, tenant, _salesforce(tmp_path))

    assert (report.preset, report.created, report.rejected) == ("salesforce", 3, 0)
    assert [(w.row, w.field) for w in report.warnings] == [(2, "MobilePhone"), (3, "Phone")]
    assert "contains letters" in report.warnings[1].message
    anna, joerg = _lead_of(db, "anna.schmidt@nordwerk.de"), _lead_of(db, "joerg.weiss@nordwerk.de")
    assert anna["phone"] is None and joerg["phone"] is None
    assert joerg["extras"]["Phone"] == "0711-BITTE-ANRUFEN"  # type: ignore[index]


def test_a_dotted_year_first_date_is_read(db: Database, tenant: Tenant, tmp_path: Path) -> None:
    _import(db, tenant, _salesforce(tmp_path))

    created = _lead_of(db, "anna.schmidt@nordwerk.de")["created_at"]

    assert created == datetime(2018, 1, 31, 23, 0, tzinfo=UTC)  # midnight in Berlin


def test_messe_and_trade_fair_land_as_one_source_and_an_unknown_one_is_reported(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    report = _import(db, tenant, _salesforce(tmp_path))

    sources = {
        email: _lead_of(db, email)["source"]
        for email in ("anna.schmidt@nordwerk.de", "joerg.weiss@nordwerk.de",
                      "eva.fischer@nordwerk.de")
    }  # fmt: skip
    assert list(sources.values()) == ["trade_fair", "trade_fair", "Flurfunk"]
    assert report.unknown_sources == {"Flurfunk": 1}


def test_salesforce_opt_outs_stop_email_and_calls_and_survive_a_second_import(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = _salesforce(tmp_path)

    first = _import(db, tenant, path)
    again = _import(db, tenant, path)

    assert (first.suppressed, again.merged, again.suppressed) == (1, 3, 1)
    joerg = _lead_of(db, "joerg.weiss@nordwerk.de")
    with db.reading() as connection:
        stops = connection.execute(select(suppressions.c.reason)).scalars().all()
        permissions = connection.execute(
            select(phone_permissions.c.contact_id, phone_permissions.c.permission)
        ).all()
    assert stops == ["objection"]
    assert [tuple(p) for p in permissions] == [(joerg["contact"], "none")]


def test_hubspot_opt_out_columns_and_legal_basis_are_recorded(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = _vendor_file(
        HUBSPOT,
        tmp_path / "hubspot-crm-exports-all-contacts-2026-12-04.csv",
        [
            {"Record ID": "5101", "First Name": "Lena", "Last Name": "Wagner",
             "Email": "lena.wagner@suedmetall.de", "Original Source": "ORGANIC_SEARCH",
             "Opted out of email: Customer Service Communication": "true",
             "Legal basis for processing contact's data": "Legitimate interest – prospect/lead"},
            {"Record ID": "5102", "First Name": "Tim", "Last Name": "Becker",
             "Email": "tim.becker@suedmetall.de", "Original Source": "OFFLINE",
             "Unsubscribed from all email": "false",
             "Legal basis for processing contact's data": "Legitimate interest - other"},
        ],
    )  # fmt: skip

    report = _import(db, tenant, path)

    lena, tim = _lead_of(db, "lena.wagner@suedmetall.de"), _lead_of(db, "tim.becker@suedmetall.de")
    assert (report.created, report.suppressed) == (2, 1)
    assert (lena["source"], tim["source"]) == ("search", "offline")
    with db.reading() as connection:
        bases = connection.execute(
            select(legal_bases.c.lead_id, legal_bases.c.purpose, legal_bases.c.basis,
                   legal_bases.c.source)
        ).all()  # fmt: skip
    assert [tuple(b) for b in bases] == [
        (lena["id"], "lead_management", "legitimate_interest_prospect", "import")
    ]
    assert [(w.row, w.field) for w in report.warnings] == [
        (3, "Legal basis for processing contact's data")
    ]


def test_a_mapping_files_date_format_wins_over_guessing(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = _vendor_file(
        HUBSPOT,
        tmp_path / "contacts.csv",
        [{"Record ID": "7", "Email": "max.braun@nordwerk.de", "Create Date": "12/31/2018"}],
    )
    mapping = parse_mapping_file('date_format = "%m/%d/%Y"')

    guessed = _import(db, tenant, path, dry_run=True)
    formatted = _import(db, tenant, path, mapping=mapping)

    assert "date_format" in guessed.warnings[0].message
    assert formatted.warned == 0
    created = _lead_of(db, "max.braun@nordwerk.de")["created_at"]
    assert created == datetime(2018, 12, 30, 23, 0, tzinfo=UTC)


def _id_only(tmp_path: Path, count: int) -> Path:
    rows = [{"Record ID": str(9000 + number)} for number in range(count)]
    return _vendor_file(HUBSPOT, tmp_path / "ids.csv", rows)


def test_an_id_only_file_is_refused_with_a_non_zero_exit_and_a_pointer_to_every_reject(
    cli: CliRunner, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    result = cli.invoke(app, ["import", str(_id_only(tmp_path, 25)), "--workspace", tenant.slug])

    assert result.exit_code == 2
    assert "all 25 rows were rejected" in result.stderr
    assert "it has only an id: allow id-only rows to import it" in result.stdout
    assert "and 5 more problems" in result.stdout and "--rejects FILE.csv" in result.stdout


def test_an_id_only_file_imports_with_the_option_and_its_ids_find_the_rows_again(
    cli: CliRunner, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = _id_only(tmp_path, 2)
    command = ["import", str(path), "--workspace", tenant.slug, "--allow-id-only"]

    first = cli.invoke(app, command)
    again = cli.invoke(app, command)

    assert first.exit_code == 0, first.output
    assert "2 rows: 2 were created" in first.stdout
    assert "0 were created, 2 were merged" in again.stdout
    with db.reading() as connection:
        ids = connection.execute(select(contacts.c.external_id)).scalars().all()
    assert sorted(ids) == ["hubspot:9000", "hubspot:9001"]
