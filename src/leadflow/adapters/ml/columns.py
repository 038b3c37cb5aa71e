"""Records held as columns: many stored leads scored without a dictionary per lead."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import NDArray

from leadflow.domain.errors import InvalidInput
from leadflow.domain.predictive import Record, Value

IntArray = NDArray[np.intp]


class ColumnarRecords(Sequence[Record]):
    """A sequence of records whose fields are stored column by column.

    The models read a whole column at once through column() or, coded by distinct value,
    through factorized(); indexing still gives one record as a dictionary, so everything that
    takes records takes these too.
    """

    def __init__(self, columns: Mapping[str, Sequence[Value]], size: int) -> None:
        wrong = [name for name, values in columns.items() if len(values) != size]
        if wrong:
            raise InvalidInput(f"columns {', '.join(wrong)} do not hold {size} values")
        self._columns = dict(columns)
        self._size = size
        self._factorized: dict[str, Factorized] = {}

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> ColumnarRecords: ...

    def __getitem__(self, index: int | slice) -> Record | ColumnarRecords:
        if isinstance(index, slice):
            return self.take(range(self._size)[index])
        position = range(self._size)[index]
        return {
            name: value
            for name, values in self._columns.items()
            if (value := values[position]) is not None
        }

    def __iter__(self) -> Iterator[Record]:
        if not self._columns:
            yield from ({} for _ in range(self._size))
            return
        names = tuple(self._columns)
        for values in zip(*self._columns.values(), strict=True):
            yield {n: value for n, value in zip(names, values, strict=True) if value is not None}

    def take(self, positions: Sequence[int]) -> ColumnarRecords:
        """The records at the given positions, in that order."""
        return ColumnarRecords(
            {name: [values[i] for i in positions] for name, values in self._columns.items()},
            len(positions),
        )

    def without(self, names: Collection[str]) -> ColumnarRecords:
        """The same records without some fields."""
        kept = {name: values for name, values in self._columns.items() if name not in names}
        return ColumnarRecords(kept, self._size)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._columns)

    def has(self, name: str) -> bool:
        return name in self._columns

    def column(self, name: str) -> list[Value]:
        """Every record's value of one field (None where a record lacks it)."""
        values = self._columns.get(name)
        return list(values) if values is not None else [None] * self._size

    def factorized(self, name: str) -> Factorized:
        """A field as codes into its distinct values (computed once per field)."""
        if name not in self._factorized:
            self._factorized[name] = factorize(self.column(name))
        return self._factorized[name]


@dataclass(frozen=True)
class Factorized:
    """A column as codes into its distinct values, and where each value first occurs."""

    codes: IntArray
    values: list[Value]
    first: IntArray


def factorize(values: Sequence[Value]) -> Factorized:
    distinct = {value: code for code, value in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(distinct.__getitem__, values), dtype=np.intp, count=len(values))
    first = np.empty(len(distinct), dtype=np.intp)
    first[codes[::-1]] = np.arange(len(values) - 1, -1, -1, dtype=np.intp)
    return Factorized(codes, list(distinct), first)
