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
from agents.rows import row_count
from agents.rules.base import ONCE_A_DAY, ArrayAgents, Decisions, Exposures, net_stance
from agents.surrogate import (
    OFFICIAL,
    TOPIC_PROFILES,
    Evidence,
    PostFacts,
    SurrogateParameters,
    TopicProfile,
    belief_probability,
    passes,
    persona_traits,
    stated_confidence,
    weigh_evidence,
    write_post,
)

OPINION_KIND = 3  # the opinion request's part of the random key (agents.llm.mock.KIND_CODE)
DRAWS = 5  # the decision's draw, then the post's wording


class SurrogateRule(ArrayAgents):
    """The surrogate cognitive model for agents that live in a ``Population``."""

    name = "surrogate"
    columns: tuple[str, ...] = ()
    updates = ONCE_A_DAY

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
        # what start_day weighed, per agent: (total, weight, remembers an official notice)
        self._planned: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._planned_day = -1

    def start_day(self, day: int, agents: np.ndarray, population: Population) -> None:
        """The engine's word that nothing but the day's decisions will change memories until
        they are all made: ``agents`` make room in memory for the day's reflection and weigh
        what they remember now, all at once, not wave by wave (gathering the memories of a
        sequential day's waves cost more than the decisions). ``remember`` cancels it."""
        if self._planned is None:
            n = population.n
            self._planned = (np.zeros(n), np.ones(n), np.zeros(n, dtype=bool))
        (total, weight), held = self._remembered(day, agents, population)
        for planned, value in zip(self._planned, (total, weight, held), strict=True):
            planned[agents] = value
        self._planned_day = day

    def _remembered(self, day: int, agents: np.ndarray, population: Population):
        """((total, weight) of what ``agents`` remember, whether they remember an official
        notice), once their memories have made room for today's reflection."""
        memory = population.memory
        memory.make_room(agents, day)
        stance, importance, source, learned = memory.slots(agents)  # one row per slot
        trust_by_code = np.array([self.params.trust(s) for s in memory.sources] or [1.0])
        official = memory.sources.index(OFFICIAL) if OFFICIAL in memory.sources else None
        official_trust = self.traits.official_trust[agents]
        own = np.where(population.belief[agents] > 0, 1.0, -1.0)
        bias = self.traits.bias[agents]
        total, weight = np.empty(agents.size), np.empty(agents.size)
        for part in passes(agents.size):  # trust and age in cache-sized passes, as weighing
            trust = trust_by_code[source[:, part]]
            if official is not None:
                is_official = source[:, part] == official
                trust = np.where(is_official, official_trust[None, part], trust)
            remembered = Evidence(
                stance[:, part], importance[:, part], trust, day - learned[:, part]
            )
            total[part], weight[part] = weigh_evidence(
                self._decay, bias[part], own[part], remembered
            )
        return (total, weight), memory.holds(agents, OFFICIAL)

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        """Summarise, reflect and decide, for ``agents`` at once: what they remember is weighed
        first (today, or when the day started), then the day's reflection, then its summary,
        item by item in that order as the mock backend weighs them (padding between adds
        exact zeros)."""
        today = net_stance(heard)
        if self._planned_day == day:
            weighed = self._planned[0][agents], self._planned[1][agents]
            held = self._planned[2][agents]
        else:
            weighed, held = self._remembered(day, agents, population)
        reflection = 0.5 + 0.5 * np.abs(today)
        population.memory.add(agents, today, reflection, REFLECTION, day)  # there is room
        m = agents.size
        ones, now = np.ones(m), np.zeros(m, dtype=np.int64)
        trust = np.full(m, self.params.trust(REFLECTION))
        # the reflection as remembered, then today's summary as a peer source of today
        evidence = Evidence([today, today], [reflection, ones], [trust, ones], [now, now])
        nudge = population.take_nudges(agents)
        believes = population.belief[agents]
        appeal = self.topic.at(day) if self.topic else 0.0
        traits = type(self.traits)(*(t[agents] for t in self.traits))
        p = belief_probability(
            self.params, self._decay, appeal, traits, believes, evidence, nudge, weighed
        )
        u = keyed_uniforms(self.seed, agents, day, OPINION_KIND, 1)[:, 0]
        belief = (u < p).astype(np.int8)
        self.was_believer[agents] = believes
        self.heard_for[agents] = row_count(heard.believing())
        self.official_seen[agents] = heard.official | held
        self.lean[agents] = today
        return Decisions(belief, stated_confidence(p, belief))

    def remember(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        """The item goes into long-term memory, weighed in every later decision (today's
        too: memories weighed when the day started are weighed again)."""
        self._planned_day = -1
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
            # Python numbers by column (tolist), not numpy scalars agent by agent: a sampled
            # table's texts took half of a 10k-agent day that way (measured).
            facts = zip(
                population.belief[who].tolist(),
                self.was_believer[who].tolist(),
                self.heard_for[who].tolist(),
                self.official_seen[who].tolist(),
                self.lean[who].tolist(),
                strict=True,
            )
            personas = self.personas
            for r, a, u_a, f in zip(rows.tolist(), who.tolist(), u, facts, strict=True):
                out[r] = write_post(personas[a], claim, PostFacts(*f), u_a)
        return out

    def get_state(self) -> dict[str, Any]:
        """The facts the latest posts are worded from."""
        return {k: getattr(self, k) for k in ("was_believer", "heard_for", "official_seen", "lean")}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what ``get_state`` returned."""
        for key, value in state.items():
            setattr(self, key, np.array(value))
