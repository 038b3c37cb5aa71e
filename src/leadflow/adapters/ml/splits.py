"""Ways to hold leads out for validation: stratified folds, and older-versus-newer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leadflow.domain.errors import InvalidInput

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

IndexArray = NDArray[np.intp]
Split = tuple[IndexArray, IndexArray]


def stratified_folds(labels: ArrayLike, folds: int = 5, seed: int = 0) -> list[Split]:
    """(train, test) index pairs; each fold holds about the same share of won leads."""
    won = np.asarray(labels, dtype=bool)
    if folds < 2 or won.size < folds:
        raise InvalidInput(f"cannot split {won.size} leads into {folds} folds")
    rng = np.random.default_rng(seed)
    fold_of = np.empty(won.size, dtype=np.intp)
    start = 0
    for outcome in (True, False):
        members = rng.permutation(np.flatnonzero(won == outcome))
        fold_of[members] = (np.arange(members.size) + start) % folds
        start += members.size
    return [
        (np.flatnonzero(fold_of != fold), np.flatnonzero(fold_of == fold)) for fold in range(folds)
    ]


def time_ordered_split(times: Sequence[SupportsRichComparison], holdout: float = 0.2) -> Split:
    """Train on the older leads and test on the newest `holdout` share of them.

    Both index arrays are in time order (leads of the same time in their given order)."""
    if not 0 < holdout < 1 or len(times) < 2:
        raise InvalidInput("a time split needs two leads and a holdout share between 0 and 1")
    order = time_order(times)
    cut = len(times) - max(1, round(holdout * len(times)))
    return order[:cut], order[cut:]


def time_order(times: Sequence[SupportsRichComparison]) -> IndexArray:
    """The positions of the leads, oldest first (ties keep their given order)."""
    return np.array(sorted(range(len(times)), key=times.__getitem__), dtype=np.intp)
