"""The intervention plug-in interface.

An intervention is a class with a pydantic ``Params`` model and four lifecycle hooks. It sees
the simulation only through ``World``, a small interface the engine implements: the day, the
agents and their personas, the contact network, a random generator of its own, and a few
actions. Every action is recorded (what, to whom, when, at what cost) in the run's
``interventions.csv``; the costs add up to the intervention's governance cost.

A minimal plug-in::

    class QuietHours(Intervention):
        class Params(InterventionParams):
            start_day: int = Field(3, ge=1)

        def on_day_start(self, world):
            if world.day >= self.params.start_day:
                loud = [a for a in range(world.size) if world.persona(a).extraversion > 0.8]
                world.silence(loud, days=1, cost_each=0.5)

Hooks run in this order each day: ``on_day_start`` (before anyone hears today's posts),
``on_exposure`` for each listener as it hears (only if the plug-in defines it), then the
agents' requests, then ``on_day_end`` (after the S/I/R switch). ``on_run_start`` runs once
before day 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from agents.memory import MemoryItem
from agents.persona import Persona

SilenceMode = Literal["mute", "suspend"]


class InterventionParams(BaseModel):
    """Base of every plug-in's parameters: unknown keys are errors, as in the scenario."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    type: str = Field(description="built-in name, or 'package.module:Class'")
    name: str | None = Field(None, max_length=80, description="label in outputs; default: the type")


class World(Protocol):
    """What an intervention may read and do. Agents are indices 0..size-1."""

    @property
    def day(self) -> int:
        """The current day (1 on the first simulated day; 0 in ``on_run_start``)."""
        ...

    @property
    def size(self) -> int:
        """Number of agents."""
        ...

    @property
    def rng(self) -> np.random.Generator:
        """This intervention's own generator, seeded from the scenario seed and its position."""
        ...

    @property
    def claim(self) -> str:
        """The false proposition the news item makes."""
        ...

    def persona(self, agent: int) -> Persona:
        """Who ``agent`` is."""
        ...

    def beliefs(self) -> list[int]:
        """Every agent's latest stated belief (1 believes the item, 0 not)."""
        ...

    def states(self) -> list[str]:
        """Every agent's S/I/R state."""
        ...

    def believing_posts(self) -> list[int]:
        """For every agent, how many believing posts it has published so far."""
        ...

    def neighbours(self, agent: int) -> list[int]:
        """``agent``'s neighbours on the contact network ([] under random mixing)."""
        ...

    def degree_centrality(self) -> list[float]:
        """Degree centrality of every agent (all equal under random mixing)."""
        ...

    def post(self, agent: int) -> MemoryItem:
        """``agent``'s latest post as its listeners hear it (stance +1 believes, -1 not)."""
        ...

    def silenced(self, agent: int) -> bool:
        """Whether ``agent`` is muted or suspended today."""
        ...

    @property
    def days(self) -> int:
        """How many days the run is planned to last."""
        ...

    def engagement_hours(self) -> list[float]:
        """When every like, share and comment so far happened (hours since day 1 began), in
        time order."""
        ...

    def forecast_engagement(self) -> float:
        """Forecast of the narrative's total engagement by the end of the run, from what has
        happened before today (the early-warning forecaster, simulator.forecast); 0 when the
        scenario turns engagement off."""
        ...

    # --- actions: each is recorded with its cost --------------------------------------------
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
        """Put a notice into each agent's long-term memory."""
        ...

    def label_post(self, agent: int, label: str, credibility: float, cost: float = 0.0) -> None:
        """Attach a label to ``agent``'s current post; its listeners hear it discounted."""
        ...

    def silence(
        self,
        agents: Sequence[int],
        days: int | None,
        *,
        mode: SilenceMode = "mute",
        cost_each: float = 0.0,
    ) -> None:
        """Keep the agents' posts from being heard for ``days`` days from today (None: for good)."""
        ...

    def nudge(
        self, agents: Sequence[int], text: str, *, strength: float = 1.0, cost_each: float = 0.0
    ) -> None:
        """Put a prompt before each agent's next decision."""
        ...

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
        """Make ``agent`` post ``text``; today each of ``audience`` hears it (with ``weight``)."""
        ...

    def record(
        self, action: str, agents: Sequence[int] = (), cost: float = 0.0, detail: str = ""
    ) -> None:
        """Log an action that is not one of the above: one row per agent at ``cost`` each, or
        one row at ``cost`` when no agents are given (a fixed cost)."""
        ...


class Intervention:
    """Base class of interventions. Subclasses set ``Params`` and override the hooks they need.

    ``self.params`` holds the validated parameters. State that changes during a run belongs
    in attributes that ``get_state``/``set_state`` carry (by default the instance ``__dict__``
    minus the parameters), so a resumed run continues where it stopped.
    """

    Params: ClassVar[type[InterventionParams]] = InterventionParams

    def __init__(self, params: InterventionParams):
        self.params = params

    @property
    def label(self) -> str:
        """Name used in outputs."""
        return self.params.name or self.params.type

    def on_run_start(self, world: World) -> None:
        """Once, before day 1."""

    def on_day_start(self, world: World) -> None:
        """Every day, before anyone hears today's posts."""

    def on_exposure(self, world: World, listener: int, heard: list[MemoryItem]) -> list[MemoryItem]:
        """What ``listener`` hears today; return it changed or as it is. Called only for
        plug-ins that override it (it runs once per agent per day)."""
        return heard

    def on_day_end(self, world: World) -> None:
        """Every day, after the S/I/R states switched."""

    def schedule_problem(self, days: int) -> tuple[str, str] | None:
        """Why this intervention could never act in a run of ``days`` days, as (parameter,
        message), or None. The engine refuses such a scenario rather than run an arm that
        silently equals no intervention. By default: a ``start_day`` after the last day."""
        start = getattr(self.params, "start_day", None)
        if isinstance(start, int) and start > days:
            return "start_day", after_last_day(start, days)
        return None

    def least_cost(self, days: int) -> float:
        """The governance cost it pays in a run of ``days`` days even if it reaches no one
        (its fixed costs per round), a lower bound that lets a search refuse a budget no
        programme can keep. By default 0: only what it does to agents costs anything."""
        return 0.0

    def get_state(self) -> dict[str, Any]:
        """What changes during a run (for checkpoints)."""
        return {k: v for k, v in vars(self).items() if k != "params"}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what ``get_state`` returned."""
        vars(self).update(state)


def after_last_day(value: int, days: int) -> str:
    """The message for a day parameter past a run of ``days`` days."""
    return (
        f"{value} is after the run's last day {days} (days); it would never act "
        f"(allowed: at most {days})"
    )


def check_day_order(until_day: int | None, info: ValidationInfo) -> int | None:
    """Refuse an ``until_day`` before ``start_day`` (such an intervention never acts); a
    pydantic field validator for ``until_day``."""
    start_day = info.data.get("start_day")
    if until_day is not None and start_day is not None and until_day < start_day:
        raise ValueError(
            f"before start_day {start_day}, so it would never act "
            f"(allowed: {start_day} or later, or null)"
        )
    return until_day


class ScheduledParams(InterventionParams):
    """Parameters of a recurring intervention: it acts from ``start_day`` every ``every`` days
    until ``until_day`` (inclusive; null: to the end of the run)."""

    start_day: int = Field(1, ge=1, le=3650, description="first day it acts")
    every: int = Field(1, ge=1, le=3650, description="days between rounds")
    until_day: int | None = Field(None, ge=1, le=3650, description="last day it may act")

    _days_in_order = field_validator("until_day")(check_day_order)

    def due(self, day: int) -> bool:
        """Whether a round falls on ``day``."""
        if day < self.start_day or (self.until_day is not None and day > self.until_day):
            return False
        return (day - self.start_day) % self.every == 0

    def rounds(self, days: int) -> int:
        """How many rounds fall in a run of ``days`` days (day 0 included: before day 1)."""
        return sum(self.due(day) for day in range(days + 1))
