"""Domain errors to exit codes and messages on stderr, in one place."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from leadflow.domain.errors import (
    Conflict,
    DomainError,
    GateNotPassed,
    InvalidInput,
    InvalidTransition,
    MarketingNotAllowed,
    NotConfigured,
    NotFound,
    PermissionDenied,
    ReasonRequired,
    StaleLead,
)

P = ParamSpec("P")
R = TypeVar("R")

stderr = Console(stderr=True, soft_wrap=True)

EXIT_INVALID_INPUT = 2
EXIT_NOT_FOUND = 3
EXIT_FORBIDDEN = 4
EXIT_CONFLICT = 5


def exit_code(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return EXIT_NOT_FOUND
    if isinstance(error, PermissionDenied):
        return EXIT_FORBIDDEN
    if isinstance(
        error, InvalidTransition | StaleLead | Conflict | GateNotPassed | MarketingNotAllowed
    ):
        return EXIT_CONFLICT
    if isinstance(error, InvalidInput | ReasonRequired | NotConfigured):
        return EXIT_INVALID_INPUT
    return 1


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Print a domain error on stderr and exit with its code instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DomainError as error:
            stderr.print(f"[red]error:[/red] {error}", highlight=False, markup=True)
            raise typer.Exit(exit_code(error)) from error

    return wrapper
