"""Fact-check labels on posts that repeat the claim."""

from __future__ import annotations

from pydantic import Field

from interventions.base import Intervention, InterventionParams, World

REFERENCE_CREDIBILITY = 0.7  # the default, at which cost_per_label is quoted


class FactCheckLabel(Intervention):
    """Posts that repeat the claim carry a label once fact-checkers catch up with the account.

    Posts last a day (each agent's latest post replaces the one before), so the delay is
    counted from when an account began repeating the claim: an account that has published a
    believing post every day since day s has its believing posts labelled from day
    s + ``delay_days`` on (from ``start_day``). With the default delay of 1, yesterday's
    believing posts are labelled today; with 2, only those of accounts that also posted
    believing the day before; a non-believing post ends the run of days. Listeners hear a
    labelled post with the label appended and its weight discounted by ``credibility``.
    Cost: ``cost_of_check`` once (the fact-check itself) plus, per labelled post,
    ``cost_per_label`` x ``credibility`` / 0.7: costs are quoted at the default
    credibility, and more trusted labels (a better-known checker, more review) cost more.
    """

    class Params(InterventionParams):
        start_day: int = Field(1, ge=1, le=3650, description="first day labels appear")
        delay_days: int = Field(
            1, ge=1, le=3650, description="days an account repeats the claim before its label"
        )
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
        self.claiming_since: dict[int, int] = {}  # agent -> first day of its believing posts

    def on_day_start(self, world: World) -> None:
        p = self.params
        since = self.claiming_since
        labelling = world.day >= p.start_day
        if labelling and not self.checked:
            self.checked = True
            world.record("fact_check", (), p.cost_of_check, "claim rated false")
        cost = p.cost_per_label * (p.credibility / REFERENCE_CREDIBILITY)  # exact at the default
        # Accounts are followed from day 1 whatever start_day is, so a run of believing days
        # begun earlier counts.
        for agent in range(world.size):
            post = world.post(agent)
            if post.stance <= 0:
                since.pop(agent, None)
                continue
            first = since.setdefault(agent, post.day)
            if labelling and world.day - first >= p.delay_days:
                world.label_post(agent, p.label, p.credibility, cost=cost)
