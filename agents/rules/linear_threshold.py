"""``linear_threshold``: the linear threshold model (Granovetter 1978; Kempe, Kleinberg &
Tardos, KDD 2003).

Each agent draws a threshold theta uniformly in 0..1 once (keyed on the seed). An inactive
agent becomes active when the importance-weighted share of active posts among the posts it
heard today (from peers) reaches its threshold; active agents stay active. On a graph whose
listeners hear all their neighbours each day this is the model with equal edge weights
1/degree.

State: S (inactive), I (active), R (removed by a notice or correction: cannot be activated;
an active agent taken up one stops).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from agents.keyed_random import keyed_uniforms
from agents.news import NewsItem
from agents.population import INFECTED, RECOVERED, SUSCEPTIBLE, Population
from agents.rows import row_count, row_sum
from agents.rules.base import Decisions, Exposures, Settled
from agents.rules.classic import (
    Compartmental,
    RuleParams,
    resistance,
)

THRESHOLD_DRAW = 0x7E


class Params(RuleParams):
    """Linear threshold parameters (the thresholds are drawn uniformly)."""

    type: Literal["linear_threshold"]


class LinearThreshold(Compartmental):
    """Activation once the active share heard reaches the agent's threshold."""

    name = "linear_threshold"
    key = 0x54

    def __init__(
        self,
        params: Params,
        seed: int,
        population: Population,
        news: NewsItem,
        members: np.ndarray | None = None,
    ):
        super().__init__(params, seed, population, news, members)
        everyone = np.arange(population.n)
        kind = (self.key << 8) | THRESHOLD_DRAW  # derived from the seed: not saved state
        self.threshold = keyed_uniforms(seed, everyone, 0, kind, 1)[:, 0]

    def settled(self, day: int, population: Population) -> Settled:
        """All but the susceptible with a threshold of 0 (whom any peer's post activates,
        believing or not): a share of 0 active reaches no other threshold, and the active
        stay active; a believing post moves the susceptible."""
        susceptible = population.state == SUSCEPTIBLE
        return Settled((self.threshold > 0) | ~susceptible, susceptible)

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        state = population.state[agents]
        resist = resistance(population.take_nudges(agents))
        if heard.plain and not heard.corrections:
            # every item a peer's post weighing 1: the weighted sum is a count (exact in floats)
            peers = heard.count
            active = heard.loud_heard(heard.believing).astype(np.float64)
        else:
            heard_peer = heard.speaker >= 0  # (padded slots have none)
            weight = np.where(heard_peer, np.maximum(heard.importance, 0.0), 0.0)
            active = row_sum(weight * (heard.stance > 0))
            peers = row_count(heard_peer)
        share = np.divide(active, peers, out=np.zeros(agents.size), where=peers > 0)
        corrected = self.corrected(agents, day, heard, 0)
        activated = (state == SUSCEPTIBLE) & (share * (1.0 - resist) >= self.threshold[agents])
        activated &= (peers > 0) & ~corrected
        population.state[agents[corrected & (state == SUSCEPTIBLE)]] = RECOVERED
        belief = (activated | ((state == INFECTED) & ~corrected)).astype(np.int8)
        return Decisions(belief, np.ones(agents.size))
