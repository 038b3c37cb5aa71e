"""Predictive score inputs: the fields a lead may be judged by on arrival, and none other.

The models live in naive_bayes.py (pure) and leadflow.adapters.ml (numpy, scikit-learn).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from leadflow.domain.errors import DomainError
from leadflow.domain.freemail import is_free_mail

Value = str | float | int | None
Record = Mapping[str, Value]
MISSING = "(missing)"

# Filled in, or only known, after sales has talked to the lead: a score for the moment of
# arrival that saw them would be learning the answer from the question.
POST_CONTACT_FIELDS: frozenset[str] = frozenset(
    {
        # X Education's sales columns, and CRM exports' status and rating fields
        "tags", "lead_quality", "lead_profile", "last_notable_activity", "lead_status",
        "status", "rating", "lead_rating", "lifecycle_stage", "likelihood_to_close",
        # leadflow's own funnel, qualification and outcome fields
        "stage", "stage_entered_at", "grade", "owner", "outcome", "won", "lost", "won_at",
        "won_date", "lost_at", "lost_reason", "reason", "disqualified_reason", "closed_at",
        "close_date", "days_to_close", "budget", "authority", "need", "timeline",
        "qualification", "predictive_score", "predictive_lead_score", "version", "note",
        # Olist's closed-deal columns, filled in by its sales reps
        "sdr_id", "sr_id", "seller_id", "lead_behaviour_profile", "lead_type",
        "business_segment", "business_type", "has_company", "has_gtin", "average_stock",
        "declared_product_catalog_size", "declared_monthly_revenue",
    }
)  # fmt: skip
POST_CONTACT_PREFIXES = (
    "asymmetrique", "last_activity", "last_contacted", "converted", "is_converted", "owner_",
    "became_a", "time_between", "time_to_move", "number_of_sales_activities",
    "number_of_times_contacted", "recent_sales_email", "recent_deal", "first_deal",
    "number_of_associated_deals", "associated_deal", "next_activity",
)  # fmt: skip
POST_CONTACT_SUFFIXES = ("_owner", "_owner_id", "_owner_assigned_date")
IDENTIFIER_FIELDS: frozenset[str] = frozenset(
    {
        "id", "lead_id", "contact_id", "account_id", "workspace_id", "external_id",
        "prospect_id", "lead_number", "mql_id", "email", "phone", "mobile_phone",
        "first_name", "last_name", "full_name", "name", "job_title", "created_at",
        "first_contact_date",
    }
)  # fmt: skip
_MISSING_TEXT = frozenset({"", "select", "nan", "null", "n/a"})


class FieldKind(StrEnum):
    CATEGORICAL = "categorical"
    NUMERIC = "numeric"


VOCABULARY: Mapping[str, FieldKind] = {
    "lead.source": FieldKind.CATEGORICAL,
    "lead.campaign_id": FieldKind.CATEGORICAL,
    "lead.campaign": FieldKind.CATEGORICAL,
    "campaign.channel": FieldKind.CATEGORICAL,
    "lead.fit_score": FieldKind.NUMERIC,
    "lead.engagement_score": FieldKind.NUMERIC,
    "account.industry": FieldKind.CATEGORICAL,
    "account.employees": FieldKind.NUMERIC,
    "account.country": FieldKind.CATEGORICAL,
    "contact.department": FieldKind.CATEGORICAL,
    "contact.buying_role": FieldKind.CATEGORICAL,
    "contact.seniority": FieldKind.CATEGORICAL,
    "contact.email_free_mail": FieldKind.CATEGORICAL,
}


class LeakageError(DomainError):
    """A post-contact field was asked for as a feature of a score made on arrival."""

    def __init__(self, fields: Iterable[str]) -> None:
        self.fields = tuple(fields)
        super().__init__(f"post-contact fields cannot be features: {', '.join(self.fields)}")


def field_key(name: str) -> str:
    """The comparable form of a field name: 'Lead Quality', 'OwnerId' -> 'lead_quality', ..."""
    last = name.rsplit(".", 1)[-1]
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", last)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def is_post_contact(name: str) -> bool:
    key = field_key(name)
    return (
        key in POST_CONTACT_FIELDS
        or key.startswith(POST_CONTACT_PREFIXES)
        or key.endswith(POST_CONTACT_SUFFIXES)
    )


def is_identifier(name: str) -> bool:
    return field_key(name) in IDENTIFIER_FIELDS or not field_key(name)


@dataclass(frozen=True)
class FeatureSpec:
    """The fields a model reads; building one with a post-contact field raises LeakageError."""

    categorical: tuple[str, ...]
    numeric: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        leaky = [name for name in self.fields if is_post_contact(name)]
        if leaky:
            raise LeakageError(leaky)

    @property
    def fields(self) -> tuple[str, ...]:
        return self.categorical + self.numeric


def infer_spec(records: Sequence[Record], *, exclude: Iterable[str] = ()) -> FeatureSpec:
    """The pre-contact fields of some records, numeric where every value is a number."""
    excluded = {field_key(name) for name in exclude}
    names = dict.fromkeys(name for record in records for name in with_derived(record))
    categorical: list[str] = []
    numeric: list[str] = []
    for name in names:
        if is_post_contact(name) or is_identifier(name) or field_key(name) in excluded:
            continue
        values = [feature_value(record, name) for record in records]
        present = [value for value in values if clean_category(value) is not None]
        distinct = len({clean_category(value) for value in present})
        if distinct < 2:
            continue
        if VOCABULARY.get(name) is FieldKind.NUMERIC or (
            name not in VOCABULARY and all(clean_number(value) is not None for value in present)
        ):
            numeric.append(name)
        elif distinct <= max(50, len(records) // 2):
            categorical.append(name)
    return FeatureSpec(tuple(categorical), tuple(numeric))


def clean_category(value: Value) -> str | None:
    """A category as text, or None for a missing value ('', 'Select', NaN)."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return None if text.lower() in _MISSING_TEXT else text


def clean_number(value: Value) -> float | None:
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(str(value).strip()) if value is not None else math.nan
        except ValueError:
            return None
    return None if math.isnan(number) or math.isinf(number) else number


def feature_value(record: Record, name: str) -> Value:
    """A field of a record, derived from its source field where the record lacks it."""
    value = record.get(name)
    if value is not None:
        return value
    prefix, _, key = name.rpartition(".")
    source = f"{prefix}." if prefix else ""
    if key == "seniority" and record.get(source + "job_title") is not None:
        return seniority(str(record[source + "job_title"])).value
    if key == "email_free_mail" and record.get(source + "email"):
        return "yes" if is_free_mail(str(record[source + "email"])) else "no"
    return None


def with_derived(record: Record) -> dict[str, Value]:
    """A record with seniority and free-mail fields added from job title and e-mail."""
    derived = dict(record)
    for name in record:
        prefix, dot, key = name.rpartition(".")
        if key in ("job_title", "email"):
            target = prefix + dot + ("seniority" if key == "job_title" else "email_free_mail")
            derived[target] = feature_value(record, target)
    return derived


def build_features(record: Record, spec: FeatureSpec) -> dict[str, str | float | None]:
    """The feature set of one lead: only the spec's fields, which are never post-contact."""
    features: dict[str, str | float | None] = {}
    for name in spec.categorical:
        features[name] = clean_category(feature_value(record, name))
    for name in spec.numeric:
        features[name] = clean_number(feature_value(record, name))
    return features


class Seniority(StrEnum):
    C_LEVEL = "c_level"
    VP_DIRECTOR = "vp_director"
    MANAGER = "manager"
    INDIVIDUAL = "individual"
    UNKNOWN = "unknown"


# Checked in order: an assistant to the CEO is not a CEO, a Teamleiter is not a Leiter.
_SENIORITY_PATTERNS: tuple[tuple[Seniority, re.Pattern[str]], ...] = tuple(
    (level, re.compile(pattern))
    for level, pattern in (
        (
            Seniority.INDIVIDUAL,
            r"assist|sekretaer|secretary|praktik|intern\b|werkstudent|trainee|azubi|auszubild",
        ),
        (Seniority.MANAGER, r"(team|gruppen|projekt|schicht)leiter|team ?lead"),
        (
            Seniority.C_LEVEL,
            r"\bc[efiostm]o\b|\bchro\b|\bcdo\b|chief|geschaeftsfuehr|vorstand|managing director"
            r"|(?<!vice )president|founder|gruender|inhaber|\bowner\b|managing partner",
        ),
        (
            Seniority.VP_DIRECTOR,
            r"\b[se]?vp\b|vice president|director|direktor|head\b|leiter(in)?\b|prokurist",
        ),
        (Seniority.MANAGER, r"manag|referent|supervisor|\blead\b|koordinator|coordinator"),
    )
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@lru_cache(maxsize=4096)
def seniority(job_title: str | None) -> Seniority:
    """The seniority a German or English job title states."""
    title = (job_title or "").strip().lower().translate(_UMLAUTS)
    if not title:
        return Seniority.UNKNOWN
    for level, pattern in _SENIORITY_PATTERNS:
        if pattern.search(title):
            return level
    return Seniority.INDIVIDUAL
