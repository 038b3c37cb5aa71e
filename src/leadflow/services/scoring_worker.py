"""A worker process of a scoring run (see predictive_scoring): it reads its share, pickled,
from standard input, scores it and writes how many leads it scored (a Tally, pickled) to
standard output."""

from __future__ import annotations

import pickle
import sys

from leadflow.services.predictive_scoring import Share, score_share


def main() -> None:
    share = pickle.load(sys.stdin.buffer)
    if not isinstance(share, Share):
        raise SystemExit("expected a scoring share on standard input")
    pickle.dump(score_share(share), sys.stdout.buffer)


if __name__ == "__main__":
    main()
