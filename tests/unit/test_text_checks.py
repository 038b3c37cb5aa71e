"""What the edge refuses in JSON bodies, forms and query strings, and what it lets through."""

from __future__ import annotations

import json

from leadflow.web.text_checks import Problem, json_problem, urlencoded_problem


def _json(value: object, *, max_depth: int = 32) -> Problem | None:
    return json_problem(json.dumps(value).encode(), max_depth=max_depth)


def test_ordinary_text_with_tabs_and_line_breaks_passes() -> None:
    body = {"note": "Rückruf bitte\r\nab 14 Uhr\tDi", "custom_fields": {"fair": True, "n": 1.5}}

    assert _json(body) is None


def test_a_lone_surrogate_is_refused_naming_the_field() -> None:
    problem = json_problem(b'{"first_name": "Eva \\ud800"}', max_depth=32)

    assert problem is not None
    assert problem.field == "first_name"
    assert "surrogate" in problem.message


def test_a_nul_or_control_character_deep_in_the_body_names_its_path() -> None:
    nul = _json({"leads": [{"email": "a@b.de"}, {"company": "Nord\x00werk"}]})
    bell = _json({"leads": [{"custom_fields": {"fair": "LogiMAT\x07"}}]})

    assert nul == Problem("leads.1.company", "leads.1.company contains a NUL character (U+0000)")
    assert bell is not None and bell.field == "leads.0.custom_fields.fair"
    assert "U+0007" in bell.message


def test_a_refused_character_in_a_field_name_is_shown_replaced() -> None:
    problem = _json({"custom_fields": {"bad\x00key": 1}})

    assert problem is not None
    assert problem.field == "custom_fields.bad\ufffdkey"


def test_nesting_deeper_than_the_limit_is_refused_and_the_limit_itself_passes() -> None:
    at_limit: object = "x"
    for _ in range(32):
        at_limit = [at_limit]

    assert _json(at_limit) is None
    assert _json([at_limit]) is not None
    assert json_problem(b"[" * 900 + b"]" * 900, max_depth=32) is not None
    assert json_problem(b"[" * 200_000 + b"]" * 200_000, max_depth=32) is not None


def test_numbers_outside_64_bits_or_not_finite_are_refused() -> None:
    largest = _json({"campaign_id": 2**63 - 1, "smallest": -(2**63)})
    too_large = json_problem(b'{"campaign_id": 21726962978707689472}', max_depth=32)
    huge_float = json_problem(b'{"budget": 1e400}', max_depth=32)
    not_a_number = json_problem(b'{"budget": NaN}', max_depth=32)
    many_digits = json_problem(b'{"offset": ' + b"9" * 5000 + b"}", max_depth=32)

    assert largest is None
    assert too_large is not None and too_large.field == "campaign_id"
    assert huge_float is not None and huge_float.field == "budget"
    assert not_a_number is not None and many_digits is not None


def test_a_body_that_is_not_json_is_left_to_the_route() -> None:
    assert json_problem(b'{"email": ', max_depth=32) is None


def test_form_and_query_fields_are_checked_after_percent_decoding() -> None:
    fine = urlencoded_problem(b"email=eva%40nordwerk.de&description=Zeile+1%0D%0AZeile+2%09x")
    nul = urlencoded_problem(b"email=eva%00%40nordwerk.de")
    escape = urlencoded_problem(b"q=%1B%5B2J")
    bad_name = urlencoded_problem(b"na%00me=x")

    assert fine is None
    assert nul == Problem("email", "email contains a NUL character (U+0000)")
    assert escape is not None and "U+001B" in escape.message
    assert bad_name is not None and bad_name.field == "na\ufffdme"


def test_a_json_body_that_is_not_utf8_text_is_refused_as_the_body() -> None:
    problem = json_problem(b'{"email": "\xff\xfe\x00"}', max_depth=32)

    assert problem is not None and problem.field == "body"
