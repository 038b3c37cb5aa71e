"""The web UI: server-rendered pages for marketing and sales under /app."""

from __future__ import annotations

from fastapi import APIRouter

from leadflow.web.ui import (
    assets,
    auth,
    board,
    campaign_pages,
    dashboard_page,
    import_pages,
    lead_actions,
    lead_create,
    lead_edit,
    lead_list,
    lead_merges,
    lead_page,
    model_page,
    notification_pages,
    privacy_settings,
    qualification_form,
    quarantine_page,
    rule_settings,
    settings_pages,
    task_pages,
    team_settings,
    webhook_settings,
)

router = APIRouter(include_in_schema=False)
for module in (
    assets,
    auth,
    board,
    lead_list,
    lead_create,
    lead_actions,
    lead_edit,
    lead_merges,
    qualification_form,
    lead_page,
    campaign_pages,
    dashboard_page,
    import_pages,
    quarantine_page,
    model_page,
    notification_pages,
    privacy_settings,
    rule_settings,
    settings_pages,
    task_pages,
    team_settings,
    webhook_settings,
):
    router.include_router(module.router)
router.include_router(rule_settings.scoring_router)
router.include_router(rule_settings.framework_router)
