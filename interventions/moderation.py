"""Muting or suspending the accounts that spread the claim most."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from interventions.base import Intervention, InterventionParams, SilenceMode, World
from interventions.targeting import top_k


class SuspendSpreaders(Intervention):
    """From ``start_day``, the top ``k`` spreaders are muted or suspended.

    Spreaders are ranked by ``by``: ``believing_posts`` (believing posts published so far;
    only agents with at least one) or ``centrality`` (degree centrality on the contact
    network; under random mixing all agents are equal and the choice is random). Every
    ``reselect_every`` days (null: never) the top k are chosen again among those not yet
    silenced. A muted account's posts reach no one; a suspended account also hears nothing.
    Cost: ``cost_per_account_day`` for each account silenced on each day.
    """

    class Params(InterventionParams):
        start_day: int = Field(3, ge=1, le=3650)
        k: int = Field(3, ge=1, le=1_000_000, description="accounts silenced per selection")
        by: Literal["believing_posts", "centrality"] = "believing_posts"
        mode: SilenceMode = "mute"
        days: int | None = Field(None, ge=1, le=3650, description="how long; null: to the end")
        reselect_every: int | None = Field(3, ge=1, le=3650, description="null: choose once")
        cost_per_account_day: float = Field(2.0, ge=0)

    def __init__(self, params: InterventionParams):
        super().__init__(params)
        self.chosen: list[int] = []

    def _select(self, world: World) -> None:
        p = self.params
        taken = set(self.chosen)
        if p.by == "believing_posts":
            scores = [float(x) for x in world.believing_posts()]
            among = [a for a in range(world.size) if scores[a] > 0 and a not in taken]
        else:
            scores = world.degree_centrality()
            among = [a for a in range(world.size) if a not in taken]
        picked = top_k(world, scores, p.k, among)
        world.silence(picked, p.days, mode=p.mode)
        self.chosen.extend(picked)

    def on_day_start(self, world: World) -> None:
        p = self.params
        if world.day < p.start_day:
            return
        since = world.day - p.start_day
        if since == 0 or (p.reselect_every and since % p.reselect_every == 0):
            self._select(world)
        silenced = [a for a in self.chosen if world.silenced(a)]
        if silenced:
            world.record("silenced_day", silenced, p.cost_per_account_day, p.mode)
