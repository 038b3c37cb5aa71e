"""Duplicate matching on every entry path, inside one workspace: the rules and their reasons.

A person matches by the same e-mail address, by the same phone number (unless the names say
it is somebody else), or by the same name at the same account. An account matches by its
domain, by its name key, or by a fuzzy name (rapidfuzz) at least SIMILAR alike among a bounded
set of candidates found through the blocking keys of domain/company_blocks.py.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from rapidfuzz import fuzz, process

from leadflow.adapters.db.matching import KnownAccount, KnownPerson, MatchQueries
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.importing.normalize import (
    company_key,
    company_similarity,
    country_code,
    fold,
    normalize_email,
    normalize_phone,
)
from leadflow.domain.company_blocks import block_of, probe_keys
from leadflow.domain.errors import InvalidInput
from leadflow.domain.freemail import email_domain, is_free_mail
from leadflow.domain.merge_policy import Entry
from leadflow.domain.principal import Principal
from leadflow.services.intake.entry_merge import EntryMerge, Target, Who, merge_entry
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.lifecycle import rules, stage_effects

SIMILAR = 0.9
PER_KEY = 16
"""Accounts read per blocking key: a name is compared with at most PER_KEY * MOST_PROBES
accounts, however many share its first letters."""


class PeopleLookups(Protocol):
    """What find_duplicate asks of the workspace's people (MatchQueries, or answers read
    ahead for many entries at once)."""

    def people_with(self, column: str, values: Collection[str]) -> list[KnownPerson]: ...

    def people_with_alternate(
        self, kind: str, values: Collection[str]
    ) -> list[tuple[str, KnownPerson]]: ...

    def people_at(self, account_ids: Collection[int]) -> list[KnownPerson]: ...


@dataclass(frozen=True)
class Probe:
    """What an entry says about a person, normalised."""

    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    domain: str | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class Match:
    person: KnownPerson
    reason: str

    @property
    def lead_id(self) -> int | None:
        return self.person.lead_id


@dataclass(frozen=True)
class AccountMatch:
    account: KnownAccount
    reason: str


def person_key(first_name: str | None, last_name: str | None) -> str:
    """First and last name folded, for comparing names written differently."""
    return " ".join(fold(part).strip() for part in (first_name, last_name) if part)


def find_account(
    q: MatchQueries, *, company: str | None, domain: str | None
) -> AccountMatch | None:
    """Look up the workspace's account for a company name and/or domain: the same domain, else
    the same name key, else the most similar name among a bounded set of candidates."""
    if domain and (account := q.account_with("domain", domain)) is not None:
        return AccountMatch(account, f"same domain {domain}")
    key = company_key(company) if company else None
    if not key:
        return None
    if (account := q.account_with("name_key", key)) is not None:
        return AccountMatch(account, "same company name")
    filed = q.accounts_filed_under(probe_keys(key), per_key=PER_KEY)
    return similar_account(key, fuzzy_candidates(key, filed))


def fuzzy_candidates(
    name_key: str, filed: Iterable[tuple[str, KnownAccount]]
) -> list[KnownAccount]:
    """The accounts of the name's block filed under its keys, each once: at most PER_KEY per
    key, so a key that many names share gives only its first ones (rare keys count fully)."""
    block = block_of(name_key)
    taken: dict[str, int] = {}
    chosen: dict[int, KnownAccount] = {}
    for key, account in filed:
        taken[key] = taken.get(key, 0) + 1
        if taken[key] <= PER_KEY and block_of(account.name_key) == block:
            chosen.setdefault(account.id, account)
    return list(chosen.values())


def similar_account(name_key: str, block: list[KnownAccount]) -> AccountMatch | None:
    """The most similar name of a block at SIMILAR or better (rapidfuzz token sort ratio)."""
    found = process.extractOne(
        name_key, [a.name_key for a in block], scorer=fuzz.token_sort_ratio,
        score_cutoff=SIMILAR * 100,
    )  # fmt: skip
    if found is None:
        return None
    return AccountMatch(block[found[2]], f"company {found[1]:.0f}% similar")


def same_person(probe: Probe, known: KnownPerson, *, by: str) -> str | None:
    """Why `known` is the person of `probe`, given a shared e-mail, phone or account."""
    if by == "email":
        return "same e-mail"
    if by == "external_id":
        return f"same external id {probe.external_id}"
    names_agree = not (probe.last_name and known.last_name) or fold(probe.last_name) == fold(
        known.last_name
    )
    if by == "phone":
        if not names_agree:
            return None
        reason = f"phone {probe.phone}"
        if probe.company and known.company:
            similarity = company_similarity(probe.company, known.company)
            reason += f", company {similarity:.0%} similar"
        return reason
    key = person_key(probe.first_name, probe.last_name)
    if (
        probe.first_name
        and probe.last_name
        and key == person_key(known.first_name, known.last_name)
    ):
        return f"same name {probe.first_name} {probe.last_name} at {known.company or 'the account'}"
    return None


def find_duplicate(q: PeopleLookups, probe: Probe, account: AccountMatch | None) -> Match | None:
    """The workspace's existing person for a probe, or None; never looks at another workspace."""
    lookups = (
        ("external_id", probe.external_id),
        ("email", probe.email),
        ("phone", probe.phone),
    )
    for column, value in lookups:
        if not value:
            continue
        for known in q.people_with(column, [value]):
            reason = same_person(probe, known, by=column)
            if reason is not None:
                return Match(known, reason)
        if column == "external_id":
            continue
        for _, known in q.people_with_alternate(column, [value]):
            reason = same_person(probe, known, by=column)
            if reason is not None:
                return Match(known, f"{reason} (an alternate {column})")
    if account is not None:
        for known in q.people_at([account.account.id]):
            reason = same_person(probe, known, by="account")
            if reason is not None:
                return Match(known, f"{reason} ({account.reason})")
    return None


def normalized_input(data: LeadInput) -> LeadInput:
    """A single entry's e-mail and phone in the normal form imports use. A bad one is dropped
    with a warning (kept among the extras) while something else identifies the person (an
    e-mail, a last name or a phone number); InvalidInput when nothing usable is left."""
    email, phone = data.email, data.phone
    problems: list[InvalidInput] = []
    if email:
        try:
            email = normalize_email(email).address.lower()
        except ValueError as error:
            problems.append(InvalidInput(str(error), field="email"))
            email = None
    if phone:
        region = country_code(data.country or "") or None
        try:
            phone = normalize_phone(phone, region=region)
        except ValueError as error:
            problems.append(InvalidInput(str(error), field="phone"))
            phone = None
    if problems and not (email or phone or data.last_name):
        raise problems[0]
    dropped = {p.field: getattr(data, p.field) for p in problems if p.field}
    warnings = tuple((p.field or "lead", str(p)) for p in problems)
    return replace(
        data,
        email=email,
        phone=phone,
        extras={**data.extras, **{f"{k} (invalid)": str(v) for k, v in dropped.items()}},
        warnings=data.warnings + warnings,
    )


def probe_of(data: LeadInput) -> Probe:
    domain = data.website_domain
    if not domain and data.email and not is_free_mail(data.email):
        domain = email_domain(data.email)
    return Probe(
        email=data.email,
        phone=data.phone,
        first_name=data.first_name,
        last_name=data.last_name,
        company=data.company,
        domain=domain,
    )


def find_duplicate_of(uow: UnitOfWork, data: LeadInput) -> tuple[Match | None, AccountMatch | None]:
    """The workspace's existing person for a new entry (or None), and the account its company
    or domain names (or None): the one look-up both the match and a new lead use."""
    q = uow.matching
    probe = probe_of(data)
    account = find_account(q, company=probe.company, domain=probe.domain)
    match = find_duplicate(q, probe, account)
    if account is None and not probe.company and probe.domain:
        # Without a company a new lead's account is named after its domain.
        account = find_account(q, company=probe.domain, domain=None)
    return match, account


def entry_of(data: LeadInput, now: datetime) -> Entry:
    """What a single entry says, for the merge policy."""
    fields = {
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email,
        "phone": data.phone,
        "job_title": data.job_title,
        "source": data.source,
        "campaign_id": data.campaign_id,
        "owner_id": data.owner_id,
    }
    return Entry(fields, now, dict(data.extras), stage=data.stage, note=data.note)


def absorb(
    uow: UnitOfWork,
    match: Match,
    data: LeadInput,
    *,
    by: Principal,
    now: datetime,
    lead_id: int | None = None,
) -> EntryMerge:
    """Merge a new entry into the matched person and lead by the merge policy; the changes are
    logged field by field and can be undone. `lead_id` names the lead a person of a target
    list has just been given: what the entry says is newer than the list."""
    table = rules.transition_table(uow.directory.workspace_config(uow.workspace_id))
    target = Target(match.person.contact_id, match.lead_id if lead_id is None else lead_id)
    path = str(data.provenance.get("kind", "api")) if data.provenance else str(by.actor)
    merged = merge_entry(uow, target, entry_of(data, now), table=table,
        who=Who(path, by.actor, by.user_id), reason=match.reason, now=now,
        known_at=datetime.min.replace(tzinfo=now.tzinfo) if lead_id is not None else None,
    )  # fmt: skip
    if merged.stage_changes and target.lead_id is not None:
        for change in merged.stage_changes:
            stage_effects.stage_changed(uow, uow.leads.get(target.lead_id), change, now=now)
    return merged
