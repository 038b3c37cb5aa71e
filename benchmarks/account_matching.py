"""Account matching benchmark: one company look-up (domain, name key, fuzzy name) in a workspace
of 1,000 and one of 200,000 accounts whose names start alike, with the blocking keys of
leadflow against the scheme they replaced, in the same run: every account whose name key starts
with the same three letters read and compared in Python.

    .venv/bin/python -m benchmarks.account_matching
    .venv/bin/python -m benchmarks.account_matching --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.engine import Connection, make_url

from leadflow.adapters.db.account_keys import file_accounts
from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.matching import MatchQueries
from leadflow.adapters.db.tables import accounts
from leadflow.adapters.importing.normalize import company_key
from leadflow.domain.company_blocks import block_of
from leadflow.domain.workspace import Workspace
from leadflow.services.intake.duplicates import SIMILAR, find_account

NOW = datetime(2026, 12, 4, tzinfo=UTC)
SIZES = (1_000, 200_000)
FIRSTS = ("Müller", "Müllers", "Mühle", "Maschinenbau", "Meyer", "Metallbau", "Mayer", "Möller",
          "Merkur", "Mertens")  # fmt: skip
TRADES = ("Fördertechnik", "Antriebstechnik", "Anlagenbau", "Automation", "Hydraulik",
          "Pneumatik", "Elektrotechnik", "Stahlbau", "Werkzeugbau", "Formenbau", "Gießerei",
          "Kunststofftechnik", "Lasertechnik", "Messtechnik", "Oberflächentechnik",
          "Präzisionsteile", "Robotik", "Schweißtechnik", "Sondermaschinen", "Verpackung",
          "Zerspanung", "Logistik", "Kältetechnik", "Umwelttechnik", "Medizintechnik")  # fmt: skip
CITIES = ("Hamburg", "Bremen", "Hannover", "Kassel", "Erfurt", "Leipzig", "Dresden", "Chemnitz",
          "Jena", "Halle", "Magdeburg", "Rostock", "Kiel", "Lübeck", "Bielefeld", "Dortmund",
          "Essen", "Bochum", "Münster", "Paderborn", "Köln", "Bonn", "Aachen", "Trier", "Mainz",
          "Worms", "Speyer", "Ulm", "Augsburg", "Passau", "Regensburg", "Würzburg", "Fulda",
          "Gießen", "Marburg", "Siegen", "Hagen", "Wuppertal", "Krefeld", "Neuss")  # fmt: skip
BRANCHES = ("Nord", "Süd", "Ost", "West", "Mitte", "Rhein", "Main", "Elbe", "Donau", "Alpen",
            "Harz", "Eifel", "Taunus", "Spessart", "Rhön", "Weser", "Ems", "Saar", "Mosel",
            "Lahn")  # fmt: skip
PROBES = 25


def names(count: int, rng: random.Random) -> list[str]:
    every = [
        f"{a} {b} {c} {d} GmbH"
        for a, b, c, d in itertools.product(FIRSTS, TRADES, CITIES, BRANCHES)
    ]
    return every if count >= len(every) else rng.sample(every, count)


def seed(db: Database, slug: str, firm_names: list[str]) -> int:
    with db.transaction() as connection:
        workspace_id = Directory(connection).add_workspace(Workspace(slug, slug), NOW)
        writer = BulkWriter(connection)
        ids = writer.allocate_ids(accounts, len(firm_names))
        keys = [company_key(name) for name in firm_names]
        writer.insert(
            accounts,
            ("id", "workspace_id", "name", "name_key", "created_at"),
            [(i, workspace_id, n, k, NOW) for i, n, k in zip(ids, firm_names, keys, strict=True)],
        )
        file_accounts(connection, workspace_id, zip(ids, keys, strict=True))
    return workspace_id


def variants(name: str) -> dict[str, str]:
    """The same name, re-spelled (umlauts, legal form), with one typo, and another firm."""
    words = name.removesuffix(" GmbH").split()
    middle = words[1]
    typo = " ".join([words[0], middle[:3] + middle[4:], *words[2:]])
    return {
        "same name": name,
        "re-spelled": name.replace("ü", "ue").replace("ö", "oe").replace("GmbH", "AG"),
        "typo": typo,
        "other firm": f"{' '.join(words)} 7 GmbH",
    }


def prefix_scheme(connection: Connection, workspace_id: int, company: str) -> int | None:
    """The replaced look-up: every account whose key shares the first three letters."""
    key = company_key(company)
    escaped = key[:3].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pool = connection.execute(
        select(accounts.c.id, accounts.c.name_key).where(
            accounts.c.workspace_id == workspace_id,
            accounts.c.name_key.like(escaped + "%", escape="\\"),
        )
    ).all()
    for account_id, name_key in pool:
        if name_key == key:
            return int(account_id)
    block = [(i, k) for i, k in pool if block_of(k) == block_of(key)]
    found = process.extractOne(
        key, [k for _i, k in block], scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR * 100
    )
    return None if found is None else int(block[found[2]][0])


def blocking_keys(connection: Connection, workspace_id: int, company: str) -> int | None:
    match = find_account(MatchQueries(connection, workspace_id), company=company, domain=None)
    return None if match is None else match.account.id


Lookup = Callable[[Connection, int, str], int | None]


def timed(lookup: Lookup, *args: object) -> tuple[float, int | None]:
    started = time.perf_counter()
    found = lookup(*args)  # type: ignore[arg-type]
    return (time.perf_counter() - started) * 1000, found


def measure(db: Database, label: str) -> None:
    rng = random.Random(20261204)
    print(f"\n{label}")
    print(
        "| accounts | probe | blocking keys (ms) | first-letter block (ms) | ratio | same answer |"
    )
    print("|---:|---|---:|---:|---:|---|")
    for size in SIZES:
        firm_names = names(size, rng)
        workspace_id = seed(db, f"ws{size}", firm_names)
        targets = rng.sample(firm_names, PROBES)
        results: dict[str, tuple[list[float], list[float], bool]] = {}
        with db.reading() as connection:
            for target in targets:
                for kind, company in variants(target).items():
                    new_ms, new = timed(blocking_keys, connection, workspace_id, company)
                    old_ms, old = timed(prefix_scheme, connection, workspace_id, company)
                    ours, theirs, same = results.setdefault(kind, ([], [], True))
                    ours.append(new_ms)
                    theirs.append(old_ms)
                    results[kind] = (ours, theirs, same and new == old)
        for kind, (ours, theirs, same) in results.items():
            new_median, old_median = statistics.median(ours), statistics.median(theirs)
            print(f"| {size:,} | {kind} | {new_median:.2f} | {old_median:.2f} "
                  f"| {old_median / new_median:.0f} | {'yes' if same else 'no'} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", help="also measure on this PostgreSQL URL (own schema)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadflow-matching-") as folder:
        db = Database(f"sqlite:///{Path(folder) / 'matching.db'}")
        db.upgrade()
        measure(db, "SQLite")
        db.dispose()
    if options.postgres:
        import psycopg

        schema = f"bench_match_{uuid.uuid4().hex[:8]}"
        url = make_url(options.postgres).update_query_dict({"options": f"-csearch_path={schema}"})
        with psycopg.connect(options.postgres, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        try:
            db = Database(url.render_as_string(hide_password=False))
            db.upgrade()
            measure(db, "PostgreSQL")
            db.dispose()
        finally:
            with psycopg.connect(options.postgres, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
