"""The import page: mapping preview, dry run with its reject report, and the import itself."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import leads
from leadflow.domain.stages import Role
from tests.factories import Tenant
from tests.integration.job_support import work_off
from tests.integration.ui_support import sign_in

GERMAN_CSV = (
    "Vorname;Nachname;E-Mail;Firma\n"
    "Anna;Schulz;anna.schulz@hafen.example;Hafen Logistik GmbH\n"
    ";;kein-at-zeichen;Krause KG\n"
    "Carla;Wolf;carla@wolf.example;Wolf AG\n"
).encode("cp1252")


def _lead_count(db: Database) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(leads)).scalar_one())


def _upload(client: TestClient, csrf: str, action: str, **fields: str) -> Response:
    """Post the file; an import or dry run is run by the worker and its page read again."""
    page = client.post(
        "/app/import",
        data={"csrf_token": csrf, "action": action, "stage": "mql", **fields},
        files={"file": ("messe.csv", GERMAN_CSV, "text/csv")},
        headers={"Accept-Language": "en"},
    )
    return _after_the_worker(client, page)


def _after_the_worker(client: TestClient, page: Response) -> Response:
    if page.status_code != 200 or page.url.path == "/app/import":
        return page
    work_off(client)
    return client.get(page.url.path, headers={"Accept-Language": "en"})


def test_the_preview_shows_where_each_column_goes_and_the_rows_problems(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    page = _upload(app_client, csrf, "preview")

    assert page.status_code == 200
    text = page.text
    assert "<td>E-Mail</td><td><code>email</code></td>" in text
    assert "Hafen Logistik GmbH" in text and "kein-at-zeichen" in text
    assert _lead_count(db) == 0


def test_a_dry_run_reports_the_rejects_and_stores_no_lead(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    status = _upload(app_client, csrf, "dry_run")
    report = app_client.get(status.url.path + "/rejects.csv")

    text = status.text
    assert 'data-import-status="done"' in text
    assert 'data-count="created">2<' in text and 'data-count="rejected">1<' in text
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8"))))
    assert rows[0][:3] == ["row", "field", "reason"]
    assert [row[:2] for row in rows[1:]] == [["3", "Vorname, Nachname, E-Mail"], ["3", "E-Mail"]]
    assert _lead_count(db) == 0


def test_the_import_stores_the_good_rows(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    status = _upload(app_client, csrf, "import")

    assert 'data-count="created">2<' in status.text
    assert _lead_count(db) == 2


def test_a_history_import_is_chosen_on_the_page_and_shown_with_its_report(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    plain = _upload(app_client, csrf, "import")
    history = _upload(app_client, csrf, "dry_run", history="1")

    assert "data-import-history" not in plain.text
    assert "data-import-history" in history.text
    assert "neither routed nor clocked" in history.text


def test_sales_may_not_import_and_a_missing_file_is_explained(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    sales_csrf = sign_in(app_client, db, tenant, Role.SALES)
    refused = _upload(app_client, sales_csrf, "import")
    marketing_csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    empty = app_client.post("/app/import", data={"csrf_token": marketing_csrf, "action": "dry_run"})

    assert refused.status_code == 403
    assert empty.status_code == 422
    assert _lead_count(db) == 0


def test_the_import_page_lists_dropped_values_and_the_lead_page_marks_an_unknown_source(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)
    content = (
        "Vorname;Nachname;Telefon;Quelle\n"
        "Jörg;Weiß;0711-BITTE-ANRUFEN;Flurfunk\n"
        "Anna;Schulz;0711 1234560;Messe\n"
    ).encode("cp1252")

    posted = app_client.post(
        "/app/import",
        data={"csrf_token": csrf, "action": "import", "stage": "prospect"},
        files={"file": ("messe.csv", content, "text/csv")},
        headers={"Accept-Language": "en"},
    )
    status = _after_the_worker(app_client, posted)
    with db.reading() as connection:
        lead_ids = connection.execute(select(leads.c.id).order_by(leads.c.id)).scalars().all()
    first, second = (app_client.get(f"/app/leads/{i}").text for i in lead_ids)
    warnings = app_client.get(status.url.path + "/warnings.csv")

    assert 'data-count="created">2<' in status.text and 'data-count="warnings">1<' in status.text
    assert "contains letters" in status.text and "data-unknown-sources" in status.text
    assert "data-source-unknown" in first and 'data-source="Flurfunk"' in first
    assert "data-source-unknown" not in second and 'data-source="trade_fair"' in second
    assert warnings.text.splitlines()[1].startswith("2,Telefon,")
