"""A campaign's public lead form as data: its fields, consent boxes, thank-you page, who may
embed it, and how patient its time trap is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from leadflow.domain.csp_sources import is_source_expression, source_problem
from leadflow.domain.errors import InvalidInput
from leadflow.domain.web_to_lead import safe_return_url

# Salesforce Web-to-Lead names: a leadflow form is a Web-to-Lead form.
FIELDS = ("first_name", "last_name", "email", "company", "title", "phone", "mobile",
          "street", "zip", "city", "state", "country", "url", "industry", "employees",
          "description")  # fmt: skip
DEFAULT_FIELDS = ("first_name", "last_name", "email", "company", "title", "phone", "description")
DEFAULT_REQUIRED = ("last_name", "email")
MAX_TITLE = 200


@dataclass(frozen=True)
class ConsentBox:
    """One check box; its exact text in each language and the version of that text."""

    key: str
    purpose: str
    channel: str
    version: str
    text_de: str
    text_en: str
    required: bool = False

    def text(self, language: str) -> str:
        return self.text_de if language == "de" else self.text_en


DEFAULT_CONSENTS = (
    ConsentBox(
        key="email_marketing",
        purpose="email_marketing",
        channel="email",
        version="email-marketing-1",
        text_de="Ja, ich möchte Informationen zu Produkten und Veranstaltungen per E-Mail "
        "erhalten. Die Einwilligung kann ich jederzeit widerrufen.",
        text_en="Yes, I would like to receive information about products and events by e-mail. "
        "I can withdraw this consent at any time.",
    ),
)


@dataclass(frozen=True)
class FormConfig:
    fields: tuple[str, ...] = DEFAULT_FIELDS
    required: tuple[str, ...] = DEFAULT_REQUIRED
    asks_for_contact: bool = True
    consents: tuple[ConsentBox, ...] = DEFAULT_CONSENTS
    thank_you_url: str | None = None
    frame_ancestors: tuple[str, ...] = ("*",)
    min_seconds: int = 3
    accept_foreign_forms: bool = True
    title_de: str = "Kontakt aufnehmen"
    title_en: str = "Get in touch"
    extra: dict[str, Any] = field(default_factory=dict)

    def title(self, language: str) -> str:
        return self.title_de if language == "de" else self.title_en

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        return data


def form_config_from(data: Mapping[str, Any] | None, *, stored: bool = False) -> FormConfig:
    """A form configuration from submitted data; every mistake names its key.

    `stored`: data read back from the database, perhaps written before these checks. A value
    that would reach a header or a page unchecked is dropped there instead of refused, so an
    old bad value cannot break the form: bad frame ancestors leave 'none' (no embedding), a
    bad thank-you address none, a bad title the default."""
    if not data:
        return FormConfig()
    known = set(FormConfig.__dataclass_fields__) - {"extra"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(f"unknown form setting {unknown[0]!r}", field=f"form.{unknown[0]}")
    fields = _names(data.get("fields", DEFAULT_FIELDS), "fields")
    required = _names(data.get("required", DEFAULT_REQUIRED), "required")
    if "email" not in fields and "phone" not in fields:
        raise InvalidInput("a lead form needs an e-mail or a phone field", field="form.fields")
    if not set(required) <= set(fields):
        raise InvalidInput("every required field must be one of the fields", field="form.required")
    consents = tuple(
        _consent(index, raw) for index, raw in enumerate(data.get("consents", []), start=1)
    ) if "consents" in data else DEFAULT_CONSENTS  # fmt: skip
    ancestors = _frame_ancestors(data.get("frame_ancestors", ["*"]), stored=stored)
    thank_you_url = _thank_you_url(data.get("thank_you_url"), stored=stored)
    titles = {key: _title(data.get(key), key, stored=stored) for key in ("title_de", "title_en")}
    minimum = data.get("min_seconds", 3)
    if not isinstance(minimum, int) or not 0 <= minimum <= 600:
        raise InvalidInput("min_seconds must be 0 to 600", field="form.min_seconds")
    return FormConfig(
        fields=fields, required=required, consents=consents, frame_ancestors=ancestors,
        asks_for_contact=bool(data.get("asks_for_contact", True)),
        thank_you_url=thank_you_url, min_seconds=minimum,
        accept_foreign_forms=bool(data.get("accept_foreign_forms", True)),
        title_de=titles["title_de"] or FormConfig.title_de,
        title_en=titles["title_en"] or FormConfig.title_en,
    )  # fmt: skip


def _frame_ancestors(value: Any, *, stored: bool) -> tuple[str, ...]:
    if stored:
        kept = [v for v in value if isinstance(v, str) and is_source_expression(v)] if isinstance(
            value, list | tuple) else []  # fmt: skip
        return tuple(kept) if kept and source_problem(kept) is None else ("'none'",)
    problem = source_problem(value)
    if problem is not None:
        raise InvalidInput(f"frame_ancestors: {problem}", field="form.frame_ancestors")
    return tuple(value)


def _thank_you_url(value: Any, *, stored: bool) -> str | None:
    if value is None or value == "":
        return None
    safe = safe_return_url(value) if isinstance(value, str) else None
    if safe is None:
        if stored:
            return None
        raise InvalidInput(
            "thank_you_url must be an absolute http:// or https:// address without spaces, "
            "control characters or a user name", field="form.thank_you_url",
        )  # fmt: skip
    return safe


def _title(value: Any, key: str, *, stored: bool) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip() and len(value) <= MAX_TITLE and value.isprintable():
        return value
    if stored:
        return None
    raise InvalidInput(
        f"{key} must be printable text of at most {MAX_TITLE} characters (no line breaks)",
        field=f"form.{key}",
    )


def _names(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{key} must be a list of field names", field=f"form.{key}")
    wrong = [name for name in value if name not in FIELDS]
    if wrong:
        raise InvalidInput(
            f"{wrong[0]!r} is not a form field; use {', '.join(FIELDS)}", field=f"form.{key}"
        )
    return tuple(value)


def _consent(index: int, raw: Any) -> ConsentBox:
    where = f"form.consents[{index}]"
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where} must be an object", field=where)
    try:
        box = ConsentBox(**{name: raw[name] for name in raw})
    except TypeError as error:
        raise InvalidInput(f"{where}: {error}", field=where) from error
    if not box.key.isidentifier() or not box.version.strip():
        raise InvalidInput(f"{where} needs a key (letters, digits, _) and a version", field=where)
    if not box.text_de.strip() or not box.text_en.strip():
        raise InvalidInput(f"{where} needs its exact text in German and English", field=where)
    return box
