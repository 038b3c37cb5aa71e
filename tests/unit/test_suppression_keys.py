"""Suppression keys and objection tokens: keyed, normalised, bound to one person."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from leadflow.domain.errors import InvalidInput
from leadflow.domain.suppression import (
    PrivacyKeys,
    email_key,
    objection_token,
    phone_key,
    read_objection_token,
)

KEYS = PrivacyKeys.derive(b"k" * 32)
OTHER_KEYS = PrivacyKeys.derive(b"o" * 32)


def test_the_same_address_in_another_spelling_has_the_same_key() -> None:
    assert email_key(KEYS, " Eva.Fischer@Nordwerk.DE ") == email_key(
        KEYS, "eva.fischer@nordwerk.de"
    )


def test_a_key_does_not_contain_the_address_and_depends_on_the_secret() -> None:
    key = email_key(KEYS, "eva@nordwerk.de")

    assert "eva" not in key
    assert key != email_key(OTHER_KEYS, "eva@nordwerk.de")
    assert key != phone_key(KEYS, "+497111234560")


def test_a_phone_key_needs_an_e164_number() -> None:
    with pytest.raises(InvalidInput, match="E.164"):
        phone_key(KEYS, "0711 1234560")


def _secrets(**stored: str) -> Callable[[int, int], str | None]:
    """The link secrets of stored contacts, keyed "workspace.contact"."""
    return lambda workspace_id, contact_id: stored.get(f"w{workspace_id}c{contact_id}")


def test_an_objection_token_names_its_person_and_cannot_be_turned_to_another() -> None:
    stored = _secrets(w3c17="a" * 32, w3c18="b" * 32)
    token = objection_token(KEYS, 3, 17, "a" * 32)
    workspace, contact, mac = token.split(".")
    forged = f"{workspace}.18.{mac}"

    assert read_objection_token(KEYS, token, stored) == (3, 17)
    assert read_objection_token(KEYS, forged, stored) is None
    assert read_objection_token(OTHER_KEYS, token, stored) is None
    assert read_objection_token(KEYS, "garbage", stored) is None


def test_a_token_stops_working_when_its_contact_is_gone_or_holds_another_secret() -> None:
    token = objection_token(KEYS, 3, 17, "a" * 32)

    assert read_objection_token(KEYS, token, _secrets()) is None
    assert read_objection_token(KEYS, token, _secrets(w3c17="c" * 32)) is None
    assert read_objection_token(KEYS, token, _secrets(w3c17="")) is None


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(InvalidInput, match="32 bytes"):
        PrivacyKeys.derive(b"short")
