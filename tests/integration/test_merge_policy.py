"""The merge policy on real export layouts: a changed Salesforce export updates what changed
with its history, a closed-deals file makes its leads won with the file's dates, a second form
entry keeps its message, phone and title, and a second address is kept as an alternate."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import (
    activities,
    contact_alternates,
    contacts,
    leads,
    stage_changes,
)
from leadflow.domain.stages import Role, Stage
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.intake.leads import Created
from leadflow.services.privacy.person_rights import erase_person
from tests.environment import TEST_SECRET_KEY
from tests.factories import NOW, Tenant, enter_lead
from tests.integration.merge_support import (
    OLIST,
    SALESFORCE,
    VENDOR_FORMATS,
    alternates_of,
    import_file,
    lead_of,
    merge_log,
    rows_of,
    vendor_headers,
    write_csv,
    write_in_layout,
)

needs_vendor_formats = pytest.mark.skipif(
    not VENDOR_FORMATS.is_dir(), reason=f"vendor layouts not found at {VENDOR_FORMATS}"
)
needs_olist = pytest.mark.skipif(not OLIST.is_dir(), reason=f"Olist data not found at {OLIST}")
LATER = NOW + timedelta(days=3)
BERLIN = ZoneInfo("Europe/Berlin")


def _salesforce_rows(**changes: str) -> list[dict[str, str]]:
    people = [
        ("00Q1", "Anna", "Schmidt", "anna.schmidt@nordwerk.de", "Nordwerk GmbH", "Einkäuferin"),
        ("00Q2", "Jörg", "Weiß", "joerg.weiss@suedmetall.de", "Südmetall AG", "Werkleiter"),
        ("00Q3", "Eva", "Klein", "eva.klein@rheinlog.de", "Rheinlog KG", "Disponentin"),
    ]
    rows = [
        {"Id": sf_id, "FirstName": first, "LastName": last, "Email": email, "Company": company,
         "Title": title, "Status": "New", "City": "Stuttgart", "Country": "Deutschland",
         "Description": "Interesse an Förderbändern", "LeadSource": "Messe",
         "IsDeleted": "false", "IsConverted": "false", "CreatedDate": "2026-01-15T08:00:00.000Z"}
        for sf_id, first, last, email, company, title in people
    ]  # fmt: skip
    rows[0].update(changes)
    return rows


@needs_vendor_formats
def test_reimporting_a_changed_salesforce_export_updates_what_changed_with_its_history(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    import_file(db, tenant, write_in_layout(SALESFORCE, tmp_path / "v1.csv", _salesforce_rows()))
    changed = _salesforce_rows(
        Status="Working - Contacted", Title="Leiterin Einkauf",
        Description="Angebot für zwei Förderstrecken angefragt",
    )  # fmt: skip

    report = import_file(
        db, tenant, write_in_layout(SALESFORCE, tmp_path / "v2.csv", changed), now=LATER
    )

    assert (report.created, report.merged, report.updated, report.unchanged) == (0, 3, 1, 2)
    lead_id = lead_of(db, tenant, email="anna.schmidt@nordwerk.de")
    (lead,) = rows_of(db, leads, id=lead_id)
    assert lead["stage"] == "sal"
    assert lead["extras"]["description"] == "Angebot für zwei Förderstrecken angefragt"
    assert rows_of(db, contacts, id=lead["contact_id"])[0]["job_title"] == "Leiterin Einkauf"
    log = [(r["source"], r["target"]) for r in rows_of(db, stage_changes, lead_id=lead_id)]
    assert log == [(None, "mql"), ("mql", "sal")]
    (merge,) = merge_log(db, lead_id)
    assert merge["merged_id"] is None
    assert {(f["field"], f["action"], f["old"], f["new"]) for f in merge["changes"]["fields"]} == {
        ("job_title", "updated", "Einkäuferin", "Leiterin Einkauf"),
        ("extras.description", "updated", "Interesse an Förderbändern",
         "Angebot für zwei Förderstrecken angefragt"),
        ("stage", "moved", "mql", "sal"),
    }  # fmt: skip
    unchanged = lead_of(db, tenant, email="joerg.weiss@suedmetall.de")
    assert merge_log(db, unchanged) == []


@needs_olist
def test_a_closed_deals_file_makes_its_leads_won_on_the_won_date_and_keeps_its_columns(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    mql_headers = vendor_headers(OLIST / "olist_marketing_qualified_leads_dataset.csv")
    deal_headers = vendor_headers(OLIST / "olist_closed_deals_dataset.csv")
    mapping = tmp_path / "olist.toml"
    mapping.write_text('[columns]\n"mql_id" = "external_id"\n"first_contact_date" = "created_at"\n')
    people = [("a1", "max.bauer@hofladen-bauer.de"), ("b2", "lena.vogt@vogt-moebel.de"),
              ("c3", "tim.roth@roth-technik.de")]  # fmt: skip
    mqls = write_csv(
        tmp_path / "mqls.csv", [*mql_headers, "email"],
        [[mql_id, "2018-02-01", "lp7", "paid_search", email] for mql_id, email in people],
    )  # fmt: skip
    import_file(db, tenant, mqls, mapping=_mapping(mapping), stage=Stage.MQL)
    deal = {"seller_id": "s9", "sdr_id": "sdr4", "sr_id": "sr2", "business_segment": "pet",
            "lead_type": "online_medium", "lead_behaviour_profile": "cat", "has_company": "True",
            "has_gtin": "False", "average_stock": "5-20", "business_type": "reseller",
            "declared_product_catalog_size": "100.0",
            "declared_monthly_revenue": "0.0"}  # fmt: skip
    # The deals file names each lead by its MQL id alone, as Olist's does.
    deals = write_csv(
        tmp_path / "deals.csv", deal_headers,
        [[{**deal, "mql_id": mql_id, "won_date": won}.get(h, "") for h in deal_headers]
         for (mql_id, _), won in zip(people[:2], ("2018-02-26 19:58:00", "2018-05-08 20:17:00"),
                                     strict=True)],
    )  # fmt: skip

    report = import_file(
        db, tenant, deals, mapping=_mapping(mapping), now=LATER, allow_id_only=True
    )

    assert (report.merged, report.updated) == (2, 2)
    assert [reason.split(" (")[0] for _, _, reason in report.merges] == [
        "same external id generic:a1", "same external id generic:b2",
    ]  # fmt: skip
    won = lead_of(db, tenant, email="max.bauer@hofladen-bauer.de")
    (lead,) = rows_of(db, leads, id=won)
    assert lead["stage"] == "won"
    won_at = datetime(2018, 2, 26, 19, 58, tzinfo=BERLIN)  # the import reads local times
    assert lead["stage_entered_at"] == won_at
    log = rows_of(db, stage_changes, lead_id=won)
    assert [(r["source"], r["target"]) for r in log] == [
        (None, "mql"), ("mql", "sal"), ("sal", "sql"), ("sql", "won"),
    ]  # fmt: skip
    assert log[-1]["at"] == won_at
    assert log[-1]["note"] == "imported history"
    assert {name: lead["extras"][name] for name in deal} == deal
    assert (
        rows_of(db, leads, id=lead_of(db, tenant, email="tim.roth@roth-technik.de"))[0]["stage"]
        == "mql"
    )


def _mapping(path: Path) -> object:
    from leadflow.adapters.importing.mapping_file import load_mapping_file

    return load_mapping_file(path)


def test_a_move_the_transition_table_does_not_allow_is_a_warning_not_forced(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    header = ["Email", "Last Name", "Lifecycle Stage"]
    import_file(
        db, tenant, write_csv(tmp_path / "a.csv", header, [["a@nordwerk.de", "Alt", "lost"]])
    )

    report = import_file(
        db, tenant, write_csv(tmp_path / "b.csv", header, [["a@nordwerk.de", "Alt", "sal"]]),
        now=LATER,
    )  # fmt: skip

    lead_id = lead_of(db, tenant, email="a@nordwerk.de")
    assert rows_of(db, leads, id=lead_id)[0]["stage"] == "lost"
    assert report.unchanged == 1
    fields = merge_log(db, lead_id)[0]["changes"]["fields"]
    assert fields == [
        {"field": "stage", "action": "warning", "old": "lost", "new": "sal",
         "message": "the transition table does not allow lost -> sal; kept at lost"},
    ]  # fmt: skip


def _add(db: Database, tenant: Tenant, now: datetime, **fields: object) -> Created:
    """Enter an MQL with these fields at `now`."""
    return enter_lead(db, tenant, at=now, **{"stage": Stage.MQL, **fields})


def test_a_person_who_writes_again_keeps_the_new_message_phone_and_title(
    db: Database, tenant: Tenant
) -> None:
    eva = {"email": "eva.fischer@nordwerk.de", "last_name": "Fischer"}
    first = _add(db, tenant, NOW, **eva, phone="0711 1234560", job_title="Einkäuferin",
                 note="Bitte Katalog senden")  # fmt: skip

    again = _add(db, tenant, LATER, **eva, phone="0171 2345678", job_title="Leiterin Einkauf",
                 note="Bitte Rückruf")  # fmt: skip

    lead_id = first.details.lead.id
    assert lead_id is not None and again.merged and again.details.lead.id == lead_id
    assert again.details.contact.job_title == "Leiterin Einkauf"
    assert again.details.contact.phone == "+491712345678"
    assert alternates_of(db, again.details.contact.id or 0) == {("phone", "+497111234560")}
    assert [n["body"] for n in rows_of(db, activities, lead_id=lead_id)] == ["Bitte Rückruf"]
    assert {(c.field, str(c.action)) for c in again.changes} == {
        ("job_title", "updated"), ("phone", "updated"), ("phone", "alternate"),
        ("note", "appended"),
    }  # fmt: skip
    assert again.merge_id == merge_log(db, lead_id)[0]["id"]


def test_a_second_address_of_the_same_name_at_the_same_company_is_kept_and_matched_later(
    db: Database, tenant: Tenant
) -> None:
    first = _add(db, tenant, NOW, email="eva.fischer@nordwerk.de", first_name="Eva",
                 last_name="Fischer", company="Nordwerk GmbH")  # fmt: skip
    second = _add(db, tenant, LATER, email="e.fischer@nordwerk.de", first_name="Eva",
                  last_name="Fischer", company="Nordwerk GmbH")  # fmt: skip

    later = _add(db, tenant, LATER, email="e.fischer@nordwerk.de", last_name="Fischer")

    contact_id = first.details.contact.id or 0
    assert second.merged and alternates_of(db, contact_id) == {("email", "e.fischer@nordwerk.de")}
    assert later.merged and later.details.lead.id == first.details.lead.id
    assert later.match_reason == "same e-mail (an alternate email)"
    assert later.changes == ()


def test_a_person_asking_by_the_second_address_is_found_and_erased_with_it(
    db: Database, tenant: Tenant
) -> None:
    _add(db, tenant, NOW, email="eva.fischer@nordwerk.de", first_name="Eva",
         last_name="Fischer", company="Nordwerk GmbH")  # fmt: skip
    _add(db, tenant, LATER, email="e.fischer@nordwerk.de", first_name="Eva",
         last_name="Fischer", company="Nordwerk GmbH")  # fmt: skip
    keys = PrivacyKeys.derive(TEST_SECRET_KEY.encode())

    report = erase_person(
        db, keys, by=tenant.principal(Role.ADMIN), email="e.fischer@nordwerk.de", now=LATER
    )

    assert report.contacts == 1
    assert rows_of(db, contacts) == [] and rows_of(db, contact_alternates) == []


def test_rows_of_one_chunk_that_merge_into_the_same_person_each_see_the_one_before(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    first = _add(db, tenant, NOW, email="eva.fischer@nordwerk.de", last_name="Fischer",
                 job_title="Einkäuferin")  # fmt: skip
    path = write_csv(
        tmp_path / "twice.csv",
        ["Email", "Last Name", "Title"],
        [
            ["eva.fischer@nordwerk.de", "Fischer", "Leiterin Einkauf"],
            ["eva.fischer@nordwerk.de", "Fischer", "Bereichsleiterin"],
        ],
    )

    report = import_file(db, tenant, path, preset="generic", now=LATER)

    lead_id = first.details.lead.id or 0
    (contact,) = rows_of(db, contacts, id=first.details.contact.id)
    assert report.merged == 2 and report.updated == 2
    assert contact["job_title"] == "Bereichsleiterin"
    befores = [entry["changes"]["before"]["contact"] for entry in merge_log(db, lead_id)]
    assert befores == [{"job_title": "Einkäuferin"}, {"job_title": "Leiterin Einkauf"}]
