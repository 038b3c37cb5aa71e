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
    lead_list,
    lead_page,
    model_page,
    notification_pages,
    qualification_form,
    quarantine_page,
    settings_pages,
)

router = APIRouter(include_in_schema=False)
for module in (
    assets,
    auth,
    board,
    lead_list,
    lead_actions,
    qualification_form,
    lead_page,
    campaign_pages,
    dashboard_page,
    import_pages,
    quarantine_page,
    model_page,
    notification_pages,
    settings_pages,
):
    router.include_router(module.router)
