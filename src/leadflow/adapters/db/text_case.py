"""Case folding of any letter, alike on both databases.

SQLite's lower() and LIKE fold only ASCII letters ("MÜLLER" would not find "Müller"), so every
SQLite connection gets `lf_lower`, Python's str.lower(); PostgreSQL's lower() already folds
every letter of the database's encoding.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

SQLITE_LOWER = "lf_lower"


def python_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def register_sqlite_functions(dbapi_connection: Any) -> None:
    dbapi_connection.create_function(SQLITE_LOWER, 1, python_lower, deterministic=True)


class lower_any(FunctionElement[str]):  # noqa: N801 (an SQL function's name)
    """lower() that folds non-ASCII letters on SQLite too."""

    type = String()
    inherit_cache = True
    name = "lower_any"


@compiles(lower_any)
def _lower_default(element: lower_any, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(lower_any, "sqlite")
def _lower_sqlite(element: lower_any, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"
