"""The ``llm`` rule inside a population on arrays: a group of citizens deciding by requests.

In a hybrid population (docs/RULES.md) the agents of an ``llm`` group stay what they are in a
population of citizens: Mesa agents (``agents.citizen.Citizen``) with a persona, a short-term
and a long-term memory, sending the three requests of a day (summarise, reflect, opinion) to
the backend. They live in the same ``Population`` as the rule-governed agents and hear them:
the engine hands this rule the posts each citizen heard as records (``Exposures.items``), a
rule agent's post rendered as text by its own rule, so a citizen reads a classic or surrogate
agent's post as it reads another citizen's. What a citizen decides goes back into the
population's columns, and rule agents hear its post by its stance (+1 believing, -1 not).

The agents that decide together (all of them in a synchronous day, a wave of the acting
order in a sequential one) send each request kind as one batch, so the backend's concurrency
serves the whole group at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import mesa
import numpy as np

from agents.citizen import Citizen
from agents.llm.base import REQUEST_KINDS, LanguageModel, Sampling
from agents.memory import LongTermMemory, MemoryItem, ShortTermMemory
from agents.news import NewsItem
from agents.persona import Persona
from agents.population import Population
from agents.rules.base import ONCE_A_DAY, Decisions, Exposures


class LanguageModelRule:
    """Citizens among the ``members`` of a population, deciding by a language model."""

    name = "llm"
    columns: tuple[str, ...] = ()  # failed requests are daily.csv's own column
    updates = ONCE_A_DAY

    def __init__(
        self,
        model: mesa.Model,
        members: np.ndarray,
        personas: Sequence[Persona],
        news: NewsItem,
        population: Population,
        backend: LanguageModel,
        sampling: dict[str, Sampling],
        memory,
    ):
        """``memory``: the scenario's ``agents.memory`` settings."""
        self.backend = backend
        self.sampling = sampling
        self.citizens: dict[int, Citizen] = {
            int(i): Citizen(
                model,
                int(i),
                personas[i],
                news,
                believes=bool(population.belief[i]),
                short_term=ShortTermMemory(memory.short_term_capacity, memory.max_item_chars),
                long_term=LongTermMemory(memory.long_term_capacity, memory.max_item_chars),
            )
            for i in np.asarray(members, dtype=np.int64).tolist()
        }
        self._loop = asyncio.Runner()

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        if heard.items is None:
            raise ValueError("the llm rule reads posts as text: the engine must give items")
        citizens = [self.citizens[a] for a in agents.tolist()]
        for citizen, items in zip(citizens, heard.items, strict=True):
            citizen.start_day()
            citizen.hear(items)
        for kind in REQUEST_KINDS:
            sampling = self.sampling[kind]
            requests = [c.request(kind, day, sampling) for c in citizens]
            answers = self._loop.run(self.backend.complete(requests))
            for citizen, answer in zip(citizens, answers, strict=True):
                citizen.apply(kind, answer, day)
        belief = np.fromiter((c.belief for c in citizens), dtype=np.int8, count=len(citizens))
        confidence = np.fromiter((c.confidence for c in citizens), float, count=len(citizens))
        return Decisions(belief, confidence)

    def start_day(self, day: int, agents: np.ndarray, population: Population) -> None:
        """Citizens prepare nothing: each reads its own memory when it acts."""

    def settled(self, day: int, population: Population) -> None:
        """A citizen is always asked: what it does is the model's to say."""
        return None

    def remember(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        for a in agents.tolist():
            self.citizens[a].remember(item)

    def nudge(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        """A citizen keeps the prompt itself, for its next opinion request."""
        for a in agents.tolist():
            self.citizens[a].add_nudge(item)

    def tally(self, population: Population) -> dict[str, float]:
        return {}

    def texts(self, agents: np.ndarray, population: Population) -> list[tuple[str, str]]:
        return [(self.citizens[a].post, self.citizens[a].reasoning) for a in agents.tolist()]

    def get_state(self) -> dict[str, Any]:
        return {str(i): c.get_state() for i, c in self.citizens.items()}

    def set_state(self, state: dict[str, Any]) -> None:
        for i, citizen in self.citizens.items():
            citizen.set_state(state[str(i)])

    def close(self) -> None:
        """Close the backend and the event loop."""
        self._loop.run(self.backend.aclose())
        self._loop.close()
