"""Accuracy nudges: agents are asked to consider accuracy before they post."""

from __future__ import annotations

from pydantic import Field

from interventions.base import Intervention, ScheduledParams, World
from interventions.targeting import Target, target_group

REFERENCE_STRENGTH = 0.3  # the default, at which the costs are quoted


class AccuracyNudge(Intervention):
    """On a schedule, a share of agents is prompted to think about accuracy before deciding.

    The prompt goes before the agent's next decision only (for a real model, a line in the
    opinion prompt; for the surrogate, a pull of ``strength`` towards doubt). Cost:
    ``cost_per_round`` plus ``cost_per_nudge`` per agent nudged, both quoted at the default
    strength 0.3 and scaled by ``strength`` / 0.3 (a stronger nudge is a more insistent,
    better tested prompt), so frequency (``every``), reach and strength all enter the cost.
    """

    class Params(ScheduledParams):
        reach: float = Field(1.0, gt=0, le=1)
        target: Target = "all"
        message: str = Field(
            "Think about whether this story is accurate before you post about it.",
            min_length=3,
            max_length=500,
        )
        strength: float = Field(0.3, gt=0, le=1, description="how strongly it pulls to doubt")
        cost_per_round: float = Field(5.0, ge=0)
        cost_per_nudge: float = Field(0.02, ge=0)

    def least_cost(self, days: int) -> float:
        p = self.params
        return p.rounds(days) * p.cost_per_round * p.strength / REFERENCE_STRENGTH

    def on_day_start(self, world: World) -> None:
        p = self.params
        if not p.due(world.day):
            return
        reached = target_group(world, p.target, p.reach)
        scale = p.strength / REFERENCE_STRENGTH  # exactly 1 at the default
        world.record("round", (), p.cost_per_round * scale, f"{len(reached)} agents")
        world.nudge(reached, p.message, strength=p.strength, cost_each=p.cost_per_nudge * scale)
