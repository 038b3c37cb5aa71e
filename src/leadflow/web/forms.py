"""The public lead form at /f/{form_key}: shown (GET) and submitted (POST) by visitors without a
login, embeddable as an iframe or posted to from a plain HTML form on another site."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader

from leadflow.adapters.secret_key import secret_key
from leadflow.domain import time_trap
from leadflow.domain.form_config import FIELDS
from leadflow.domain.web_to_lead import (
    HONEYPOT_FIELD,
    TOKEN_FIELD,
    UTM_FIELDS,
    Submission,
    posted_name,
    read_submission,
    safe_return_url,
    single_values,
    url_with_errors,
)
from leadflow.services.intake.forms import (
    INVALID,
    FormKeys,
    Outcome,
    PublicForm,
    Visitor,
    public_form,
    submit,
)
from leadflow.web.api.deps import DbDep, NowDep
from leadflow.web.api.privacy_deps import optional_privacy_keys
from leadflow.web.client import client_ip, visitor_language
from leadflow.web.form_texts import AUTOCOMPLETE, INPUT_TYPES, form_words
from leadflow.web.public_url import public_url

HERE = Path(__file__).resolve().parent
ASSETS = {"form.js": "text/javascript", "form.css": "text/css"}

router = APIRouter(include_in_schema=False)


@cache
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates" / "forms"), autoescape=True)


def _keys(request: Request) -> FormKeys:
    keys: FormKeys | None = getattr(request.app.state, "form_keys", None)
    if keys is None:
        keys = FormKeys.derive(secret_key(request.app.state.settings))
        request.app.state.form_keys = keys
    return keys


def _headers(form: PublicForm) -> dict[str, str]:
    ancestors = " ".join(form.config.frame_ancestors)
    policy = (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; form-action 'self' http: https:; base-uri 'none'; "
        f"frame-ancestors {ancestors}"
    )
    return {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-store",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Content-Type-Options": "nosniff",
    }


def _render(
    form: PublicForm, lang: str, token: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    html = _templates().get_template("lead_form.html").render(
        lang=lang, t=form_words(lang), form_key=form.campaign.form_key,
        title=form.config.title(lang),
        fields=form.config.fields, required=form.config.required, consents=form.config.consents,
        input_types=INPUT_TYPES, autocomplete=AUTOCOMPLETE, utm_fields=UTM_FIELDS, token=token,
        return_url=form.config.thank_you_url, values=context.get("values", {}),
        errors=context.get("errors", {}), ticked=context.get("ticked", ()),
        utm=context.get("utm", {}),
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers=_headers(form))


@router.get("/f/assets/{name}")
def asset(name: str) -> Response:
    """The form's script and style sheet, served by leadflow itself."""
    if name not in ASSETS:
        return Response(status_code=404)
    body = (HERE / "static" / "forms" / name).read_bytes()
    return Response(body, media_type=ASSETS[name], headers={"Cache-Control": "max-age=3600"})


@router.get("/f/{form_key}")
def show_form(form_key: str, request: Request, db: DbDep, now: NowDep) -> HTMLResponse:
    """The lead form of a campaign, in German or English."""
    form = public_form(db, form_key)
    token = time_trap.issue(_keys(request).trap, form_key, now)
    utm = {
        name: request.query_params[name][:200]
        for name in UTM_FIELDS
        if name in request.query_params
    }
    return _render(form, visitor_language(request), token, utm=utm)


@router.get("/f/{form_key}/token")
def form_token(form_key: str, request: Request, db: DbDep, now: NowDep) -> JSONResponse:
    """A time-trap token for a plain HTML form on another site (fetched by form.js)."""
    public_form(db, form_key)
    token = time_trap.issue(_keys(request).trap, form_key, now)
    return JSONResponse(
        {"token": token},
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"},
    )


@router.post("/f/{form_key}")
async def submit_form(form_key: str, request: Request, db: DbDep, now: NowDep) -> Response:
    """Take a submission (leadflow's own form or a Salesforce Web-to-Lead form)."""
    form = await run_in_threadpool(public_form, db, form_key)
    received = await request.form()
    posted = [(name, value) for name, value in received.multi_items() if isinstance(value, str)]
    fields = single_values(posted)
    submission = read_submission(fields)
    lang = visitor_language(request)
    visitor = Visitor(client_ip(request), request.headers.get("user-agent"), lang)
    base_url = public_url(request)
    outcome: Outcome = await run_in_threadpool(
        lambda: submit(
            db,
            form,
            submission,
            visitor,
            posted=posted,
            keys=_keys(request),
            now=now,
            base_url=base_url,
            privacy=optional_privacy_keys(request),
        )  # fmt: skip
    )
    if outcome.status == INVALID:
        token = time_trap.issue(_keys(request).trap, form_key, now)
        if submission.foreign:
            return _back_to_the_page(form, lang, token, posted, submission, outcome.errors)
        return _render(
            form, lang, token, status=422, values=_shown_values(fields), errors=outcome.errors,
            ticked=submission.consents, utm=submission.utm,
        )  # fmt: skip
    target = submission.return_url or safe_return_url(form.config.thank_you_url)
    if target:
        return RedirectResponse(target, status_code=303)
    thanks = (
        _templates()
        .get_template("thanks.html")
        .render(lang=lang, t=form_words(lang), consent_asked=outcome.confirmations > 0)
    )
    return HTMLResponse(thanks, headers=_headers(form))


def _back_to_the_page(
    form: PublicForm,
    lang: str,
    token: str,
    posted: list[tuple[str, str]],
    submission: Submission,
    errors: dict[str, str],
) -> Response:
    """A foreign form's mistake: back to its own return address with the errors named, or,
    without one, leadflow's correction page that keeps every posted field."""
    if submission.return_url:
        return RedirectResponse(url_with_errors(submission.return_url, errors), status_code=303)
    wrong = {posted_name(name): text for name, text in errors.items()}
    if "form" in wrong:
        wrong.update({"last_name": "required", "email": "required"})
    sent = {name for name, _ in posted}
    shown = [name for name in FIELDS if name in wrong or name in sent]
    values = single_values(posted)
    kept = [
        (name, value)
        for name, value in posted
        if name not in shown and name not in (TOKEN_FIELD, HONEYPOT_FIELD)
    ]
    page = _templates().get_template("correct.html").render(
        lang=lang, t=form_words(lang), form_key=form.campaign.form_key,
        title=form.config.title(lang),
        shown=shown, values=values, errors=wrong, kept=kept, token=token,
        input_types=INPUT_TYPES, autocomplete=AUTOCOMPLETE, message=errors.get("form"),
    )  # fmt: skip
    return HTMLResponse(page, status_code=422, headers=_headers(form))


def _shown_values(fields: dict[str, str]) -> dict[str, str]:
    return {name: value[:500] for name, value in fields.items() if not name.startswith("_")}
