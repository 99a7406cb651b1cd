"""The decision-rule plug-in interface.

A decision rule governs agents that live as columns of a ``Population`` (agents/population.py)
rather than as one Python object each. Each day the engine hands it the agents that may decide
together (all of them under synchronous updates; a wave of the random order under sequential
ones) with what each of them heard, and the rule returns their beliefs and confidences. The
engine then publishes their posts and switches S/I/R states; the rule may write the memories
its cognition keeps (the surrogate stores its daily reflection) through ``population.memory``.

A post's wording is the rule's business: ``texts`` renders it only when something reads it
(a written row of the agent table, an intervention asking for the post), so a million agents
cost no strings.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

import numpy as np

from agents.population import Population


class Exposures(NamedTuple):
    """What each deciding agent heard today, one row each, items in the order heard and
    padded with zeros past ``count``: the items' stances (+1 for a believing post) and the
    importance they are heard with (1 for a plain post, less with a fact-check label, more for
    a trusted correction). ``official`` says whether an official source was among them."""

    stance: np.ndarray
    importance: np.ndarray
    count: np.ndarray
    official: np.ndarray


class Decisions(NamedTuple):
    """The day's stated beliefs (0/1) and confidences of the deciding agents."""

    belief: np.ndarray
    confidence: np.ndarray


class DecisionRule(Protocol):
    """How a group of array-governed agents decides."""

    name: str

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        """Today's decisions of ``agents`` (their current beliefs are still in ``population``)."""
        ...

    def texts(self, agents: np.ndarray, population: Population) -> list[tuple[str, str]]:
        """The latest post and reasoning of each of ``agents``."""
        ...

    def get_state(self) -> dict[str, Any]:
        """What the rule keeps that changes during a run (for checkpoints)."""
        ...

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what ``get_state`` returned."""
        ...


def net_stance(heard: Exposures) -> np.ndarray:
    """Importance-weighted stance per item heard (0 when nothing was heard), summed item by
    item as ``ShortTermMemory.net_stance`` does."""
    total = np.zeros(heard.count.shape)
    for j in range(heard.stance.shape[1]):
        total += heard.importance[:, j] * heard.stance[:, j]
    return np.where(heard.count > 0, total / np.maximum(heard.count, 1), 0.0)
