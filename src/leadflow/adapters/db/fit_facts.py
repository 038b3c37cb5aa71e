"""Where each fit fact lives in the schema, for one lead in Python and for many leads in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_
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

# What str.strip() removes, and the one character whose lower case turns ASCII.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
KELVIN = "\u212a"


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
    return _free_mail(dialect)


def fact_values(name: str) -> list[Any] | None:
    """The values a fact can take, when known without reading the data."""
    return [0, 1] if name == FREE_MAIL_FACT else None


def _free_mail(dialect: str) -> ColumnElement[Any]:
    """`is_free_mail` in SQL: the domain after the last '@' of the stripped, lower-cased address.

    A plain address (one '@', ending in a printable ASCII character) takes the short way, as a
    hand-written query would; any other address the exact way.
    """
    email = contacts.c.email
    at = _position(email, "@", dialect)
    rest = func.substr(email, at + 1)
    last = _code_point(_suffix(email, 1, dialect), dialect)
    plain = and_(
        at > 0,
        _position(rest, "@", dialect) == 0,
        last.between(0x21, 0x7E),
        _position(rest, KELVIN, dialect) == 0,
    )
    stripped = func.trim(email, literal(WHITESPACE))
    # Python lower-cases the Kelvin sign to an ASCII 'k'; SQLite's lower() keeps it.
    address = func.lower(func.replace(stripped, KELVIN, "k"))
    by_length: dict[int, list[str]] = {}
    for domain in sorted(FREE_MAIL_DOMAINS):
        by_length.setdefault(len(domain) + 1, []).append("@" + domain)
    exact = or_(
        *(
            _suffix(address, length, dialect).in_(suffixes)
            for length, suffixes in sorted(by_length.items())
        )
    )
    return case(
        (email.is_(None), None),
        (plain, case((func.lower(rest).in_(sorted(FREE_MAIL_DOMAINS)), 1), else_=0)),
        (stripped == "", None),
        (exact, 1),
        else_=0,
    )


def python_value(name: str, value: object) -> object:
    """A distinct value read back from `fact_expression`, as the Python facts hold it."""
    if name == FREE_MAIL_FACT and value is not None:
        return bool(value)
    return value


def _position(text: ColumnElement[Any], needle: str, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.strpos(text, needle)
    return func.instr(text, needle)


def _code_point(character: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    return func.ascii(character) if dialect == "postgresql" else func.unicode(character)


def _suffix(text: ColumnElement[Any], length: int, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.right(text, length)
    return func.substr(text, -length)
