"""``majority``: the majority rule (Galam, Eur. Phys. J. B 25, 2002; Krapivsky & Redner,
PRL 90, 2003).

At each decision an agent takes the opinion of the majority of the group it is in today:
itself and the posts it heard, each weighing its importance (the agent itself 1). A tie
keeps its own opinion. On random contacts the majority's opinion grows until consensus.

Opinion 1 believes (I), 0 doubts (S before ever believing, R after).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from agents.population import Population
from agents.rows import row_count, row_sum
from agents.rules.base import Decisions, Exposures
from agents.rules.classic import Discrete, RuleParams, corrections_uptake
from agents.rules.voter import resisted


class Params(RuleParams):
    """The majority rule has no parameters: the group is the agent and what it heard."""

    type: Literal["majority"]


class Majority(Discrete):
    """Join the weighted majority of oneself and the posts heard."""

    name = "majority"
    key = 0x59

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        own = population.belief[agents]
        nudge = population.take_nudges(agents)
        uptake = corrections_uptake(heard)
        # draw 0 resists a nudge, 1 takes up a correction
        u = self.some_draws(agents, day, {0: np.isfinite(nudge).any(), 1: uptake.any()})
        if heard.plain:  # every vote +1, -1 or 0: the sum is a count (exact in floats)
            sign = heard.signs()
            heard_votes = (row_count(sign > 0) - row_count(sign < 0)).astype(np.float64)
        else:
            weight = np.maximum(heard.importance, 0.0)  # padding weighs 0
            heard_votes = row_sum(weight * np.sign(heard.stance))
        votes = heard_votes + np.where(own > 0, 1.0, -1.0)
        new = np.where(votes > 0, 1, np.where(votes < 0, 0, own)).astype(np.int8)
        new = resisted(own, new, u[0], nudge)
        return Decisions(self.settle(agents, new, u[1], uptake), np.ones(agents.size))
