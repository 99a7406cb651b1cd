"""The ``surrogate`` rule: the cognitive model of docs/SURROGATE.md on arrays.

Each deciding agent does what the three requests of the ``llm`` rule do, with the equations of
agents/surrogate.py: it sums up what it heard (the importance-weighted stance of the day), keeps
a reflection in long-term memory (that stance, importance ``0.5 + 0.5 |stance|``), and decides
from its memory and the day's summary. Its random draws are keyed hashes of (seed, agent, day,
request kind, draw), the ones the mock backend draws, so both paths give the same answers in
any order or batching.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from agents.keyed_random import keyed_uniforms
from agents.memory import REFLECTION, MemoryItem
from agents.news import NewsItem, opening_post
from agents.persona import Persona
from agents.population import Population
from agents.rules.base import ArrayAgents, Decisions, Exposures, net_stance
from agents.surrogate import (
    OFFICIAL,
    TOPIC_PROFILES,
    Evidence,
    PostFacts,
    SurrogateParameters,
    TopicProfile,
    belief_probability,
    persona_traits,
    stated_confidence,
    write_post,
)

OPINION_KIND = 3  # the opinion request's part of the random key (agents.llm.mock.KIND_CODE)
DRAWS = 5  # the decision's draw, then the post's wording


class SurrogateRule(ArrayAgents):
    """The surrogate cognitive model for agents that live in a ``Population``."""

    name = "surrogate"
    columns: tuple[str, ...] = ()
    updates = ("synchronous", "sequential")

    def __init__(
        self,
        seed: int,
        personas: Sequence[Persona],
        news: NewsItem,
        initial_beliefs: np.ndarray,
        parameters: SurrogateParameters | None = None,
        topics: dict[str, TopicProfile] | None = None,
    ):
        self.seed = seed
        self.personas = personas
        self.news = news
        self.params = parameters or SurrogateParameters()
        topic = (TOPIC_PROFILES if topics is None else topics).get(news.topic)
        self.topic = topic
        self.traits = persona_traits(self.params, personas)
        self._decay = self.params.decay_table()
        n = len(personas)
        self.opening_belief = np.asarray(initial_beliefs, dtype=np.int8).copy()
        # What each agent's latest post's wording depends on (PostFacts), kept to render it.
        self.was_believer = np.zeros(n, dtype=np.int8)
        self.heard_for = np.zeros(n, dtype=np.int16)
        self.official_seen = np.zeros(n, dtype=bool)
        self.lean = np.zeros(n)

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        """Summarise, reflect and decide, for ``agents`` at once."""
        memory = population.memory
        today = net_stance(heard)
        memory.add(agents, today, 0.5 + 0.5 * np.abs(today), REFLECTION, day)
        stance, importance, source, learned = memory.slots(agents)  # one row per slot
        trust_by_code = np.array([self.params.trust(s) for s in memory.sources] or [1.0])
        trust = trust_by_code[source]
        if OFFICIAL in memory.sources:
            official = source == memory.sources.index(OFFICIAL)
            trust = np.where(official, self.traits.official_trust[agents][None, :], trust)
        m = agents.size
        # today's summary weighs as a peer source of today, after everything remembered
        ones, age = np.ones(m), day - learned
        evidence = Evidence(
            [*stance, today], [*importance, ones], [*trust, ones], [*age, np.zeros_like(age[0])]
        )
        nudge = population.take_nudges(agents)
        believes = population.belief[agents]
        appeal = self.topic.at(day) if self.topic else 0.0
        traits = type(self.traits)(*(t[agents] for t in self.traits))
        p = belief_probability(self.params, self._decay, appeal, traits, believes, evidence, nudge)
        u = keyed_uniforms(self.seed, agents, day, OPINION_KIND, 1)[:, 0]
        belief = (u < p).astype(np.int8)
        self.was_believer[agents] = believes
        self.heard_for[agents] = (heard.stance > 0).sum(axis=1)
        self.official_seen[agents] = heard.official | memory.holds(agents, OFFICIAL)
        self.lean[agents] = today
        return Decisions(belief, stated_confidence(p, belief))

    def remember(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        """The item goes into long-term memory, weighed in every later decision."""
        population.memory.add(agents, item.stance, item.importance, item.source, item.day)

    def tally(self, population: Population) -> dict[str, float]:
        return {}

    def texts(self, agents: np.ndarray, population: Population) -> list[tuple[str, str]]:
        """Post and reasoning of each agent's latest post, worded as the mock backend words
        them (agents.surrogate.write_post): the same draws, the same facts."""
        agents = np.asarray(agents, dtype=np.int64)
        days = population.post_day[agents]
        out: list[tuple[str, str]] = [("", "")] * agents.size
        claim = self.news.claim
        for day in np.unique(days).tolist():
            rows = np.flatnonzero(days == day)
            who = agents[rows]
            if day == 0:
                for r, a in zip(rows.tolist(), who.tolist(), strict=True):
                    out[r] = (opening_post(claim, bool(self.opening_belief[a]), a), "")
                continue
            u = keyed_uniforms(self.seed, who, day, OPINION_KIND, DRAWS)[:, 1:].tolist()
            for r, a, u_a in zip(rows.tolist(), who.tolist(), u, strict=True):
                facts = PostFacts(
                    int(population.belief[a]),
                    int(self.was_believer[a]),
                    int(self.heard_for[a]),
                    bool(self.official_seen[a]),
                    float(self.lean[a]),
                )
                out[r] = write_post(self.personas[a], claim, facts, u_a)
        return out

    def get_state(self) -> dict[str, Any]:
        """The facts the latest posts are worded from."""
        return {k: getattr(self, k) for k in ("was_believer", "heard_for", "official_seen", "lean")}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what ``get_state`` returned."""
        for key, value in state.items():
            setattr(self, key, np.array(value))
