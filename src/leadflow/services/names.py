"""Match keys for company names."""

from __future__ import annotations

import re
import unicodedata

_LEGAL_FORMS = re.compile(
    r"\b(gmbh\s*&\s*co\.?\s*kgaa|gmbh\s*&\s*co\.?\s*kg|gmbh|ag|kgaa|kg|ohg|ug|e\.?\s?k\.?|se|"
    r"mbh|ltd|limited|inc|llc|plc|s\.?a\.?|b\.?v\.?|co)\b\.?",
)
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def company_key(name: str) -> str:
    """A key that equals for the same company written differently ("Müller GmbH" = "Mueller")."""
    folded = name.lower().translate(_FOLD)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    folded = re.sub(r"\(haftungsbeschr\w*\)", " ", folded)
    folded = _LEGAL_FORMS.sub(" ", folded)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())
