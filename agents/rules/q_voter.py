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
from agents.rules.base import Decisions, Exposures
from agents.rules.classic import Discrete, RuleParams, heard_mask, pick_items
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
        u = self.draws(agents, day, p.q + 5)
        slots = pick_items(heard, u[:, 5 : 5 + p.q])
        panel = np.stack([copied(heard, slots[:, i], own) for i in range(p.q)])
        unanimous = (panel == panel[0]).all(axis=0) & heard_mask(heard).any(axis=1)
        independent = u[:, 0] < p.independence
        flipped = np.where(u[:, 1] < 0.5, 1 - own, own)
        new = np.where(independent, flipped, np.where(unanimous, panel[0], own)).astype(np.int8)
        new = resisted(own, new, u[:, 2], population.take_nudges(agents))
        return Decisions(self.settle(agents, new, heard, u[:, 3]), np.ones(agents.size))
