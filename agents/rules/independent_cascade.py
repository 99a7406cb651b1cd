"""``independent_cascade``: the independent cascade model (Goldenberg, Libai & Muller 2001;
Kempe, Kleinberg & Tardos, KDD 2003).

An agent activated on day t gets one chance, on day t + 1, to activate each inactive agent
that hears it, independently with probability ``p`` (times the post's importance); active
agents stay active. On a graph whose listeners hear all their neighbours each day
(``contacts.posts_per_day`` at least the largest degree) this is the model on that graph;
with random contacts, the listeners of the agent's one day are its edges.

State: S (inactive), I (active), R (removed by a notice or correction: cannot be activated;
an active agent taken up one stops). Synchronous updates only: a day is one step of the
cascade.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from agents.news import NewsItem
from agents.population import INFECTED, RECOVERED, SUSCEPTIBLE, Population
from agents.rules.base import Decisions, Exposures, Settled
from agents.rules.classic import (
    Compartmental,
    RuleParams,
    resistance,
    transmission,
)


class Params(RuleParams):
    """Independent cascade parameters."""

    type: Literal["independent_cascade"]
    p: float = Field(0.1, ge=0, le=1, description="activation probability per edge")


class IndependentCascade(Compartmental):
    """One chance per newly active agent and listener."""

    name = "independent_cascade"
    key = 0x53
    updates = ("synchronous",)
    state_arrays = ("activated",)

    def __init__(
        self,
        params: Params,
        seed: int,
        population: Population,
        news: NewsItem,
        members: np.ndarray | None = None,
    ):
        super().__init__(params, seed, population, news, members)
        self.activated = np.where(population.belief > 0, 0, -1).astype(np.int32)  # day, -1 never

    def settled(self, day: int, population: Population) -> Settled:
        """Everyone: the active stay active, and only a believing post of an agent activated
        yesterday moves a susceptible."""
        loud = (self.activated == day - 1) & (population.post_stance > 0)
        return Settled(np.ones(population.n, dtype=bool), population.state == SUSCEPTIBLE, loud)

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        state = population.state[agents]
        resist = resistance(population.take_nudges(agents))

        def new():  # believing posts of agents activated yesterday (Settled.loud)
            return heard.believing() & (self.activated[np.maximum(heard.speaker, 0)] == day - 1)

        corrected = self.corrected(agents, day, heard, 1)
        chance = transmission(heard, new, self.params.p, resist)
        activated = self.happens(agents, day, state == SUSCEPTIBLE, 0, chance) & ~corrected
        self.activated[agents[activated]] = day
        population.state[agents[corrected & (state == SUSCEPTIBLE)]] = RECOVERED
        belief = (activated | ((state == INFECTED) & ~corrected)).astype(np.int8)
        return Decisions(belief, np.ones(agents.size))
