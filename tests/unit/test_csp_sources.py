from __future__ import annotations

import pytest

from leadflow.domain.csp_sources import is_source_expression, source_problem


@pytest.mark.parametrize(
    "source",
    [
        "*",
        "'self'",
        "'none'",
        "https:",
        "data:",
        "www.nordwerk.de",
        "*.nordwerk.de",
        "https://www.nordwerk.de",
        "https://*.nordwerk.de:8443",
        "http://localhost:*",
        "https://nordwerk.de/kontakt/",
    ],
)
def test_csp_source_expressions_are_accepted(source: str) -> None:
    assert is_source_expression(source)


@pytest.mark.parametrize(
    "source",
    [
        "",
        "https://a.example; script-src *",
        "https://a.example,https://b.example",
        "https://a.example b.example",
        "https://a.example\n",
        "https://a.example\r\nX: 1",
        "https://a.example\t",
        "'unsafe-inline'",
        "'self",
        '"self"',
        "https://a.example/'x'",
        "https://a.example:99999999",
        "https://a.*.example",
        "https://a.example/\x7f",
        "x" * 300,
    ],
)
def test_anything_else_is_not_a_source_expression(source: str) -> None:
    assert not is_source_expression(source)


def test_none_stands_alone_and_a_source_list_is_a_non_empty_list() -> None:
    assert source_problem(["'none'"]) is None
    assert source_problem(["'none'", "'self'"]) == "'none' cannot stand beside other sources"
    assert source_problem([]) is not None
    assert source_problem("https://a.example") is not None
    assert source_problem(["https://a.example", 7]) is not None
