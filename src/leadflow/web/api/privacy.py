"""The privacy API in one router: per-lead endpoints and admin endpoints (the public pages a
person opens from a link are web/privacy_pages.py)."""

from __future__ import annotations

from fastapi import APIRouter

from leadflow.web.api import lead_privacy, privacy_admin

router = APIRouter()
router.include_router(lead_privacy.router)
router.include_router(privacy_admin.router)
