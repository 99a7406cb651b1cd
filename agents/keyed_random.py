"""Random draws keyed by who, when and what, so results never depend on call order.

Used by the surrogate's decisions and by the engagement simulation: both need, for a set of
agents on a day, draws that are the same however the agents are batched or ordered.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_KIND = np.uint64(0xD6E8FEB86659FD93)
_MASK = 0xFFFFFFFFFFFFFFFF
_INT_GOLDEN, _INT_MIX2, _INT_KIND = int(_GOLDEN), int(_MIX2), int(_KIND)


def keyed_uniforms(
    seed: int, agent_ids: np.ndarray, day: int, kind: int, draws: int | Sequence[int]
) -> np.ndarray:
    """Uniform numbers in [0, 1), shape (len(agent_ids), draws), keyed by their arguments.
    ``draws`` as a sequence names the draws wanted (column j of the full set is draw j, the
    same number whichever others are asked for).

    A counter-based generator (SplitMix64 finaliser over a mixed key): numpy has no keyed,
    order-free generator that is cheap per key, and creating one Generator per request costs
    more than the rest of the surrogate.
    """
    x = _words(seed, agent_ids, day, kind, draws)
    x >>= np.uint64(11)
    out = np.empty(x.shape)
    np.multiply(x, 1.0 / 9007199254740992.0, out=out, casting="unsafe")
    return out


def keyed_uniforms_each(
    seed: int, agent_ids: np.ndarray, day: int, kind: int, draw: np.ndarray
) -> np.ndarray:
    """One uniform per key, draw number ``draw[i]`` of ``agent_ids[i]``: the number
    ``keyed_uniforms`` gives in that key's row and that draw's column (for callers that
    want a few scattered draws of many rows)."""
    x = _mixed(_key(seed, agent_ids, day, kind) + _draw_offset(draw))
    x >>= np.uint64(11)
    out = np.empty(x.shape)
    np.multiply(x, 1.0 / 9007199254740992.0, out=out, casting="unsafe")
    return out


def keyed_split_uniforms(
    seed: int, agent_ids: np.ndarray, day: int, kind: int, parts: int
) -> np.ndarray:
    """``parts`` coarser uniforms per key from one 64-bit hash (64 // parts bits each, 21 for
    three): a third of the hashing where a chance of a percent or more is all that is
    drawn (engagement's likes, shares and comments)."""
    word = keyed_words(seed, agent_ids, day, kind)
    bits = 64 // parts
    mask, scale = np.uint64((1 << bits) - 1), 1.0 / float(1 << bits)
    out = np.empty((word.size, parts))
    for j in range(parts):
        np.multiply((word >> np.uint64(j * bits)) & mask, scale, out=out[:, j], casting="unsafe")
    return out


def keyed_words(seed: int, agent_ids: np.ndarray, day: int, kind: int) -> np.ndarray:
    """One keyed 64-bit hash per key (uint64), for callers that split its bits themselves."""
    return _words(seed, agent_ids, day, kind, 1)[:, 0]


def _words(
    seed: int, agent_ids: np.ndarray, day: int, kind: int, draws: int | Sequence[int]
) -> np.ndarray:
    """The keyed 64-bit hashes, shape (len(agent_ids), draws): draws 0..draws-1, or those
    named."""
    which = np.arange(draws) if isinstance(draws, int) else np.asarray(draws, dtype=np.int64)
    key = _key(seed, agent_ids, day, kind)
    x = np.empty((key.size, which.size), dtype=np.uint64)
    np.add(key[:, None], _draw_offset(which), out=x)
    return _mixed(x)


def _key(seed: int, agent_ids: np.ndarray, day: int, kind: int) -> np.ndarray:
    """Each agent's key for the day and kind (the draws' part is added to it). The constant
    part is reckoned in Python integers modulo 2^64, as numpy's uint64 scalars wrap (they
    would warn of it), and the arrays' products wrap silently."""
    constant = ((seed & _MASK) * _INT_GOLDEN ^ day * _INT_MIX2 ^ kind * _INT_KIND) & _MASK
    key = np.asarray(agent_ids).astype(np.uint64)
    key *= _MIX1
    key ^= np.uint64(constant)
    return key


def _draw_offset(which: np.ndarray) -> np.ndarray:
    """What draw number ``which`` adds to a key."""
    return (np.asarray(which, dtype=np.int64) + 1).astype(np.uint64) * _GOLDEN


def _mixed(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser over ``x``, in place: the draws are memory-bound, and numpy's
    temporaries cost as much as the arithmetic (about 1.3x faster at millions of keys)."""
    scratch = np.empty_like(x)
    for shift, multiplier in ((30, _MIX1), (27, _MIX2), (31, None)):
        np.right_shift(x, np.uint64(shift), out=scratch)
        x ^= scratch
        if multiplier is not None:
            x *= multiplier
    return x
