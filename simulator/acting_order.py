"""The sequential day's acting order: Python's ``random.shuffle``, computed on arrays.

Mesa's ``shuffle_do`` orders agents with ``random.shuffle`` on the model's ``random``; the
engine keeps that order, so that a sequential day acts as Mesa would have it act. Python's
shuffle costs about a microsecond per agent (a Python call per draw): at a million agents it
was a fifth of a sequential day. No library reproduces it, so ``shuffled`` does, exactly: the
same permutation, and the generator left in the same state, from the same Mersenne Twister
words (numpy's ``MT19937`` is the same generator as Python's, and takes its state).

``random.shuffle(x)`` runs, for i = n-1 down to 1, ``j = randbelow(i + 1)`` and swaps x[i]
with x[j]. ``randbelow(m)`` takes 32-bit words w, keeps the top k = m.bit_length() bits and
rejects values >= m. Both parts are sequential; here is how each is done on arrays:

- the draws (``_swap_indices``): within a run of positions whose bounds share k, a word is
  accepted when its value r < m_t, and m_t falls by one with every acceptance. Over a chunk
  of words most are decided whatever the count of acceptances before them in the chunk:
  accepted if r + (the most that count can be) < m, rejected if r >= m. Only the few in
  between are walked through one by one (about C^2 / 2^(k+1) in a chunk of C words).
- the swaps (``_sources``): the value that ends at place i is the one at x[j_i] just before
  step i; it came there from the latest earlier step that swapped with that place, and so
  on back to a value that never moved. Those links form a forest, whose roots are found by
  pointer jumping (a handful of vectorised passes).
"""

from __future__ import annotations

import random

import numpy as np

_WORD_BITS = 32


def shuffled(rng: random.Random, values: np.ndarray) -> np.ndarray:
    """``values`` in the order ``rng.shuffle(list(values))`` would leave them, with ``rng``
    advanced exactly as that call advances it."""
    values = np.asarray(values)
    n = values.size
    if n < 2:
        return values.copy()
    if n > 1 << _WORD_BITS:  # Python draws bounds above 2^32 from several words: not done here
        raise ValueError(f"cannot order {n:,} agents: at most {1 << _WORD_BITS:,}")
    version, internal, gauss = rng.getstate()
    generator = np.random.MT19937()
    key = np.array(internal[:-1], dtype=np.uint32)
    start = {"bit_generator": "MT19937", "state": {"key": key, "pos": internal[-1]}}
    generator.state = start
    swaps, used = _swap_indices(generator, n)
    generator.state = start  # then advance by exactly the words the shuffle took
    generator.random_raw(used)
    state = generator.state["state"]
    rng.setstate((version, (*state["key"].tolist(), int(state["pos"])), gauss))
    return values[_sources(swaps, n)]


def _swap_indices(generator: np.random.MT19937, n: int) -> tuple[np.ndarray, int]:
    """j for each i = 1..n-1 (``swaps[i]``), drawn as ``random.shuffle`` draws them, and
    the number of words taken."""
    swaps = np.zeros(n, dtype=np.int64)
    used = 0
    pool = np.empty(0, dtype=np.uint64)
    position = n - 1  # the next i to draw for
    while position >= 1:
        bound = position + 1
        k = bound.bit_length()
        low = 1 << (k - 1)  # the positions down to low - 1 share this k
        needed = bound - low + 1
        chunk = max(64, int(4 * (1 << (k // 2))))
        while needed:
            if pool.size < chunk:
                pool = np.concatenate([pool, generator.random_raw(max(chunk, 1 << 16))])
            r = (pool[:chunk] >> np.uint64(_WORD_BITS - k)).astype(np.int64)
            accepted = _accepted(r, bound)
            taken = np.flatnonzero(accepted)[:needed]
            count = taken.size
            swaps[np.arange(position, position - count, -1)] = r[taken]
            # the words up to the last acceptance needed, or the whole chunk
            last = int(taken[-1]) + 1 if count == needed else chunk
            pool = pool[last:]
            used += last
            position -= count
            bound -= count
            needed -= count
    return swaps, used


def _accepted(r: np.ndarray, bound: int) -> np.ndarray:
    """Which words of a chunk ``randbelow`` accepts, the first drawing for ``bound``: word q
    is accepted when r[q] < bound - (acceptances before it)."""
    before_most = np.arange(r.size)  # acceptances before word q: at most q
    sure = r + before_most < bound
    unsure = np.flatnonzero(~sure & (r < bound))
    accepted = sure
    if unsure.size:
        accepted = sure.copy()
        sure_before = np.cumsum(sure) - sure  # sure acceptances before each word
        extra = 0  # unsure words accepted so far
        for q in unsure.tolist():
            if r[q] < bound - (sure_before[q] + extra):
                accepted[q] = True
                extra += 1
    return accepted


def _sources(swaps: np.ndarray, n: int) -> np.ndarray:
    """For each place of the shuffled list, the place its value started at.

    With A(p) the start of the value at place p just before step p: A(p) = p when no step
    before it in time (a larger i) swapped with place p, else A(g(p)), g(p) the latest such
    step. The value that ends at place i >= 1 is the one at place j_i before step
    i: the start of place j_i if no larger step swapped with j_i, else A(h(i)), h(i) the
    latest such step. Place 0 ends with the value A(0).
    """
    steps = np.arange(1, n)
    j = swaps[1:]
    by_place = stable_order(j)  # steps grouped by the place they swap with, in order
    step, place = steps[by_place], j[by_place]
    same = place[1:] == place[:-1]
    latest_before = np.full(n, -1, dtype=np.int64)  # h: the next larger step on j_i
    latest_before[step[:-1][same]] = step[1:][same]
    # g(p): the smallest step above p that swapped with p (a step p with j_p = p is no move)
    moved = np.flatnonzero(step > place)
    starts = np.ones(moved.size, dtype=bool)  # the first move of each place
    starts[1:] = place[moved[1:]] != place[moved[:-1]]
    first = moved[starts]
    root = np.arange(n)
    root[place[first]] = step[first]
    while True:  # pointer jumping to each chain's end (a place no step moved)
        hop = root[root]
        if np.array_equal(hop, root):
            break
        root = hop
    out = np.empty(n, dtype=np.int64)
    out[1:] = np.where(latest_before[1:] >= 0, root[np.maximum(latest_before[1:], 0)], j)
    out[0] = root[0]
    return out


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for non-negative integer keys, as a radix sort of
    16 bits a pass: numpy sorts 16-bit keys by radix, 3-4x faster than its merge sort of
    64-bit ones at a million."""
    order = np.arange(keys.size)
    top = int(keys.max()) if keys.size else 0
    shift = 0
    while True:
        digit = ((keys[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
        shift += 16
        if top >> shift == 0:
            return order
