"""The new people of a batch, matched and written set-based.

An entry that matches nobody (by the rules of services/intake/duplicates.py, read ahead for the
whole batch) and shares no e-mail, phone or name at a company with an earlier entry becomes a new
contact and lead here, many at once, with the effects create_lead gives a new lead: the stage
log, the fit score, the stage-changed event, routing and the hand-over clock of a new MQL and
the automatic MQL check. Every other entry is left to create_lead, one after the other, after
these are written: it then finds what they became, as it would have in the batch's order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from leadflow.adapters.db.account_keys import file_accounts
from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.matching import KnownAccount, KnownPerson, MatchQueries
from leadflow.adapters.db.tables import accounts, contacts, leads, stage_changes
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.importing.normalize import company_key
from leadflow.domain.errors import DomainError, PermissionDenied
from leadflow.domain.lead import Lead, LeadDetails
from leadflow.domain.party import Account, Contact
from leadflow.domain.principal import Principal
from leadflow.domain.scoring import score_fit
from leadflow.domain.stages import Stage
from leadflow.domain.webhooks import STAGE_CHANGED
from leadflow.services.handover import clock as handover
from leadflow.services.handover.routing import route_new_mql
from leadflow.services.intake.duplicates import (
    AccountMatch,
    Probe,
    find_duplicate,
    person_key,
    probe_of,
)
from leadflow.services.intake.import_context import AccountIndex
from leadflow.services.intake.leads import CheckedEntry, Created, check_references, identity_names
from leadflow.services.scores.scoring import score_fit_of_lead
from leadflow.services.scores.scoring_settings import current_fit_rules, scoring_settings
from leadflow.services.webhooks import events

ACCOUNT_COLUMNS = ("id", "workspace_id", "name", "name_key", "domain", "industry", "employees",
                   "country", "postal_code", "city", "created_at")  # fmt: skip
CONTACT_COLUMNS = ("id", "workspace_id", "account_id", "first_name", "last_name", "email",
                   "phone", "job_title", "created_at")  # fmt: skip
LEAD_COLUMNS = ("id", "workspace_id", "contact_id", "account_id", "campaign_id", "owner_id",
                "stage", "source", "version", "created_at", "stage_entered_at", "updated_at",
                "extras", "fit_score", "fit_rules_version", "fit_matches", "provenance",
                "custom_fields")  # fmt: skip
LOG_COLUMNS = ("workspace_id", "lead_id", "source", "target", "at", "actor", "by_user_id",
               "reason", "note", "automatic")  # fmt: skip


class PeopleReadAhead:
    """MatchQueries' answers about people for a whole batch, read set-based once."""

    def __init__(self, q: MatchQueries, probes: Collection[Probe], account_ids: set[int]) -> None:
        self._with: dict[tuple[str, str], list[KnownPerson]] = {}
        self._alternate: dict[tuple[str, str], list[tuple[str, KnownPerson]]] = {}
        for column in ("email", "phone"):
            values = {v for p in probes if (v := getattr(p, column))}
            for person in q.people_with(column, values):
                self._with.setdefault((column, getattr(person, column)), []).append(person)
            for value, person in q.people_with_alternate(column, values):
                self._alternate.setdefault((column, value), []).append((value, person))
        self._at: dict[int, list[KnownPerson]] = {}
        for person in q.people_at(account_ids):
            assert person.account_id is not None
            self._at.setdefault(person.account_id, []).append(person)

    def people_with(self, column: str, values: Collection[str]) -> list[KnownPerson]:
        return [person for value in values for person in self._with.get((column, value), [])]

    def people_with_alternate(
        self, kind: str, values: Collection[str]
    ) -> list[tuple[str, KnownPerson]]:
        return [found for value in values for found in self._alternate.get((kind, value), [])]

    def people_at(self, account_ids: Collection[int]) -> list[KnownPerson]:
        return [person for account in account_ids for person in self._at.get(account, [])]


AccountFields = tuple[str | None, int | None, str | None, str | None, str | None]
"""industry, employees, country, postal code and city of a new account."""


@dataclass
class NewLead:
    index: int
    entry: CheckedEntry
    account: KnownAccount | None
    account_fields: AccountFields | None = None


@dataclass
class Outcome:
    created: dict[int, Created]
    rejected: dict[int, DomainError]
    one_by_one: list[int]


def store_new(
    uow: UnitOfWork, entries: Sequence[tuple[int, CheckedEntry]], *, by: Principal, now: datetime
) -> Outcome:
    """Write the entries that are new people set-based; the others are left one by one."""
    q = uow.matching
    probes = {index: probe_of(entry.data) for index, entry in entries}
    index = AccountIndex.load(q, [want for p in probes.values() for want in _wanted(p)])
    known = {i: index.find(_key(p.company), p.domain) for i, p in probes.items()}
    people = PeopleReadAhead(
        q, list(probes.values()), {m.account.id for m in known.values() if m is not None}
    )
    outcome = Outcome({}, {}, [])
    seen: set[str] = set()
    new: list[NewLead] = []
    for number, entry in entries:
        probe = probes[number]
        keys = set(identity_names(entry.data))
        if probe.first_name and probe.last_name:
            company = _key(probe.company) or probe.domain or ""
            keys.add(f"name:{person_key(probe.first_name, probe.last_name)}@{company}")
        shared = bool(keys & seen)
        seen |= keys
        if shared or find_duplicate(people, probe, known[number]) is not None:
            outcome.one_by_one.append(number)
            continue
        try:
            check_references(uow, entry.data)
        except PermissionDenied:
            raise
        except DomainError as error:
            outcome.rejected[number] = error
            continue
        new.append(NewLead(number, entry, None))
    at_account: set[tuple[int, str]] = set()
    made: list[KnownAccount] = []
    for lead in list(new):
        probe = probes[lead.index]
        lead.account = _account_of(index, probe, made, lead)
        name = person_key(probe.first_name, probe.last_name)
        if lead.account is not None and probe.first_name and probe.last_name:
            if (lead.account.id, name) in at_account:
                # Somebody of an earlier entry at the same company: create_lead merges them.
                new.remove(lead)
                outcome.one_by_one.append(lead.index)
                continue
            at_account.add((lead.account.id, name))
    if new:
        outcome.created = _write(uow, new, made, by=by, now=now)
    outcome.one_by_one.sort()
    return outcome


def _key(company: str | None) -> str | None:
    return company_key(company) if company else None


def _wanted(probe: Probe) -> list[tuple[str | None, str | None]]:
    """The (name key, domain) look-ups an entry's account needs, as in create_lead: without a
    company, the account is named after the domain."""
    wanted = [(_key(probe.company), probe.domain)]
    if not probe.company and probe.domain:
        wanted.append((company_key(probe.domain), None))
    return wanted


def _account_of(
    index: AccountIndex, probe: Probe, made: list[KnownAccount], lead: NewLead
) -> KnownAccount | None:
    """The account an entry matches (among those of the workspace and those made for earlier
    entries), else a new one made for it; None without a company or a company domain."""
    found: AccountMatch | None = index.find(_key(probe.company), probe.domain)
    if found is None and not probe.company and probe.domain:
        found = index.find(company_key(probe.domain), None)
    if found is not None:
        return found.account
    name = probe.company or probe.domain
    if not name:
        return None
    account = KnownAccount(-1 - len(made), name, company_key(name), probe.domain)
    data = lead.entry.data
    lead.account_fields = (data.industry, data.employees, data.country, data.postal_code,
                           data.city)  # fmt: skip
    made.append(account)
    index.add(account)
    return account


def _write(
    uow: UnitOfWork, new: list[NewLead], made: list[KnownAccount], *, by: Principal, now: datetime
) -> dict[int, Created]:
    writer = BulkWriter(uow.connection)
    workspace = uow.workspace_id
    account_ids = writer.allocate_ids(accounts, len(made))
    real = {account.id: real_id for account, real_id in zip(made, account_ids, strict=True)}
    fields = {
        lead.account.id: lead.account_fields for lead in new if lead.account and lead.account_fields
    }
    writer.insert(
        accounts,
        ACCOUNT_COLUMNS,
        [(real[a.id], workspace, a.name, a.name_key, a.domain, *fields[a.id], now) for a in made],
    )
    file_accounts(uow.connection, workspace, [(real[a.id], a.name_key) for a in made])
    contact_ids = writer.allocate_ids(contacts, len(new))
    lead_ids = writer.allocate_ids(leads, len(new))
    account_of = [
        None if lead.account is None else real.get(lead.account.id, lead.account.id) for lead in new
    ]
    writer.insert(
        contacts,
        CONTACT_COLUMNS,
        [
            (
                contact_id,
                workspace,
                account_id,
                d.first_name,
                d.last_name,
                d.email,
                d.phone,
                d.job_title,
                now,
            )  # fmt: skip
            for contact_id, account_id, d in zip(
                contact_ids, account_of, (lead.entry.data for lead in new), strict=True
            )
        ],
    )
    rules = current_fit_rules(uow)
    empty_fit = (score_fit(rules.ruleset, {}).points, rules.version, "")
    no_fit = (None, None, None)
    fit = no_fit if rules.ruleset.rules else empty_fit
    writer.insert(
        leads,
        LEAD_COLUMNS,
        [
            (
                lead_id,
                workspace,
                contact_id,
                account_id,
                lead.entry.data.campaign_id,
                lead.entry.data.owner_id,
                lead.entry.move.target.value,
                lead.entry.data.source,
                1,
                now,
                now,
                now,
                dict(lead.entry.data.extras),
                *fit,
                dict(lead.entry.data.provenance) if lead.entry.data.provenance else None,
                lead.entry.values,
            )  # fmt: skip
            for lead_id, contact_id, account_id, lead in zip(
                lead_ids, contact_ids, account_of, new, strict=True
            )
        ],
    )
    writer.insert(
        stage_changes,
        LOG_COLUMNS,
        [
            (
                workspace,
                lead_id,
                None,
                lead.entry.move.target.value,
                now,
                by.actor.value,
                by.user_id,
                None,
                lead.entry.data.note,
                lead.entry.move.automatic,
            )  # fmt: skip
            for lead_id, lead in zip(lead_ids, new, strict=True)
        ],
    )
    written = list(zip(lead_ids, new, strict=True))
    moved = _follow(uow, written, score=bool(rules.ruleset.rules), by=by, now=now)
    # What was just written is at hand; only leads the effects may have moved are read back.
    details = uow.leads.details_of(moved) if moved else {}
    made_ids = set(real.values())
    known = uow.accounts.many({a for a in account_of if a is not None and a not in made_ids})
    for account in made:
        industry, employees, country, postal_code, city = fields[account.id]
        known[real[account.id]] = Account(
            workspace, account.name, real[account.id], account.domain, industry,
            employees, country, postal_code, city,
        )  # fmt: skip
    created = {}
    for lead_id, contact_id, account_id, lead in zip(
        lead_ids, contact_ids, account_of, new, strict=True
    ):
        at = known.get(account_id) if account_id is not None else None
        shown = details.get(lead_id) or _details(workspace, lead_id, contact_id, at, lead, now)
        created[lead.index] = Created(
            shown, merged=False, warnings=lead.entry.data.warnings,
            source_known=lead.entry.source_known,
        )  # fmt: skip
    return created


def _details(
    workspace: int,
    lead_id: int,
    contact_id: int,
    account: Account | None,
    new: NewLead,
    now: datetime,
) -> LeadDetails:
    """A new lead as LeadRepository.details would read it back."""
    data = new.entry.data
    lead = Lead(
        workspace_id=workspace, contact_id=contact_id, stage=new.entry.move.target,
        created_at=now, stage_entered_at=now, id=lead_id,
        account_id=account.id if account else None, campaign_id=data.campaign_id,
        owner_id=data.owner_id, source=data.source, extras=dict(data.extras),
        provenance=dict(data.provenance) if data.provenance else None,
        custom_fields=dict(new.entry.values),
    )  # fmt: skip
    contact = Contact(
        workspace_id=workspace, id=contact_id, account_id=lead.account_id,
        first_name=data.first_name, last_name=data.last_name, email=data.email,
        phone=data.phone, job_title=data.job_title,
    )  # fmt: skip
    return LeadDetails(lead, contact, account)


def _follow(
    uow: UnitOfWork, written: list[tuple[int, NewLead]], *, score: bool, by: Principal,
    now: datetime,
) -> list[int]:  # fmt: skip
    """What lead_hooks.lead_created does for each new lead, the event set-based; the leads
    routing or the automatic MQL check may have changed."""
    moved: list[int] = []
    if score:
        for lead_id, _ in written:
            score_fit_of_lead(uow, lead_id)
    events.record_many(
        uow,
        STAGE_CHANGED,
        [
            {
                "lead_id": lead_id,
                "from": None,
                "to": lead.entry.move.target.value,
                "at": now.isoformat(),
                "actor": by.actor.value,
                "automatic": lead.entry.move.automatic,
                "reason": None,
                "by_user_id": by.user_id,
            }
            for lead_id, lead in written
        ],
        now=now,
    )
    threshold = scoring_settings(uow.directory.workspace_config(uow.workspace_id)).threshold
    for lead_id, lead in written:
        stage = lead.entry.move.target
        if stage is Stage.MQL:
            moved.append(lead_id)
            route_new_mql(uow, lead_id, lead.entry.data.owner_id, now)
            owner_id = uow.leads.get(lead_id).owner_id
            handover.start_clock(
                uow, lead_id, owner_id=owner_id, source=lead.entry.data.source, now=now
            )
        if threshold is not None and stage in (Stage.PROSPECT, Stage.NURTURE):
            from leadflow.services.scores.auto_mql import (
                check_auto_mql,  # it moves leads: import late
            )

            check_auto_mql(uow, lead_id, now=now)
            moved.append(lead_id)
    return moved
