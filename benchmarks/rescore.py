"""Full rescore of a workspace: leadflow against a hand-written `UPDATE ... CASE` of the same rules.

    .venv/bin/python -m benchmarks.rescore [--database URL] [--leads 1000000] [--seed 7]

Generates one workspace of N leads (and a small neighbour that must stay untouched) from a seed,
stores the fit rules below, then times, in alternating order, the baseline (one UPDATE whose
CASE expressions a DBA would write for these rules on this backend) and `rescore_workspace`
(leadflow's path: rules judged per distinct value, chunked set-based UPDATEs that also store the
matched rules for the reasons). It checks a sample of leads against `score_fit` and the baseline,
and prints the times and the ratio leadflow / baseline (the target is at most 1.5).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, text

from benchmarks.rescore_data import NOW, generate
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.scoring import ScoringRepository
from leadflow.adapters.db.tables import leads
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.adapters.regex import compile_pattern
from leadflow.domain.freemail import FREE_MAIL_DOMAINS
from leadflow.domain.principal import Principal
from leadflow.domain.scoring import parse_fit_rules, score_fit
from leadflow.domain.stages import Actor
from leadflow.services.scores.rescore import rescore_workspace
from leadflow.services.scores.scoring_settings import set_fit_rules

RULES = """
[[rule]]
field = "account.industry"
op = "equals"
value = "Maschinenbau"
points = 15

[[rule]]
field = "account.country"
op = "in"
value = ["DE", "AT", "CH"]
points = 10

[[rule]]
field = "account.employees"
op = "range"
min = 50
max = 500
points = 20

[[rule]]
field = "contact.job_title"
op = "contains"
value = "leiter"
points = 5

[[rule]]
field = "contact.seniority"
op = "regex"
value = "^(head|vp|c-level)"
points = 10

[[rule]]
field = "contact.email_free_mail"
op = "equals"
value = true
points = -10

[[rule]]
field = "account.postal_code"
op = "missing"
points = -5

[[rule]]
field = "lead.source"
op = "in"
value = ["messe", "webinar"]
points = 8
"""


def baseline_scores(backend: str) -> str:
    """The CASE expressions a DBA would write for RULES (ASCII data, so lower() suffices)."""
    free = ", ".join(f"'{domain}'" for domain in sorted(FREE_MAIL_DOMAINS))
    if backend == "postgresql":
        seniority = "c.seniority ~* '^(head|vp|c-level)'"
        domain = "lower(split_part(c.email, '@', 2))"
    else:  # SQLite has no regular expressions: the equivalent prefix tests
        seniority = (
            "(lower(c.seniority) LIKE 'head%' OR lower(c.seniority) LIKE 'vp%' "
            "OR lower(c.seniority) LIKE 'c-level%')"
        )
        domain = "lower(substr(c.email, instr(c.email, '@') + 1))"
    return f"""
        CASE WHEN lower(trim(a.industry)) = 'maschinenbau' THEN 15 ELSE 0 END
      + CASE WHEN upper(trim(a.country)) IN ('DE', 'AT', 'CH') THEN 10 ELSE 0 END
      + CASE WHEN a.employees BETWEEN 50 AND 500 THEN 20 ELSE 0 END
      + CASE WHEN lower(c.job_title) LIKE '%leiter%' THEN 5 ELSE 0 END
      + CASE WHEN {seniority} THEN 10 ELSE 0 END
      + CASE WHEN {domain} IN ({free}) THEN -10 ELSE 0 END
      + CASE WHEN a.postal_code IS NULL OR trim(a.postal_code) = '' THEN -5 ELSE 0 END
      + CASE WHEN lower(trim(l.source)) IN ('messe', 'webinar') THEN 8 ELSE 0 END"""


def baseline_update(backend: str) -> str:
    return f"""
        UPDATE leads SET fit_score = scored.fit
        FROM (
            SELECT l.id AS id, {baseline_scores(backend)} AS fit
            FROM leads l
            JOIN contacts c ON c.id = l.contact_id
            LEFT JOIN accounts a ON a.id = l.account_id
            WHERE l.workspace_id = :workspace
        ) AS scored
        WHERE leads.id = scored.id AND leads.workspace_id = :workspace"""


def run_baseline(db: Database, workspace_id: int) -> None:
    with db.transaction() as connection:
        connection.execute(text(baseline_update(db.backend)), {"workspace": workspace_id})


def run_leadflow(db: Database, workspace_id: int) -> None:
    rescore_workspace(
        db, workspace_id, by=Principal.process(workspace_id, Actor.AUTOMATIC), now=NOW
    )


def timed(db: Database, action: Callable[[], None]) -> float:
    if db.backend == "postgresql":  # each run starts without the previous run's dead rows
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE leads")
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def check_sample(db: Database, workspace_id: int, size: int, seed: int) -> tuple[int, int, int]:
    """(checked, differing from score_fit, differing from the baseline's CASE)."""
    ruleset = parse_fit_rules(RULES, compile_pattern)
    with reading(db, workspace_id) as uow:
        ids = [
            row.id
            for row in uow.connection.execute(
                select(leads.c.id).where(leads.c.workspace_id == workspace_id)
            )
        ]
        sample = random.Random(seed).sample(ids, min(size, len(ids)))
        repository = ScoringRepository(uow.connection, workspace_id)
        rows = uow.connection.execute(
            text(
                f"SELECT l.id, {baseline_scores(db.backend)} FROM leads l "
                "JOIN contacts c ON c.id = l.contact_id "
                "LEFT JOIN accounts a ON a.id = l.account_id "
                "WHERE l.workspace_id = :workspace"
            ),
            {"workspace": workspace_id},
        )
        baseline = {row[0]: row[1] for row in rows}
        wrong = against_baseline = 0
        for lead_id in sample:
            stored = repository.scores(lead_id).fit_score
            wrong += stored != score_fit(ruleset, repository.facts(lead_id)).points
            against_baseline += stored != baseline[lead_id]
    return len(sample), wrong, against_baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database or f"sqlite:///{Path(scratch) / 'rescore.db'}"
        db = Database(url)
        db.upgrade()
        started = time.perf_counter()
        workspace_id, neighbour_id = generate(db, args.leads, args.seed)
        print(
            f"{db.backend}: generated {args.leads:,} leads in {time.perf_counter() - started:.0f} s"
        )
        with unit_of_work(db, workspace_id) as uow:
            set_fit_rules(uow, RULES, by=Principal.process(workspace_id, Actor.ADMIN), now=NOW)

        baseline: list[float] = []
        leadflow: list[float] = []
        for round_number in range(args.rounds):
            order = [("baseline", baseline), ("leadflow", leadflow)]
            for name, times in order if round_number % 2 == 0 else reversed(order):
                action = run_baseline if name == "baseline" else run_leadflow
                times.append(timed(db, lambda a=action: a(db, workspace_id)))
                print(f"  {name:8} {times[-1]:7.2f} s")
        run_leadflow(db, workspace_id)  # the last timed run may have been the baseline's
        checked, wrong, differs = check_sample(db, workspace_id, 2000, args.seed)
        with reading(db, neighbour_id) as uow:
            untouched = ScoringRepository(uow.connection, neighbour_id)
            neighbour_scored = any(
                untouched.scores(row.id).fit_rules_version is not None
                for row in uow.connection.execute(
                    select(leads.c.id).where(leads.c.workspace_id == neighbour_id).limit(50)
                )
            )
        middle_baseline, middle_leadflow = statistics.median(baseline), statistics.median(leadflow)
        ratio = middle_leadflow / middle_baseline
        print(
            f"{db.backend}: {args.leads:,} leads, baseline median {middle_baseline:.2f} s, "
            f"leadflow median {middle_leadflow:.2f} s, ratio {ratio:.2f} "
            f"({'within' if ratio <= 1.5 else 'ABOVE'} the 1.5 target)"
        )
        print(
            f"sample of {checked}: {wrong} differ from score_fit, {differs} from the baseline; "
            f"neighbour workspace {'TOUCHED' if neighbour_scored else 'untouched'}"
        )
        db.dispose()


if __name__ == "__main__":
    main()
