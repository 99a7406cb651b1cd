"""Fact-check labels on posts that repeat the claim."""

from __future__ import annotations

from pydantic import Field

from interventions.base import Intervention, InterventionParams, World


class FactCheckLabel(Intervention):
    """Posts that repeat the claim carry a label once fact-checkers catch up.

    From ``start_day``, a believing post published on day d carries the label from day
    d + ``delay_days`` on; its listeners hear the post with the label appended and its weight
    discounted by ``credibility``. Cost: ``cost_of_check`` once (the fact-check itself) plus
    ``cost_per_label`` per labelled post.
    """

    class Params(InterventionParams):
        start_day: int = Field(1, ge=1, le=3650, description="first day labels appear")
        delay_days: int = Field(1, ge=1, le=3650, description="days from post to label")
        credibility: float = Field(0.7, ge=0, le=1, description="how far readers trust labels")
        label: str = Field(
            "Fact-check: independent fact-checkers found this claim false.",
            min_length=3,
            max_length=300,
        )
        cost_of_check: float = Field(20.0, ge=0)
        cost_per_label: float = Field(0.05, ge=0)

    def __init__(self, params: InterventionParams):
        super().__init__(params)
        self.checked = False

    def on_day_start(self, world: World) -> None:
        p = self.params
        if world.day < p.start_day:
            return
        if not self.checked:
            self.checked = True
            world.record("fact_check", (), p.cost_of_check, "claim rated false")
        for agent in range(world.size):
            post = world.post(agent)
            if post.stance > 0 and world.day - post.day >= p.delay_days:
                world.label_post(agent, p.label, p.credibility, cost=p.cost_per_label)
