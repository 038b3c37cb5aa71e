"""Marketing actions that must respect legal basis, channel permission and the suppression list:
campaign e-mails and call tasks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.activity import Activity, ActivityKind, Outcome, Task
from leadflow.domain.consent import consent_status
from leadflow.domain.lead import LeadDetails, LeadFilter
from leadflow.domain.marketing import Action, Decision, MarketingFacts, decide
from leadflow.domain.principal import Principal
from leadflow.domain.privacy import Channel, Purpose, current_bases
from leadflow.domain.stages import Actor
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.privacy.suppression import objection_urls, suppression_hashes
from leadflow.services.tasks import activities

PAGE = 500


def marketing_facts(
    uow: UnitOfWork, keys: PrivacyKeys, leads: Sequence[LeadDetails]
) -> dict[int, MarketingFacts]:
    """What the marketing rule needs for each lead, read in a few queries."""
    privacy = uow.privacy
    lead_ids = [d.lead.id for d in leads if d.lead.id is not None]
    contact_ids = [d.contact.id for d in leads if d.contact.id is not None]
    bases = privacy.bases_of(lead_ids)
    consents = privacy.consents_of(contact_ids)
    permissions = privacy.phone_permissions_of(contact_ids)
    hashes = {
        d.lead.id: suppression_hashes(keys, email=d.contact.email, phone=d.contact.phone)
        for d in leads
    }
    entries = privacy.suppressions_matching([h for pair in hashes.values() for h in pair if h])
    facts: dict[int, MarketingFacts] = {}
    for details in leads:
        lead_id, contact_id = details.lead.id, details.contact.id
        assert lead_id is not None and contact_id is not None
        records = consents.get(contact_id, [])
        mine = {h for h in hashes[lead_id] if h}
        blocking = next(
            (s for s in entries if {s.email_hash, s.phone_hash} & mine),
            None,
        )
        history = permissions.get(contact_id, [])
        facts[lead_id] = MarketingFacts(
            bases=current_bases(bases.get(lead_id, [])),
            email_consent=consent_status(records, Purpose.EMAIL_MARKETING, Channel.EMAIL),
            phone_consent=consent_status(records, Purpose.PHONE_MARKETING, Channel.PHONE),
            phone_permission=history[-1] if history else None,
            has_email=bool(details.contact.email),
            has_phone=bool(details.contact.phone),
            suppressed_at=blocking.at if blocking else None,
            suppression_reason=blocking.reason.value if blocking else None,
        )
    return facts


def marketing_decisions(uow: UnitOfWork, keys: PrivacyKeys, lead_id: int) -> list[Decision]:
    """For each marketing action: may it happen for this lead, and why (not)."""
    details = uow.leads.details(lead_id)
    facts = marketing_facts(uow, keys, [details])[lead_id]
    return [decide(action, facts) for action in Action]


def authorize_marketing(
    uow: UnitOfWork, keys: PrivacyKeys, lead_id: int, action: Action
) -> Decision:
    """The decision for one action; MarketingNotAllowed when it may not happen."""
    details = uow.leads.details(lead_id)
    decision = decide(action, marketing_facts(uow, keys, [details])[lead_id])
    decision.require(lead_id)
    return decision


def add_call_task(
    uow: UnitOfWork,
    keys: PrivacyKeys,
    lead_id: int,
    *,
    title: str,
    due_on: date,
    assignee_id: int | None,
    by: Principal,
    now: datetime,
) -> Task:
    """Add a task to call the lead, refused when phone marketing is not allowed."""
    by.require(Actor.SALES, Actor.MARKETING)
    authorize_marketing(uow, keys, lead_id, Action.CALL)
    return activities.add_task(
        uow, lead_id, title=title, due_on=due_on, assignee_id=assignee_id, by=by, now=now
    )


def record_campaign_email(
    uow: UnitOfWork,
    keys: PrivacyKeys,
    lead_id: int,
    *,
    campaign_id: int,
    subject: str,
    by: Principal,
    now: datetime,
) -> Activity:
    """Record that a campaign e-mail goes to the lead, refused when e-mail marketing is not
    allowed."""
    by.require(Actor.SALES, Actor.MARKETING)
    campaign = uow.campaigns.get(campaign_id)
    authorize_marketing(uow, keys, lead_id, Action.CAMPAIGN_EMAIL)
    return activities.log_activity(
        uow,
        lead_id,
        kind=ActivityKind.EMAIL,
        outcome=Outcome.NONE,
        subject=f"{campaign.name}: {subject}",
        body=None,
        at=now,
        by=by,
        now=now,
    )


@dataclass(frozen=True)
class Recipient:
    lead_id: int
    email: str
    objection_url: str


@dataclass(frozen=True)
class Excluded:
    lead_id: int
    reason: str


@dataclass(frozen=True)
class Audience:
    recipients: list[Recipient]
    excluded: list[Excluded]


def campaign_email_audience(
    uow: UnitOfWork, keys: PrivacyKeys, campaign_id: int, *, base_url: str
) -> Audience:
    """The campaign's leads a campaign e-mail may go to (each with its objection link), and
    the ones it may not, with the reason."""
    uow.campaigns.get(campaign_id)
    recipients: list[Recipient] = []
    excluded: list[Excluded] = []
    offset = 0
    while True:
        page, total = uow.leads.search(
            LeadFilter(campaign_id=campaign_id), limit=PAGE, offset=offset
        )
        facts = marketing_facts(uow, keys, page)
        urls = objection_urls(uow, keys, base_url, [d.contact for d in page])
        for details in page:
            assert details.lead.id is not None
            decision = decide(Action.CAMPAIGN_EMAIL, facts[details.lead.id])
            if decision.allowed and details.contact.email:
                assert details.contact.id is not None
                url = urls[details.contact.id]
                recipients.append(Recipient(details.lead.id, details.contact.email, url))
            else:
                excluded.append(Excluded(details.lead.id, decision.reason))
        offset += PAGE
        if offset >= total:
            break
    return Audience(recipients, excluded)
