"""Records of processing activities (Art. 30 GDPR), built from a workspace's configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from leadflow.domain.consent import DOI_VALIDITY
from leadflow.domain.privacy import LegalBasis, Purpose
from leadflow.domain.retention import RetentionRule

PURPOSES: dict[Purpose, str] = {
    Purpose.LEAD_MANAGEMENT: "Answering enquiries, qualifying leads and handing them to sales",
    Purpose.EMAIL_MARKETING: "Campaign and newsletter e-mails (§7(2) Nr. 2, §7(3) UWG)",
    Purpose.PHONE_MARKETING: "Marketing and sales calls (§7(2) Nr. 1 UWG)",
}

DATA_CATEGORIES: dict[str, list[str]] = {
    "contact data": [
        "name",
        "e-mail address",
        "phone number",
        "job title",
        "seniority",
        "department",
        "buying role",
    ],
    "company data": [
        "company name",
        "domain",
        "industry",
        "size",
        "country",
        "postal code",
        "city",
    ],
    "funnel data": [
        "stage and stage history",
        "grade and qualification assessments",
        "fit, engagement and predictive scores",
        "owner and routing decisions",
    ],
    "engagement": ["form entries and other touches", "campaign", "UTM source"],
    "communication": ["calls, e-mails, meetings and notes", "tasks"],
    "consent proof": [
        "consent text and version",
        "form URL",
        "IP address",
        "user agent",
        "double-opt-in request and confirmation times",
        "withdrawals",
    ],
    "origin": ["form, import file and row, or API token the lead came from"],
}

FIXED_PERIODS = [
    "Erasure requests are carried out at once; webhook receivers are told to delete as well.",
    "Consent proof is kept as long as the person's data and erased with it.",
    f"Unconfirmed double-opt-in links expire after {DOI_VALIDITY.days} days.",
    "Suppression entries (keyed hashes, no address) are kept so that objections stay honoured.",
    "The audit log is kept as long as the workspace.",
]

MEASURES = [
    "Every record belongs to exactly one workspace; every query is scoped by it.",
    "Roles per workspace (admin, marketing, sales, viewer) decide who may read and change what.",
    "API tokens, sessions and double-opt-in tokens are stored as hashes only.",
    "Suppression entries are keyed hashes (HMAC-SHA256) of e-mail and phone.",
    "Exports and erasures of persons, rule, role and token changes are written to an "
    "append-only audit log.",
    "Marketing actions are refused unless the legal basis and channel permission cover them.",
]


@dataclass(frozen=True)
class Receiver:
    url: str
    events: Sequence[str]
    active: bool


def build_ropa(
    *,
    controller: str,
    workspace: str,
    generated_at: str,
    bases_in_use: Mapping[Purpose, Mapping[LegalBasis, int]],
    roles: Mapping[str, int],
    receivers: Sequence[Receiver],
    rules: Sequence[RetentionRule],
) -> dict[str, Any]:
    """The record as a document; the Markdown form is rendered from it."""
    return {
        "controller": controller,
        "workspace": workspace,
        "generated_at": generated_at,
        "data_subjects": ["contact persons at prospect and customer companies (B2B)"],
        "purposes": [
            {
                "purpose": purpose.value,
                "description": description,
                "legal_bases": {
                    b.value: n for b, n in sorted(bases_in_use.get(purpose, {}).items())
                },
            }
            for purpose, description in PURPOSES.items()
        ],
        "data_categories": DATA_CATEGORIES,
        "recipients": {
            "internal_roles": dict(sorted(roles.items())),
            "webhooks": [
                {"url": r.url, "events": list(r.events), "active": r.active} for r in receivers
            ],
        },
        "third_country_transfers": "none by leadflow itself; check the webhook receivers above",
        "retention_rules": [{**rule.as_config(), "description": rule.describe()} for rule in rules]
        or "no retention rule configured: set one with `leadflow privacy set-retention`",
        "erasure_periods": [f"{rule.name}: {rule.describe()}" for rule in rules] + FIXED_PERIODS,
        "technical_and_organisational_measures": MEASURES,
    }


def to_markdown(record: Mapping[str, Any]) -> str:
    lines = [
        f"# Records of processing: {record['controller']} ({record['workspace']})",
        "",
        f"Generated {record['generated_at']} from the workspace configuration (Art. 30 GDPR).",
        "",
        "## Controller",
        "",
        str(record["controller"]),
        "",
        "## Data subjects",
        "",
        *(f"- {s}" for s in record["data_subjects"]),
        "",
        "## Purposes and legal bases",
        "",
        "| purpose | description | legal bases in use (leads) |",
        "|---|---|---|",
    ]
    for item in record["purposes"]:
        bases = ", ".join(f"{b} ({n})" for b, n in item["legal_bases"].items()) or "none recorded"
        lines.append(f"| {item['purpose']} | {item['description']} | {bases} |")
    lines += ["", "## Categories of personal data", ""]
    lines += [
        f"- **{name}**: {', '.join(items)}" for name, items in record["data_categories"].items()
    ]
    recipients = record["recipients"]
    lines += ["", "## Recipients", "", "Internal roles (members):", ""]
    lines += [f"- {role}: {count}" for role, count in recipients["internal_roles"].items()]
    lines += ["", "Webhook receivers:", ""]
    lines += [
        f"- {w['url']} ({', '.join(w['events'])}){'' if w['active'] else ' [inactive]'}"
        for w in recipients["webhooks"]
    ] or ["- none"]
    lines += ["", "## Transfers to third countries", "", str(record["third_country_transfers"])]
    lines += ["", "## Retention rules", ""]
    rules = record["retention_rules"]
    lines += (
        [f"- {r['name']}: {r['description']}" for r in rules]
        if isinstance(rules, list)
        else [f"- {rules}"]
    )
    lines += ["", "## Erasure periods", "", *(f"- {p}" for p in record["erasure_periods"])]
    lines += ["", "## Technical and organisational measures", ""]
    lines += [f"- {m}" for m in record["technical_and_organisational_measures"]]
    return "\n".join(lines) + "\n"
