"""A seeded CSV of German B2B leads for the import benchmark, as a CRM export would have it:
a few percent of duplicate people and of bad e-mail addresses and phone numbers."""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADERS = (
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Company",
    "Job Title",
    "City",
    "Postal Code",
    "Country",
    "Lead Source",
)
FIRST = (
    "Anna",
    "Jörg",
    "Petra",
    "Jan",
    "Eva",
    "Lukas",
    "Sophie",
    "Maximilian",
    "Lea",
    "Felix",
    "Marie",
    "Jonas",
    "Laura",
    "Paul",
    "Julia",
    "Tim",
    "Sarah",
    "Tobias",
    "Lena",
    "Moritz",
)
LAST = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Weiß",
)
STEMS = (
    "Nord",
    "Süd",
    "Rhein",
    "Alpen",
    "Hanse",
    "Ost",
    "West",
    "Main",
    "Elb",
    "Donau",
    "Taunus",
    "Harz",
    "Spree",
    "Isar",
    "Neckar",
    "Mosel",
    "Weser",
    "Eifel",
    "Allgäu",
)
TRADES = (
    "Fördertechnik",
    "Logistik",
    "Maschinenbau",
    "Antriebe",
    "Software",
    "Metall",
    "Kunststoff",
    "Elektro",
    "Verpackung",
    "Automation",
    "Systeme",
    "Werkzeugbau",
)
FORMS = ("GmbH", "AG", "GmbH & Co. KG", "KG", "SE")
TITLES = (
    "Geschäftsführer",
    "Leiter Einkauf",
    "Head of Operations",
    "Produktionsleiter",
    "Einkäufer",
    "CTO",
    "Vertriebsleiter",
    "Assistenz der Geschäftsleitung",
)
CITIES = (
    ("Stuttgart", "70173"),
    ("München", "80331"),
    ("Hamburg", "20095"),
    ("Köln", "50667"),
    ("Leipzig", "04109"),
    ("Hannover", "30159"),
)
AREAS = ("711", "89", "40", "221", "341", "511", "30", "69")
SOURCES = ("Messe", "Website", "Webinar", "Empfehlung", "LinkedIn")


def companies(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(name, domain) of `count` companies, distinct by name and domain."""
    found: dict[str, tuple[str, str]] = {}
    number = 0
    while len(found) < count:
        stem, trade = rng.choice(STEMS), rng.choice(TRADES)
        number += 1
        domain = f"{stem}-{trade}-{number}.de".lower().translate(
            str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
        )
        found[domain] = (f"{stem}{trade} {number} {rng.choice(FORMS)}", domain)
    return list(found.values())


def write_leads(path: Path, rows: int, *, seed: int = 20260302) -> Path:
    """Write `rows` data rows; about 2 % repeat an earlier person, 1 % carry a bad value."""
    rng = random.Random(seed)
    firms = companies(rng, max(rows // 20, 10))
    people: list[list[str]] = []
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADERS)
        for number in range(rows):
            if people and rng.random() < 0.02:
                row = list(rng.choice(people))
                row[0] = row[0].upper() if rng.random() < 0.5 else row[0]
            else:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                name, domain = rng.choice(firms)
                local = f"{first}.{last}.{number}".lower().translate(
                    str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
                )
                city, postal = rng.choice(CITIES)
                phone = f"0{rng.choice(AREAS)} {rng.randrange(1_000_000, 9_999_999)}"
                row = [first, last, f"{local}@{domain}", phone, name, rng.choice(TITLES), city,
                       postal, "Deutschland", rng.choice(SOURCES)]  # fmt: skip
                if len(people) < 50_000:
                    people.append(row)
            if rng.random() < 0.01:
                row[2] = row[2].replace("@", " at ")
            writer.writerow(row)
    return path
