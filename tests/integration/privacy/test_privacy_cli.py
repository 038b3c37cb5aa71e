"""The privacy commands against a real database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.cli.main import app
from leadflow.domain.privacy import provenance
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.privacy.suppression import is_suppressed
from tests.factories import MakeLead, Tenant

EMAIL = "eva.fischer@nordwerk-maschinen.de"


def _ok(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_privacy_export_prints_the_person_as_json_and_csv(
    cli: CliRunner, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead_id = make_lead().lead.id

    document = json.loads(_ok(cli, "privacy", "export", "--workspace", "acme", "--email", EMAIL))
    table = _ok(cli, "privacy", "export", "-w", "acme", "--email", EMAIL, "--format", "csv")

    assert document["found"] is True
    assert [row["id"] for row in document["records"]["leads"]] == [lead_id]
    assert table.startswith("section,table,row,field,value")
    assert f"records,contacts,{document['records']['contacts'][0]['id']},email,{EMAIL}" in table


def test_the_export_names_the_import_file_and_row_a_lead_came_from(
    cli: CliRunner, tenant: Tenant, make_lead: MakeLead
) -> None:
    make_lead(provenance=provenance("import", file="messe-2026.csv", row=17))

    document = json.loads(_ok(cli, "privacy", "export", "-w", "acme", "--email", EMAIL))

    assert document["provenance"][0]["origin"] == {
        "kind": "import",
        "detail": {"file": "messe-2026.csv", "row": 17},
    }


def test_privacy_erase_removes_the_person_and_keeps_them_suppressed(
    cli: CliRunner, db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    make_lead()

    output = _ok(cli, "privacy", "erase", "--workspace", "acme", "--email", EMAIL, "--yes")

    assert "erased 1 contact(s), 1 lead(s)" in output
    with reading(db, tenant.id) as uow:
        assert uow.contacts.by_email(EMAIL) is None
        assert is_suppressed(uow, keys, email=EMAIL) is not None


def test_an_erase_without_email_or_phone_fails_with_exit_code_2(
    cli: CliRunner, tenant: Tenant
) -> None:
    result = cli.invoke(app, ["privacy", "erase", "--workspace", "acme", "--yes"])

    assert result.exit_code == 2
    assert "e-mail address or phone number" in result.stderr


def test_an_objection_recorded_on_the_command_line_suppresses_the_person(
    cli: CliRunner, db: Database, tenant: Tenant, keys: PrivacyKeys, make_lead: MakeLead
) -> None:
    make_lead()

    _ok(cli, "privacy", "object", "--workspace", "acme", "--phone", "0711 1234560")

    with reading(db, tenant.id) as uow:
        assert is_suppressed(uow, keys, email=EMAIL) is not None


def test_retention_purge_and_ropa_on_the_command_line(
    cli: CliRunner, tenant: Tenant, tmp_path: Path
) -> None:
    rules = tmp_path / "retention.toml"
    rules.write_text(
        '[[rules]]\nname = "unqualified"\nstages = ["prospect", "nurture"]\nmonths = 24\n',
        encoding="utf-8",
    )

    set_output = _ok(cli, "privacy", "set-retention", "--workspace", "acme", str(rules))
    shown = _ok(cli, "privacy", "retention", "--workspace", "acme")
    dry = _ok(cli, "privacy", "purge", "--workspace", "acme", "--dry-run")
    ropa = _ok(cli, "privacy", "ropa", "--workspace", "acme")
    ropa_json = json.loads(_ok(cli, "privacy", "ropa", "-w", "acme", "--format", "json"))
    audit = _ok(cli, "audit", "list", "--workspace", "acme")

    assert "unqualified: leads in prospect, nurture" in set_output and "unqualified" in shown
    assert "would delete 0 leads" in dry
    assert ropa.startswith("# Records of processing")
    assert ropa_json["retention_rules"][0]["name"] == "unqualified"
    assert "rules.retention_changed" in audit


def test_an_export_file_is_written_once_and_private(
    cli: CliRunner, tenant: Tenant, make_lead: MakeLead, tmp_path: Path
) -> None:
    make_lead()
    out = tmp_path / "eva.json"

    _ok(cli, "privacy", "export", "-w", "acme", "--email", EMAIL, "--out", str(out))
    again = cli.invoke(
        app, ["privacy", "export", "-w", "acme", "--email", EMAIL, "--out", str(out)]
    )

    assert json.loads(out.read_text(encoding="utf-8"))["found"] is True
    assert out.stat().st_mode & 0o077 == 0
    assert again.exit_code == 2
