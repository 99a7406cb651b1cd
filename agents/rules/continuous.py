"""What the continuous-opinion rules share (degroot, friedkin_johnsen, deffuant,
hegselmann_krause).

Each agent holds an opinion x in 0..1, how far it believes the story (1: sure it is true).
It posts 2x - 1, states belief when x is above ``threshold`` and confidence |2x - 1|, so the
run's mean attitude is the mean of 2x - 1 when the threshold is 0.5. A post heard with
stance s is the opinion (s + 1) / 2: a believer's post from an agent of another rule is 1, a
doubter's 0. Opinions start uniform in 0..1 (``initial: uniform``, keyed on the seed) or at 1
for the initial believers and 0 for the rest (``initial: believers``).

Each day adds three columns to daily.csv: the opinions' mean and variance and the number of
opinion clusters (``opinion_clusters``). A notice, prebunk or correction taken up moves an
opinion toward the notice's own, (stance + 1) / 2, by min(1, importance): a full-strength
debunk sets it to 0.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field

from agents.keyed_random import keyed_uniforms
from agents.memory import MemoryItem
from agents.news import NewsItem
from agents.population import Population
from agents.rules.base import Decisions, Exposures
from agents.rules.classic import ClassicRule, RuleParams, corrections_uptake, resistance
from agents.scratch import Scratch

CLUSTER_GAP = 0.02
"""Opinions closer than this to their neighbour in sorted order are one cluster."""
CLUSTER_MIN_SHARE = 0.01
"""A cluster counts in ``opinion_clusters`` when it holds at least this share of agents."""
INITIAL_DRAW = 0x1A


class ContinuousParams(RuleParams):
    """Parameters every continuous rule has."""

    threshold: float = Field(0.5, gt=0, lt=1, description="an opinion above it believes")
    initial: Literal["uniform", "believers"] = Field(
        "uniform", description="uniform in 0..1, or 1 for the initial believers and 0 else"
    )


def opinion_clusters(
    x: np.ndarray, gap: float = CLUSTER_GAP, min_share: float = CLUSTER_MIN_SHARE
) -> int:
    """Groups of opinions no more than ``gap`` apart in sorted order that hold at least
    ``min_share`` of the agents.

    Without sorting (a sort of a million opinions cost most of a continuous rule's day): the
    opinions fall into buckets of width gap / 2 in order, so no gap wider than ``gap`` lies
    inside a bucket and the gaps between neighbours in sorted order that matter are those
    between one non-empty bucket's largest opinion and the next one's smallest, the same
    floats the sorted differences compare."""
    if x.size == 0:
        return 0
    low, width = x.min(), gap / 2
    buckets = int((x.max() - low) / width) + 1
    if buckets > x.size:  # opinions spread far apart: sorting costs less
        ordered = np.sort(x)
        bounds = np.concatenate([[0], np.flatnonzero(np.diff(ordered) > gap) + 1, [x.size]])
        return int((np.diff(bounds) >= min_share * x.size).sum())
    bucket = ((x - low) / width).astype(np.int64)
    count = np.bincount(bucket, minlength=buckets)
    smallest, largest = np.full(count.size, np.inf), np.full(count.size, -np.inf)
    np.minimum.at(smallest, bucket, x)
    np.maximum.at(largest, bucket, x)
    full = np.flatnonzero(count)
    cut = np.flatnonzero(smallest[full[1:]] - largest[full[:-1]] > gap) + 1
    sizes = np.add.reduceat(count[full], np.concatenate([[0], cut]))
    return int((sizes >= min_share * x.size).sum())


def opinion_of(stance: np.ndarray) -> np.ndarray:
    """The opinion a post states, (stance + 1) / 2 (a padded slot's stance 0 reads 0.5)."""
    return (np.clip(stance, -1, 1) + 1.0) / 2.0


def heard_opinions(heard: Exposures) -> tuple[np.ndarray, np.ndarray]:
    """The opinions heard, (stance + 1) / 2, and their weights (0 past each row's count)."""
    weight = np.maximum(heard.importance, 0.0)  # padding weighs 0
    return heard.mapped(opinion_of, 0.5), weight


class Continuous(ClassicRule):
    """A continuous-opinion rule: subclasses implement ``update``."""

    columns: ClassVar[tuple[str, ...]] = ("opinion_mean", "opinion_variance", "opinion_clusters")
    state_arrays: ClassVar[tuple[str, ...]] = ("opinion",)

    def __init__(
        self,
        params: Any,
        seed: int,
        population: Population,
        news: NewsItem,
        members: np.ndarray | None = None,
    ):
        super().__init__(params, seed, population, news, members)
        self.scratch = Scratch()  # the day's work arrays over the slots heard
        if params.initial == "uniform":
            everyone = np.arange(population.n)
            kind = (self.key << 8) | INITIAL_DRAW
            self.opinion = keyed_uniforms(seed, everyone, 0, kind, 1)[:, 0]
        else:
            self.opinion = population.belief.astype(float)
        self.initial = self.opinion.copy()  # derived from the seed: not saved state
        x = self.opinion[self.members]
        population.open_with(self.members, self._beliefs(x), 2.0 * x - 1.0)
        population.confidence[self.members] = np.abs(2.0 * x - 1.0)

    def _beliefs(self, x: np.ndarray) -> np.ndarray:
        return (x > self.params.threshold).astype(np.int8)

    def update(self, day: int, agents: np.ndarray, x: np.ndarray, heard: Exposures) -> np.ndarray:
        """The agents' opinions after today's posts (``x``: their opinions now)."""
        raise NotImplementedError

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        x = self.opinion[agents]
        new = self.update(day, agents, x, heard)
        resist = resistance(population.take_nudges(agents))
        new = np.where(new > x, x + (new - x) * (1.0 - resist), new)  # a nudge holds back a rise
        take = corrections_uptake(heard)  # corrections move the opinion toward 0, by uptake
        new = new * (1.0 - take)
        self.opinion[agents] = new
        stance = 2.0 * new - 1.0
        return Decisions(self._beliefs(new), np.abs(stance), stance)

    def remember(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        """The opinion moves toward the notice's, by min(1, importance)."""
        target = (max(-1.0, min(1.0, item.stance)) + 1.0) / 2.0
        step = min(1.0, item.importance)
        self.opinion[agents] += step * (target - self.opinion[agents])

    def tally(self, population: Population) -> dict[str, float]:
        x = self.opinion[self.members]
        return {
            "opinion_mean": float(x.mean()),
            "opinion_variance": float(x.var()),
            "opinion_clusters": opinion_clusters(x),
        }

    def describe(self, agents: np.ndarray, population: Population) -> list[str]:
        return [f"opinion {v:.3f}" for v in self.opinion[agents].tolist()]
