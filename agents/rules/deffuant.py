"""``deffuant``: the Deffuant-Weisbuch bounded-confidence model (Deffuant, Neau, Amblard &
Weisbuch, Adv. Complex Systems 3, 2000).

At each decision an agent picks one post it heard today (by importance) and, if that
opinion is within ``epsilon`` of its own, moves toward it by ``mu``: x <- x + mu (y - x).
Only the listener moves (the speaker is moved when it listens). From uniform opinions on a
complete graph the opinions freeze into about floor(1 / (2 epsilon)) large clusters, one
(consensus) for epsilon above about 0.27.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from agents.rules.classic import pick_items
from agents.rules.continuous import Continuous, ContinuousParams, opinion_of


class Params(ContinuousParams):
    """Deffuant-Weisbuch parameters."""

    type: Literal["deffuant"]
    epsilon: float = Field(0.2, gt=0, le=1, description="confidence bound")
    mu: float = Field(0.5, gt=0, le=0.5, description="convergence parameter")


class Deffuant(Continuous):
    """Pairwise bounded confidence."""

    name = "deffuant"
    key = 0x5C

    def update(self, day, agents, x, heard):
        p = self.params
        slot = pick_items(heard, self.draws(agents, day, 1)[:, 0])
        width = heard.speaker.shape[1]
        other = opinion_of(heard.stance_at(np.maximum(slot, 0))) if width else x
        close = (slot >= 0) & (np.abs(other - x) < p.epsilon)
        return np.where(close, x + p.mu * (other - x), x)
