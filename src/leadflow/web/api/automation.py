"""The routers for scoring, the hand-over SLA, routing and webhooks, as one."""

from __future__ import annotations

from fastapi import APIRouter

from leadflow.web.api import handover, routing, scoring, webhooks

router = APIRouter()
router.include_router(scoring.router)
router.include_router(scoring.lead_router)
router.include_router(handover.router)
router.include_router(routing.router)
router.include_router(webhooks.router)
