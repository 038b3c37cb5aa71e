"""The lead list's query: filters, search, sorting and keyset paging, on both databases."""

from __future__ import annotations

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.lead_listing import LeadListing, ListFilter, ListingPage
from leadflow.adapters.db.uow import reading
from leadflow.domain.errors import InvalidInput
from leadflow.domain.lead import LeadFilter
from leadflow.domain.stages import Stage
from tests.factories import ERIKA, Tenant, new_lead

PEOPLE = [
    ("anna@alpha.example", "Schmidt", "Alpha Logistik GmbH", Stage.MQL),
    ("ben@beta.example", "Müller", "Beta Maschinenbau AG", Stage.MQL),
    ("clara@gamma.example", "Schmidt", "Gamma Handel KG", Stage.PROSPECT),
    ("dirk@delta.example", "Albers", None, Stage.MQL),
    ("eva@alpha.example", "Zander", "Alpha Logistik GmbH", Stage.PROSPECT),
    ("fritz_ernst@rabatt.example", "Ernst", "Rabatt 100% GmbH", Stage.MQL),
    ("gina@epsilon.example", "Berg", "Epsilon SE", Stage.MQL),
]


@pytest.fixture
def lead_ids(db: Database, tenant: Tenant, other_tenant: Tenant) -> dict[str, int]:
    new_lead(db, other_tenant, like=ERIKA, email="anna@alpha.example", last_name="Schmidt")
    return {
        email: new_lead(
            db, tenant, like=ERIKA, email=email, last_name=name, company=company, stage=stage
        )
        for email, name, company, stage in PEOPLE
    }


def _page(
    db: Database, tenant: Tenant, where: ListFilter | None = None, **kw: object
) -> ListingPage:
    with db.reading() as connection:
        return LeadListing(connection, tenant.id).page(where or ListFilter(), **kw)  # type: ignore[arg-type]


def _ids(page: ListingPage) -> list[int]:
    return [row.id for row in page.rows]


def test_paging_forward_and_back_visits_every_lead_once_in_order(
    db: Database, tenant: Tenant, lead_ids: dict[str, int]
) -> None:
    pages = [_page(db, tenant, limit=3)]
    while pages[-1].next_cursor:
        pages.append(_page(db, tenant, limit=3, after=pages[-1].next_cursor))
    back = _page(db, tenant, limit=3, before=pages[-1].previous_cursor)

    seen = [lead_id for page in pages for lead_id in _ids(page)]
    assert seen == sorted(lead_ids.values(), reverse=True)
    assert [len(page.rows) for page in pages] == [3, 3, 1]
    assert pages[0].previous_cursor is None and pages[-1].next_cursor is None
    assert _ids(back) == _ids(pages[1])
    assert all(page.total == 7 and not page.total_capped for page in pages)


def test_sorting_by_name_pages_through_the_same_order_as_one_long_page(
    db: Database, tenant: Tenant, lead_ids: dict[str, int]
) -> None:
    whole = _page(db, tenant, sort="name", limit=100)
    first = _page(db, tenant, sort="name", limit=4)
    second = _page(db, tenant, sort="name", limit=4, after=first.next_cursor)

    names = [row.last_name for row in whole.rows]
    assert names == sorted(names)
    assert _ids(first) + _ids(second) == _ids(whole)


def test_every_search_word_must_match_a_name_an_email_or_a_company(
    db: Database, tenant: Tenant, lead_ids: dict[str, int]
) -> None:
    def found(text: str) -> set[int]:
        return set(_ids(_page(db, tenant, ListFilter(LeadFilter(search=text)))))

    assert found("schmidt") == {lead_ids["anna@alpha.example"], lead_ids["clara@gamma.example"]}
    assert found("ALPHA logistik") == {
        lead_ids["anna@alpha.example"],
        lead_ids["eva@alpha.example"],
    }
    assert found("schmidt gamma") == {lead_ids["clara@gamma.example"]}
    assert found("ben@beta") == {lead_ids["ben@beta.example"]}
    assert found("%") == {lead_ids["fritz_ernst@rabatt.example"]}
    assert found("_") == {lead_ids["fritz_ernst@rabatt.example"]}
    assert found("nobody") == set()


def test_filters_combine_and_the_count_stops_at_its_cap(
    db: Database, tenant: Tenant, lead_ids: dict[str, int]
) -> None:
    mqls = _page(db, tenant, ListFilter(LeadFilter(stage=Stage.MQL)))
    capped = _page(db, tenant, ListFilter(LeadFilter(stage=Stage.MQL)), count_cap=2)
    sourced = _page(db, tenant, ListFilter(LeadFilter(source="web_form", search="alpha")))

    assert mqls.total == 5 and all(row.stage is Stage.MQL for row in mqls.rows)
    assert (capped.total, capped.total_capped) == (2, True)
    assert len(_ids(sourced)) == 2


def test_a_damaged_page_link_is_refused(
    db: Database, tenant: Tenant, lead_ids: dict[str, int]
) -> None:
    with pytest.raises(InvalidInput):
        _page(db, tenant, after="not-a-cursor")


def test_a_search_in_capitals_finds_names_with_umlauts_like_one_in_small_letters(
    db: Database, tenant: Tenant, lead_ids: dict[str, int]
) -> None:
    ulm = new_lead(
        db, tenant, like=ERIKA, email="o@oel.example", last_name="Özdemir", company="ÖLWERK Ulm"
    )

    def found(text: str) -> set[int]:
        return set(_ids(_page(db, tenant, ListFilter(LeadFilter(search=text)))))

    def searched(text: str) -> set[int]:
        with reading(db, tenant.id) as uow:
            rows, _total = uow.leads.search(LeadFilter(search=text), limit=50, offset=0)
            return {details.lead.id for details in rows if details.lead.id is not None}

    assert found("MÜLLER") == found("müller") == {lead_ids["ben@beta.example"]}
    assert found("öZDEMIR") == found("ölwerk") == {ulm}
    assert searched("MÜLLER") == searched("Müller") == {lead_ids["ben@beta.example"]}
    assert searched("ÖLWERK") == {ulm}
