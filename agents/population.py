"""A population's state as arrays: one entry per agent, no Python object per agent.

Agents are indices 0..n-1. What the object-per-agent ``Citizen`` keeps in attributes lives here
in columns: the stated belief and confidence, the S/I/R state, the latest post as listeners
hear it (stance, weight, day; its text is rendered by the decision rule only when someone
reads it), the nudges waiting before the next decision, and a bounded long-term memory of
fixed-capacity arrays. Decision rules (agents/rules/) read and write these columns for the
agents they govern.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SUSCEPTIBLE, INFECTED, RECOVERED = 0, 1, 2
STATE_LETTERS = ("S", "I", "R")
"""S/I/R codes and the letters outputs use for them (agents.citizen's states)."""


class MemoryArrays:
    """Every agent's long-term memory: at most ``capacity`` items of (stance, importance,
    source, day), in the order they were learned.

    The same rule as ``agents.memory.LongTermMemory``: when an agent's memory is full, the item
    with the lowest retention ``importance * decay ** age`` goes (never the one just learned,
    the first such item on a tie), so an official notice outlives an ordinary day's reflection.
    Slots past an agent's ``count`` hold zeros. Sources are coded by ``code(source)``; the
    vocabulary is saved with the state.

    Stored slot-major, shape (capacity + 1, n): slot j of every agent is one contiguous row,
    since every pass over a day (the evidence sum, forgetting) goes slot by slot over all
    deciding agents.
    """

    def __init__(self, n: int, capacity: int, decay: float = 0.85):
        self.capacity = capacity
        self.decay = decay
        shape = (capacity + 1, n)  # a spare slot: the new item, before the weakest goes
        self.stance = np.zeros(shape)
        self.importance = np.zeros(shape)
        self.source = np.zeros(shape, dtype=np.int8)  # a code of ``sources``
        self.day = np.zeros(shape, dtype=np.int16)  # runs last at most 3650 days
        self.count = np.zeros(n, dtype=np.int16)
        self.sources: list[str] = []
        self._retention = np.ones(1)  # decay ** age, Python's power, for ages seen so far

    def code(self, source: str) -> int:
        """The code of ``source`` (added to the vocabulary when new)."""
        try:
            return self.sources.index(source)
        except ValueError:
            if len(self.sources) == np.iinfo(self.source.dtype).max:
                raise ValueError(f"more than {len(self.sources)} memory sources") from None
            self.sources.append(source)
            return len(self.sources) - 1

    def add(
        self,
        agents: np.ndarray,
        stance: float | np.ndarray,
        importance: float | np.ndarray,
        source: str,
        day: int,
    ) -> None:
        """Each of ``agents`` learns one item; an agent named twice learns it twice."""
        agents = np.asarray(agents, dtype=np.int64)
        stance = np.broadcast_to(np.asarray(stance, float), agents.shape)
        importance = np.broadcast_to(np.asarray(importance, float), agents.shape)
        if self._repeats(agents):  # repeats learn in turn, in the order given
            first = np.unique(agents, return_index=True)[1]
            rest = np.setdiff1d(np.arange(agents.size), first)
            self.add(agents[first], stance[first], importance[first], source, day)
            self.add(agents[rest], stance[rest], importance[rest], source, day)
            return
        slot = self.count[agents].astype(np.int64)
        self.stance[slot, agents] = stance
        self.importance[slot, agents] = importance
        self.source[slot, agents] = self.code(source)
        self.day[slot, agents] = day
        self.count[agents] += 1
        full = agents[slot == self.capacity]
        if full.size:
            self._forget_weakest(full, day)

    def _repeats(self, agents: np.ndarray) -> bool:
        """Whether an agent is named twice (counted, for many agents: no sort)."""
        if agents.size * 16 < self.count.size:
            return np.unique(agents).size < agents.size
        return bool(np.bincount(agents, minlength=self.count.size).max() > 1)

    def _columns(self, agents: np.ndarray) -> np.ndarray | slice:
        """``agents`` as an index: a slice when they are every agent in order (a synchronous
        day), since gathering and scattering a million agents costs more than the arithmetic
        on them."""
        n = self.count.size
        everyone = agents.size == n and n > 0 and agents[0] == 0 and agents[-1] == n - 1
        return slice(None) if everyone and np.array_equal(agents, np.arange(n)) else agents

    def _forget_weakest(self, full: np.ndarray, today: int) -> None:
        cap = self.capacity
        who = self._columns(full)
        age = today - self.day[:cap, who]
        oldest = int(age.max())
        if oldest >= self._retention.size:
            self._retention = np.array([self.decay**a for a in range(oldest + 1)])
        retention = self.importance[:cap, who] * self._retention[age]
        # the first minimum (argmin's), by a strict < scan over the slots: argmin along the
        # slot axis reduces across rows, 4x slower at a million agents (measured)
        weakest = np.zeros(retention.shape[1], dtype=np.int64)
        lowest = retention[0].copy()
        for j in range(1, cap):
            lower = retention[j] < lowest
            weakest[lower] = j
            np.minimum(lowest, retention[j], out=lowest)
        moves = [weakest <= j for j in range(cap)]  # the items after the weakest move up
        for slots in (self.stance, self.importance, self.source, self.day):
            block = slots[:, who]  # a view for everyone, a copy for some
            for j in range(cap):
                np.copyto(block[j], block[j + 1], where=moves[j])
            block[cap] = 0
            if isinstance(who, np.ndarray):
                slots[:, who] = block
        self.count[full] -= 1

    def make_room(self, agents: np.ndarray, today: int) -> None:
        """Each of ``agents`` whose memory is full forgets its weakest item now, so that the
        item it learns next need not push one out: the memories ``add`` would leave, forgetting
        after the item is in (the weakest is never the new one, and ages count from today)."""
        agents = np.asarray(agents, dtype=np.int64)
        full = agents[self.count[agents] == self.capacity]
        if full.size:
            self._forget_weakest(full, today)

    def slots(self, agents: np.ndarray) -> tuple[np.ndarray, ...]:
        """The memories of ``agents`` as (stance, importance, source, day), each of shape
        (capacity, len(agents)): one row per slot (views for every agent in order: read
        them, do not write)."""
        cap, who = self.capacity, self._columns(agents)
        return (
            self.stance[:cap, who],
            self.importance[:cap, who],
            self.source[:cap, who],
            self.day[:cap, who],
        )

    def holds(self, agents: np.ndarray, source: str) -> np.ndarray:
        """Whether each of ``agents`` remembers something from ``source``."""
        if source not in self.sources:
            return np.zeros(len(agents), dtype=bool)
        code = self.sources.index(source)
        cap, who = self.capacity, self._columns(agents)
        filled = np.arange(cap)[:, None] < self.count[who][None, :]
        return ((self.source[:cap, who] == code) & filled).any(axis=0)

    def get_state(self) -> dict:
        """The memories, for checkpoints."""
        # whole arrays, the spare slot (zeros between days) too: saved without a copy
        slots = {k: getattr(self, k) for k in ("stance", "importance", "source", "day")}
        return {"sources": list(self.sources), "count": self.count, **slots}

    def set_state(self, state: dict) -> None:
        """Restore what ``get_state`` returned."""
        self.sources = list(state["sources"])
        self.count[...] = state["count"]
        for key in ("stance", "importance", "source", "day"):
            slots = getattr(self, key)
            slots[: self.capacity] = state[key][: self.capacity]
            slots[self.capacity] = 0


class Population:
    """The state of ``n`` agents, in columns.

    ``belief`` (0/1) and ``confidence`` are the latest stated opinion; ``state`` the S/I/R
    code, switched only at the end of a day; ``post_stance``/``post_weight``/``post_day`` the
    latest post as listeners hear it (weight below 1 once a fact-check label discounts it, so
    1 for every post while ``labels`` is empty);
    ``post_version`` counts changes to a post, so a reader can keep one record per post;
    ``nudge`` the summed strength of the nudges before the next decision (NaN: none).
    """

    COLUMNS = (
        "belief",
        "confidence",
        "state",
        "believed_yesterday",
        "post_stance",
        "post_weight",
        "post_day",
        "post_version",
        "nudge",
    )

    def __init__(self, n: int, believers: Sequence[int], memory_capacity: int, turns: bool = False):
        self.n = n
        self.belief = np.zeros(n, dtype=np.int8)
        self.belief[np.asarray(believers, dtype=np.int64)] = 1
        self.confidence = np.ones(n)
        self.state = np.where(self.belief > 0, INFECTED, SUSCEPTIBLE).astype(np.int8)
        self.believed_yesterday = self.belief.copy()
        self.post_stance = np.where(self.belief > 0, 1.0, -1.0)
        self.post_weight = np.ones(n)
        self.post_day = np.zeros(n, dtype=np.int32)
        self.post_version = np.zeros(n, dtype=np.int64)
        self.labels: dict[int, str] = {}  # agent -> the label on its current post
        self.nudge = np.full(n, np.nan)
        self.memory = MemoryArrays(n, memory_capacity)
        # which of its turns today an agent is taking, on random-sequential days (``turns``),
        # where an agent may act twice: rules key their draws on it (0 between days); None on
        # other days, so that their draws look nothing up
        self.turn = np.zeros(n, dtype=np.int64) if turns else None

    def publish(
        self,
        agents: np.ndarray | None,
        belief: np.ndarray,
        day: int,
        stance: np.ndarray | None = None,
    ) -> None:
        """``agents`` (None: every agent, by whole-array writes) post today, stating
        ``belief`` (with ``stance``: +1 believing, -1 not, by default)."""
        where = slice(None) if agents is None else agents
        self.post_stance[where] = np.where(belief > 0, 1.0, -1.0) if stance is None else stance
        if self.labels:  # (with no label on any post, every post weighs 1 already)
            self.post_weight[where] = 1.0
        self.post_day[where] = day
        self.post_version[where] += 1
        if agents is None:  # a new post carries no label
            self.labels.clear()
        elif self.labels:
            for a in agents[np.isin(agents, list(self.labels))]:
                del self.labels[int(a)]

    def open_with(self, agents: np.ndarray, belief: np.ndarray, stance: np.ndarray) -> None:
        """Day 0's beliefs and posts of ``agents``, when a rule gives them opinions of its
        own."""
        self.belief[agents] = belief
        self.state[agents] = np.where(belief > 0, INFECTED, SUSCEPTIBLE)
        self.believed_yesterday[agents] = belief
        self.post_stance[agents] = stance

    def take_nudges(self, agents: np.ndarray) -> np.ndarray:
        """The nudges waiting before the agents' decision (NaN: none), used up by it."""
        nudge = self.nudge[agents]
        self.nudge[agents] = np.nan
        return nudge

    def add_nudge(self, agents: np.ndarray, strength: float) -> None:
        """A prompt of ``strength`` before each agent's next decision."""
        agents = np.asarray(agents, dtype=np.int64)
        for a in agents:  # in turn: an agent may be named twice
            self.nudge[a] = (0.0 if np.isnan(self.nudge[a]) else self.nudge[a]) + strength

    def end_day(self) -> None:
        """Switch S/I/R: believers are Infected, a believer who stops is Recovered."""
        self.believed_yesterday = (self.state == INFECTED).astype(np.int8)
        infected = self.belief > 0
        self.state[(~infected) & (self.state == INFECTED)] = RECOVERED
        self.state[infected] = INFECTED

    def attitude_sum(self) -> float:
        """The attitudes summed in agent order, as the citizens' tally sums them (so the float
        is the same)."""
        if (self.confidence == 1.0).all():
            # every term is +1 or -1, so every partial sum is an integer, exact: the count
            believers = int(np.count_nonzero(self.belief > 0))
            return float(2 * believers - self.n)
        return float(np.cumsum(self.attitude)[-1]) if self.n else 0.0

    @property
    def attitude(self) -> np.ndarray:
        """Signed certainty: +confidence when believing, -confidence when not (-1..1)."""
        return np.where(self.belief > 0, self.confidence, -self.confidence)

    def get_state(self) -> dict:
        """Everything that changes during a run (for checkpoints)."""
        return {
            **{k: getattr(self, k) for k in self.COLUMNS},
            "labels": dict(self.labels),
            "memory": self.memory.get_state(),
        }

    def set_state(self, state: dict) -> None:
        """Restore what ``get_state`` returned."""
        for key in self.COLUMNS:
            setattr(self, key, np.array(state[key]))
        self.labels = dict(state["labels"])
        self.memory.set_state(state["memory"])
