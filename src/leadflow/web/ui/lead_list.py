"""The lead list: filters, search, sorting and paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.lead_listing import SORTS, ListFilter
from leadflow.adapters.db.uow import reading
from leadflow.domain.errors import InvalidInput
from leadflow.domain.lead import LeadFilter
from leadflow.domain.stages import Role, Stage
from leadflow.services.views.lead_views import lead_list_view
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import MAX_ID
from leadflow.web.ui.pages import PageRoute, page
from leadflow.web.ui.session import ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/leads", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
PAGE_SIZE = 50
FILTER_FIELDS = (
    "stage",
    "grade",
    "owner",
    "campaign",
    "source",
    "q",
    "fit_min",
    "fit_max",
    "engagement_min",
    "engagement_max",
    "cell",
    "overdue",
)


@dataclass(frozen=True)
class ListRequest:
    """The list's query string, kept as given so the form and the links can repeat it."""

    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def number(self, name: str) -> float | None:
        text = self.get(name).replace(",", ".")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise InvalidInput(f"{name} must be a number", field=name) from None

    def whole(self, name: str) -> int | None:
        value = self.number(name)
        if value is not None and not -MAX_ID <= value <= MAX_ID:
            raise InvalidInput(f"{name} is out of range", field=name)
        return None if value is None else int(value)

    def link(self, **changes: str | None) -> str:
        """This list's URL with some parameters changed (None drops one)."""
        merged = {k: v for k, v in self.values.items() if v and k in (*FILTER_FIELDS, "sort")}
        for key, value in changes.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return "/app/leads" + ("?" + urlencode(merged) if merged else "")


def list_filter(query: ListRequest, now: datetime) -> ListFilter:
    stage = query.get("stage")
    grade = query.get("grade")
    if stage and stage not in {s.value for s in Stage}:
        raise InvalidInput(f"unknown stage '{stage}'", field="stage")
    if grade and grade not in ("A", "B", "C", "D"):
        raise InvalidInput(f"unknown grade '{grade}'", field="grade")
    base = LeadFilter(
        stage=Stage(stage) if stage else None,
        grade=grade or None,
        owner_id=query.whole("owner"),
        campaign_id=query.whole("campaign"),
        source=query.get("source") or None,
        search=query.get("q")[:200] or None,
    )
    return ListFilter(
        base=base,
        fit_min=query.whole("fit_min"),
        fit_max=query.whole("fit_max"),
        engagement_min=query.number("engagement_min"),
        engagement_max=query.number("engagement_max"),
        overdue_at=now if query.get("overdue") else None,
    )


@router.get("")
def lead_list(request: Request, viewer: ViewerDep, db: DbDep, now: NowDep) -> Response:
    """Leads with filters, a search over names, companies and e-mail addresses, and paging."""
    query = ListRequest(dict(request.query_params))
    sort = query.get("sort") or "newest"
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort '{sort}'", field="sort")
    where = list_filter(query, now)
    with reading(db, viewer.workspace_id) as uow:
        view = lead_list_view(
            uow,
            where,
            sort=sort,
            after=query.get("after") or None,
            before=query.get("before") or None,
            limit=PAGE_SIZE,
            cell=query.get("cell") or None,
        )
    return page(
        request,
        "leads/list.html",
        result=view.page,
        query=query,
        sort=sort,
        sorts=list(SORTS),
        members=view.members,
        campaigns=view.campaigns,
        sources=view.sources,
        stages=list(Stage),
        now=now,
        can_enter=viewer.is_(Role.MARKETING),
    )
