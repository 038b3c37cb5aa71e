"""Normalisation of e-mail addresses, phone numbers, company names, domains and countries."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from rapidfuzz import fuzz

from leadflow.domain.freemail import email_domain, is_free_mail

DEFAULT_REGION = "DE"
CACHED_NAMES = 1 << 17
"""How many company names and domains keep their match keys (an import repeats them)."""

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_JOINERS = re.compile(r"[.'’/]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")

# Trailing words that name a legal form, after dots were dropped ("e.K." is "ek").
_LEGAL_FORM_WORDS = frozenset(
    "gmbh ggmbh mbh gesmbh ag kg ohg kgaa gbr ug haftungsbeschraenkt ek ev eg se co partg "
    "partgmbb ltd limited plc llc llp inc incorporated corp corporation company sa sas sarl "
    "rl spa srl bv nv ab as aps oy".split()
)
_FILLER_WORDS = frozenset({"und", "and"})

# Second-level labels under which a company registers its name (firma.co.uk, firma.com.br).
_PUBLIC_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "or", "gv", "ltd", "plc"})

_COUNTRY_ALIASES = {
    "usa": "US",
    "uk": "GB",
    "england": "GB",
    "great britain": "GB",
    "grossbritannien": "GB",
    "deu": "DE",
    "aut": "AT",
    "che": "CH",
    "brd": "DE",
}


@dataclass(frozen=True)
class NormalizedEmail:
    address: str
    domain: str
    is_free_mail: bool


def normalize_email(text: str) -> NormalizedEmail:
    """The checked address with a lower-cased domain; ValueError when it is not an address."""
    candidate = text.strip()
    try:
        checked = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"'{candidate}' is not a valid e-mail address ({error})") from error
    local, _, domain = checked.normalized.rpartition("@")
    address = f"{local}@{domain.lower()}"
    return NormalizedEmail(address, email_domain(address), is_free_mail(address))


def normalize_phone(text: str, *, region: str | None = None) -> str:
    """The number in E.164 (+497111234560); national numbers are read in `region` (DE)."""
    candidate = text.strip()
    where = region or DEFAULT_REGION
    national = "" if candidate.startswith(("+", "00")) else f" for {where}"
    problem = (
        f"'{candidate}' is not a valid phone number{national}; "
        "expected e.g. 0711 1234560 or +49 711 1234560"
    )
    if any(char.isalpha() for char in candidate):
        # phonenumbers would read letters as a vanity number (0711-BITTE-ANRUFEN).
        raise ValueError(f"'{candidate}' is not a valid phone number: it contains letters")
    try:
        number = phonenumbers.parse(candidate, where)
    except phonenumbers.NumberParseException as error:
        raise ValueError(problem) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError(problem)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def fold(text: str) -> str:
    """Lower case with umlauts spelt out and other accents removed: 'Müller' -> 'mueller'."""
    spelt = text.casefold().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", spelt)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=CACHED_NAMES)
def company_key(name: str) -> str:
    """A match key without legal form, punctuation, case or umlauts: 'mueller' for both
    'Müller GmbH & Co. KG' and 'Mueller GmbH'."""
    words = _SEPARATORS.sub(" ", _JOINERS.sub("", fold(name))).split()
    words = [word for word in words if word not in _FILLER_WORDS]
    core = list(words)
    while core and core[-1] in _LEGAL_FORM_WORDS:
        core.pop()
    return " ".join(core or words)


def company_similarity(a: str, b: str) -> float:
    """How alike two company names are, from 0.0 to 1.0, compared on their match keys."""
    key_a, key_b = company_key(a), company_key(b)
    if not key_a or not key_b:
        return 0.0
    return float(fuzz.token_sort_ratio(key_a, key_b)) / 100.0


@lru_cache(maxsize=CACHED_NAMES)
def registrable_domain(text: str) -> str:
    """The domain a company registered, from a web address or an e-mail address."""
    candidate = text.strip().lower()
    if "@" in candidate and "/" not in candidate:
        candidate = email_domain(candidate)
    if "://" not in candidate:
        candidate = f"//{candidate}"
    host = (urlsplit(candidate).hostname or "").rstrip(".")
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2 or not all(label.replace("-", "").isalnum() for label in labels):
        raise ValueError(f"'{text.strip()}' is not a web address or domain")
    keep = 3 if len(labels) > 2 and _is_public_second_level(labels) else 2
    return ".".join(labels[-keep:])


def _is_public_second_level(labels: list[str]) -> bool:
    return len(labels[-1]) == 2 and labels[-2] in _PUBLIC_SECOND_LEVEL


def country_code(text: str) -> str | None:
    """The ISO 3166 code for a country name or code in English or German, else None."""
    folded = " ".join(fold(text).replace("-", " ").split())
    if len(folded) == 2 and folded.upper() in phonenumbers.SUPPORTED_REGIONS:
        return folded.upper()
    return _COUNTRY_ALIASES.get(folded) or _country_names().get(folded)


@cache
def _country_names() -> dict[str, str]:
    # Imported on first use: the locale table takes half a second to load.
    from phonenumbers.geodata.locale import LOCALE_DATA

    names: dict[str, str] = {}
    for region, by_language in LOCALE_DATA.items():
        for language in ("aa", "de"):
            name = by_language.get(language, "")
            while name.startswith("*"):
                name = by_language.get(name[1:], "")
            if name:
                names[" ".join(fold(name).replace("-", " ").split())] = region
    return names
