"""The application factory: CLI, server and tests all build leadflow through create_app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from leadflow import __version__
from leadflow.adapters.db.database import Database
from leadflow.adapters.importing.limits import MB
from leadflow.services.imports.import_jobs import unfinished_imports
from leadflow.services.imports.import_recovery import fail_abandoned_imports
from leadflow.settings import Settings
from leadflow.web import api_docs, errors, forms, privacy_pages, ui
from leadflow.web.api import automation as automation_api
from leadflow.web.api import campaigns, fields, leads, reports
from leadflow.web.api import capture as capture_api
from leadflow.web.api import forms as forms_api
from leadflow.web.api import imports as imports_api
from leadflow.web.api import predictions as predictions_api
from leadflow.web.api import privacy as privacy_api
from leadflow.web.api import quarantine as quarantine_api
from leadflow.web.api import research as research_api
from leadflow.web.api import sources as sources_api
from leadflow.web.rate_limit import ApiRateLimit
from leadflow.web.request_guard import BodyLimits, RequestGuard
from leadflow.web.security_headers import SecurityHeaders
from leadflow.web.trusted_hosts import TrustedHosts
from leadflow.web.ui import error_pages as ui_error_pages
from leadflow.web.upload_limit import UploadSizeLimit
from leadflow.web.uploads import clean_upload_dir


def _on_start(app: FastAPI) -> None:
    """Uploads left behind are deleted, and imports left running by a stopped process fail;
    not those of an import job, which runs or takes them over."""
    settings: Settings = app.state.settings
    jobs = unfinished_imports(app.state.db)
    clean_upload_dir(settings, keep=jobs.uploads)
    fail_abandoned_imports(
        app.state.db, now=datetime.now(UTC), max_seconds=settings.upload_import_seconds,
        keep=jobs.import_ids,
    )  # fmt: skip


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    _on_start(app)
    yield


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> FastAPI:
    """Build the web app (API and pages) for the given settings."""
    settings = settings or Settings()
    app = FastAPI(
        title="leadflow",
        version=__version__,
        description="Lead qualification for B2B marketing and sales teams.",
        lifespan=_lifespan,
        docs_url=None,  # api_docs serves Swagger UI from an installed package, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    errors.install(app)
    ui_error_pages.install(app)
    largest = max(settings.upload_csv_max_mb, settings.upload_xlsx_max_mb) * MB
    app.add_middleware(UploadSizeLimit, max_bytes=largest)
    app.add_middleware(RequestGuard, limits=BodyLimits.of(settings))
    app.add_middleware(
        ApiRateLimit,
        db=app.state.db,
        per_token=settings.api_rate_limit,
        per_address=settings.api_address_rate_limit,
    )
    app.add_middleware(TrustedHosts, allowed=settings.trusted_hosts())
    # Outermost, so that every answer carries them, refusals included.
    app.add_middleware(SecurityHeaders, tls=settings.public_base_url().startswith("https://"))

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness: 200 while the process serves requests."""
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/app")

    app.include_router(api_docs.router)
    app.include_router(privacy_api.router)
    app.include_router(privacy_pages.router)
    app.include_router(capture_api.router)
    app.include_router(forms.router)
    app.include_router(forms_api.router)
    app.include_router(quarantine_api.router)
    app.include_router(research_api.router)
    app.include_router(imports_api.router)
    app.include_router(sources_api.router)
    app.include_router(leads.router)
    app.include_router(campaigns.router)
    app.include_router(fields.router)
    app.include_router(reports.router)
    app.include_router(automation_api.router)
    app.include_router(predictions_api.router)
    app.include_router(ui.router)
    return app
