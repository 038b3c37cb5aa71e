"""A seeded history of telemarketing-like leads whose economic indicator drifts over time.

Each lead has personal fields (job, marital status, channel, age, earlier calls) and an interest
rate of the day it arrived. The rate falls over the two and a half years, slowly at first and
then mostly below anything seen before; conversion rises as the rate falls (the same slope
throughout) and also rides on a quarterly swing that nobody records. A model that learns the
rate's level in bins memorises the swing of each past rate band and applies the lowest band's
to every new lead; a straight slope carries over to rates it has not seen.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

START = datetime(2008, 5, 5, 9, 0, tzinfo=UTC)
DAYS = 900
JOBS = ("admin", "blue-collar", "technician", "services", "management", "retired", "student")
JOB_EFFECT = (0.0, -0.35, -0.05, -0.25, 0.1, 0.6, 0.7)
MARITAL = ("married", "single", "divorced")
CHANNELS = ("cellular", "telephone")
COLUMNS = ("call_date", "job", "marital", "contact", "age", "campaign", "euribor", "duration", "y")


def drift_history(count: int = 20_000, seed: int = 11) -> list[dict[str, str]]:
    """`count` leads in call-date order, one dictionary of CSV text values each."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.uniform(0, DAYS, count))
    share = days / DAYS
    rate = 4.9 - 4.2 * share**3 + rng.normal(0, 0.12, count)
    swing = 0.7 * np.sin(2 * math.pi * days / 91.0)
    job = rng.integers(len(JOBS), size=count)
    marital = rng.integers(len(MARITAL), size=count)
    cellular = rng.random(count) < 0.35 + 0.4 * share
    age = np.clip(rng.normal(41, 10, count), 18, 90).round()
    campaign = rng.geometric(0.4, count)
    log_odds = (
        -2.3
        - 0.75 * (rate - 3.0)
        + swing
        + np.array(JOB_EFFECT)[job]
        + 0.25 * (marital == 1)
        + 0.5 * cellular
        - 0.12 * (campaign - 1)
        + 0.012 * (age - 41)
    )
    won = rng.random(count) < 1 / (1 + np.exp(-log_odds))
    duration = np.round(rng.gamma(2.0, 120, count) * (1 + 2 * won))
    return [
        {
            "call_date": (START + timedelta(days=float(days[i]))).strftime("%Y-%m-%d"),
            "job": JOBS[job[i]],
            "marital": MARITAL[marital[i]],
            "contact": CHANNELS[0] if cellular[i] else CHANNELS[1],
            "age": str(int(age[i])),
            "campaign": str(int(campaign[i])),
            "euribor": f"{rate[i]:.3f}",
            "duration": str(int(duration[i])),
            "y": "yes" if won[i] else "no",
        }
        for i in range(count)
    ]


def write_drift_history(path: Path, count: int = 20_000, seed: int = 11) -> Path:
    """The history as a CSV export (a lead file `leadflow model evaluate` reads)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(drift_history(count, seed))
    return path
