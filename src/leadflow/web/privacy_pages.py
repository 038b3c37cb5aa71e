"""Public privacy pages, reached from e-mails without a login: the one-click objection link
and the double-opt-in confirmation. A GET only shows a button, so link scanners that fetch
every URL in an e-mail neither object nor confirm for the person."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader

from leadflow.domain.errors import InvalidInput, NotFound
from leadflow.services.privacy import consent as consent_service
from leadflow.services.privacy import suppression as suppression_service
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.api.privacy_deps import PrivacyKeysDep
from leadflow.web.client import client_ip
from leadflow.web.i18n import N_, catalog

TEMPLATES = Path(__file__).resolve().parent / "templates" / "privacy"

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Page:
    """A public privacy page; its words are English messages of the UI catalogs, shown in German
    and in English (the person comes from an e-mail link, so the page speaks both)."""

    title: str
    message: str
    action: str | None = None
    button: str = ""

    def words(self, language: str) -> dict[str, str]:
        words = catalog(language)
        return {
            "title": words.gettext(self.title),
            "message": words.gettext(self.message),
            "button": words.gettext(self.button) if self.button else "",
        }


UNKNOWN_LINK = Page(
    N_("Invalid link"),
    N_("This link is not valid, or it belongs to data that is no longer stored."),
)


EXPIRED_LINK = Page(
    N_("Link expired"),
    N_("The confirmation link has expired. Please sign up again."),
)


@router.get("/p/objection/{token}")
def objection_form(token: str, db: DbDep, keys: PrivacyKeysDep, request: Request) -> HTMLResponse:
    try:
        suppression_service.person_of_link(db, keys, token)
    except NotFound:
        return _render(UNKNOWN_LINK, 404)
    return _render(
        Page(
            N_("Object to marketing"),
            N_(
                "One click withdraws every consent and objects to all marketing by e-mail and "
                "phone. Your address stays blocked for marketing for good."
            ),
            action=str(request.url.path),
            button=N_("Object"),
        )
    )


@router.post("/p/objection/{token}")
def object_by_link(token: str, db: DbDep, keys: PrivacyKeysDep, now: NowDep) -> HTMLResponse:
    """Also the RFC 8058 one-click target (List-Unsubscribe-Post)."""
    try:
        suppression_service.object_by_link(db, keys, token, at=now)
    except NotFound:
        return _render(UNKNOWN_LINK, 404)
    return _render(
        Page(
            N_("Objection recorded"),
            N_("You will receive no more marketing from us. Your consents are withdrawn."),
        )
    )


@router.get("/p/confirm/{token}")
def confirmation_form(token: str, request: Request) -> HTMLResponse:
    return _render(
        Page(
            N_("Confirm your subscription"),
            N_("Please confirm that you want to receive information from us by e-mail."),
            action=str(request.url.path),
            button=N_("Confirm"),
        )
    )


@router.post("/p/confirm/{token}")
def confirm(token: str, db: DbDep, now: NowDep, request: Request) -> HTMLResponse:
    try:
        consent_service.confirm_double_opt_in(
            db,
            token,
            now,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent"),
        )
    except NotFound:
        return _render(UNKNOWN_LINK, 404)
    except InvalidInput:
        return _render(EXPIRED_LINK, 410)
    return _render(
        Page(
            N_("Thank you"),
            N_("Your subscription is confirmed. You can withdraw it at any time with one click."),
        )
    )


def _render(page: Page, status_code: int = 200) -> HTMLResponse:
    html = (
        _environment()
        .get_template("public_page.html")
        .render(page=page, de=page.words("de"), en=page.words("en"))
    )
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
