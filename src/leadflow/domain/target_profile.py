"""An ideal-customer profile of an outbound campaign, and the buying roles of an account.

Accounts fit by industry, size and region; contacts at them fit by seniority or role words in
their job title. Every criterion left empty admits everything."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from leadflow.domain.errors import InvalidInput
from leadflow.domain.predictive import Seniority, seniority

BUYING_ROLES = ("decision_maker", "influencer", "buyer", "user", "gatekeeper")
_BUYER = re.compile(r"einkauf|beschaffung|purchas|procure|buyer|sourcing")
_GATEKEEPER = re.compile(r"assist|sekretar|office manager|empfang|reception")


@dataclass(frozen=True)
class TargetProfile:
    industries: tuple[str, ...] = ()
    min_employees: int | None = None
    max_employees: int | None = None
    countries: tuple[str, ...] = ()
    postal_prefixes: tuple[str, ...] = ()
    seniorities: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    def account_fits(self, industry: str | None, employees: int | None, country: str | None,
                     postal_code: str | None) -> bool:  # fmt: skip
        if self.industries and _folded(industry) not in {_folded(i) for i in self.industries}:
            return False
        if self.min_employees is not None and (employees is None or employees < self.min_employees):
            return False
        if self.max_employees is not None and (employees is None or employees > self.max_employees):
            return False
        if self.countries and (country or "").upper() not in self.countries:
            return False
        return not self.postal_prefixes or (postal_code or "").startswith(self.postal_prefixes)

    def contact_fits(self, job_title: str | None) -> bool:
        if self.seniorities and seniority(job_title).value not in self.seniorities:
            return False
        title = _folded(job_title)
        return not self.roles or any(_folded(role) in title for role in self.roles)


def _folded(text: str | None) -> str:
    return (text or "").strip().casefold()


def profile_from(data: Mapping[str, Any] | None) -> TargetProfile:
    """A profile from stored or submitted data; every mistake names its key."""
    if not data:
        return TargetProfile()
    unknown = sorted(set(data) - set(TargetProfile.__dataclass_fields__))
    if unknown:
        raise InvalidInput(f"unknown profile setting {unknown[0]!r}", field=f"profile.{unknown[0]}")
    levels = _texts(data, "seniorities")
    wrong = [level for level in levels if level not in {s.value for s in Seniority}]
    if wrong:
        choices = ", ".join(s.value for s in Seniority if s is not Seniority.UNKNOWN)
        raise InvalidInput(f"unknown seniority {wrong[0]!r}; use {choices}",
                           field="profile.seniorities")  # fmt: skip
    sizes = [_size(data, key) for key in ("min_employees", "max_employees")]
    if None not in sizes and sizes[0] > sizes[1]:  # type: ignore[operator]
        raise InvalidInput("min_employees is above max_employees", field="profile.min_employees")
    return TargetProfile(
        industries=_texts(data, "industries"), min_employees=sizes[0], max_employees=sizes[1],
        countries=tuple(c.upper() for c in _texts(data, "countries")),
        postal_prefixes=_texts(data, "postal_prefixes"), seniorities=levels,
        roles=_texts(data, "roles"),
    )  # fmt: skip


def _texts(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, ())
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise InvalidInput(f"{key} must be a list of words", field=f"profile.{key}")
    return tuple(value)


def _size(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, int) or value < 0):
        raise InvalidInput(f"{key} must be a whole number of employees", field=f"profile.{key}")
    return value


def buying_role(stored: str | None, job_title: str | None) -> str:
    """The role a contact plays in the buying decision: as recorded, else read from the title."""
    if stored in BUYING_ROLES:
        return stored
    title = _folded(job_title)
    if _GATEKEEPER.search(title):
        return "gatekeeper"
    level = seniority(job_title)
    if level is Seniority.C_LEVEL:
        return "decision_maker"
    if _BUYER.search(title):
        return "buyer"
    if level in (Seniority.VP_DIRECTOR, Seniority.MANAGER):
        return "influencer"
    return "user"


def missing_roles(known: Iterable[str]) -> list[str]:
    present = set(known)
    return [role for role in BUYING_ROLES if role not in present]
