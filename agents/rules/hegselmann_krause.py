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

from agents.rows import row_count, row_sum
from agents.rules.continuous import Continuous, ContinuousParams, heard_opinions, opinion_of


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
        eps = self.params.epsilon
        if heard.plain:  # weights 1 and 0: the weighted sums are a sum and a count
            y = heard.mapped(opinion_of, np.inf)  # a padded slot is never within reach
            gap = y - x[:, None]
            near = np.abs(gap, out=gap) <= eps
            reached, weighed = row_count(near).astype(np.float64), row_sum(np.where(near, y, 0.0))
        else:
            y, w = heard_opinions(heard)
            w = np.where(np.abs(y - x[:, None]) <= eps, w, 0.0)
            reached, weighed = row_sum(w), row_sum(w * y)
        own = self.params.self_weight  # (1.0 * x is x: with 1, the classic mean's floats)
        total = own + reached
        mean = (own * x + weighed) / np.where(total > 0, total, 1.0)
        return np.where(total > 0, mean, x)
