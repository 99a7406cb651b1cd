"""``sir``: susceptible-infected-recovered contagion (Kermack & McKendrick 1927; the
discrete-time stochastic form of Andersson & Britton, *Stochastic Epidemic Models*, 2000).

Each day a susceptible agent is infected by each infected post it hears independently with
probability ``beta`` (times the post's importance), and an infected agent recovers with
probability ``gamma`` at each of its decisions, for good. An infected agent's post is heard
for a geometric number of days with mean 1/gamma, by k listeners a day on average with k
random contacts, so R0 = beta k / gamma; with homogeneous mixing the final size z solves
z = 1 - exp(-R0 z) as N grows (0.7968 for R0 = 2).

State: S (susceptible), I (infected: believes, posts +1), R (recovered, for good).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from agents.population import INFECTED, RECOVERED, SUSCEPTIBLE, Population
from agents.rules.base import Decisions, Exposures, Settled
from agents.rules.classic import (
    Compartmental,
    RuleParams,
    resistance,
    transmission,
)


class Params(RuleParams):
    """SIR parameters."""

    type: Literal["sir"]
    beta: float = Field(
        0.2, ge=0, le=1, description="infection probability per infected post heard"
    )
    gamma: float = Field(0.2, gt=0, le=1, description="recovery probability per day")


class SIR(Compartmental):
    """Susceptible-infected-recovered."""

    name = "sir"
    key = 0x51
    immune_after = True  # recovered agents stay recovered (SIS: they are susceptible again)

    def settled(self, day: int, population: Population) -> Settled:
        """All but the infected (who may recover); a believing post moves the susceptible
        (SIS: the recovered too)."""
        state = population.state
        movable = state == SUSCEPTIBLE
        if not self.immune_after:
            movable |= state == RECOVERED
        return Settled(state != INFECTED, movable)

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        p = self.params
        state = population.state[agents]
        resist = resistance(population.take_nudges(agents))
        corrected = self.corrected(agents, day, heard, 2)
        open_to = state == SUSCEPTIBLE
        if not self.immune_after:
            open_to |= state == RECOVERED
        # each draw only for the agents it decides about: draw 0 infects, draw 1 recovers
        chance = transmission(heard, heard.believing, p.beta, resist)
        infected = self.happens(agents, day, open_to, 0, chance)
        recovers = self.happens(agents, day, state == INFECTED, 1, p.gamma)
        stays = (state == INFECTED) & ~recovers
        belief = ((infected | stays) & ~corrected).astype(np.int8)
        # a correction taken up removes a susceptible too (an infected one by not believing)
        population.state[agents[corrected & (state == SUSCEPTIBLE)]] = RECOVERED
        return Decisions(belief, np.ones(agents.size))
