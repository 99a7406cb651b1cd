"""Reductions along each row of a narrow matrix (a few heard posts, a panel of draws).

numpy reduces a short last axis one row at a time, about 15 ns a row whatever the width;
a loop over a few columns works across all rows at once, 6-8x faster at 3-4 columns (1M rows).
Past ``NARROW`` columns, strided column passes lose to numpy's own reduction, which is used.
Counts of three columns and more are a product with a vector of ones in bytes. The results
are numpy's exactly: counts, any, all and max are exact; numpy multiplies a
row's floats in order from the first, as the loop does, and adds them in order too while a
row has fewer than ``SUMMED_IN_ORDER`` (from there on it sums pairwise, in 8 partial sums,
and ``row_sum`` leaves the row to numpy). tests/agents/test_rows.py holds numpy to that.
"""

from __future__ import annotations

import numpy as np

NARROW = 16
SUMMED_IN_ORDER = 8
MATMUL_COUNT_WIDEST = 255


def _by_columns(ufunc: np.ufunc, x: np.ndarray, widest: int = NARROW) -> np.ndarray:
    """``ufunc.reduce(x, axis=1)``: column by column from the first where ``x`` has at most
    ``widest`` columns (and some), by numpy otherwise."""
    if x.shape[1] > widest or x.shape[1] == 0:
        return ufunc.reduce(x, axis=1)
    out = x[:, 0].copy()
    for j in range(1, x.shape[1]):
        ufunc(out, x[:, j], out=out)
    return out


def row_count(mask: np.ndarray) -> np.ndarray:
    """How many entries of each (bool) row are true (int64)."""
    width = mask.shape[1]
    if width > MATMUL_COUNT_WIDEST:
        return mask.sum(axis=1)
    if width < 3:
        return _by_columns(np.add, mask.astype(np.int64))
    # the product with a vector of ones in bytes is exact (a row's count fits a byte) and,
    # from three columns, 1.2-3x faster than column passes (1M rows x 3-16)
    return np.matmul(mask.view(np.uint8), np.ones(width, np.uint8)).astype(np.int64)


def row_any(mask: np.ndarray) -> np.ndarray:
    """Whether any entry of each row is true."""
    return _by_columns(np.logical_or, mask)


def row_all(mask: np.ndarray) -> np.ndarray:
    """Whether every entry of each row is true."""
    return _by_columns(np.logical_and, mask)


def row_prod(x: np.ndarray) -> np.ndarray:
    """The product of each row, multiplied in order from the first entry."""
    return _by_columns(np.multiply, x)


def row_max(x: np.ndarray) -> np.ndarray:
    """The largest entry of each row."""
    return _by_columns(np.maximum, x)


def row_sum(x: np.ndarray) -> np.ndarray:
    """The sum of each row, as numpy's ``x.sum(axis=1)`` gives it."""
    return _by_columns(np.add, x, SUMMED_IN_ORDER - 1)
