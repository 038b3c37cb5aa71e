"""Accounts (companies) and contacts (people at them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Account:
    workspace_id: int
    name: str
    id: int | None = None
    domain: str | None = None
    industry: str | None = None
    employees: int | None = None
    country: str | None = None
    postal_code: str | None = None
    city: str | None = None
    owner_id: int | None = None


@dataclass
class Contact:
    workspace_id: int
    id: int | None = None
    account_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    seniority: str | None = None
    department: str | None = None
    buying_role: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)
