"""Interventions that put a notice into agents' long-term memory: the official debunk (the FPS
intervention) and the prebunk (inoculation before exposure)."""

from __future__ import annotations

from pydantic import Field

from interventions.base import Intervention, ScheduledParams, World
from interventions.targeting import Target, target_group


class OfficialDebunk(Intervention):
    """An official refutation broadcast on a schedule to a share of a target group.

    Each reached agent gets the message in long-term memory (source ``official``, stance -1,
    importance ``trust``). Cost: ``cost_per_round`` for each broadcast plus
    ``cost_per_agent`` for each agent reached, both quoted at full trust (1.0) and scaled by
    ``trust`` (a less trusted messenger is cheaper to field).
    """

    class Params(ScheduledParams):
        reach: float = Field(1.0, gt=0, le=1, description="share of the target group reached")
        target: Target = Field("all", description="all, believers, non_believers, most_connected")
        message: str = Field(
            "Official statement: the claim that {claim} is false. There is no evidence for it; "
            "please do not share it.",
            min_length=3,
            max_length=1000,
            description="the refutation; {claim} is replaced by the news item's claim",
        )
        source: str = Field("official", pattern=r"^[a-z_]{1,40}$", description="memory source")
        trust: float = Field(1.0, gt=0, le=1, description="importance of the notice in memory")
        cost_per_round: float = Field(10.0, ge=0, description="fixed cost of each broadcast")
        cost_per_agent: float = Field(0.1, ge=0, description="cost per agent reached")

    def least_cost(self, days: int) -> float:
        return self.params.rounds(days) * self.params.cost_per_round * self.params.trust

    def on_day_start(self, world: World) -> None:
        p = self.params
        if not p.due(world.day):
            return
        reached = target_group(world, p.target, p.reach)
        world.record("broadcast", (), p.cost_per_round * p.trust, f"{len(reached)} agents")
        world.deliver_notice(
            reached,
            p.message.format(claim=world.claim),
            source=p.source,
            stance=-1.0,
            importance=p.trust,
            cost_each=p.cost_per_agent * p.trust,
        )


class Prebunk(Intervention):
    """Inoculation: before (or early in) exposure, agents learn the manipulation technique.

    A notice (source ``prebunk``) explaining how stories like this one mislead, with stance
    ``-strength``; by default delivered before day 1 and boosted every 4 days (like any
    memory it fades with age and is forgotten in time). Cost: ``cost_per_round`` plus
    ``cost_per_agent`` per agent reached, both quoted at full strength (1.0) and scaled by
    ``strength``.
    """

    class Params(ScheduledParams):
        start_day: int = Field(0, ge=0, le=3650, description="0: before day 1")
        every: int = Field(4, ge=1, le=3650, description="days between boosters")
        reach: float = Field(1.0, gt=0, le=1, description="share of the target group reached")
        target: Target = "all"
        message: str = Field(
            "A warning about a common trick: stories that cite 'leaked documents' with no named "
            "source, and push you to share before anyone can check, are often made up.",
            min_length=3,
            max_length=1000,
        )
        strength: float = Field(1.0, gt=0, le=1, description="stance against such claims")
        cost_per_round: float = Field(20.0, ge=0)
        cost_per_agent: float = Field(0.2, ge=0)

    def _deliver(self, world: World) -> None:
        p = self.params
        reached = target_group(world, p.target, p.reach)
        world.record("campaign", (), p.cost_per_round * p.strength, f"{len(reached)} agents")
        world.deliver_notice(
            reached,
            p.message.format(claim=world.claim),
            source="prebunk",
            stance=-p.strength,
            importance=1.0,
            cost_each=p.cost_per_agent * p.strength,
        )

    def least_cost(self, days: int) -> float:
        return self.params.rounds(days) * self.params.cost_per_round * self.params.strength

    def on_run_start(self, world: World) -> None:
        if self.params.start_day == 0:
            self._deliver(world)

    def on_day_start(self, world: World) -> None:
        if self.params.due(world.day):  # day 0, if due, was on_run_start
            self._deliver(world)
