"""Choosing whom an intervention reaches: a share of a target group, drawn from the
intervention's own random generator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from interventions.base import World

Target = Literal["all", "believers", "non_believers", "most_connected"]


def target_group(world: World, target: Target, reach: float) -> list[int]:
    """A ``reach`` share of the ``target`` group, sorted by agent index.

    ``most_connected`` is the ``reach`` share with the highest degree centrality (ties broken
    at random); the other groups are sampled at random.
    """
    if target == "most_connected":
        centrality = world.degree_centrality()
        ties = world.rng.random(world.size)
        ranked = sorted(range(world.size), key=lambda a: (-centrality[a], ties[a]))
        return sorted(ranked[: max(1, round(reach * world.size))])
    if target == "all":
        pool: Sequence[int] = range(world.size)
    else:
        wanted = 1 if target == "believers" else 0
        pool = [a for a, b in enumerate(world.beliefs()) if b == wanted]
    return sample_share(world, pool, reach)


def sample_share(world: World, pool: Sequence[int], share: float) -> list[int]:
    """A random ``share`` of ``pool`` (all of it when share is 1), sorted."""
    pool = list(pool)
    if share >= 1.0 or not pool:
        return pool
    count = round(share * len(pool))
    picked = world.rng.choice(len(pool), size=count, replace=False)
    return sorted(pool[i] for i in picked)


def top_k(world: World, scores: Sequence[float], k: int, among: Sequence[int]) -> list[int]:
    """The ``k`` agents of ``among`` with the highest score (ties at random), sorted."""
    ties = world.rng.random(world.size)
    ranked = sorted(among, key=lambda a: (-scores[a], ties[a]))
    return sorted(ranked[:k])
