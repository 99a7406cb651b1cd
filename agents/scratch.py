"""Work arrays a rule keeps from day to day.

Why: a day of a million agents makes several temporaries of ten million slots (80 MB each).
glibc hands allocations that large out as fresh memory maps and returns them when freed, so
every day pays a page fault for each 4 kB of each temporary before any arithmetic (a
Hegselmann-Krause update of 1M x 10 slots: 100 ms with its three arrays made afresh, 79 ms
with them kept). Arrays kept here are mapped once and then only overwritten; results are the
same floats, since the same operations write into them."""

from __future__ import annotations

import numpy as np


class Scratch:
    """Arrays by name, made on first use and reused while the shape and type hold."""

    __slots__ = ("_arrays",)

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def array(self, name: str, shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
        """The array kept as ``name`` (contents left from its last use), or a new one."""
        kept = self._arrays.get(name)
        if kept is None or kept.shape != shape or kept.dtype != np.dtype(dtype):
            kept = self._arrays[name] = np.empty(shape, dtype)
        return kept
