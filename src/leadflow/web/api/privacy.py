"""Every privacy route in one router: per-lead endpoints, admin endpoints and public pages."""

from __future__ import annotations

from fastapi import APIRouter

from leadflow.web import privacy_pages
from leadflow.web.api import lead_privacy, privacy_admin

router = APIRouter()
router.include_router(lead_privacy.router)
router.include_router(privacy_admin.router)
router.include_router(privacy_pages.router)
