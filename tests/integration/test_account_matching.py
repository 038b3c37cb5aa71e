"""Company matching in a workspace of 50,000 accounts whose names start alike: the right account
is found for the same, a re-spelled and a mistyped name, a different firm is not, and the
matcher reads a bounded number of accounts, on every entry path."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import select

from leadflow.adapters.db.account_keys import file_accounts
from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.matching import MatchQueries
from leadflow.adapters.db.tables import accounts, contacts
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.adapters.importing.normalize import company_key
from leadflow.domain.company_blocks import MOST_PROBES
from leadflow.domain.stages import Role, Stage
from leadflow.services.imports.importer import ImportRequest, run_import
from leadflow.services.intake import leads as lead_service
from leadflow.services.intake.duplicates import PER_KEY, find_account
from leadflow.services.intake.lead_input import LeadInput
from tests.factories import NOW, Tenant

FIRSTS = ("Müller", "Müllers", "Mühle", "Maschinenbau", "Meyer", "Metallbau", "Mayer", "Möller",
          "Merkur", "Mertens")  # fmt: skip
TRADES = ("Fördertechnik", "Antriebstechnik", "Anlagenbau", "Automation", "Hydraulik",
          "Pneumatik", "Elektrotechnik", "Stahlbau", "Werkzeugbau", "Formenbau", "Gießerei",
          "Kunststofftechnik", "Lasertechnik", "Messtechnik", "Oberflächentechnik",
          "Präzisionsteile", "Robotik", "Schweißtechnik", "Sondermaschinen", "Verpackung",
          "Zerspanung", "Logistik", "Kältetechnik", "Umwelttechnik", "Medizintechnik")  # fmt: skip
CITIES = ("Hamburg", "Bremen", "Hannover", "Kassel", "Erfurt", "Leipzig", "Dresden", "Chemnitz",
          "Jena", "Halle", "Magdeburg", "Rostock", "Kiel", "Lübeck", "Bielefeld", "Dortmund",
          "Essen", "Bochum", "Münster", "Paderborn")  # fmt: skip
BRANCHES = ("Nord", "Süd", "Ost", "West", "Mitte", "Rhein", "Main", "Elbe", "Donau", "Alpen")
TARGET = "Müller Fördertechnik Hamburg Nord GmbH"
MOST_READ = 2 + MOST_PROBES * PER_KEY
"""Account rows one look-up may read (domain, name key, blocking keys); the first-letters block
the matcher used to read holds 15,000 accounts here."""


def _fill(db: Database, workspace_id: int) -> dict[str, int]:
    """50,000 accounts, inserted set-based; their ids by name."""
    names = [
        f"{first} {trade} {city} {branch} GmbH"
        for first, trade, city, branch in itertools.product(FIRSTS, TRADES, CITIES, BRANCHES)
    ]
    with db.transaction() as connection:
        writer = BulkWriter(connection)
        ids = writer.allocate_ids(accounts, len(names))
        keys = [company_key(name) for name in names]
        writer.insert(
            accounts,
            ("id", "workspace_id", "name", "name_key", "created_at"),
            [(i, workspace_id, n, k, NOW) for i, n, k in zip(ids, names, keys, strict=True)],
        )
        file_accounts(connection, workspace_id, zip(ids, keys, strict=True))
    return dict(zip(names, ids, strict=True))


@pytest.fixture
def known(db: Database, tenant: Tenant) -> dict[str, int]:
    return _fill(db, tenant.id)


def _find(db: Database, tenant: Tenant, company: str) -> tuple[int | None, str | None, int]:
    with reading(db, tenant.id) as uow:
        q = MatchQueries(uow.connection, tenant.id)
        match = find_account(q, company=company, domain=None)
    if match is None:
        return None, None, q.accounts_read
    return match.account.id, match.reason, q.accounts_read


FINDS = {
    TARGET: "same company name",
    "Mueller Foerdertechnik Hamburg Nord GmbH & Co. KG": "same company name",
    "Müller Fördertechnik Hamburg Nrod GmbH": "company 97% similar",
    "Müler Fördertechnik Hamburg Nord AG": "company 99% similar",
    "Müller Fördertechnk Hamburgg Nord": "company 97% similar",
}
DIFFERENT = (
    "Müller Fördertechnik Hamburg Nord 2 GmbH",
    "Müller Fördertechnik Hamburg",
    "Mühlenwerke Fördertechnik Hamburg Nord",
    "Sauer Fördertechnik Hamburg Nord",
)


def test_the_same_a_re_spelled_and_a_mistyped_name_find_the_account_reading_few_rows(
    db: Database, tenant: Tenant, known: dict[str, int]
) -> None:
    found = {company: _find(db, tenant, company) for company in FINDS}

    assert {company: (id_, why) for company, (id_, why, _read) in found.items()} == {
        company: (known[TARGET], why) for company, why in FINDS.items()
    }
    assert max(read for _id, _why, read in found.values()) <= MOST_READ


def test_a_similar_but_different_firm_matches_no_account_reading_few_rows(
    db: Database, tenant: Tenant, known: dict[str, int]
) -> None:
    found = {company: _find(db, tenant, company) for company in DIFFERENT}

    assert {company: id_ for company, (id_, _why, _read) in found.items()} == dict.fromkeys(
        DIFFERENT
    )
    assert max(read for _id, _why, read in found.values()) <= MOST_READ


def test_a_new_lead_with_a_mistyped_company_joins_the_account(
    db: Database, tenant: Tenant, known: dict[str, int]
) -> None:
    data = LeadInput(
        last_name="Fischer", company="Müller Fördertechnik Hambrug Nord", stage=Stage.MQL
    )

    with unit_of_work(db, tenant.id) as uow:
        created = lead_service.create_lead(uow, data, by=tenant.principal(Role.MARKETING), now=NOW)

    assert created.details.account is not None
    assert created.details.account.id == known[TARGET]


def test_an_import_finds_the_accounts_of_re_spelled_and_mistyped_names(
    db: Database, tenant: Tenant, known: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(
        "last_name,company\n"
        "Fischer,Mueller Foerdertechnik Hamburg Nord AG\n"
        "Braun,Mertens Robotik Kiel Elbe GmbH\n"
        "Weber,Mertens Robotik Kiell Elbe\n"
        "Klein,Müller Fördertechnik Hamburg Nord 2 GmbH\n"
        "Wolf,Müller Fördertechnik Hamburg Nord 2 KG\n",
        encoding="utf-8",
    )

    report = run_import(
        db, path, ImportRequest(tenant.id), by=tenant.principal(Role.MARKETING), now=NOW
    )

    with db.reading() as connection:
        account_of = dict(
            connection.execute(
                select(contacts.c.last_name, contacts.c.account_id).where(
                    contacts.c.workspace_id == tenant.id
                )
            ).all()
        )
    assert report.created == 5
    assert account_of["Fischer"] == known[TARGET]
    assert account_of["Braun"] == account_of["Weber"] == known["Mertens Robotik Kiel Elbe GmbH"]
    assert account_of["Klein"] == account_of["Wolf"]
    assert account_of["Klein"] not in known.values()


@pytest.mark.parametrize("chunk_rows", [1, 100])
def test_an_account_an_import_makes_is_found_by_a_later_mistyped_row(
    db: Database, tenant: Tenant, tmp_path: Path, chunk_rows: int
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(
        "last_name,company\n"
        "Fischer,Neumann Zerspanungstechnik Jena GmbH\n"
        "Braun,Neumann Zerspanungstechnick Jena\n"
        "Weber,Neumann Zerspanungstechnik Jena 2\n",
        encoding="utf-8",
    )

    run_import(
        db,
        path,
        ImportRequest(tenant.id, chunk_rows=chunk_rows),
        by=tenant.principal(Role.MARKETING),
        now=NOW,
    )

    with db.reading() as connection:
        account_of = dict(
            connection.execute(select(contacts.c.last_name, contacts.c.account_id)).all()
        )
    assert account_of["Braun"] == account_of["Fischer"]
    assert account_of["Weber"] != account_of["Fischer"]
