"""``friedkin_johnsen``: DeGroot averaging with stubbornness (Friedkin & Johnsen, J. Math.
Sociology 15, 1990).

x_i <- (1 - s) * DeGroot(x)_i + s * x_i(0): each agent keeps a share ``stubbornness`` (s) of
its initial opinion every day, so opinions converge to x* = s (I - (1 - s) W)^-1 x(0)
rather than to a consensus. ``stubbornness: 0`` is DeGroot.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agents.rules.continuous import Continuous, ContinuousParams
from agents.rules.degroot import averaged


class Params(ContinuousParams):
    """Friedkin-Johnsen parameters."""

    type: Literal["friedkin_johnsen"]
    stubbornness: float = Field(0.5, ge=0, le=1, description="weight of the initial opinion")
    self_weight: float | None = Field(
        None, ge=0, le=1, description="DeGroot's weight of one's own opinion; null: as a post"
    )


class FriedkinJohnsen(Continuous):
    """Averaging anchored to the initial opinion."""

    name = "friedkin_johnsen"
    key = 0x5B

    def update(self, day, agents, x, heard):
        s = self.params.stubbornness
        mean = averaged(x, heard, self.params.self_weight, self.scratch)
        return (1.0 - s) * mean + s * self.initial[agents]
