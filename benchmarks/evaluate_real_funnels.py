"""The predictive score on real funnels, through `leadflow model evaluate` as a user runs it.

X Education's Leads.csv (pre-contact fields only: the columns sales fills in after contact are
excluded as leakage; the order of its running lead number written as a date column into a
copy), Olist's marketing funnel (MQLs joined with the closed deals into one export in a
temporary folder: MQL -> won from origin and landing page, split by first contact date) and a
seeded synthetic telemarketing history whose economic indicator drifts (benchmarks/
drift_history.py). Each evaluation runs twice with the same seed and must print the same
figures. On each, the chosen model must rank the newest 20 % no more than 0.005 AUC worse than
the plain logistic regression and be calibrated no worse (Brier).

    .venv/bin/python -m benchmarks.evaluate_real_funnels [--data ../shared/data] [--seed 0]
        [--drift-leads 20000]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.drift_history import write_drift_history

ROOT = Path(__file__).resolve().parents[1]
LEAKAGE = (
    "Tags", "Lead Quality", "Lead Profile", "Asymmetrique Activity Index",
    "Asymmetrique Profile Index", "Asymmetrique Activity Score", "Asymmetrique Profile Score",
    "Last Activity", "Last Notable Activity",
)  # fmt: skip
MODELS = (
    "naive_bayes", "logistic", "logistic_plain", "logistic_robust", "prior", "majority",
    "cold_start",
)  # fmt: skip
TOLERANCE = 0.005


def evaluate(file: Path, *options: str) -> tuple[dict[str, Any], float]:
    """Run `leadflow model evaluate FILE ... --json` in a fresh process."""
    command = [sys.executable, "-c", "from leadflow.cli.main import main; main()"]
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "model", "evaluate", str(file), *options, "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(f"leadflow model evaluate failed:\n{result.stderr}")
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary, time.perf_counter() - started


def join_olist(folder: Path, out: Path) -> Path:
    """The MQLs with a `won` column from the closed deals, as one CSV export."""
    with (folder / "olist_closed_deals_dataset.csv").open(encoding="utf-8") as deals:
        won = {deal["mql_id"] for deal in csv.DictReader(deals)}
    path = out / "olist_mqls.csv"
    with (
        (folder / "olist_marketing_qualified_leads_dataset.csv").open(encoding="utf-8") as mqls,
        path.open("w", newline="", encoding="utf-8") as handle,
    ):
        reader = csv.DictReader(mqls)
        writer = csv.DictWriter(handle, [*(reader.fieldnames or []), "won"])
        writer.writeheader()
        writer.writerows({**mql, "won": int(mql["mql_id"] in won)} for mql in reader)
    return path


def x_education_in_order(leads_csv: Path, out: Path) -> Path:
    """Leads.csv as it is (newest first) with a `lead_date` column: the rank of its running
    `Lead Number` as minutes after a start, i.e. the arrival order written as a date."""
    with leads_csv.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        names = list(reader.fieldnames or [])
        rows = list(reader)
    rank = {
        number: index
        for index, number in enumerate(sorted(int(row["Lead Number"]) for row in rows))
    }
    start = datetime(2015, 1, 1)
    path = out / "Leads_with_date.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        # First: the file's header ends with an unnamed column, which must stay last.
        writer = csv.DictWriter(handle, ["lead_date", *names], extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            arrived = start + timedelta(minutes=rank[int(row["Lead Number"])])
            writer.writerow({**row, "lead_date": arrived.strftime("%Y-%m-%d %H:%M")})
    return path


def check(summary: dict[str, Any]) -> str:
    """Whether the chosen model holds on the newest 20 % against the plain regression."""
    newest = summary["time_split"]
    chosen, plain = newest[summary["best"]], newest["logistic_plain"]
    held = chosen["auc"] >= plain["auc"] - TOLERANCE and chosen["brier"] <= plain["brier"]
    return (
        f"chosen {summary['best']} on the newest 20 %: AUC {chosen['auc']:.4f} against "
        f"{plain['auc']:.4f} (plain), Brier {chosen['brier']:.4f} against {plain['brier']:.4f}: "
        + ("held" if held else "NOT HELD")
    )


def report(title: str, summary: dict[str, Any], seconds: float, reproduced: bool) -> None:
    imported = summary["import"]
    print(f"\n## {title}")
    print(
        f"{imported['rows']} rows, {imported['stored']} imported as leads "
        f"({imported['rejected_rows']} rejected), {summary['base_rate']:.1%} converted; "
        f"{seconds:.1f} s; same figures on a second run: {'yes' if reproduced else 'NO'}"
    )
    features = summary["features"]
    print("features: " + ", ".join([*features["categorical"], *features["numeric"]]))
    print(f"best: {summary['best']} ({summary['chosen_because']})")
    if summary["time_split"] is not None:
        print(check(summary))
    moved = [d for d in summary["drift"] if d["level"] != "stable"]
    print(
        "drift, older 80 % against newest 20 %: "
        + (", ".join(f"{d['field']} PSI {d['psi']:.3f} ({d['level']})" for d in moved) or "none")
    )
    for key, heading in (("cross_validation", "5-fold"), ("time_split", "newest 20 %")):
        figures = summary[key]
        if figures is None:
            continue
        print(f"\n{heading:<15} {'AUC':>7} {'Brier':>7} {'top-20 %':>9}")
        for name in MODELS:
            s = figures[name]
            print(f"{name:<15} {s['auc']:7.4f} {s['brier']:7.4f} {s['top20_share']:9.3f}")
        print(f"\nreliability of {summary['best']} ({heading}): score bin, leads, mean, converted")
        for row in figures[summary["best"]]["reliability"]:
            if row["count"]:
                print(
                    f"  {row['lower']:.1f}-{row['upper']:.1f} {row['count']:6d} "
                    f"{row['mean_predicted']:.3f} {row['observed_rate']:.3f}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--seed", default="0")
    parser.add_argument("--drift-leads", type=int, default=20_000)
    args = parser.parse_args()
    leads_csv = args.data / "x_education_leads" / "Leads.csv"
    olist = args.data / "olist_marketing_funnel"
    if not leads_csv.exists() or not olist.exists():
        raise SystemExit(f"the real data is not at {args.data}")
    excluded = [option for column in LEAKAGE for option in ("--exclude", column)]
    x_options = ("--target", "Converted", "--seed", args.seed, *excluded)
    with tempfile.TemporaryDirectory(prefix="leadflow-funnels-") as folder:
        ordered = x_education_in_order(leads_csv, Path(folder))
        x_options += ("--time-column", "lead_date")
        first, seconds = evaluate(ordered, *x_options)
        again, _ = evaluate(ordered, *x_options)
        report("X Education, Leads.csv (pre-contact fields)", first, seconds, again == first)
        joined = join_olist(olist, Path(folder))
        o_options = ("--target", "won", "--time-column", "first_contact_date", "--seed", args.seed)
        first, seconds = evaluate(joined, *o_options)
        again, _ = evaluate(joined, *o_options)
        report("Olist, MQL -> won (origin, landing page)", first, seconds, again == first)
        drifting = write_drift_history(Path(folder) / "drift_history.csv", args.drift_leads)
        d_options = ("--target", "y", "--positive", "yes", "--time-column", "call_date")
        d_options += ("--exclude", "duration", "--seed", args.seed)
        first, seconds = evaluate(drifting, *d_options)
        again, _ = evaluate(drifting, *d_options)
        report("Synthetic telemarketing history with drift", first, seconds, again == first)


if __name__ == "__main__":
    main()
