"""``hegselmann_krause``: the Hegselmann-Krause bounded-confidence model (Hegselmann &
Krause, JASSS 5(3), 2002).

At each decision an agent takes the importance-weighted mean of its own opinion (weight
``self_weight``, 1 in the model) and every opinion heard today within ``epsilon`` of it; with
``self_weight`` 0 its own opinion is left out of the mean (as NDlib 6.0.1's HKModel leaves
it), and an agent that hears nobody within reach keeps its opinion. On a complete graph
opinions reach consensus for epsilon above about 0.2 and split into clusters below.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from agents.rows import row_sum
from agents.rules.continuous import Continuous, ContinuousParams, heard_opinions


class Params(ContinuousParams):
    """Hegselmann-Krause parameters."""

    type: Literal["hegselmann_krause"]
    epsilon: float = Field(0.2, gt=0, le=1, description="confidence bound")
    self_weight: float = Field(
        1.0, ge=0, description="weight of the agent's own opinion in its mean (0: left out)"
    )


class HegselmannKrause(Continuous):
    """Average of the opinions within reach."""

    name = "hegselmann_krause"
    key = 0x5D

    def update(self, day, agents, x, heard):
        y, w = heard_opinions(heard)
        w = np.where(np.abs(y - x[:, None]) <= self.params.epsilon, w, 0.0)
        own = self.params.self_weight  # (1.0 * x is x: with 1, the classic mean's floats)
        total = own + row_sum(w)
        mean = (own * x + row_sum(w * y)) / np.where(total > 0, total, 1.0)
        return np.where(total > 0, mean, x)
