"""Where each fit fact lives in the schema, for one lead in Python and for many leads in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, or_
from sqlalchemy.sql.elements import KeyedColumnElement

from leadflow.adapters.db.tables import accounts, contacts, leads
from leadflow.domain.freemail import FREE_MAIL_DOMAINS, is_free_mail

FREE_MAIL_FACT = "contact.email_free_mail"

FACT_COLUMNS: Mapping[str, KeyedColumnElement[Any]] = {
    "account.industry": accounts.c.industry,
    "account.employees": accounts.c.employees,
    "account.country": accounts.c.country,
    "account.postal_code": accounts.c.postal_code,
    "account.domain": accounts.c.domain,
    "contact.job_title": contacts.c.job_title,
    "contact.seniority": contacts.c.seniority,
    "contact.department": contacts.c.department,
    "contact.buying_role": contacts.c.buying_role,
    "lead.source": leads.c.source,
}

# What str.strip() removes in ASCII; e-mail addresses are stripped on entry anyway.
_ASCII_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def facts_from_row(row: Any) -> dict[str, object]:
    """The facts of one lead from a row holding the columns of `fact_select_columns`."""
    facts: dict[str, object] = {name: row[name] for name in FACT_COLUMNS}
    email = row["contact.email"]
    facts[FREE_MAIL_FACT] = is_free_mail(email) if email and email.strip() else None
    return facts


def fact_select_columns() -> list[ColumnElement[Any]]:
    """The columns `facts_from_row` reads, labelled by fact name."""
    return [
        *(column.label(name) for name, column in FACT_COLUMNS.items()),
        contacts.c.email.label("contact.email"),
    ]


def fact_expression(name: str, dialect: str) -> ColumnElement[Any]:
    """The SQL value of a fact; the free-mail flag is 1, 0 or NULL like True, False, None."""
    if name != FREE_MAIL_FACT:
        return FACT_COLUMNS[name]
    address = func.lower(func.trim(contacts.c.email, literal(_ASCII_WHITESPACE)))
    by_length: dict[int, list[str]] = {}
    for domain in sorted(FREE_MAIL_DOMAINS):
        by_length.setdefault(len(domain) + 1, []).append("@" + domain)
    suffix_checks = [
        _suffix(address, length, dialect).in_(suffixes)
        for length, suffixes in sorted(by_length.items())
    ]
    blank = or_(contacts.c.email.is_(None), func.trim(contacts.c.email) == "")
    return case((blank, None), (or_(*suffix_checks), 1), else_=0)


def python_value(name: str, value: object) -> object:
    """A distinct value read back from `fact_expression`, as the Python facts hold it."""
    if name == FREE_MAIL_FACT and value is not None:
        return bool(value)
    return value


def _suffix(text: ColumnElement[Any], length: int, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.right(text, length)
    return func.substr(text, -length)
