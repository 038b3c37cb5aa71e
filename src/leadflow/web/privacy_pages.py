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

TEMPLATES = Path(__file__).resolve().parent / "templates" / "privacy"

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Page:
    title_de: str
    title_en: str
    message_de: str
    message_en: str
    action: str | None = None
    button_de: str = ""
    button_en: str = ""


UNKNOWN_LINK = Page(
    "Link ungültig",
    "Invalid link",
    "Dieser Link ist ungültig oder gehört zu Daten, die nicht mehr gespeichert sind.",
    "This link is not valid, or it belongs to data that is no longer stored.",
)


EXPIRED_LINK = Page(
    "Link abgelaufen",
    "Link expired",
    "Der Bestätigungslink ist abgelaufen. Bitte melden Sie sich erneut an.",
    "The confirmation link has expired. Please sign up again.",
)


@router.get("/p/objection/{token}")
def objection_form(token: str, db: DbDep, keys: PrivacyKeysDep, request: Request) -> HTMLResponse:
    try:
        suppression_service.person_of_link(db, keys, token)
    except NotFound:
        return _render(UNKNOWN_LINK, 404)
    return _render(
        Page(
            "Werbung widersprechen",
            "Object to marketing",
            "Mit einem Klick widerrufen Sie alle Einwilligungen und widersprechen jeder Werbung "
            "per E-Mail und Telefon. Wir sperren Ihre Adresse dauerhaft für Werbung.",
            "One click withdraws every consent and objects to all marketing by e-mail and phone. "
            "Your address stays blocked for marketing for good.",
            action=str(request.url.path),
            button_de="Widersprechen",
            button_en="Object",
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
            "Widerspruch erfasst",
            "Objection recorded",
            "Sie erhalten von uns keine Werbung mehr. Ihre Einwilligungen sind widerrufen.",
            "You will receive no more marketing from us. Your consents are withdrawn.",
        )
    )


@router.get("/p/confirm/{token}")
def confirmation_form(token: str, request: Request) -> HTMLResponse:
    return _render(
        Page(
            "Anmeldung bestätigen",
            "Confirm your subscription",
            "Bitte bestätigen Sie, dass Sie Informationen von uns per E-Mail erhalten möchten.",
            "Please confirm that you want to receive information from us by e-mail.",
            action=str(request.url.path),
            button_de="Bestätigen",
            button_en="Confirm",
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
            "Vielen Dank",
            "Thank you",
            "Ihre Anmeldung ist bestätigt. Sie können sie jederzeit mit einem Klick widerrufen.",
            "Your subscription is confirmed. You can withdraw it at any time with one click.",
        )
    )


def _render(page: Page, status_code: int = 200) -> HTMLResponse:
    html = _environment().get_template("public_page.html").render(page=page)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
