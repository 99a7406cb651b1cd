"""What the classic rules share: parameters, keyed draws, posts, state, and how interventions
reach them.

A classic rule (one module each in this package) reads what an agent heard as the field's
models read a neighbour's state: a heard post's stance is +1 from a believer (an infected
agent, a spreader, an opinion of 1) and -1 from the others, a continuous opinion x in 0..1
posts 2x - 1; its importance (1, less with a fact-check label) weighs it; ``speaker`` names
its author (-1 for a correction an intervention sent). Interventions reach rule agents
through the same ``World`` as the surrogate's (docs/INTERVENTIONS.md, per rule):

- a notice or prebunk (``remember``) is taken up with probability ``uptake(item)`` =
  min(1, importance x |stance|); what taking it up does is the rule family's
  (``Compartmental``: removed to R; ``Discrete``: states 0 at the next decision;
  ``Continuous`` in continuous.py: the opinion moves toward the notice's);
- a correction heard today acts as a notice does (the same uptake);
- a nudge of strength s before a decision resists adopting the belief: a step toward
  believing is taken with probability (or by a share) 1 - min(s, 1);
- a label lowers a post's importance, so the post transmits, persuades or counts less;
- a silenced account is not heard (the engine leaves it out).

Random draws are keyed hashes of (seed, agent, day, rule, draw) as the surrogate's are, so a
run gives the same result in any batching and on any number of processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from agents.keyed_random import keyed_uniforms, keyed_uniforms_each
from agents.memory import MemoryItem
from agents.news import NewsItem, opening_post
from agents.population import INFECTED, RECOVERED, SUSCEPTIBLE, Population
from agents.rows import row_count, row_prod
from agents.rules.base import UPDATE_ORDERS, ArrayAgents, Exposures

NOTICE_DRAW = 0x4E  # the notices' part of a rule's random key


class RuleParams(BaseModel):
    """A rule's parameters in the scenario (``agents.rule``): unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


def uptake(item: MemoryItem) -> float:
    """The probability that a notice, prebunk or correction is taken up."""
    return min(1.0, abs(item.stance) * item.importance)


def resistance(nudge: np.ndarray) -> np.ndarray:
    """How strongly each agent resists adopting the belief at this decision (0: no nudge)."""
    return np.where(np.isnan(nudge), 0.0, np.minimum(nudge, 1.0))


def corrections_uptake(heard: Exposures) -> np.ndarray:
    """Per row, the probability that at least one correction heard today is taken up (a
    correction: an item no peer wrote, against the story)."""
    if not heard.corrections:
        return np.zeros(heard.count.size)
    correction = heard.heard() & (heard.speaker < 0)
    if not correction.any():  # most days: no correction at all, and no float pass needed
        return np.zeros(heard.count.size)
    correction &= heard.stance < 0
    take = np.minimum(1.0, np.abs(heard.stance) * heard.importance)
    return 1.0 - row_prod(np.where(correction, 1.0 - take, 1.0))


def all_plain(heard: Exposures) -> bool:
    """Whether every item heard weighs 1 (no label, no correction): the fast paths' test."""
    return heard.plain or bool((row_count(heard.importance == 1.0) == heard.count).all())


def pick_items(heard: Exposures, u: np.ndarray) -> np.ndarray:
    """For each row, the slot of one item heard, chosen with probability proportional to its
    importance by the uniform ``u``; -1 where nothing was heard. With ``u`` of shape (rows,
    draws), one slot per draw, shape (rows, draws)."""
    count = heard.count if u.ndim == 1 else heard.count[:, None]
    if heard.speaker.shape[1] == 0:
        return np.full(u.shape, -1, dtype=np.int64)
    if all_plain(heard):
        # the slot is floor(u x count), what the cumulative weights 1, 2, ..., count give
        # exactly (u x count < count for u < 1)
        slot = (u * count).astype(np.int64)
        everyone_heard = not heard.count.size or heard.count.min() > 0
        return slot if everyone_heard else np.where(count > 0, slot, -1)
    weight = np.maximum(heard.importance, 0.0)  # padding weighs 0 already
    total = np.cumsum(weight, axis=1)
    last = total[:, -1] if u.ndim == 1 else total[:, -1:]
    if u.ndim == 1:
        chosen = row_count(total <= (u * last)[:, None])
    else:
        chosen = (total[:, None, :] <= (u * last)[:, :, None]).sum(axis=2)
    return np.where(last > 0, chosen, -1)


def transmission(heard: Exposures, carries, p: float, resist: np.ndarray):
    """Per row, the probability that at least one of the items ``carries()`` marks (never a
    padded slot: the posts of the agents the rule calls loud, ``Exposures.loud_heard``)
    passes the story on, each independently with probability p x importance (at most 1),
    less the agent's resistance. ``carries`` is a function: where only a count is needed,
    the engine may have counted already."""
    if not resist.any() and all_plain(heard):
        # every factor is 1 - min(1, p) (the general line's floats with importance 1 and no
        # resistance), so a row's product, multiplied in order as row_prod multiplies (times
        # 1 is exact), is that factor's power: read off a table
        factor = 1.0 - min(1.0, p * 1.0) * (1.0 - 0.0)
        carried = heard.loud_heard(carries)
        powers = np.cumprod(np.concatenate([[1.0], np.full(int(carried.max(initial=0)), factor)]))
        return 1.0 - powers[carried]
    each = np.minimum(1.0, p * heard.importance) * (1.0 - resist)[:, None]
    return 1.0 - row_prod(np.where(carries(), 1.0 - each, 1.0))


class ClassicRule(ArrayAgents):
    """A classic rule over the agents of a ``Population`` (``members``: those it governs, by
    default all): subclasses implement ``decide``.

    ``key`` is the rule's part of the random keys; ``state_arrays`` name the arrays that
    change during a run (checkpointed).
    """

    name: ClassVar[str]
    key: ClassVar[int]
    columns: ClassVar[tuple[str, ...]] = ()
    updates: ClassVar[tuple[str, ...]] = UPDATE_ORDERS
    state_arrays: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        params: Any,
        seed: int,
        population: Population,
        news: NewsItem,
        members: np.ndarray | None = None,
    ):
        self.params = params
        self.seed = seed
        self.news = news
        # the agents this rule governs (all of them, but for a group of a hybrid population)
        self.members = np.arange(population.n) if members is None else members
        self._turn = population.turn
        self._notice_day, self._notices_today = -1, 0

    def draws(self, agents: np.ndarray, day: int, count: int | Sequence[int]) -> np.ndarray:
        """``count`` uniforms per agent for ``day``'s decision, or the draws ``count`` names
        (each the same number however many others are drawn); an agent's second turn of a
        random-sequential day draws afresh: the key holds the turn."""
        keys = agents if self._turn is None else agents + (self._turn[agents] << 32)
        return keyed_uniforms(self.seed, keys, day, self.key, count)

    def draws_each(self, agents: np.ndarray, day: int, draw: np.ndarray) -> np.ndarray:
        """One uniform per row: draw number ``draw[i]`` of ``agents[i]`` (the number
        ``draws`` gives in that column)."""
        keys = agents if self._turn is None else agents + (self._turn[agents] << 32)
        return keyed_uniforms_each(self.seed, keys, day, self.key, draw)

    def some_draws(
        self, agents: np.ndarray, day: int, wanted: dict[int, bool]
    ) -> dict[int, np.ndarray]:
        """Per row, the draws ``wanted`` numbers, each only where its flag is True: the
        others decide nothing today (a chance of 0: no nudge, no correction) and read 1.0,
        which no chance passes. A draw is the same number whichever others are drawn."""
        numbers = [d for d, needed in wanted.items() if needed]
        u = self.draws(agents, day, numbers) if numbers else np.empty((agents.size, 0))
        never = np.ones(agents.size)
        drawn = dict(zip(numbers, u.T, strict=True))
        return {d: drawn.get(d, never) for d in wanted}

    def happens(
        self, agents: np.ndarray, day: int, among: np.ndarray, draw: int, chance
    ) -> np.ndarray:
        """Whether an event of probability ``chance`` (a number, or one per agent) happens to
        each agent ``among`` marks, by its draw number ``draw`` (drawn for them only: each
        draw is the same number whoever else draws); False for the others."""
        out = np.zeros(agents.size, dtype=bool)
        rows = np.flatnonzero(among)
        if rows.size:
            chance = chance[rows] if isinstance(chance, np.ndarray) else chance
            out[rows] = self.draws(agents[rows], day, [draw])[:, 0] < chance
        return out

    def corrected(self, agents: np.ndarray, day: int, heard: Exposures, draw: int) -> np.ndarray:
        """Which agents take up a correction heard today, by their draw number ``draw``
        (drawn only on a day with corrections: a chance of 0 is never taken)."""
        chance = corrections_uptake(heard)
        if not chance.any():
            return np.zeros(agents.size, dtype=bool)
        return self.draws(agents, day, [draw])[:, 0] < chance

    def notice_draws(self, agents: np.ndarray, day: int) -> np.ndarray:
        """One uniform per agent for the day's next notice (a second notice that day draws
        afresh)."""
        if day != self._notice_day:
            self._notice_day, self._notices_today = day, 0
        self._notices_today += 1
        kind = (self.key << 8) | NOTICE_DRAW
        return keyed_uniforms(self.seed, agents, day, kind, self._notices_today)[:, -1]

    def remember(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        """Who takes the notice up is the family's to act on (``take_notice``)."""
        u = self.notice_draws(agents, item.day)
        self.take_notice(agents[u < uptake(item)], item, population)

    def take_notice(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        raise NotImplementedError

    def tally(self, population: Population) -> dict[str, float]:
        return {}

    def describe(self, agents: np.ndarray, population: Population) -> list[str]:
        """Each agent's state in the rule's own words (the agent table's reasoning)."""
        names = {SUSCEPTIBLE: "susceptible", INFECTED: "infected", RECOVERED: "recovered"}
        return [names[s] for s in population.state[agents].tolist()]

    def texts(self, agents: np.ndarray, population: Population) -> list[tuple[str, str]]:
        """The post states the agent's belief as an opening post does; the reasoning is the
        rule's state of the agent."""
        agents = np.asarray(agents, dtype=np.int64)
        claim = self.news.claim
        states = self.describe(agents, population)
        beliefs = population.belief[agents].tolist()
        return [
            (opening_post(claim, bool(b), a), f"{self.name}: {s}")
            for a, b, s in zip(agents.tolist(), beliefs, states, strict=True)
        ]

    def get_state(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.state_arrays}

    def set_state(self, state: dict[str, Any]) -> None:
        for key in self.state_arrays:
            setattr(self, key, np.array(state[key]))


class Compartmental(ClassicRule):
    """Contagion and rumour rules whose states are the run's S/I/R (ignorant, spreader,
    stifler; inactive, active). Taking up a notice removes an agent: S and I become R at
    once (an I stops believing at its next decision).

    Not random-sequential: their rates are per day (a recovery, an infection per contact),
    which an agent taking two turns, or none, in a day would not keep."""

    updates: ClassVar[tuple[str, ...]] = ("synchronous", "sequential")

    def take_notice(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        population.state[agents] = RECOVERED


class Discrete(ClassicRule):
    """Binary opinion rules (0: doubts, 1: believes the story). Taking up a notice, or a
    correction heard, makes the agent state 0 at its next decision, whatever it hears."""

    state_arrays = ("debunked",)

    def __init__(
        self,
        params: Any,
        seed: int,
        population: Population,
        news: NewsItem,
        members: np.ndarray | None = None,
    ):
        super().__init__(params, seed, population, news, members)
        self.debunked = np.zeros(population.n, dtype=bool)

    def take_notice(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        self.debunked[agents] = True

    def settle(
        self,
        agents: np.ndarray,
        belief: np.ndarray,
        u: np.ndarray,
        uptake: np.ndarray,
    ) -> np.ndarray:
        """``belief`` after the day's notices and corrections (``u``: one uniform per row;
        ``uptake``: ``corrections_uptake(heard)``)."""
        corrected = u < uptake
        out = np.where(self.debunked[agents] | corrected, 0, belief).astype(np.int8)
        self.debunked[agents] = False
        return out

    def describe(self, agents: np.ndarray, population: Population) -> list[str]:
        return [f"opinion {b}" for b in population.belief[agents].tolist()]
