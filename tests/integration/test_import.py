"""Importing CSV and XLSX files: vendor layouts, German Excel files, dry runs, duplicates and
imported stage history."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import (
    contacts,
    import_rejects,
    import_warnings,
    leads,
    stage_changes,
    suppressions,
)
from leadflow.adapters.db.uow import in_unit_of_work, unit_of_work
from leadflow.adapters.importing import map_columns, open_table
from leadflow.domain.errors import PermissionDenied
from leadflow.domain.stages import Role
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.imports.importer import ImportReport, ImportRequest, run_import
from leadflow.services.lifecycle.rules import set_lifecycle
from leadflow.services.scores.scoring_settings import set_fit_rules
from tests.environment import SHARED_DATA
from tests.factories import NOW, Tenant

VENDOR_FORMATS = SHARED_DATA / "vendor_formats"
needs_vendor_formats = pytest.mark.skipif(
    not VENDOR_FORMATS.is_dir(), reason=f"vendor layouts not found at {VENDOR_FORMATS}"
)

VALUES = {
    "first_name": ["Anna", "Jörg"],
    "last_name": ["Schmidt", "Weiß"],
    "email": ["anna.schmidt@nordwerk.de", "joerg.weiss@suedmetall.de"],
    "phone": ["0711 1234560", "+49 89 2345678"],
    "company": ["Nordwerk GmbH", "Südmetall AG"],
    "city": ["Stuttgart", "München"],
    "country": ["Deutschland", "Germany"],
}


def _count(db: Database, table: object) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _import(db: Database, tenant: Tenant, path: Path, **options: object) -> ImportReport:
    request = ImportRequest(tenant.id, **options)  # type: ignore[arg-type]
    return run_import(db, path, request, by=tenant.principal(Role.MARKETING), now=NOW)


def _write_csv(path: Path, headers: list[str], rows: list[list[str]], **kwargs: str) -> Path:
    delimiter = kwargs.get("delimiter", ",")
    with path.open("w", encoding=kwargs.get("encoding", "utf-8"), newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def _filled_from_vendor_header(source: Path, target: Path) -> Path:
    with open_table(source) as table:
        headers = list(table.headers)
    fields = map_columns(headers).fields
    rows = [
        [VALUES.get(fields.get(header, ""), ["", ""])[index] for header in headers]
        for index in range(2)
    ]
    return _write_csv(target, headers, rows)


@needs_vendor_formats
@pytest.mark.parametrize(
    ("file_name", "preset"),
    [
        ("salesforce_lead_export_HEADER_ONLY.csv", "salesforce"),
        ("hubspot_contacts_export_HEADER_ONLY_all_properties.csv", "hubspot"),
        ("hubspot_contacts_export_HEADER_ONLY_default_view.csv", "hubspot"),
    ],
)
def test_each_vendor_layout_imports_without_a_hand_made_mapping(
    db: Database, tenant: Tenant, tmp_path: Path, file_name: str, preset: str
) -> None:
    path = _filled_from_vendor_header(VENDOR_FORMATS / file_name, tmp_path / file_name)

    report = _import(db, tenant, path)

    assert report.preset == preset
    assert (report.created, report.rejected) == (2, 0)
    with db.reading() as connection:
        emails = set(connection.execute(select(contacts.c.email)).scalars())
    assert emails == set(VALUES["email"])


@needs_vendor_formats
def test_the_mautic_sample_maps_itself_and_only_its_invalid_mobile_number_is_dropped(
    db: Database, tenant: Tenant
) -> None:
    # Mautic's own sample row carries a mobile number that is not valid in Brazil.
    sample = VENDOR_FORMATS / "mautic_contacts_sample.csv"

    report = _import(db, tenant, sample)

    assert report.preset == "generic"
    assert (report.created, report.rejected, report.warned) == (1, 0, 1)
    assert [(w.field, "not a valid phone number for BR" in w.message)
            for w in report.warnings] == [("mobile", True)]  # fmt: skip
    with db.reading() as connection:
        row = connection.execute(select(contacts.c.email, contacts.c.first_name)).one()
    assert tuple(row) == ("djoost5j@example.com", "Dell")


def test_hubspot_became_dates_become_imported_stage_history(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = _write_csv(
        tmp_path / "hubspot.csv",
        ["Record ID", "Email", "Last Name", "Lifecycle Stage", "Became a Lead Date",
         "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date"],
        [["101", "eva@nordwerk.de", "Fischer", "salesqualifiedlead", "2025-01-10 09:00",
          "2025-02-01 10:00", "2025-02-03 08:30"]],
    )  # fmt: skip

    report = _import(db, tenant, path)

    assert report.created == 1
    with db.reading() as connection:
        log = connection.execute(
            select(stage_changes.c.source, stage_changes.c.target, stage_changes.c.actor).order_by(
                stage_changes.c.at
            )
        ).all()
        lead = connection.execute(
            select(leads.c.stage, leads.c.stage_entered_at, leads.c.provenance)
        ).one()
    assert [tuple(entry) for entry in log] == [
        (None, "prospect", "import"),
        ("prospect", "mql", "import"),
        ("mql", "sal", "import"),
    ]
    assert lead.stage == "sal"
    assert lead.stage_entered_at.isoformat() == "2025-02-03T07:30:00+00:00"
    assert lead.provenance == {
        "kind": "import",
        "detail": {"file": "hubspot.csv", "import_id": report.import_id, "row": 2},
    }


GERMAN_HEADERS = ["Vorname", "Nachname", "E-Mail", "Telefon", "Firma", "Mitarbeiter",
                  "Jahresumsatz", "Erstellt am", "Ort"]  # fmt: skip
GERMAN_ROWS = [
    ["Jörg", "Weiß", "joerg@suedmetall.de", "089 2345678", "Südmetall GmbH & Co. KG", "1.250",
     "1.234.567,89", "31.12.2025", "München"],
    ["Anna", "Schmidt", "anna@nordwerk.de", "0711 1234560", "Nordwerk GmbH", "50-199", "",
     "01.02.2026", "Stuttgart"],
]  # fmt: skip


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_a_german_excel_csv_with_semicolons_decimal_commas_and_german_dates_imports(
    db: Database, tenant: Tenant, tmp_path: Path, encoding: str
) -> None:
    path = _write_csv(
        tmp_path / "export.csv", GERMAN_HEADERS, GERMAN_ROWS, delimiter=";", encoding=encoding
    )

    report = _import(db, tenant, path)

    assert (report.created, report.rejected) == (2, 0)
    _assert_german_rows_stored(db)


def test_a_german_xlsx_file_with_typed_cells_imports(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(GERMAN_HEADERS)
    sheet.append([*GERMAN_ROWS[0][:5], 1250, 1234567.89, datetime(2025, 12, 31), "München"])
    sheet.append([*GERMAN_ROWS[1][:5], "50-199", None, datetime(2026, 2, 1), "Stuttgart"])
    path = tmp_path / "export.xlsx"
    workbook.save(path)

    report = _import(db, tenant, path)

    assert (report.created, report.rejected) == (2, 0)
    _assert_german_rows_stored(db)


def _assert_german_rows_stored(db: Database) -> None:
    with db.reading() as connection:
        people = connection.execute(
            select(contacts.c.last_name, contacts.c.phone).order_by(contacts.c.id)
        ).all()
        created = connection.execute(select(leads.c.created_at).order_by(leads.c.id)).scalars()
        extras = connection.execute(select(leads.c.extras).order_by(leads.c.id)).scalars().first()
    assert [tuple(p) for p in people] == [("Weiß", "+49892345678"), ("Schmidt", "+497111234560")]
    assert [at.date().isoformat() for at in created] == ["2025-12-30", "2026-01-31"]
    assert extras == {"annual_revenue": "1234567.89"}


def test_a_dry_run_reports_what_would_happen_and_stores_no_lead(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = _write_csv(
        tmp_path / "leads.csv",
        ["Email", "Last Name", "Phone"],
        [["anna@nordwerk.de", "Schmidt", ""], ["ANNA@nordwerk.de", "Schmidt", ""],
         ["kaputt@", "", ""], ["otto@gmx.de", "Meier", "0711 99"]],
    )  # fmt: skip

    report = _import(db, tenant, path, dry_run=True)

    assert (report.created, report.merged, report.rejected, report.warned) == (2, 1, 1, 1)
    assert report.merges[0][0] == 3 and report.merges[0][2] == "same e-mail as row 2"
    assert {error.row for error in report.rejects} == {4}
    assert [(w.row, w.field) for w in report.warnings] == [(5, "Phone")]
    assert _count(db, contacts) == 0 and _count(db, leads) == 0
    assert _count(db, import_rejects) == 2
    assert _count(db, import_warnings) == 1


def test_importing_the_same_file_twice_merges_every_row(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = _write_csv(
        tmp_path / "leads.csv",
        ["Email", "First Name", "Last Name", "Company", "Phone"],
        [["anna@nordwerk.de", "Anna", "Schmidt", "Nordwerk GmbH", ""],
         ["", "Jörg", "Weiß", "Südmetall", "089 2345678"],
         ["", "Eva", "Klein", "Nordwerk", ""]],
    )  # fmt: skip
    _import(db, tenant, path)

    again = _import(db, tenant, path)

    assert (again.created, again.merged) == (0, 3)
    assert [reason for _, _, reason in again.merges] == [
        "same e-mail",
        "phone +49892345678, company 100% similar",
        "same name Eva Klein at Nordwerk GmbH (same company name)",
    ]
    assert _count(db, contacts) == 3


def test_a_stage_the_workspace_table_forbids_to_imports_is_rejected_not_stored(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    in_unit_of_work(
        db,
        tenant.id,
        lambda uow: set_lifecycle(
            uow, '[[transitions]]\nfrom = "new"\nto = "prospect"\nwho = "import"', replace=True
        ),
    )
    path = _write_csv(
        tmp_path / "leads.csv",
        ["Email", "Status"],
        [["a@nordwerk.de", "prospect"], ["b@nordwerk.de", "won"]],
    )

    report = _import(db, tenant, path)

    assert (report.created, report.rejected) == (1, 1)
    assert report.rejects[0].row == 3 and report.rejects[0].field == "Status"
    assert "may not" in report.rejects[0].message


def test_a_viewer_may_not_import(db: Database, tenant: Tenant, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "leads.csv", ["Email"], [["a@nordwerk.de"]])

    with pytest.raises(PermissionDenied):
        run_import(db, path, ImportRequest(tenant.id), by=tenant.principal(Role.VIEWER), now=NOW)

    assert _count(db, contacts) == 0


def test_a_file_of_another_workspace_never_merges_into_this_one(
    db: Database, tenant: Tenant, other_tenant: Tenant, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "leads.csv", ["Email"], [["a@nordwerk.de"]])
    _import(db, other_tenant, path)

    report = _import(db, tenant, path)

    assert (report.created, report.merged) == (1, 0)


def test_the_reject_file_text_is_escaped_against_formulas() -> None:
    from leadflow.adapters.db.imports import Reject
    from leadflow.services.imports.import_reports import write_rejects

    stream = io.StringIO()
    write_rejects([Reject(3, "Email", "bad", {"Email": "=HYPERLINK(1)"})], stream)

    assert stream.getvalue().splitlines()[1] == "3,Email,bad,'=HYPERLINK(1)"


def test_an_opt_out_in_the_file_is_kept_on_the_suppression_list_across_imports(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    keys = PrivacyKeys.derive(b"import-tests-secret-key-of-32-bytes-or-more")
    path = _write_csv(
        tmp_path / "salesforce.csv",
        ["Email", "LastName", "HasOptedOutOfEmail"],
        [["anna@nordwerk.de", "Schmidt", "1"], ["jan@nordwerk.de", "Jansen", "0"]],
    )
    first = _import(db, tenant, path, privacy=keys)

    again = _import(db, tenant, path, privacy=keys)

    assert (first.created, first.suppressed) == (2, 1)
    assert (again.merged, again.suppressed) == (2, 1)
    with db.reading() as connection:
        assert connection.execute(select(func.count()).select_from(suppressions)).scalar_one() == 1


def test_imported_leads_get_their_fit_scores_with_the_workspace_rules(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    rules = (
        '[[rule]]\nfield = "account.domain"\nop = "equals"\nvalue = "nordwerk.de"\npoints = 20\n'
    )
    with unit_of_work(db, tenant.id) as uow:
        set_fit_rules(uow, rules, by=tenant.principal(Role.MARKETING), now=NOW)
    path = _write_csv(
        tmp_path / "leads.csv",
        ["E-Mail", "Nachname", "Firma"],
        [
            ["anna@nordwerk.de", "Schmidt", "Nordwerk GmbH"],
            ["jo@suedmetall.de", "Weiß", "Südmetall AG"],
        ],
    )

    _import(db, tenant, path)

    with db.reading() as connection:
        scores = dict(
            connection.execute(
                select(contacts.c.email, leads.c.fit_score).join(
                    contacts, contacts.c.id == leads.c.contact_id
                )
            ).all()
        )
    assert scores == {"anna@nordwerk.de": 20, "jo@suedmetall.de": 0}
