"""The engine's side of interventions: the ``World`` each plug-in acts through, what their
actions change in the simulation, and the record of it all (``interventions.csv``).

``InterventionHost`` owns the state actions create (silenced accounts, labelled posts,
corrections to deliver today, believing-post counts) and runs the plug-ins' hooks at the
right points of the day. Each plug-in gets its own ``ModelWorld`` view, with its own random
generator keyed on the scenario seed and its position in the list, so adding one plug-in
never changes another's draws.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from agents.memory import MemoryItem, clip_text
from agents.news import NewsItem
from agents.persona import Persona
from interventions.base import Intervention, SilenceMode
from simulator.config import Scenario
from simulator.engagement import EngagementLog
from simulator.network import ContactStructure, GraphContacts
from simulator.outputs import StreamedCsv

LOG_COLUMNS = ("day", "intervention", "action", "agent", "cost", "detail")


class Members(Protocol):
    """What the engine offers interventions of the population it runs (a model: citizens as
    Mesa agents, or agents on arrays). Agents are indices 0..size-1."""

    config: Scenario
    contacts: ContactStructure
    engagement: EngagementLog | None
    news: NewsItem

    @property
    def day(self) -> int: ...

    @property
    def size(self) -> int: ...

    def persona(self, agent: int) -> Persona: ...

    def beliefs(self) -> list[int]: ...

    def states(self) -> list[str]: ...

    def post_item(self, agent: int) -> MemoryItem:
        """``agent``'s latest post as listeners hear it (the same record until it changes)."""
        ...

    def remember(self, agents: Sequence[int], item: MemoryItem) -> None:
        """Put ``item`` into each agent's long-term memory."""
        ...

    def add_nudge(self, agents: Sequence[int], item: MemoryItem) -> None:
        """Place ``item`` before each agent's next decision."""
        ...

    def label_post(self, agent: int, label: str, credibility: float) -> None:
        """Attach ``label`` to ``agent``'s current post, discounted by ``credibility``."""
        ...

    def believing_posts_today(self) -> Sequence[int]:
        """The agents who published a believing post today."""
        ...


class InterventionLog:
    """Streams interventions.csv (one row per action and agent), renamed into place at the end
    like agents.csv. With no folder, rows are only totalled."""

    def __init__(self, folder: Path | None, resume_at: int | None = None):
        self.out = None
        if folder is not None:
            self.out = StreamedCsv(folder / "interventions.csv", LOG_COLUMNS, resume_at)
            self._csv = self.out.writer
        self.totals: dict[str, dict[str, list[float]]] = {}  # label -> action -> [rows, cost]

    def write(
        self, day: int, label: str, action: str, agents: Sequence[int], cost: float, detail: str
    ) -> None:
        """Record ``action``: one row per agent at ``cost`` each, or one row when no agents."""
        rows = len(agents) or 1
        total = self.totals.setdefault(label, {}).setdefault(action, [0, 0.0])
        total[0] += rows
        total[1] += cost * rows
        if self.out is None:
            return
        if agents:
            self._csv.writerows((day, label, action, a, f"{cost:.6g}", detail) for a in agents)
        else:
            self._csv.writerow((day, label, action, "", f"{cost:.6g}", detail))

    def cost(self, label: str | None = None) -> float:
        """Governance cost so far, of one intervention or of all."""
        labels = [label] if label is not None else list(self.totals)
        return sum(c for lb in labels for _, c in self.totals.get(lb, {}).values())

    def position(self) -> int | None:
        """Bytes written so far (for checkpoints); None without a file."""
        return self.out.position() if self.out is not None else None

    def close(self, complete: bool) -> None:
        """Close the file; rename it into place when the run completed."""
        if self.out is not None:
            self.out.close(complete)


class InterventionHost:
    """Runs the scenario's interventions inside an ``OpinionModel``."""

    def __init__(
        self,
        model: Members,
        interventions: Sequence[Intervention],
        seed: int,
        log: InterventionLog,
    ):
        self.model = model
        self.log = log
        self.views = [
            (iv, ModelWorld(self, iv.label, np.random.default_rng([seed, 0x1E7E, i])))
            for i, iv in enumerate(interventions)
        ]
        self.listening = [
            (iv, view)
            for iv, view in self.views
            if type(iv).on_exposure is not Intervention.on_exposure
        ]
        self.silenced_until: dict[int, float] = {}  # agent -> last silenced day
        self.suspended: set[int] = set()
        self.labelled: set[tuple[int, int]] = set()  # (agent, day of the post)
        self.corrections: dict[int, list[MemoryItem]] = defaultdict(list)  # today's, by listener
        self.believing_posts = model.beliefs()  # the opening posts
        self._centrality: list[float] | None = None

    @property
    def active(self) -> bool:
        """Whether there is anything to run."""
        return bool(self.views)

    # --- the day's hooks -------------------------------------------------------------------
    def run_start(self) -> None:
        """``on_run_start`` of every plug-in (day 0)."""
        for iv, view in self.views:
            iv.on_run_start(view)

    def day_start(self) -> None:
        """``on_day_start`` of every plug-in, before exposure."""
        self.corrections.clear()
        for iv, view in self.views:
            iv.on_day_start(view)

    def audible(self, listener: int, speakers: Sequence[int]) -> list[int]:
        """The ``speakers`` whose posts reach ``listener`` today: none for a suspended
        listener, and never a silenced speaker."""
        if self.deaf(listener):
            return []
        return [j for j in speakers if not self.silenced(j)]

    def heard_by(self, listener: int, posts: list[MemoryItem]) -> list[MemoryItem]:
        """What ``listener`` hears today: the audible ``posts``, today's corrections for it,
        through the plug-ins' ``on_exposure``; nothing for a suspended listener."""
        if self.deaf(listener):
            return []
        heard = posts + self.corrections.get(listener, [])
        for iv, view in self.listening:
            heard = iv.on_exposure(view, listener, heard)
        return heard

    def day_end(self) -> None:
        """Count today's believing posts, then ``on_day_end`` of every plug-in."""
        if not self.views:  # the counts serve plug-ins only: skip the pass over everyone
            return
        for agent in self.model.believing_posts_today():
            self.believing_posts[agent] += 1
        for iv, view in self.views:
            iv.on_day_end(view)

    # --- state the actions create -------------------------------------------------------------
    def deaf(self, agent: int) -> bool:
        """Whether ``agent`` is suspended today (hears nothing)."""
        return agent in self.suspended and self.silenced(agent)

    def silenced(self, agent: int) -> bool:
        """Whether ``agent``'s posts are kept from its listeners today."""
        until = self.silenced_until.get(agent)
        return until is not None and self.model.day <= until

    def muted(self) -> tuple[np.ndarray, np.ndarray]:
        """Today's silenced speakers and deaf (suspended) listeners, as masks over agents."""
        silenced = np.zeros(self.model.size, dtype=bool)
        day = self.model.day
        for agent, until in self.silenced_until.items():
            silenced[agent] = day <= until
        deaf = np.zeros(self.model.size, dtype=bool)
        suspended = list(self.suspended)
        deaf[suspended] = silenced[suspended]
        return silenced, deaf

    def centrality(self) -> list[float]:
        """Degree centrality (all equal under random mixing), computed once."""
        if self._centrality is None:
            contacts = self.model.contacts
            n = self.model.size
            if isinstance(contacts, GraphContacts):
                self._centrality = [len(nb) / max(n - 1, 1) for nb in contacts.neighbours]
            else:
                self._centrality = [1.0] * n
        return self._centrality

    def summary(self) -> list[dict]:
        """Per intervention: type, governance cost and actions (rows and cost by action)."""
        out = []
        for iv, _ in self.views:
            actions = self.log.totals.get(iv.label, {})
            out.append(
                {
                    "name": iv.label,
                    "type": iv.params.type,
                    "cost": round(self.log.cost(iv.label), 6),
                    "actions": {
                        a: {"count": int(n), "cost": round(c, 6)} for a, (n, c) in actions.items()
                    },
                }
            )
        return out

    def get_state(self) -> dict:
        """Everything that changes during a run (for checkpoints)."""
        return {
            "silenced_until": dict(self.silenced_until),
            "suspended": set(self.suspended),
            "labelled": set(self.labelled),
            "believing_posts": list(self.believing_posts),
            "rngs": [view.rng.bit_generator.state for _, view in self.views],
            "plugins": [iv.get_state() for iv, _ in self.views],
        }

    def set_state(self, state: dict) -> None:
        """Restore what ``get_state`` returned."""
        self.silenced_until = dict(state["silenced_until"])
        self.suspended = set(state["suspended"])
        self.labelled = set(state["labelled"])
        self.believing_posts = list(state["believing_posts"])
        for (iv, view), rng_state, plugin in zip(
            self.views, state["rngs"], state["plugins"], strict=True
        ):
            view.rng.bit_generator.state = rng_state
            iv.set_state(plugin)


class ModelWorld:
    """One plug-in's view of the simulation (implements ``interventions.base.World``)."""

    def __init__(self, host: InterventionHost, label: str, rng: np.random.Generator):
        self._host = host
        self._label = label
        self._rng = rng

    @property
    def day(self) -> int:
        return self._host.model.day

    @property
    def size(self) -> int:
        return self._host.model.size

    @property
    def rng(self) -> np.random.Generator:
        return self._rng

    @property
    def claim(self) -> str:
        return self._host.model.news.claim

    def persona(self, agent: int) -> Persona:
        return self._host.model.persona(agent)

    def beliefs(self) -> list[int]:
        return self._host.model.beliefs()

    def states(self) -> list[str]:
        return self._host.model.states()

    def believing_posts(self) -> list[int]:
        return list(self._host.believing_posts)

    def neighbours(self, agent: int) -> list[int]:
        contacts = self._host.model.contacts
        return list(contacts.neighbours[agent]) if isinstance(contacts, GraphContacts) else []

    def degree_centrality(self) -> list[float]:
        return list(self._host.centrality())

    def post(self, agent: int) -> MemoryItem:
        return self._host.model.post_item(agent)

    def silenced(self, agent: int) -> bool:
        return self._host.silenced(agent)

    @property
    def days(self) -> int:
        return self._host.model.config.days

    def engagement_hours(self) -> list[float]:
        engagement = self._host.model.engagement
        if engagement is None:
            return []
        return np.sort(np.frombuffer(engagement.event_hours, dtype=float)).tolist()

    def forecast_engagement(self) -> float:
        engagement = self._host.model.engagement
        if engagement is None:
            return 0.0
        # from what happened before this morning (the start of today) to the run's end
        return engagement.forecast_total(24.0 * (self.day - 1), 24.0 * self.days).point

    def _max_chars(self) -> int:
        return self._host.model.config.agents.memory.max_item_chars

    # --- actions ----------------------------------------------------------------------------
    def deliver_notice(
        self,
        agents: Sequence[int],
        text: str,
        *,
        source: str = "official",
        stance: float = -1.0,
        importance: float = 1.0,
        cost_each: float = 0.0,
    ) -> None:
        item = MemoryItem(clip_text(text, self._max_chars()), stance, source, self.day, importance)
        self._host.model.remember(agents, item)
        self.record("notice", agents, cost_each, source)

    def label_post(self, agent: int, label: str, credibility: float, cost: float = 0.0) -> None:
        model = self._host.model
        item = model.post_item(agent)
        key = (agent, item.day)
        if key in self._host.labelled:
            return
        self._host.labelled.add(key)
        model.label_post(agent, label, credibility)
        self.record("label", [agent], cost, f"post of day {item.day}")

    def silence(
        self,
        agents: Sequence[int],
        days: int | None,
        *,
        mode: SilenceMode = "mute",
        cost_each: float = 0.0,
    ) -> None:
        until = float("inf") if days is None else self.day + days - 1
        for a in agents:
            self._host.silenced_until[a] = until
            if mode == "suspend":
                self._host.suspended.add(a)
        self.record(mode, agents, cost_each, "until the end" if days is None else f"{days} days")

    def nudge(
        self, agents: Sequence[int], text: str, *, strength: float = 1.0, cost_each: float = 0.0
    ) -> None:
        item = MemoryItem(
            clip_text(text, self._max_chars()), -strength, "nudge", self.day, strength
        )
        self._host.model.add_nudge(agents, item)
        self.record("nudge", agents, cost_each)

    def post_message(
        self,
        agent: int,
        text: str,
        audience: Sequence[int],
        *,
        stance: float = -1.0,
        weight: float = 1.0,
        cost: float = 0.0,
    ) -> None:
        item = MemoryItem(clip_text(text, self._max_chars()), stance, "peer", self.day, weight)
        corrections = self._host.corrections
        for listener in audience:
            corrections[listener].append(item)
        self.record("message", [agent], cost, f"to {len(audience)} agents")

    def record(
        self, action: str, agents: Sequence[int] = (), cost: float = 0.0, detail: str = ""
    ) -> None:
        self._host.log.write(self.day, self._label, action, agents, cost, detail)
