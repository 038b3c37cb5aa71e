"""A fit rule set as one set-based UPDATE, with the same verdicts as the Python rules.

Each rule is judged in Python (`FitRule.matches`) once per distinct value of its fact in the
workspace; SQL then only asks whether a lead's value is among the matching ones. So the database
never re-implements the operators (case folding, regular expressions, numbers in text) and the
stored scores agree with `score_fit` by construction.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import count
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    Update,
    and_,
    case,
    cast,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from leadflow.adapters.db.fit_facts import (
    FACT_COLUMNS,
    WHITESPACE,
    fact_expression,
    fact_values,
    python_value,
)
from leadflow.adapters.db.tables import accounts, contacts, leads
from leadflow.domain.scoring import FitRule, FitRuleSet, Operator

INLINE_LIMIT = 500
"""Longer lists of matching values go into a temporary table instead of the statement."""

_temp_names = count(1)


@dataclass(frozen=True)
class CompiledFitRules:
    conditions: tuple[ColumnElement[bool], ...]
    points: tuple[int, ...]
    temp_tables: tuple[Table, ...]
    dialect: str


def compile_fit_rules(
    connection: Connection,
    workspace_id: int,
    ruleset: FitRuleSet,
    *,
    inline_limit: int = INLINE_LIMIT,
) -> CompiledFitRules:
    """Judge every rule against the distinct values in the workspace and build SQL conditions.

    Needs the same connection for the UPDATEs afterwards (temporary tables live there).
    """
    dialect = connection.dialect.name
    values: dict[str, list[Any]] = {}
    conditions: list[ColumnElement[bool]] = []
    temp_tables: list[Table] = []
    for rule in ruleset.rules:
        expression = fact_expression(rule.field, dialect)
        direct = direct_condition(rule, expression)
        if direct is not None:
            conditions.append(direct)
            continue
        if rule.field not in values:
            known = fact_values(rule.field)
            values[rule.field] = (
                known
                if known is not None
                else _distinct_values(connection, workspace_id, rule.field, dialect)
            )
        condition, table = _condition(
            connection, rule, values[rule.field], expression, inline_limit
        )
        conditions.append(condition)
        if table is not None:
            temp_tables.append(table)
    return CompiledFitRules(
        tuple(conditions),
        tuple(rule.points for rule in ruleset.rules),
        tuple(temp_tables),
        dialect,
    )


def drop_temp_tables(connection: Connection, compiled: CompiledFitRules) -> None:
    for table in compiled.temp_tables:
        table.drop(connection, checkfirst=True)


def rescore_update(
    compiled: CompiledFitRules,
    workspace_id: int,
    version: int | None,
    first_id: int,
    last_id: int,
) -> Update:
    """The UPDATE that scores the workspace's leads with ids first_id..last_id."""
    bits = [
        case((condition, 1), else_=0).label(f"b{i}")
        for i, condition in enumerate(compiled.conditions)
    ]
    judged = (
        select(leads.c.id.label("lead_id"), *bits)
        .select_from(
            leads.join(contacts, contacts.c.id == leads.c.contact_id).outerjoin(
                accounts, accounts.c.id == leads.c.account_id
            )
        )
        .where(_unindexed(leads.c.workspace_id, compiled.dialect) == workspace_id)
        .where(leads.c.id.between(first_id, last_id))
        .correlate(None)
        # Materialised, every rule is judged once per lead (a merged subquery would judge it
        # again for the score and for the string of matches).
        .cte("judged")
        .prefix_with("MATERIALIZED")
    )
    columns = [judged.c[f"b{i}"] for i in range(len(bits))]
    fit: ColumnElement[Any] = literal(0)
    matches: ColumnElement[Any] = literal("")
    if columns:
        fit = functools.reduce(
            lambda total, term: total + term,
            (column * points for column, points in zip(columns, compiled.points, strict=True)),
        )
        matches = functools.reduce(
            lambda text, bit: text + bit, (cast(column, String) for column in columns)
        )
    return (
        update(leads)
        .add_cte(judged)
        .where(leads.c.workspace_id == workspace_id, leads.c.id == judged.c.lead_id)
        .values(fit_score=fit, fit_matches=matches, fit_rules_version=version)
    )


def direct_condition(rule: FitRule, expression: ColumnElement[Any]) -> ColumnElement[bool] | None:
    """SQL that means exactly what the rule means, where no text folding is involved:
    `missing`, and `range` on a whole-number column. None for every other rule."""
    whole_numbers = isinstance(expression.type, Integer)
    if rule.op is Operator.MISSING:
        if whole_numbers:
            return expression.is_(None)
        if isinstance(expression.type, String):
            return or_(expression.is_(None), func.trim(expression, literal(WHITESPACE)) == "")
        return None
    if rule.op is Operator.RANGE and whole_numbers:
        bounds: list[ColumnElement[bool]] = [expression.is_not(None)]
        if rule.minimum is not None:
            bounds.append(expression >= rule.minimum)
        if rule.maximum is not None:
            bounds.append(expression <= rule.maximum)
        return and_(*bounds)
    return None


def _distinct_values(
    connection: Connection, workspace_id: int, field: str, dialect: str
) -> list[Any]:
    expression = fact_expression(field, dialect)
    table = FACT_COLUMNS[field].table if field in FACT_COLUMNS else contacts
    scope = _unindexed(table.c.workspace_id, dialect)
    rows = connection.execute(
        select(expression.label("value")).select_from(table).where(scope == workspace_id).distinct()
    )
    return [row.value for row in rows]


def _unindexed(column: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """The column, kept from choosing an index on SQLite.

    Without statistics SQLite reads a whole workspace through a workspace index, in random
    order or once per chunk; reading the table in id order is many times faster.
    """
    return column + 0 if dialect == "sqlite" else column


def _condition(
    connection: Connection,
    rule: FitRule,
    values: list[Any],
    expression: ColumnElement[Any],
    inline_limit: int,
) -> tuple[ColumnElement[bool], Table | None]:
    matching = [
        value
        for value in values
        if value is not None and rule.matches({rule.field: python_value(rule.field, value)})
    ]
    parts: list[ColumnElement[bool]] = []
    if rule.matches({}):
        parts.append(expression.is_(None))
    table = None
    if len(matching) > inline_limit:
        table = _temp_table(connection, matching)
        parts.append(expression.in_(select(table.c.value)))
    elif matching:
        parts.append(expression.in_(matching))
    return (or_(*parts) if parts else false()), table


def _temp_table(connection: Connection, values: list[Any]) -> Table:
    kind = Integer if all(isinstance(v, int) for v in values) else String
    table = Table(
        f"lf_fit_values_{next(_temp_names)}",
        MetaData(),
        Column("value", kind, primary_key=True),
        prefixes=["TEMPORARY"],
    )
    table.create(connection)
    connection.execute(insert(table), [{"value": value} for value in values])
    return table
