"""Vectorised fast paths for the common shapes of e-mail addresses and German phone numbers.

A fast path only ever accepts: what it accepts, email-validator and phonenumbers accept with the
same normalised value (tests/unit/importing/test_fastpath.py checks this on a large sample).
Everything it does not accept goes to the libraries, value by value.
"""

from __future__ import annotations

from functools import cache

import phonenumbers
import polars as pl
from email_validator import SPECIAL_USE_DOMAIN_NAMES

_ATOM = r"[A-Za-z0-9_+\-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
EMAIL_SHAPE = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$"
_SPECIAL_TLDS = rf"\.(?:{'|'.join(SPECIAL_USE_DOMAIN_NAMES)})$"

_PHONE_SHAPE = r"^\+?[0-9][0-9 ()/.\-]*$"
_PHONE_NOISE = r"[ ()/.\-]"
_TYPES = (
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "voicemail",
)


def fast_email(text: pl.Series) -> pl.Series:
    """The normalised address (domain lower-cased) for common shapes, else null."""
    frame = pl.DataFrame({"text": text}).with_columns(
        local=pl.col("text").str.extract(r"^(.*)@", 1),
        domain=pl.col("text").str.extract(r"@(.*)$", 1).str.to_lowercase(),
    )
    accepted = (
        pl.col("text").str.contains(EMAIL_SHAPE)
        & (pl.col("text").str.len_bytes() <= 254)
        & (pl.col("local").str.len_bytes() <= 64)
        & ~pl.col("domain").str.contains("--")
        & ~pl.col("domain").str.contains(_SPECIAL_TLDS)
    )
    address = pl.when(accepted).then(pl.col("local") + "@" + pl.col("domain"))
    return frame.select(address.otherwise(None).alias(text.name)).to_series()


@cache
def _number_check(region: str) -> list[tuple[str, tuple[int, ...]]]:
    """phonenumbers' validity rule as data: the general (pattern, lengths) first, then types."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert metadata is not None
    general = metadata.general_desc
    assert general is not None
    general_lengths = tuple(general.possible_length)
    types = []
    for name in _TYPES:
        desc = getattr(metadata, name)
        if desc is not None and desc.national_number_pattern:
            types.append((desc.national_number_pattern, tuple(desc.possible_length)))
    return [
        (str(general.national_number_pattern), general_lengths),
        *((pattern, lengths or general_lengths) for pattern, lengths in types),
    ]


def _matches(nsn: pl.Expr, pattern: str, lengths: tuple[int, ...]) -> pl.Expr:
    fits = nsn.str.contains(f"^(?:{pattern})$")
    return fits & nsn.str.len_chars().is_in(list(lengths)) if lengths else fits


def fast_german_phone(text: pl.Series, national: pl.Series) -> pl.Series:
    """E.164 for +49, 0049 and (where `national` is true) 0-prefixed German numbers, else null.

    The number is valid when phonenumbers' own metadata says so: the general pattern and length
    of Germany and the pattern and length of at least one number type.
    """
    (general, general_lengths), *types = _number_check("DE")
    frame = pl.DataFrame({"text": text, "national": national}).with_columns(
        digits=pl.col("text").str.replace_all(_PHONE_NOISE, "")
    )
    digits = pl.col("digits")
    frame = frame.with_columns(
        nsn=pl.when(digits.str.starts_with("+49"))
        .then(digits.str.slice(3))
        .when(digits.str.starts_with("0049"))
        .then(digits.str.slice(4))
        .when(pl.col("national") & digits.str.contains(r"^0[1-9]"))
        .then(digits.str.slice(1))
        .otherwise(None)
    )
    nsn = pl.col("nsn")
    valid = (
        pl.col("text").str.contains(_PHONE_SHAPE)
        & ~pl.col("text").str.contains(r"\(0\)")
        & nsn.str.contains(r"^[1-9][0-9]*$")
        & _matches(nsn, general, general_lengths)
        & pl.any_horizontal([_matches(nsn, pattern, lengths) for pattern, lengths in types])
    )
    e164 = pl.when(valid).then("+49" + nsn).otherwise(None)
    return frame.select(e164.alias(text.name)).to_series()
