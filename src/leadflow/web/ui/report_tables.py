"""The dashboard's tables, built once for the page and for the CSV and XLSX exports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leadflow.adapters.table_export import Cell, ExportTable
from leadflow.domain.attribution import OUTCOMES, Model
from leadflow.domain.campaign_costs import COSTED
from leadflow.domain.cohorts import FOLLOWING
from leadflow.domain.stages import MAIN_PATH
from leadflow.services.handover.sla_report import SlaCompliance
from leadflow.services.reports.dashboard import Dashboard
from leadflow.web.i18n import Catalog
from leadflow.web.ui.labels import Labels

DAY = 86_400.0


@dataclass(frozen=True)
class ReportTable:
    """Rows of plain values; `kinds` tells the page how to show each column."""

    key: str
    title: str
    headers: Sequence[str]
    kinds: Sequence[str]
    rows: Sequence[Sequence[Cell]]

    def export(self) -> ExportTable:
        rows = [
            [_exported(kind, cell) for kind, cell in zip(self.kinds, row, strict=True)]
            for row in self.rows
        ]
        return ExportTable(self.title, self.headers, rows)


def _exported(kind: str, cell: Cell) -> Cell:
    if cell is None:
        return None
    if kind == "percent" and isinstance(cell, float):
        return round(cell * 100, 1)
    if kind == "days" and isinstance(cell, float):
        return round(cell, 1)
    if kind == "credit" and isinstance(cell, float):
        return round(cell, 2)
    return cell


def report_tables(board: Dashboard, catalog: Catalog) -> dict[str, ReportTable]:
    _ = catalog.gettext
    labels = Labels(catalog)
    conversions = {c.source: c for c in board.funnel.conversions}
    counts = {s.stage: s for s in board.funnel.stages}
    funnel_rows: list[list[Cell]] = []
    for stage in MAIN_PATH:
        conversion = conversions.get(stage)
        funnel_rows.append(
            [
                labels.stage(stage),
                counts[stage].leads,
                counts[stage].entries,
                conversion.rate if conversion else None,
            ]
        )
    reasons = sorted(board.funnel.rejection_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    tables = [
        ReportTable(
            "funnel",
            _("Funnel"),
            [_("Stage"), _("Leads"), _("Entries"), _("Conversion to next stage (%)")],
            ["text", "int", "int", "percent"],
            funnel_rows,
        ),
        ReportTable(
            "rejections",
            _("Rejection reasons"),
            [_("Reason"), _("Rejected MQLs")],
            ["text", "int"],
            [[labels.reason(code), count] for code, count in reasons],
        ),
        ReportTable(
            "velocity",
            _("Time in stage"),
            [
                _("Stage"),
                _("Stays"),
                _("Still open"),
                _("Median (days)"),
                _("90th percentile (days)"),
            ],
            ["text", "int", "int", "days", "days"],
            [
                [
                    labels.stage(row.stage),
                    row.stays,
                    row.open,
                    row.median.total_seconds() / DAY if row.median is not None else None,
                    row.p90.total_seconds() / DAY if row.p90 is not None else None,
                ]
                for row in board.velocity
                if row.stays
            ],
        ),
        _cohort_table(board, catalog, labels),
        _cost_table(board, catalog, labels),
        _sla_table(board, catalog),
        _sla_by_user_table(board, catalog, board.user_names),
        _sla_by_source_table(board, catalog, labels),
        _attribution_table(board, catalog, labels),
        _trend_table(board, catalog),
    ]
    return {table.key: table for table in tables}


def _cohort_table(board: Dashboard, catalog: Catalog, labels: Labels) -> ReportTable:
    _ = catalog.gettext
    headers = [_("Month of becoming MQL"), _("MQLs")]
    kinds = ["text", "int"]
    for stage in FOLLOWING:
        headers += [labels.stage(stage), _("%(stage)s (%%)") % {"stage": labels.stage(stage)}]
        kinds += ["int", "percent"]
    rows: list[list[Cell]] = []
    for cohort in board.cohorts:
        row: list[Cell] = [cohort.month, cohort.mqls]
        for stage in FOLLOWING:
            row += [cohort.reached.get(stage, 0), cohort.rate(stage)]
        rows.append(row)
    return ReportTable("cohorts", _("Cohorts"), headers, kinds, rows)


def _cost_table(board: Dashboard, catalog: Catalog, labels: Labels) -> ReportTable:
    _ = catalog.gettext
    headers = [_("Campaign"), _("Channel"), _("Actual cost")]
    kinds = ["text", "text", "money"]
    for stage in COSTED:
        headers += [
            labels.stage(stage),
            _("Cost per %(stage)s") % {"stage": labels.stage(stage)},
        ]
        kinds += ["int", "money"]
    headers += [_("Value won"), _("Return (value won per euro spent)")]
    kinds += ["money", "credit"]
    rows: list[list[Cell]] = []
    for cost in board.costs:
        row: list[Cell] = [
            cost.campaign.name,
            labels.channel(cost.campaign.channel),
            cost.campaign.actual_cost,
        ]
        for stage in COSTED:
            row += [cost.reached.get(stage, 0), cost.cost_per(stage)]
        row += [cost.won_value, cost.roi]
        rows.append(row)
    return ReportTable("costs", _("Cost per stage and campaign"), headers, kinds, rows)


def _sla_table(board: Dashboard, catalog: Catalog) -> ReportTable:
    _ = catalog.gettext
    rows: list[list[Cell]] = []
    if board.sla is not None:
        rows.append(_sla_cells(board.sla))
    return ReportTable("sla", _("Hand-over SLA"), _sla_headers(catalog), _SLA_KINDS, rows)


_SLA_KINDS = ["int", "int", "int", "int", "int", "percent"]


def _sla_headers(catalog: Catalog) -> list[str]:
    _ = catalog.gettext
    return [
        _("Hand-overs"),
        _("Answered in time"),
        _("Answered late"),
        _("Open and overdue"),
        _("Open and on time"),
        _("Compliance (%)"),
    ]


def _sla_cells(sla: SlaCompliance) -> list[Cell]:
    return [sla.handovers, sla.within, sla.late, sla.open_overdue, sla.open_on_time, sla.rate]


def _sla_by_user_table(board: Dashboard, catalog: Catalog, names: dict[int, str]) -> ReportTable:
    _ = catalog.gettext
    rows: list[list[Cell]] = [
        [names.get(row.key, str(row.key)) if isinstance(row.key, int) else _("Nobody"),
         *_sla_cells(row)]
        for row in board.sla_by_user
    ]  # fmt: skip
    headers = [_("Sales user"), *_sla_headers(catalog)]
    return ReportTable("sla_users", _("Hand-over SLA per sales user"), headers,
                       ["text", *_SLA_KINDS], rows)  # fmt: skip


def _sla_by_source_table(board: Dashboard, catalog: Catalog, labels: Labels) -> ReportTable:
    _ = catalog.gettext
    rows: list[list[Cell]] = [
        [labels.source(row.key) if row.key else _("No source"), *_sla_cells(row)]
        for row in board.sla_by_source
    ]
    headers = [_("Source"), *_sla_headers(catalog)]
    return ReportTable("sla_sources", _("Hand-over SLA per source"), headers,
                       ["text", *_SLA_KINDS], rows)  # fmt: skip


def _attribution_table(board: Dashboard, catalog: Catalog, labels: Labels) -> ReportTable:
    _ = catalog.gettext
    model_names = {
        Model.FIRST_TOUCH: _("first touch"),
        Model.LAST_TOUCH: _("last touch"),
        Model.LINEAR: _("linear"),
    }
    headers = [_("Campaign")]
    for model in Model:
        headers += [f"{labels.stage(stage)}, {model_names[model]}" for stage in OUTCOMES]
    rows: list[list[Cell]] = []
    ordered = sorted(board.attribution.items(), key=lambda item: (item[0] is None, item[0] or 0))
    for campaign_id, models in ordered:
        name = board.campaign_names.get(campaign_id) if campaign_id is not None else None
        row: list[Cell] = [name or _("No campaign touch")]
        for model in Model:
            row += [models[model][stage] for stage in OUTCOMES]
        rows.append(row)
    kinds = ["text", *["credit"] * (len(headers) - 1)]
    return ReportTable("attribution", _("Attribution to campaigns"), headers, kinds, rows)


def _trend_table(board: Dashboard, catalog: Catalog) -> ReportTable:
    _ = catalog.gettext
    rows: list[list[Cell]] = [
        [week.monday, week.mqls, week.accepted, week.rejected, week.acceptance_rate, week.sqls]
        for week in board.trend
    ]
    headers = [
        _("Week from"),
        _("New MQLs"),
        _("Accepted"),
        _("Rejected"),
        _("Acceptance rate"),
        _("New SQLs"),
    ]
    kinds = ["date", "int", "int", "int", "percent", "int"]
    return ReportTable("trend", _("Week by week"), headers, kinds, rows)
