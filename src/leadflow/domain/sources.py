"""Lead sources: the codes a workspace reports by, and the spellings that stand for them.

The codes are the campaign channels (domain/campaign.py) and the other ways a lead arrives.
Every entry path stores the code, so "Messe", "Trade Show" and "trade_fair" count as one source;
a value that stands for no code is kept as typed and shown as unknown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from leadflow.domain.campaign import CHANNELS
from leadflow.domain.errors import InvalidInput

OTHER_SOURCES = (
    "web_form",
    "referral",
    "phone_inquiry",
    "purchased_list",
    "partner",
    "offline",
    "import",
    "research",
    "other",
)
SOURCE_CODES: tuple[str, ...] = (*CHANNELS, *OTHER_SOURCES)

# Spellings of German and English users, Salesforce's LeadSource picklist and HubSpot's
# "Original Source" (labels and internal values). Compared without case, accents and punctuation.
BUILT_IN_ALIASES: dict[str, tuple[str, ...]] = {
    "search": ("Organic Search", "Paid Search", "ORGANIC_SEARCH", "PAID_SEARCH", "SEO", "SEA",
               "Google", "Google Ads", "AdWords", "Bing", "Suchmaschine", "Suchmaschinen",
               "Online-Suche", "Suchanzeige", "Search Engine", "Online Search"),
    "social": ("Social Media", "Organic Social", "Paid Social", "SOCIAL_MEDIA", "PAID_SOCIAL",
               "ORGANIC_SOCIAL", "Soziale Medien", "LinkedIn", "Xing", "Facebook", "Instagram",
               "Twitter", "Social Network"),
    "newsletter": ("Email Marketing", "EMAIL_MARKETING", "E-Mail-Marketing", "E-Mail",
                   "Email", "Mailing List", "Newsletter-Anmeldung"),
    "webinar": ("Webinar", "Webinare", "Webcast", "Online-Seminar", "Online Seminar"),
    "content": ("Content Marketing", "Whitepaper", "White Paper", "E-Book", "eBook",
                "Download", "Blog", "Fachartikel", "Case Study"),
    "website": ("Web", "Website", "Webseite", "Homepage", "Internet", "DIRECT_TRAFFIC",
                "Direct Traffic", "Direktzugriff"),
    "web_form": ("Web Form", "Webformular", "Web-to-Lead", "Kontaktformular", "Formular",
                 "Contact Form", "Website Form", "Anfrageformular", "Form"),
    "trade_fair": ("Messe", "Messen", "Fachmesse", "Messebesuch", "Messestand", "Trade Show",
                   "Tradeshow", "Trade Fair", "Trade Fairs", "Expo", "Exhibition", "Ausstellung"),
    "event": ("Veranstaltung", "Events", "Seminar", "Konferenz", "Conference", "Kongress",
              "Workshop", "Roadshow", "Hausmesse", "Kundenveranstaltung", "Meetup"),
    "print": ("Anzeige", "Printanzeige", "Print Ad", "Print Advertising", "Zeitschrift",
              "Zeitung", "Advertisement", "Magazin", "Fachzeitschrift"),
    "direct_mail": ("Direct Mail", "Direktmailing", "Postmailing", "Mailing", "Brief",
                    "Postwurf", "Direktwerbung", "Letter"),
    "telemarketing": ("Kaltakquise", "Telefonakquise", "Telefonmarketing", "Cold Call",
                      "Cold Calling", "Outbound Call", "Outbound", "Telesales"),
    "referral": ("Empfehlung", "Weiterempfehlung", "Kundenempfehlung", "Referral",
                 "Referrals", "REFERRALS", "Partner Referral", "Employee Referral",
                 "External Referral", "Word of mouth", "Mundpropaganda"),
    "phone_inquiry": ("Phone Inquiry", "Telefonanfrage", "Anruf", "Inbound Call",
                      "Telefonische Anfrage", "Phone"),
    "purchased_list": ("Purchased List", "Gekaufte Liste", "Adresskauf", "Adressliste",
                       "Gekaufte Adressen", "List Purchase"),
    "partner": ("Partner", "Partnerportal", "Reseller", "Vertriebspartner", "Channel Partner"),
    "offline": ("OFFLINE", "Offline Sources", "Offline-Quellen", "Offline Source"),
    "import": ("Import", "Dateiimport", "File Import", "IMPORT"),
    "research": ("Recherche", "Research", "Zielkundenrecherche"),
    "other": ("Other", "Sonstige", "Sonstiges", "Andere", "OTHER_CAMPAIGNS", "Other Campaigns"),
}  # fmt: skip

_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
MAX_ALIASES = 500


def source_key(text: str) -> str:
    """The form in which spellings are compared: 'Trade-Show' and 'TRADE_SHOW' -> 'tradeshow'."""
    spelt = unicodedata.normalize("NFKD", text.casefold().translate(_UMLAUTS))
    plain = "".join(char for char in spelt if not unicodedata.combining(char))
    return _NOT_ALPHANUMERIC.sub("", plain)


@dataclass(frozen=True)
class SourceValue:
    """What a typed source stands for: the code, or the text as typed when it is unknown."""

    value: str
    known: bool


@dataclass(frozen=True)
class SourceMap:
    """The built-in spellings plus a workspace's own (`aliases`: spelling -> code)."""

    aliases: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.aliases) > MAX_ALIASES:
            raise InvalidInput(
                f"at most {MAX_ALIASES} source spellings, not {len(self.aliases)}", field="aliases"
            )
        for spelling, code in self.aliases.items():
            if code not in SOURCE_CODES:
                raise InvalidInput(
                    f"source spelling '{spelling}' = '{code}': not a source code; "
                    f"expected one of {', '.join(SOURCE_CODES)}",
                    field=f"aliases.{spelling}",
                )
            if not source_key(spelling):
                raise InvalidInput("a source spelling needs letters or digits", field="aliases")

    def canonical(self, text: str | None) -> SourceValue | None:
        """The code a typed source stands for; unknown text comes back as typed (trimmed)."""
        if text is None or not text.strip():
            return None
        typed = text.strip()
        code = self._lookup().get(source_key(typed))
        return SourceValue(code, True) if code else SourceValue(typed, False)

    def _lookup(self) -> dict[str, str]:
        return _lookup(tuple(sorted(self.aliases.items())))


_CACHE: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}


def _lookup(own: tuple[tuple[str, str], ...]) -> dict[str, str]:
    found = _CACHE.get(own)
    if found is None:
        found = {source_key(code): code for code in SOURCE_CODES}
        for code, spellings in BUILT_IN_ALIASES.items():
            found.update({source_key(spelling): code for spelling in spellings})
        found.update({source_key(spelling): code for spelling, code in own})
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[own] = found
    return found


def is_known_source(value: str | None) -> bool:
    """Whether a stored source is one of the codes (None counts as known: no source)."""
    return value is None or value in SOURCE_CODES
