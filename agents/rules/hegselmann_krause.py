"""``hegselmann_krause``: the Hegselmann-Krause bounded-confidence model (Hegselmann &
Krause, JASSS 5(3), 2002).

At each decision an agent takes the importance-weighted mean of its own opinion (weight 1)
and every opinion heard today within ``epsilon`` of it. On a complete graph opinions reach
consensus for epsilon above about 0.2 and split into clusters below.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from agents.rules.continuous import Continuous, ContinuousParams, heard_opinions


class Params(ContinuousParams):
    """Hegselmann-Krause parameters."""

    type: Literal["hegselmann_krause"]
    epsilon: float = Field(0.2, gt=0, le=1, description="confidence bound")


class HegselmannKrause(Continuous):
    """Average of the opinions within reach."""

    name = "hegselmann_krause"
    key = 0x5D

    def update(self, day, agents, x, heard):
        y, w = heard_opinions(heard)
        w = np.where(np.abs(y - x[:, None]) <= self.params.epsilon, w, 0.0)
        return (x + (w * y).sum(axis=1)) / (1.0 + w.sum(axis=1))
