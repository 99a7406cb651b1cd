"""Counter-messaging: trusted, well-connected agents post corrections."""

from __future__ import annotations

from pydantic import Field, field_validator

from interventions.base import Intervention, InterventionParams, World, check_day_order
from interventions.targeting import top_k

REFERENCE_WEIGHT = 1.5  # the default, at which cost_per_message is quoted


class CounterMessaging(Intervention):
    """From ``start_day``, ``k`` trusted and well-connected agents who doubt the claim post a
    correction every day, heard by their network neighbours (or, under random mixing, by
    ``audience_size`` random agents a day) with weight ``weight``.

    Messengers are ranked by degree centrality plus trustworthiness (agreeableness and
    conscientiousness, each in 0..1); a messenger who comes to believe the claim stops.
    Cost: ``cost_per_message`` per correction posted, quoted at the default weight 1.5 and
    scaled by ``weight`` / 1.5 (a weightier correction is a better researched one).
    """

    class Params(InterventionParams):
        start_day: int = Field(2, ge=1, le=3650)
        until_day: int | None = Field(None, ge=1, le=3650)
        k: int = Field(3, ge=1, le=1_000_000, description="messengers")
        audience_size: int = Field(5, ge=1, le=100_000, description="under random mixing")
        weight: float = Field(1.5, gt=0, le=5, description="how much a correction weighs")
        message: str = Field(
            "I looked into it: there is no evidence that {claim}. Please check before sharing.",
            min_length=3,
            max_length=1000,
        )
        cost_per_message: float = Field(1.0, ge=0)

        _days_in_order = field_validator("until_day")(check_day_order)

    def __init__(self, params: InterventionParams):
        super().__init__(params)
        self.messengers: list[int] = []

    def on_day_start(self, world: World) -> None:
        p = self.params
        if world.day < p.start_day or (p.until_day is not None and world.day > p.until_day):
            return
        if world.day == p.start_day:
            centrality = world.degree_centrality()
            scores = [
                centrality[a] + world.persona(a).agreeableness + world.persona(a).conscientiousness
                for a in range(world.size)
            ]
            doubters = [a for a, b in enumerate(world.beliefs()) if b == 0]
            self.messengers = top_k(world, scores, p.k, doubters)
        beliefs = world.beliefs()
        text = p.message.format(claim=world.claim)
        cost = p.cost_per_message * (p.weight / REFERENCE_WEIGHT)  # exactly 1x at the default
        for agent in self.messengers:
            if beliefs[agent]:
                continue
            audience = world.neighbours(agent) or self._random_audience(world, agent)
            world.post_message(agent, text, audience, stance=-1.0, weight=p.weight, cost=cost)

    def _random_audience(self, world: World, agent: int) -> list[int]:
        size = min(self.params.audience_size, world.size - 1)
        drawn = world.rng.choice(world.size - 1, size=size, replace=False)
        return sorted(int(a) + (a >= agent) for a in drawn)  # everyone but the messenger
