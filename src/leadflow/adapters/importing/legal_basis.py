"""HubSpot's "Legal basis for processing contact's data" as leadflow's legal basis per purpose.

HubSpot records one or more bases per contact (labels or internal values, `;`-separated).
Each maps to the purposes it covers; a basis leadflow has no counterpart for is refused, so the
import warns about it instead of guessing.
"""

from __future__ import annotations

import re

from leadflow.domain.privacy import LegalBasis, Purpose

from .normalize import fold

_P, _B = Purpose, LegalBasis
# A consent basis never allows e-mail marketing on its own: the marketing rule still asks for a
# confirmed double opt-in record.
_MEANINGS: dict[str, tuple[tuple[Purpose, LegalBasis], ...]] = {
    "freely given consent from contact": (
        (_P.LEAD_MANAGEMENT, _B.CONSENT), (_P.EMAIL_MARKETING, _B.CONSENT),
    ),
    "consent with notice": ((_P.LEAD_MANAGEMENT, _B.CONSENT), (_P.EMAIL_MARKETING, _B.CONSENT)),
    "einwilligung": ((_P.LEAD_MANAGEMENT, _B.CONSENT), (_P.EMAIL_MARKETING, _B.CONSENT)),
    "consent": ((_P.LEAD_MANAGEMENT, _B.CONSENT), (_P.EMAIL_MARKETING, _B.CONSENT)),
    "legitimate interest prospect lead": (
        (_P.LEAD_MANAGEMENT, _B.LEGITIMATE_INTEREST_PROSPECT),
    ),
    "legitimate interest prospect": ((_P.LEAD_MANAGEMENT, _B.LEGITIMATE_INTEREST_PROSPECT),),
    "berechtigtes interesse interessent": (
        (_P.LEAD_MANAGEMENT, _B.LEGITIMATE_INTEREST_PROSPECT),
    ),
    "legitimate interest existing customer": (
        (_P.LEAD_MANAGEMENT, _B.LEGITIMATE_INTEREST_CUSTOMER),
    ),
    "legitimate interest clients": ((_P.LEAD_MANAGEMENT, _B.LEGITIMATE_INTEREST_CUSTOMER),),
    "berechtigtes interesse bestandskunde": (
        (_P.LEAD_MANAGEMENT, _B.LEGITIMATE_INTEREST_CUSTOMER),
    ),
    "performance of a contract": ((_P.LEAD_MANAGEMENT, _B.CONTRACT),),
    "performance of contract": ((_P.LEAD_MANAGEMENT, _B.CONTRACT),),
    "vertragserfuellung": ((_P.LEAD_MANAGEMENT, _B.CONTRACT),),
    "not applicable": ((_P.LEAD_MANAGEMENT, _B.NOT_APPLICABLE),),
    "non gdpr": ((_P.LEAD_MANAGEMENT, _B.NOT_APPLICABLE),),
    "nicht zutreffend": ((_P.LEAD_MANAGEMENT, _B.NOT_APPLICABLE),),
}  # fmt: skip
_WORDS = re.compile(r"[^0-9a-z]+")


def _key(text: str) -> str:
    return " ".join(_WORDS.sub(" ", fold(text)).split())


def parse_legal_basis(text: str) -> str:
    """The bases per purpose as 'purpose=basis;...'; ValueError for a basis without meaning."""
    found: dict[Purpose, LegalBasis] = {}
    unknown: list[str] = []
    for part in (piece.strip() for piece in text.split(";")):
        if not part:
            continue
        meaning = _MEANINGS.get(_key(part))
        if meaning is None:
            unknown.append(part)
            continue
        for purpose, basis in meaning:
            found.setdefault(purpose, basis)
    if unknown or not found:
        raise ValueError(
            f"'{text}' is not a legal basis leadflow knows; expected e.g. 'Freely given consent "
            "from contact', 'Legitimate interest – prospect/lead', 'Performance of a contract'"
        )
    return ";".join(f"{purpose.value}={basis.value}" for purpose, basis in found.items())


def bases_of(encoded: str) -> list[tuple[Purpose, LegalBasis]]:
    """The pairs parse_legal_basis wrote."""
    pairs = (item.partition("=") for item in encoded.split(";") if item)
    return [(Purpose(purpose), LegalBasis(basis)) for purpose, _, basis in pairs]
