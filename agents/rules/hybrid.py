"""A hybrid population: named groups of agents, each deciding by its own rule, in one
population and one contact structure.

Every group's rule sees the whole ``Population`` but decides only for its members: each day
the engine's deciding agents are split by group, each group's rule decides for its share
(with the rows of the exposures that are theirs), and the decisions are put back in order.
Groups hear each other through their posts: a rule agent hears another group's post by its
stance, as it hears its own group's; an ``llm`` group's citizens (``citizens``, by index)
read every post as text. Each group adds ``GROUP.believers`` to daily.csv, and
its rule's own columns as ``GROUP.COLUMN``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.memory import MemoryItem
from agents.population import Population
from agents.rules.base import UPDATE_ORDERS, DecisionRule, Decisions, Exposures, Settled


class Hybrid:
    """Groups of agents with rules of their own."""

    name = "hybrid"

    def __init__(self, groups: dict[str, tuple[np.ndarray, DecisionRule]], n: int):
        """``groups``: name -> (members, rule); every agent is in exactly one group."""
        self.groups = groups
        self.group_of = np.full(n, -1, dtype=np.int64)
        for g, (members, _) in enumerate(groups.values()):
            self.group_of[members] = g
        if (self.group_of < 0).any():
            raise ValueError("every agent must be in a group")
        self._rules = [rule for _, rule in groups.values()]
        orders = [set(rule.updates) for rule in self._rules]
        self.updates = tuple(u for u in UPDATE_ORDERS if all(u in o for o in orders))
        self.citizens = {
            i: c for rule in self._rules for i, c in getattr(rule, "citizens", {}).items()
        }
        self.columns = tuple(
            column
            for name, (_, rule) in groups.items()
            for column in (f"{name}.believers", *(f"{name}.{c}" for c in rule.columns))
        )

    def _split(self, agents: np.ndarray):
        """(rule, row positions) for each group with agents among ``agents``."""
        which = self.group_of[agents]
        for g, rule in enumerate(self._rules):
            rows = np.flatnonzero(which == g)
            if rows.size:
                yield rule, rows

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        belief = np.zeros(agents.size, dtype=np.int8)
        confidence = np.ones(agents.size)
        stances = []  # (rows, stance) of the rules that post a stance of their own
        for rule, rows in self._split(agents):
            mine = heard.rows(rows)
            decided = rule.decide(day, agents[rows], mine, population)
            belief[rows], confidence[rows] = decided.belief, decided.confidence
            if decided.stance is not None:
                stances.append((rows, decided.stance))
        if not stances:
            return Decisions(belief, confidence)
        stance = np.where(belief > 0, 1.0, -1.0)
        for rows, values in stances:
            stance[rows] = values
        return Decisions(belief, confidence, stance)

    def start_day(self, day: int, agents: np.ndarray, population: Population) -> None:
        for rule, rows in self._split(agents):
            rule.start_day(day, agents[rows], population)

    def settled(self, day: int, population: Population) -> Settled | None:
        agents = np.zeros(population.n, dtype=bool)
        movable = np.zeros(population.n, dtype=bool)
        louds = []
        for members, rule in self.groups.values():
            mine = rule.settled(day, population)
            if mine is None:  # a group whose every agent must be asked
                return None
            agents[members], movable[members] = mine.agents[members], mine.movable[members]
            louds.append(mine.loud)
        # a post that can move any group's agents is loud (None: every believing post can)
        loud = None if any(x is None for x in louds) else np.logical_or.reduce(louds)
        return Settled(agents, movable, loud)

    def remember(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        for rule, rows in self._split(agents):
            rule.remember(agents[rows], item, population)

    def nudge(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        for rule, rows in self._split(agents):
            rule.nudge(agents[rows], item, population)

    def close(self) -> None:
        for rule in self._rules:
            rule.close()

    def tally(self, population: Population) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, (members, rule) in self.groups.items():
            out[f"{name}.believers"] = int((population.belief[members] > 0).sum())
            out.update({f"{name}.{k}": v for k, v in rule.tally(population).items()})
        return out

    def texts(self, agents: np.ndarray, population: Population) -> list[tuple[str, str]]:
        agents = np.asarray(agents, dtype=np.int64)
        out: list[tuple[str, str]] = [("", "")] * agents.size
        for rule, rows in self._split(agents):
            for r, text in zip(rows.tolist(), rule.texts(agents[rows], population), strict=True):
                out[r] = text
        return out

    def get_state(self) -> dict[str, Any]:
        return {name: rule.get_state() for name, (_, rule) in self.groups.items()}

    def set_state(self, state: dict[str, Any]) -> None:
        for name, (_, rule) in self.groups.items():
            rule.set_state(state[name])
