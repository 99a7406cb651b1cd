"""The Mesa model: one step is one simulated day.

The daily loop (docs/ARCHITECTURE.md):
  0. interventions act (``on_day_start``): notices, labels, silencing, nudges, corrections;
  1. exposure: each citizen hears today's speakers' latest posts (short-term memory), as the
     interventions let them through (``on_exposure``);
  2. summarise, 3. reflect, 4. opinion: one request per citizen each;
  5. end of day: S/I/R states switch, interventions' ``on_day_end``, the DataCollector
     records the tally.

With ``update: synchronous`` all citizens hear before anyone decides, so every phase's requests
are independent and go to the backend as one batch. With ``update: sequential`` (FPS) citizens
act one at a time in random order and hear the latest posts, including today's.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable, Sequence

import mesa
import numpy as np

from agents.citizen import Citizen
from agents.llm.base import REQUEST_KINDS, LanguageModel, LLMRequest, LLMResponse, Sampling
from agents.memory import LongTermMemory, MemoryItem, ShortTermMemory, clip_text
from agents.persona import PROGRESS_EVERY, Persona
from interventions.base import Intervention
from simulator import metrics
from simulator.acting_order import shuffled
from simulator.config import Scenario
from simulator.engagement import EngagementLog
from simulator.intervening import InterventionHost, InterventionLog
from simulator.network import ContactStructure


class _ReadAt:
    """The posts as a citizen acting at ``position`` reads them: today's of the speakers who
    acted before it, the morning's of the others."""

    __slots__ = ("citizens", "me", "morning", "position")

    def __init__(self, citizens: Sequence[Citizen], morning, position: np.ndarray, me: int):
        self.citizens, self.morning, self.position, self.me = citizens, morning, position, me

    def __getitem__(self, j: int) -> MemoryItem:
        return self.citizens[j].post_item if self.position[j] < self.me else self.morning[j]


def _chains(order: list[int], heard: list[list[int]], position: np.ndarray) -> dict[int, int]:
    """Each citizen's longest chain of citizens in a sequential day that starts with it (1:
    nobody after it reads its post): how much of the day waits on it."""
    readers: dict[int, list[int]] = {i: [] for i in order}
    for j in order:
        for i in heard[j]:
            if position[i] < position[j]:
                readers[i].append(j)
    chain: dict[int, int] = {}
    for i in reversed(order):  # every reader acts later, so its chain is known
        chain[i] = 1 + max((chain[j] for j in readers[i]), default=0)
    return chain


class _PriorityGate:
    """At most ``capacity`` requests in flight, the waiting one of highest priority let in
    first. The backend's own semaphore lets its waiters in in arrival order; in a
    sequential day a request that a long chain of citizens waits on should not queue
    behind one that nobody waits on (list scheduling by the longest path)."""

    def __init__(self, capacity: int):
        self.free = capacity
        self.waiting: list[tuple[int, int, asyncio.Future]] = []
        self.arrivals = 0

    async def acquire(self, priority: int) -> None:
        if self.free > 0 and not self.waiting:
            self.free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        self.arrivals += 1
        heapq.heappush(self.waiting, (-priority, self.arrivals, turn))
        await turn  # release() handed its place over: self.free stays as it was

    def release(self) -> None:
        while self.waiting:
            _, _, turn = heapq.heappop(self.waiting)
            if not turn.cancelled():
                turn.set_result(None)
                return
        self.free += 1


def request_sampling(scenario: Scenario) -> dict[str, Sampling]:
    """Each request kind's sampling settings, from ``llm.temperature`` and ``llm.max_tokens``."""
    llm = scenario.llm
    return {
        kind: Sampling(getattr(llm.temperature, kind), getattr(llm.max_tokens, kind))
        for kind in REQUEST_KINDS
    }


def _reporter(column: str):
    def report(model: DayModel) -> float:
        return model.today[column]

    report.__name__ = column
    return report


class DayModel(mesa.Model):
    """What every population model shares: one Mesa step is one day, the DataCollector
    records the day's tally, and a resumed model continues its clock where it stopped.

    Subclasses set ``self.interventions`` and implement ``simulate_day`` and ``tally``.
    """

    def __init__(self, scenario: Scenario, contacts: ContactStructure, engagement):
        super().__init__(rng=scenario.seed)
        self.config = scenario  # Mesa reserves `scenario`
        self.contacts = contacts
        self.news = scenario.news.item()
        self.engagement = engagement
        self._replaying = False
        self._collect()

    def _collect(self, extra_columns: tuple[str, ...] = ()) -> None:
        """Record the daily tally's columns (and ``extra_columns``) with the DataCollector."""
        columns = [c for c in metrics.DAILY_COLUMNS if c != "day"] + list(extra_columns)
        self.datacollector = mesa.DataCollector(model_reporters={c: _reporter(c) for c in columns})

    @property
    def day(self) -> int:
        """The current day: 0 before the first step, then 1, 2, ..."""
        return int(self.time)

    def step(self) -> None:
        """Simulate one day."""
        if not self._replaying:
            self.simulate_day()

    def simulate_day(self) -> None:
        raise NotImplementedError

    def tally(self) -> dict[str, float]:
        raise NotImplementedError

    def _record_day(self) -> None:
        self.today = self.tally()
        self.datacollector.collect(self)

    def _restore_clock(self, day: int) -> None:
        # Mesa's clock runs step() once per unit of time; a resumed model must continue at
        # day + 1, so its clock is run through the days already simulated without acting.
        self._replaying = True
        try:
            self.run_for(day)
        finally:
            self._replaying = False

    def _common_state(self) -> dict:
        return {
            "day": self.day,
            "rng": self.rng.bit_generator.state,
            "random": self.random.getstate(),
            "model_vars": {k: list(v) for k, v in self.datacollector.model_vars.items()},
            "today": dict(self.today),
            "interventions": self.interventions.get_state(),
            "engagement": self.engagement.get_state() if self.engagement else None,
        }

    def _set_common_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state["rng"]
        self.random.setstate(state["random"])
        self.datacollector.model_vars = {k: list(v) for k, v in state["model_vars"].items()}
        self.today = dict(state["today"])
        self.interventions.set_state(state["interventions"])
        if self.engagement is not None and state["engagement"] is not None:
            self.engagement.set_state(state["engagement"])
        self._restore_clock(state["day"])

    def daily_table(self):
        """The DataCollector's records with a day column (a pandas DataFrame)."""
        frame = self.datacollector.get_model_vars_dataframe()
        frame.insert(0, "day", range(len(frame)))
        return frame

    def labelled_text(self, text: str, label: str) -> str:
        """A post's text as listeners see it with ``label`` attached."""
        room = max(self.config.agents.memory.max_item_chars - len(label) - 3, 1)
        return f"{clip_text(text, room)} [{label}]"

    def close(self) -> None:
        """Release what the model holds."""


class OpinionModel(DayModel):
    """A population of citizens (Mesa agents, the ``llm`` rule) hearing a false news item and
    each other's posts, day after day, deciding by requests to a language model."""

    def __init__(
        self,
        scenario: Scenario,
        personas: Sequence[Persona],
        contacts: ContactStructure,
        backend: LanguageModel,
        interventions: Sequence[Intervention] = (),
        intervention_log: InterventionLog | None = None,
        engagement: EngagementLog | None = None,
        restore: dict | None = None,
        progress: Callable[[int], object] | None = None,
    ):
        super().__init__(scenario, contacts, engagement)
        self.backend = backend
        self.sampling = request_sampling(scenario)
        mem = scenario.agents.memory
        n = len(personas)
        believers = set(
            self.rng.choice(n, size=scenario.population.initial_believers, replace=False).tolist()
        )
        self.citizens: list[Citizen] = []
        for start in range(0, n, PROGRESS_EVERY):  # in chunks, for ``progress`` on big runs
            self.citizens.extend(
                Citizen(
                    self,
                    i,
                    personas[i],
                    self.news,
                    believes=i in believers,
                    short_term=ShortTermMemory(mem.short_term_capacity, mem.max_item_chars),
                    long_term=LongTermMemory(mem.long_term_capacity, mem.max_item_chars),
                )
                for i in range(start, min(start + PROGRESS_EVERY, n))
            )
            if progress is not None:
                progress(min(PROGRESS_EVERY, n - start))
        self.interventions = InterventionHost(
            self, interventions, scenario.seed, intervention_log or InterventionLog(None)
        )
        self._views: list[tuple[int, int, int, float]] = []
        self._loop = asyncio.Runner()
        if restore is None:
            self.interventions.run_start()
            self._record_day()
        else:
            self.set_state(restore)

    # --- what interventions act on (simulator.intervening.Members) ----------------------------
    @property
    def size(self) -> int:
        return len(self.citizens)

    def persona(self, agent: int) -> Persona:
        return self.citizens[agent].persona

    def beliefs(self) -> list[int]:
        return [c.belief for c in self.citizens]

    def states(self) -> list[str]:
        return [c.state for c in self.citizens]

    def post_item(self, agent: int) -> MemoryItem:
        return self.citizens[agent].post_item

    def remember(self, agents: Sequence[int], item: MemoryItem) -> None:
        citizens = self.citizens
        for a in agents:
            citizens[a].remember(item)

    def add_nudge(self, agents: Sequence[int], item: MemoryItem) -> None:
        citizens = self.citizens
        for a in agents:
            citizens[a].add_nudge(item)

    def label_post(self, agent: int, label: str, credibility: float) -> None:
        citizen = self.citizens[agent]
        item = citizen.post_item
        citizen.post_item = MemoryItem(
            self.labelled_text(item.text, label),
            item.stance,
            item.source,
            item.day,
            item.importance * (1.0 - credibility),
        )

    def believing_posts_today(self) -> list[int]:
        day = self.day
        return [c.index for c in self.citizens if c.belief and c.post_item.day == day]

    # --- the day -----------------------------------------------------------------------------
    def simulate_day(self) -> None:
        """Simulate one day."""
        self.interventions.day_start()
        if self.config.agents.update == "synchronous":
            self._synchronous_day(self.contacts.todays_speakers(self.rng))
        else:
            self._sequential_day(self.contacts.speaker_matrix(self.rng))
        if self.engagement is not None:
            beliefs = np.fromiter((c.belief for c in self.citizens), dtype=np.int64)
            views = np.array(self._views, dtype=float).reshape(-1, 4)
            viewer, author, post_day = views[:, :3].astype(np.int64).T
            self.engagement.record_day(
                self.day, viewer, author, post_day, views[:, 3], beliefs, self._audience
            )
            self.engagement.forget_old_posts([c.post_item.day for c in self.citizens])
            self._views = []
        self.agents.do("end_day")
        self.interventions.day_end()
        self._record_day()

    def _audience(self, sharers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Who sees the posts ``sharers`` share today."""
        return self.contacts.share_audiences(sharers, self.config.seed, self.day)

    def _expose(self, listener: Citizen, speakers: list[int], latest: Sequence[MemoryItem]) -> None:
        """``listener`` hears today's ``speakers``; ``latest[j]`` is agent j's latest post."""
        listener.start_day()
        host = self.interventions
        if host.active:
            speakers = host.audible(listener.index, speakers)
        posts = [latest[j] for j in speakers]
        listener.hear(host.heard_by(listener.index, posts) if host.active else posts)
        if self.engagement is not None:
            views, me = self._views, listener.index
            for item, j in zip(posts, speakers, strict=True):
                views.append((me, j, item.day, item.stance))

    def _synchronous_day(self, speakers: Sequence[list[int]]) -> None:
        day = self.day
        citizens = self.citizens
        # Everyone hears yesterday's posts: read each once here rather than through each
        # speaker, three times a day, scattered over the population.
        latest = [c.post_item for c in citizens]
        for listener, heard in zip(citizens, speakers, strict=True):
            self._expose(listener, heard, latest)
        for kind in REQUEST_KINDS:
            sampling = self.sampling[kind]
            answers = self.ask([c.request(kind, day, sampling) for c in citizens])
            for citizen, answer in zip(citizens, answers, strict=True):
                citizen.apply(kind, answer, day)

    def _sequential_day(self, speakers: np.ndarray) -> None:
        """FPS order: citizens act one at a time in a random order (the order ``shuffle_do``
        gives), each hearing the latest posts, then summarising, reflecting and deciding.

        As a dataflow: a citizen depends only on the speakers who act before it, so it
        starts (hears, then sends its three requests) as soon as their posts are final, and
        the requests of citizens in different places of the order overlap under the
        backend's concurrency. Each citizen hears exactly what it would one at a time (today's
        posts of the speakers before it, the morning's of the others), so the answers are the
        one-at-a-time answers. With a plug-in that watches exposures (its state may show their
        order) the citizens act strictly in turn.
        """
        day, citizens = self.day, self.citizens
        order = shuffled(self.random, np.array([c.index for c in citizens])).tolist()
        position = np.empty(len(order), dtype=np.int64)
        position[np.array(order, dtype=np.int64)] = np.arange(len(order))
        heard = [[j for j in row if j >= 0] for row in speakers.tolist()]
        morning = [c.post_item for c in citizens]
        in_turn = self.interventions.listening
        final = {i: asyncio.Event() for i in order}
        views_before = len(self._views)
        chain = _chains(order, heard, position)
        gate = _PriorityGate(self.config.llm.concurrency)

        async def act(i: int, before: asyncio.Event | None) -> None:
            me = position[i]
            waits = [before] if in_turn else [final[j] for j in heard[i] if position[j] < me]
            for event in waits:
                if event is not None:
                    await event.wait()
            citizen = citizens[i]
            self._expose(citizen, heard[i], _ReadAt(citizens, morning, position, me))
            for step, kind in enumerate(REQUEST_KINDS):
                request = citizen.request(kind, day, self.sampling[kind])
                # the requests with the most work waiting on them go first
                await gate.acquire(len(REQUEST_KINDS) * chain[i] - step)
                try:
                    (answer,) = await self.backend.complete([request])
                finally:
                    gate.release()
                citizen.apply(kind, answer, day)
            final[i].set()

        async def day_of_citizens() -> None:
            before = [None, *(final[i] for i in order[:-1])]
            await asyncio.gather(*(act(i, b) for i, b in zip(order, before, strict=True)))

        self._loop.run(day_of_citizens())
        if self.engagement is not None:  # views in acting order, as one at a time would
            views = self._views[views_before:]
            views.sort(key=lambda v: position[v[0]])
            self._views[views_before:] = views

    def ask(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        """Send a batch of independent requests to the backend and wait for all answers."""
        return self._loop.run(self.backend.complete(requests))

    def tally(self) -> dict[str, float]:
        return metrics.tally(self.citizens)

    # --- checkpoints ----------------------------------------------------------------------------
    def get_state(self) -> dict:
        """Everything that changes during a run, at the end of a day (for checkpoints)."""
        return {**self._common_state(), "citizens": [c.get_state() for c in self.citizens]}

    def set_state(self, state: dict) -> None:
        """Continue from what ``get_state`` returned: the next step is day ``state['day'] + 1``."""
        for citizen, saved in zip(self.citizens, state["citizens"], strict=True):
            citizen.set_state(saved)
        self._set_common_state(state)

    def agent_rows(self, agents: np.ndarray):
        """(agent, belief, confidence, state, post, reasoning) of ``agents``."""
        citizens = self.citizens
        for c in (citizens[a] for a in agents.tolist()):
            yield c.index, c.belief, c.confidence, c.state, c.post, c.reasoning

    def close(self) -> None:
        """Close the backend and the event loop."""
        self._loop.run(self.backend.aclose())
        self._loop.close()
