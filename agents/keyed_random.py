"""Random draws keyed by who, when and what, so results never depend on call order.

Used by the surrogate's decisions and by the engagement simulation: both need, for a set of
agents on a day, draws that are the same however the agents are batched or ordered.
"""

from __future__ import annotations

import numpy as np


def keyed_uniforms(seed: int, agent_ids: np.ndarray, day: int, kind: int, draws: int) -> np.ndarray:
    """Uniform numbers in [0, 1), shape (len(agent_ids), draws), keyed by their arguments.

    A counter-based generator (SplitMix64 finaliser over a mixed key): numpy has no keyed,
    order-free generator that is cheap per key, and creating one Generator per request costs
    more than the rest of the surrogate.
    """
    with np.errstate(over="ignore"):
        key = (
            np.uint64(seed & 0xFFFFFFFFFFFFFFFF) * np.uint64(0x9E3779B97F4A7C15)
            ^ agent_ids.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
            ^ np.uint64(day) * np.uint64(0x94D049BB133111EB)
            ^ np.uint64(kind) * np.uint64(0xD6E8FEB86659FD93)
        )
        x = key[:, None] + (
            np.arange(1, draws + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        )
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
