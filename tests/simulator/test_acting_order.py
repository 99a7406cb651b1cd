"""The sequential day's acting order is Python's ``random.shuffle``, computed on arrays."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.acting_order import shuffled


def shuffle_of(rng: random.Random, n: int) -> list[int]:
    order = list(range(n))
    rng.shuffle(order)
    return order


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 64, 65, 1000, 4097, 65536, 65537])
@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_the_order_and_the_generator_after_it_are_random_shuffles(n, seed):
    theirs, ours = random.Random(seed), random.Random(seed)
    assert shuffled(ours, np.arange(n)).tolist() == shuffle_of(theirs, n)
    assert ours.getstate() == theirs.getstate()  # the next draws are the same too
    assert ours.random() == theirs.random()


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 3000), seed=st.integers(0, 2**32 - 1), burn=st.integers(0, 700))
def test_any_size_from_any_state_of_the_generator(n, seed, burn):
    theirs = random.Random(seed)
    for _ in range(burn):  # the generator part-way through its block of 624 words
        theirs.getrandbits(32)
    ours = random.Random()
    ours.setstate(theirs.getstate())
    assert shuffled(ours, np.arange(n)).tolist() == shuffle_of(theirs, n)
    assert ours.getstate() == theirs.getstate()


def test_any_values_are_moved_as_their_places():
    values = np.array([10, 3, 7, 7, 42, -1])
    order = shuffle_of(random.Random(4), values.size)
    assert shuffled(random.Random(4), values).tolist() == values[order].tolist()
