"""The narrow-row reductions give numpy's own results, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from agents.rows import row_all, row_any, row_count, row_max, row_prod, row_sum


@pytest.mark.parametrize("width", [0, 1, 2, 3, 4, 7, 8, 9, 10, 16, 17, 40, 255, 256])
def test_row_reductions_are_numpys(width):
    rng = np.random.default_rng(width)
    rows = 4000
    mask = rng.random((rows, width)) < 0.5
    floats = rng.random((rows, width)) * rng.choice([1.0, 1e-8, 1e8], size=(rows, width))
    factors = 1.0 - 0.3 * rng.random((rows, width))
    ints = rng.integers(-5, 9, size=(rows, width))
    np.testing.assert_array_equal(row_count(mask), mask.sum(axis=1))
    full = np.ones((3, width), dtype=bool)  # a count of 255 still fits the byte product
    np.testing.assert_array_equal(row_count(full), np.full(3, width))
    np.testing.assert_array_equal(row_count(mask[:, ::-1]), mask.sum(axis=1))  # strided
    np.testing.assert_array_equal(row_any(mask), mask.any(axis=1))
    np.testing.assert_array_equal(row_all(mask), mask.all(axis=1))
    assert np.array_equal(row_sum(floats), floats.sum(axis=1))  # bit for bit
    assert np.array_equal(row_prod(factors), factors.prod(axis=1))
    if width:
        np.testing.assert_array_equal(row_max(ints), ints.max(axis=1))
