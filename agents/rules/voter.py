"""``voter``: the voter model (Clifford & Sudbury 1973; Holley & Liggett 1975).

At each decision an agent adopts the opinion of one post it heard today, chosen with
probability proportional to its importance (uniformly among plain posts); an agent that
heard nothing keeps its opinion. The believers' count is a martingale under random contacts
and on regular graphs, so the probability of consensus on believing equals the initial
share of believers.

Opinion 1 believes (I), 0 doubts (S before ever believing, R after).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from agents.population import Population
from agents.rules.base import Decisions, Exposures
from agents.rules.classic import (
    Discrete,
    RuleParams,
    corrections_uptake,
    pick_items,
    resistance,
)


class Params(RuleParams):
    """The voter model has no parameters."""

    type: Literal["voter"]


def copied(heard: Exposures, slot: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The opinion of the item in ``slot`` of each row (the agent's own where -1); with
    ``slot`` of shape (rows, draws) and ``own`` of (rows, 1), one opinion per draw."""
    if not heard.speaker.shape[1]:
        return np.broadcast_to(own > 0, slot.shape).astype(np.int8)
    if not slot.size or slot.min() >= 0:  # every row heard something (random mixing)
        return heard.believing_at(slot).view(np.int8)
    believing = heard.believing_at(np.maximum(slot, 0))
    return np.where(slot >= 0, believing, own > 0).astype(np.int8)


def resisted(own: np.ndarray, new: np.ndarray, u: np.ndarray, nudge: np.ndarray) -> np.ndarray:
    """``new``, except that a doubter nudged resists turning believer (with probability the
    nudge's strength)."""
    if not np.isfinite(nudge).any():  # nobody nudged: nobody resists
        return new
    return np.where((own == 0) & (new > 0) & (u < resistance(nudge)), 0, new).astype(np.int8)


class Voter(Discrete):
    """Copy one post heard."""

    name = "voter"
    key = 0x57

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        own = population.belief[agents]
        nudge = population.take_nudges(agents)
        uptake = corrections_uptake(heard)
        # draw 0 picks the post copied, 1 resists a nudge, 2 takes up a correction
        u = self.some_draws(agents, day, {0: True, 1: np.isfinite(nudge).any(), 2: uptake.any()})
        new = copied(heard, pick_items(heard, u[0]), own)
        new = resisted(own, new, u[1], nudge)
        return Decisions(self.settle(agents, new, u[2], uptake), np.ones(agents.size))
