"""The dashboard: funnel, acceptance, velocity, SLA, cohorts and campaign costs, with filters and
a CSV and XLSX export of every table."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from babel.dates import format_date
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from leadflow.adapters.db.uow import reading
from leadflow.adapters.table_export import to_csv, to_xlsx
from leadflow.domain.engagement import GRADES
from leadflow.domain.errors import InvalidInput, NotFound
from leadflow.domain.sources import SOURCE_CODES
from leadflow.domain.stages import MAIN_PATH
from leadflow.services.reports.dashboard import Dashboard, DashboardFilter, dashboard
from leadflow.services.reports.periods import workspace_days
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.ids import id_from_text
from leadflow.web.ui.charts import bar_chart
from leadflow.web.ui.labels import Labels
from leadflow.web.ui.pages import PageRoute, catalog_of, page
from leadflow.web.ui.report_tables import DAY, report_tables
from leadflow.web.ui.session import Viewer, ViewerDep, check_csrf

router = APIRouter(
    prefix="/app/dashboard", route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["ui"]
)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILTERS = ("from", "to", "campaign", "owner", "source", "grade")


def _day(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field} must be a date", field=field) from None


def _whole(text: str, field: str) -> int | None:
    if text and not (text.isascii() and text.isdigit()):
        raise InvalidInput(f"{field} must be chosen from the list", field=field)
    return id_from_text(text, field)


def _choice(text: str, choices: tuple[str, ...], field: str) -> str | None:
    if text and text not in choices:
        raise InvalidInput(f"{field} must be chosen from the list", field=field)
    return text or None


def _figures(
    request: Request, viewer: Viewer, db: DbDep, now: datetime
) -> tuple[Dashboard, dict[str, str]]:
    values = {name: request.query_params.get(name, "").strip() for name in FILTERS}
    with reading(db, viewer.workspace_id) as uow:
        start, end = workspace_days(uow, _day(values["from"], "from"), _day(values["to"], "to"))
        where = DashboardFilter(
            start=start,
            end=end,
            campaign_id=_whole(values["campaign"], "campaign"),
            owner_id=_whole(values["owner"], "owner"),
            source=_choice(values["source"], SOURCE_CODES, "source"),
            grade=_choice(values["grade"], GRADES, "grade"),
        )
        return dashboard(uow, where, now=now), values


@router.get("")
def dashboard_page(request: Request, viewer: ViewerDep, db: DbDep, now: NowDep) -> Response:
    """Funnel, acceptance, time in stage, SLA, cohorts and cost per stage, filtered."""
    board, values = _figures(request, viewer, db, now)
    catalog = catalog_of(request)
    labels = Labels(catalog)
    counts = {row.stage: row.leads for row in board.funnel.stages}
    funnel_chart = bar_chart(
        [(labels.stage(stage), counts[stage], str(counts[stage])) for stage in MAIN_PATH]
    )
    reasons = sorted(board.funnel.rejection_reasons.items(), key=lambda kv: -kv[1])
    reasons_chart = bar_chart([(labels.reason(code), n, str(n)) for code, n in reasons])
    timed = [row for row in board.velocity if row.stays and row.median and row.p90]
    velocity_chart = bar_chart(
        [
            (labels.stage(row.stage), row.median.total_seconds() / DAY, "")
            for row in timed
            if row.median
        ],
        secondary=[row.p90.total_seconds() / DAY for row in timed if row.p90],
    )
    trend_chart = bar_chart(
        [(format_date(week.monday, "d. MMM", locale=catalog.locale), week.mqls, str(week.mqls))
         for week in board.trend],
        secondary=None,
    )  # fmt: skip
    query = urlencode({key: value for key, value in values.items() if value})
    return page(
        request,
        "dashboard/index.html",
        board=board,
        stage_counts=counts,
        tables=report_tables(board, catalog),
        funnel_chart=funnel_chart,
        conversions={c.source: c for c in board.funnel.conversions},
        reasons_chart=reasons_chart,
        velocity_chart=velocity_chart,
        trend_chart=trend_chart,
        velocity_rows=timed,
        values=values,
        campaigns=board.all_campaigns,
        members=board.members,
        sources=SOURCE_CODES,
        grades=GRADES,
        export_query=query,
    )


@router.get("/export/{name}.{fmt}")
def export(
    request: Request, name: str, fmt: str, viewer: ViewerDep, db: DbDep, now: NowDep
) -> Response:
    """One dashboard table as a CSV or XLSX file, with the page's filters."""
    board, _values = _figures(request, viewer, db, now)
    table = report_tables(board, catalog_of(request)).get(name)
    if table is None or fmt not in FORMATS:
        raise NotFound("export", f"{name}.{fmt}")
    exported = table.export()
    german = catalog_of(request).locale == "de"
    body = to_csv(exported, decimal_comma=german) if fmt == "csv" else to_xlsx(exported)
    filename = f"leadflow-{name}-{now.date().isoformat()}.{fmt}"
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
