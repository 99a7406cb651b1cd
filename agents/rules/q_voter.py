"""``q_voter``: the q-voter model with independence (Nyczka, Sznajd-Weron & Cislo, J. Phys.
A 45, 2012).

At each decision an agent is independent with probability ``independence``: it then flips
its opinion with probability 1/2. Otherwise it conforms: it picks ``q`` of the posts it
heard today, with repetition (each by its importance), and if all q state the same opinion
it adopts it; if not, or if it heard nothing, it keeps its own.

Opinion 1 believes (I), 0 doubts (S before ever believing, R after).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from agents.population import Population
from agents.rows import row_all
from agents.rules.base import Decisions, Exposures
from agents.rules.classic import Discrete, RuleParams, corrections_uptake, pick_items
from agents.rules.voter import copied, resisted


class Params(RuleParams):
    """q-voter parameters."""

    type: Literal["q_voter"]
    q: int = Field(4, ge=1, le=50, description="size of the group an agent conforms to")
    independence: float = Field(
        0.1, ge=0, le=1, description="probability of acting independently (flip with 1/2)"
    )


class QVoter(Discrete):
    """Conform to a unanimous q-panel, or act independently."""

    name = "q_voter"
    key = 0x58

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        p = self.params
        own = population.belief[agents]
        nudge = population.take_nudges(agents)
        uptake = corrections_uptake(heard)
        # Draws 0 and 1 act independently, 2 resists a nudge, 3 takes up a correction, 5..
        # pick the panel.
        wanted = {0: True, 1: True, 2: np.isfinite(nudge).any(), 3: uptake.any()}
        drawn = self.some_draws(agents, day, wanted)
        slots = pick_items(heard, self.draws(agents, day, range(5, 5 + p.q)))
        panel = copied(heard, slots, own[:, None])
        unanimous = row_all(panel == panel[:, :1]) & (heard.count > 0)
        independent = drawn[0] < p.independence
        flipped = np.where(drawn[1] < 0.5, 1 - own, own)
        new = np.where(independent, flipped, np.where(unanimous, panel[:, 0], own)).astype(np.int8)
        new = resisted(own, new, drawn[2], nudge)
        belief = self.settle(agents, new, drawn[3], uptake)
        return Decisions(belief, np.ones(agents.size))
