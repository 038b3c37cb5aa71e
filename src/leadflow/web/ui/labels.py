"""Names of stages, roles, channels, reasons and moves as the UI shows them, in each language."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.domain.qualification import Criterion
from leadflow.domain.sources import SourceMap
from leadflow.domain.stages import Stage
from leadflow.web.i18n import N_, Catalog

STAGES = {
    Stage.PROSPECT: N_("Prospect"),
    Stage.MQL: N_("MQL"),
    Stage.SAL: N_("SAL"),
    Stage.SQL: N_("SQL"),
    Stage.WON: N_("Won"),
    Stage.LOST: N_("Lost"),
    Stage.NURTURE: N_("Nurture"),
    Stage.DISQUALIFIED: N_("Disqualified"),
}

ROLES = {
    "admin": N_("Administrator"),
    "marketing": N_("Marketing"),
    "sales": N_("Sales"),
    "viewer": N_("Viewer"),
    "automatic": N_("automatic"),
    "import": N_("import"),
    "research": N_("research"),
}

CHANNELS = {
    "search": N_("Search ads"),
    "social": N_("Social media"),
    "newsletter": N_("Newsletter"),
    "webinar": N_("Webinar"),
    "content": N_("Content"),
    "website": N_("Website"),
    "trade_fair": N_("Trade fair"),
    "event": N_("Event"),
    "print": N_("Print"),
    "direct_mail": N_("Direct mail"),
    "telemarketing": N_("Telemarketing"),
}

SOURCES = {
    **CHANNELS,
    "web_form": N_("Web form"),
    "referral": N_("Referral"),
    "phone_inquiry": N_("Phone inquiry"),
    "purchased_list": N_("Purchased list"),
    "partner": N_("Partner"),
    "offline": N_("Offline"),
    "import": N_("Import"),
    "research": N_("Research"),
    "other": N_("Other"),
}

REASONS = {
    "not_now": N_("Not now"),
    "no_budget_yet": N_("No budget yet"),
    "wrong_contact": N_("Wrong contact"),
    "insufficient_information": N_("Insufficient information"),
    "other": N_("Other"),
    "no_fit": N_("No fit"),
    "competitor": N_("Competitor"),
    "invalid_data": N_("Invalid data"),
    "duplicate": N_("Duplicate"),
    "student": N_("Student"),
    "job_seeker": N_("Job seeker"),
    "timing": N_("Timing"),
    "no_budget": N_("No budget"),
    "no_response": N_("No response"),
    "stalled": N_("Stalled"),
    "price": N_("Price"),
    "no_decision": N_("No decision"),
    "product_fit": N_("Product fit"),
    "new_interest": N_("New interest"),
    "new_budget_cycle": N_("New budget cycle"),
    "re_engaged": N_("Re-engaged"),
    "sla_expired": N_("Hand-over SLA expired"),
    "none": N_("No reason given"),
}

STATUSES = {
    "unknown": N_("Unknown"),
    "not_met": N_("Not met"),
    "partly": N_("Partly met"),
    "met": N_("Met"),
}

PURPOSES = {
    "lead_management": N_("Lead management"),
    "email_marketing": N_("E-mail marketing"),
    "phone_marketing": N_("Phone marketing"),
}

LEGAL_BASES = {
    "consent": N_("Consent"),
    "legitimate_interest_prospect": N_("Legitimate interest (prospect)"),
    "legitimate_interest_customer": N_("Legitimate interest (customer)"),
    "contract": N_("Contract"),
    "not_applicable": N_("Not applicable"),
}

ACTIVITY_KINDS = {
    "call": N_("Call"),
    "email": N_("E-mail"),
    "meeting": N_("Meeting"),
    "note": N_("Note"),
}

OUTCOMES = {
    "reached": N_("Reached"),
    "not_reached": N_("Not reached"),
    "voicemail": N_("Voicemail"),
    "meeting_booked": N_("Meeting booked"),
    "interested": N_("Interested"),
    "not_interested": N_("Not interested"),
    "follow_up": N_("Follow-up"),
    "none": N_("No outcome"),
}

SLA_STATUSES = {
    "on_time": N_("On time"),
    "due_soon": N_("Due soon"),
    "overdue": N_("Overdue"),
    "recycle": N_("Overdue, to be recycled"),
    "stopped": N_("Answered"),
}

FACTOR_FIELDS = {
    "lead.source": N_("source"),
    "lead.campaign": N_("campaign"),
    "lead.campaign_id": N_("campaign"),
    "campaign.channel": N_("channel"),
    "lead.fit_score": N_("fit score"),
    "account.industry": N_("industry"),
    "account.employees": N_("company size"),
    "account.country": N_("country"),
    "contact.department": N_("department"),
    "contact.buying_role": N_("buying role"),
    "contact.seniority": N_("seniority"),
    "contact.email_free_mail": N_("free-mail address"),
    "engagement.touches": N_("touches before sales contact"),
}

SENIORITIES = {
    "c_level": N_("Management"),
    "vp_director": N_("Director or head of department"),
    "director": N_("Director or head of department"),
    "manager": N_("Manager or team lead"),
    "individual": N_("Specialist"),
    "unknown": N_("Unknown"),
}

FACTOR_VALUES = {
    "contact.seniority": SENIORITIES,
    "contact.email_free_mail": {"true": N_("Yes"), "false": N_("No")},
}
"""Values of predictive factors and fit rules that are codes; other values show as they are."""

TARGETS = {"sql": N_("Chance of SQL"), "won": N_("Chance of winning")}

TOUCH_TYPES = {
    "form_submitted": N_("Form submitted"),
    "email_opened": N_("E-mail opened"),
    "email_clicked": N_("Link in an e-mail clicked"),
    "page_visit": N_("Page visited"),
    "webinar_registered": N_("Registered for a webinar"),
    "webinar_attended": N_("Attended a webinar"),
    "trade_fair_visit": N_("Visited at a trade fair"),
    "download": N_("Download"),
}

PRESETS = {
    "salesforce": N_("Salesforce export"),
    "hubspot": N_("HubSpot export"),
    "generic": N_("Other columns (generic)"),
}

IMPORT_STATUSES = {
    "queued": N_("queued"),
    "running": N_("running"),
    "done": N_("done"),
    "failed": N_("failed"),
}

MOVES = {
    (Stage.MQL, Stage.SAL): N_("Accept"),
    (Stage.MQL, Stage.NURTURE): N_("Reject"),
    (Stage.SAL, Stage.SQL): N_("Qualify as SQL"),
    (Stage.SQL, Stage.WON): N_("Won"),
    (Stage.SQL, Stage.LOST): N_("Lost"),
    (Stage.PROSPECT, Stage.MQL): N_("Mark as MQL"),
    (Stage.NURTURE, Stage.MQL): N_("Mark as MQL"),
    (Stage.LOST, Stage.NURTURE): N_("Recycle"),
    (Stage.DISQUALIFIED, Stage.NURTURE): N_("Recycle"),
}
TO_STAGE = {
    Stage.DISQUALIFIED: N_("Disqualify"),
    Stage.NURTURE: N_("Move to nurture"),
}


@dataclass(frozen=True)
class Labels:
    """Label lookups bound to one language; codes a workspace defined itself show as they are."""

    catalog: Catalog

    def _pick(self, table: dict[str, str], key: object) -> str:
        text = table.get(str(key))
        return self.catalog.gettext(text) if text else str(key)

    def stage(self, stage: object) -> str:
        return self._pick({str(k): v for k, v in STAGES.items()}, stage)

    def role(self, role: object) -> str:
        return self._pick(ROLES, role)

    def channel(self, channel: object) -> str:
        return self._pick(CHANNELS, channel)

    def source(self, source: object) -> str:
        """A source code's name; a source that stands for no code shows as typed."""
        return self._pick(SOURCES, source) if source else "–"

    def source_known(self, source: object) -> bool:
        return source is None or str(source) in SOURCES

    def reason(self, code: object) -> str:
        return self._pick(REASONS, code) if code else ""

    def status(self, status: object) -> str:
        return self._pick(STATUSES, status)

    def activity(self, kind: object) -> str:
        return self._pick(ACTIVITY_KINDS, kind)

    def outcome(self, outcome: object) -> str:
        return self._pick(OUTCOMES, outcome)

    def purpose(self, purpose: object) -> str:
        return self._pick(PURPOSES, purpose)

    def legal_basis(self, basis: object) -> str:
        return self._pick(LEGAL_BASES, basis)

    def sla(self, status: object) -> str:
        return self._pick(SLA_STATUSES, status)

    def factor_field(self, name: object) -> str:
        """A predictive factor's field; fields of a workspace's own columns keep their name."""
        return self._pick(FACTOR_FIELDS, name).removeprefix("extras.")

    def factor_value(self, name: object, value: object) -> str:
        """A factor's value in words: source and channel codes by their names (a typed source by
        the code it stands for), seniority levels and yes/no; other values as they are."""
        field = str(name)
        if field == "lead.source":
            typed = SourceMap().canonical(str(value)) if value is not None else None
            return self.source(typed.value if typed else value)
        if field == "campaign.channel":
            return self.channel(value)
        table = FACTOR_VALUES.get(field)
        if table is not None:
            return self._pick(table, str(value).lower())
        return "–" if value is None else str(value)

    def touch(self, kind: object) -> str:
        return self._pick(TOUCH_TYPES, kind)

    def target(self, name: object) -> str:
        return self._pick(TARGETS, name)

    def preset(self, name: object) -> str:
        return self._pick(PRESETS, name)

    def import_status(self, status: object) -> str:
        return self._pick(IMPORT_STATUSES, status)

    def move(self, source: Stage, target: Stage) -> str:
        text = MOVES.get((source, target)) or TO_STAGE.get(target)
        if text is None:
            return self.catalog.gettext(N_("Move to %(stage)s")) % {"stage": self.stage(target)}
        return self.catalog.gettext(text)

    def criterion(self, criterion: Criterion) -> str:
        return criterion.label_de if self.catalog.locale == "de" else criterion.label_en
