"""How much memory and time a scenario will take, and whether it fits this machine.

A linear model of peak resident memory and wall time, fitted to default runs of the surrogate
on the 2-core machine of docs/PERFORMANCE.md ("Memory and time a run needs", measured with
bench/bench_footprint.py): a fixed base (Python, numpy, pandas, Mesa) plus a cost per agent
(persona, memories, Mesa agent, the day's requests) that grows while long-term memories fill
and slowly after. Memory carries a 20% margin per agent, so that a run it lets start does not
run out; the time is a rough guide (this machine's speed varies by up to 1.8x). ``check`` and
``estimate`` print it; a run refuses, before allocating anything, a population that would
not fit into the memory this machine has available.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from simulator.config import Scenario
from simulator.errors import ScenarioError

BASE_BYTES = 180e6
SAFETY = 1.2  # over the measured per-agent figures: a run admitted must fit
BYTES_PER_AGENT = 5_500.0
# Long-term memories fill during the first days (to long_term_capacity items), then memory
# grows only slowly (the daily records): per agent and day, before and after day 12.
BYTES_PER_AGENT_DAY_FILLING = 125.0
BYTES_PER_AGENT_DAY_LATER = 15.0
FILLING_DAYS = 12
BASE_SECONDS = 4.0  # starting Python, importing the stack, writing the summary
BUILD_SECONDS_PER_AGENT = 70e-6  # personas, contacts and Mesa agents
AGENT_DAYS_PER_SECOND = {"synchronous": 8_000.0, "sequential": 1_600.0}
# A population on arrays (an array rule such as the surrogate): columns and bounded memories,
# no object per agent; measured with scenarios/million.yaml (1M agents, 30 days: 1.21-1.23 GB
# peak, 30 s, on 2026-12-07; 10M agents: 9.4 GB, 6.5 min, i.e. 920-1,050 bytes an agent over
# the base) and bench/bench_population.py (783,000 agent-days/s synchronous at 1M on a slow
# day; sequential 1.8x slower since its memories are weighed when the day starts: 600,000 and
# 337,000 on a slower one, docs/PERFORMANCE.md). Memory does not grow with the days.
ARRAY_BYTES_PER_AGENT = 1_050.0
ARRAY_BUILD_SECONDS_PER_AGENT = 1e-6
ARRAY_AGENT_DAYS_PER_SECOND = {
    "synchronous": 800_000.0,
    "sequential": 400_000.0,
    "random_sequential": 400_000.0,  # classic opinion rules only: voter at 1M, 709,622
}


@dataclass(frozen=True)
class Footprint:
    """Expected peak memory (bytes) and wall time (seconds; None when a model server sets
    it) of ``runs`` runs of a scenario at once."""

    memory: float
    seconds: float | None
    runs: int = 1

    def describe(self) -> str:
        """One line for people."""
        each = " in all" if self.runs > 1 else ""
        memory = f"about {_size(self.memory)} of memory{each}"
        if self.seconds is None:
            return f"{memory}; the time is set by the model server (3 requests per agent-day)"
        return f"{memory} and about {_duration(self.seconds)} on a 2-core machine"


def llm_agents(scenario: Scenario) -> int:
    """How many agents decide by the ``llm`` rule (citizens with memories of their own)."""
    n, groups = scenario.population.size, scenario.agents.groups
    in_groups = sum(g.size(n) for g in groups if g.rule.type == "llm")
    rest = n - sum(g.size(n) for g in groups)
    return in_groups + (rest if scenario.agents.rule.type == "llm" else 0)


def footprint(scenario: Scenario, runs: int = 1) -> Footprint:
    """The expected footprint of ``runs`` runs of ``scenario`` side by side."""
    n, days = scenario.population.size, scenario.days
    citizens = llm_agents(scenario)
    memory = (
        BASE_BYTES
        + citizens * bytes_per_agent(days, citizen=True)
        + (n - citizens) * bytes_per_agent(days, citizen=False)
    )
    seconds = None
    update = scenario.agents.update
    if citizens == 0:
        rate = ARRAY_AGENT_DAYS_PER_SECOND[update]
        seconds = BASE_SECONDS + n * ARRAY_BUILD_SECONDS_PER_AGENT + n * days / rate
    elif scenario.llm.backend == "mock":
        rate, array_rate = AGENT_DAYS_PER_SECOND[update], ARRAY_AGENT_DAYS_PER_SECOND[update]
        seconds = (
            BASE_SECONDS
            + citizens * (BUILD_SECONDS_PER_AGENT + days / rate)
            + (n - citizens) * (ARRAY_BUILD_SECONDS_PER_AGENT + days / array_rate)
        )
    return Footprint(memory * runs, seconds, runs)


def bytes_per_agent(days: int, citizen: bool) -> float:
    """Peak memory per agent of a run of ``days`` days, with the safety margin: a citizen of
    the ``llm`` rule, or an agent on arrays (any other rule)."""
    if not citizen:
        return SAFETY * ARRAY_BYTES_PER_AGENT
    filling = BYTES_PER_AGENT_DAY_FILLING * min(days, FILLING_DAYS)
    later = BYTES_PER_AGENT_DAY_LATER * max(0, days - FILLING_DAYS)
    return SAFETY * (BYTES_PER_AGENT + filling + later)


def available_memory() -> float | None:
    """Bytes of memory available to a new process here (Linux ``MemAvailable``, else the
    physical memory), or None where neither can be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def require_memory(scenario: Scenario, runs: int = 1) -> Footprint:
    """The footprint, or a ScenarioError naming ``population.size`` when it will not fit in
    the memory available here."""
    needed = footprint(scenario, runs)
    available = available_memory()
    if available is not None and needed.memory > available:
        per_agent = footprint(scenario).memory - BASE_BYTES
        per_agent /= scenario.population.size
        largest = max(0, (available / runs - BASE_BYTES) / per_agent)
        largest = int(float(f"{largest:.2g}"))  # "about": two significant figures
        side_by_side = f" for {runs} runs side by side (--workers)" if runs > 1 else ""
        raise ScenarioError(
            f"population.size: {scenario.population.size:,} agents need {needed.describe()}"
            f"{side_by_side}, but this machine has {_size(available)} available (allowed "
            f"here: at most about {largest:,} agents{' per run' if runs > 1 else ''})"
        )
    return needed


def _size(n_bytes: float) -> str:
    if n_bytes >= 1e9:
        return f"{n_bytes / 1e9:.1f} GB"
    return f"{n_bytes / 1e6:.0f} MB"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
