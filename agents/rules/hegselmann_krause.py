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

UNREACHABLE = 1e300
"""The opinion read in a padded slot: no opinion in 0..1 is within reach of it (epsilon is at
most 1), and unlike inf it times 0 is 0."""


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
            shape, work = heard.speaker.shape, self.scratch
            y = heard.mapped(opinion_of, UNREACHABLE, out=work.array("heard", shape))
            gap = np.subtract(y, x[:, None], out=work.array("gap", shape))
            near = np.less_equal(np.abs(gap, out=gap), eps, out=work.array("near", shape, bool))
            reached = row_count(near).astype(np.float64)
            # y times 1 or 0 is np.where(near, y, 0.0)'s floats, at a sixth of a masked copy
            weighed = row_sum(np.multiply(y, near.view(np.uint8), out=y))
        else:
            y, w = heard_opinions(heard)
            w = np.where(np.abs(y - x[:, None]) <= eps, w, 0.0)
            reached, weighed = row_sum(w), row_sum(w * y)
        own = self.params.self_weight  # (1.0 * x is x: with 1, the classic mean's floats)
        total = own + reached
        mean = (own * x + weighed) / np.where(total > 0, total, 1.0)
        return np.where(total > 0, mean, x)
