"""``degroot``: DeGroot's weighted averaging (DeGroot, JASA 69, 1974).

x_i <- w x_i + (1 - w) * (importance-weighted mean of the opinions heard today), with w the
``self_weight``; with ``self_weight: null`` the agent weighs itself as one more post, so on
a graph whose listeners hear all their neighbours the update is x <- W x with
W = (I + A) / (degree + 1) row by row. On a connected graph W is primitive and the opinions
converge to pi^T x0, pi the left unit eigenvector of W (pi_i proportional to degree + 1).
An agent that heard nothing keeps its opinion.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from agents.rows import row_sum
from agents.rules.base import Exposures
from agents.rules.continuous import Continuous, ContinuousParams, heard_opinions, opinion_of
from agents.scratch import Scratch


class Params(ContinuousParams):
    """DeGroot parameters."""

    type: Literal["degroot"]
    self_weight: float | None = Field(
        None, ge=0, le=1, description="weight of one's own opinion; null: as one more post"
    )


def averaged(
    x: np.ndarray, heard: Exposures, self_weight: float | None, scratch: Scratch
) -> np.ndarray:
    """DeGroot's update of opinions ``x`` by the posts heard."""
    if heard.plain:  # weights 1 and 0: the weighted sums are a sum and a count
        y = heard.mapped(opinion_of, 0.0, out=scratch.array("heard", heard.speaker.shape))
        weighed, total = row_sum(y), heard.count.astype(np.float64)
    else:
        y, w = heard_opinions(heard)
        weighed, total = row_sum(w * y), row_sum(w)
    if self_weight is None:
        return (x + weighed) / (1.0 + total)
    mean = np.divide(weighed, total, out=x.copy(), where=total > 0)
    return self_weight * x + (1.0 - self_weight) * mean


class DeGroot(Continuous):
    """Weighted averaging."""

    name = "degroot"
    key = 0x5A

    def update(self, day, agents, x, heard):
        return averaged(x, heard, self.params.self_weight, self.scratch)
