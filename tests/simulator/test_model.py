import asyncio
from pathlib import Path

import pytest

from agents.llm import Accounting
from agents.llm.base import LLMResponse
from agents.llm.mock import MockModel
from agents.prompts import estimate_tokens
from simulator.config import parse_scenario
from simulator.model import OpinionModel
from simulator.world import build_world


def scenario(**overrides):
    doc = {"name": "t", "seed": 5, "days": 6, "population": {"size": 20, "initial_believers": 3}}
    doc.update(overrides)
    return parse_scenario(doc, Path("."))


def simulate(sc, backend=None):
    personas, contacts = build_world(sc)
    acc = Accounting(backend or MockModel(sc.seed))
    model = OpinionModel(sc, personas, contacts, acc)
    trace = []
    for _ in range(sc.days):
        model.step()
        trace.append([(c.belief, c.post, c.state) for c in model.citizens])
    model.close()
    return model, acc, trace


def test_day_zero_and_counts():
    model, acc, _ = simulate(scenario())
    daily = model.daily_table()
    assert list(daily["day"]) == list(range(7))
    assert daily.loc[0, "infected"] == 3 and daily.loc[0, "susceptible"] == 17
    assert (daily[["susceptible", "infected", "recovered"]].sum(axis=1) == 20).all()
    assert acc.summary()["total"]["requests"] == 3 * 20 * 6
    assert model.time == 6


@pytest.mark.parametrize("update", ["synchronous", "sequential"])
def test_runs_are_deterministic(update):
    sc = scenario(agents={"update": update})
    assert simulate(sc)[2] == simulate(sc)[2]


class Jittery:
    """The mock's answers, each after a delay of its own (a few milliseconds, varying by
    agent and kind), so answers come back out of acting order."""

    name = "jittery"

    def __init__(self, seed):
        self.inner = MockModel(seed)
        self.started: list[int] = []

    async def complete(self, requests):
        for r in requests:
            self.started.append(r.context.agent_id)
            await asyncio.sleep(((r.context.agent_id * 7 + len(r.kind)) % 5) * 0.002)
        return await self.inner.complete(requests)

    async def aclose(self):
        pass


def test_a_sequential_day_gives_one_at_a_time_answers_however_they_arrive():
    """Citizens whose posts are final start at once, at most ``llm.concurrency`` requests
    in flight, those with longer chains behind them first: the answers are those of a
    backend that answers at once, in acting order."""
    sc = scenario(agents={"update": "sequential"}, llm={"concurrency": 3}, days=4)
    jittery = Jittery(sc.seed)
    assert simulate(sc, jittery)[2] == simulate(sc)[2]
    # the requests did not go out in acting order only: they overlapped across citizens
    firsts = [a for i, a in enumerate(jittery.started) if a not in jittery.started[:i]]
    assert len(firsts) == 20 and jittery.started[:3] != [firsts[0]] * 3


def test_update_modes_differ_and_synchronous_reads_yesterday():
    sync_model, _, sync_trace = simulate(scenario(agents={"update": "synchronous"}))
    seq_model, _, seq_trace = simulate(scenario(agents={"update": "sequential"}))
    assert sync_trace != seq_trace
    last_day = sync_model.day
    # synchronous: every heard post was written before today; sequential: some are today's
    assert all(m.day < last_day for c in sync_model.citizens for m in c.stm.items)
    assert any(m.day == last_day for c in seq_model.citizens for m in c.stm.items)


class Flaky:
    """Fails every request of agent 0 and every fifth opinion."""

    name = "flaky"

    def __init__(self, seed):
        self.inner = MockModel(seed)

    async def complete(self, requests):
        answers = await self.inner.complete(requests)
        return [
            LLMResponse({}, "oops", error="bad json")
            if r.context.agent_id == 0 or (r.kind == "opinion" and r.context.agent_id % 5 == 1)
            else a
            for r, a in zip(requests, answers, strict=True)
        ]

    async def aclose(self):
        pass


def test_failing_calls_never_stop_a_day():
    sc = scenario()
    model, acc, trace = simulate(sc, Flaky(sc.seed))
    daily = model.daily_table()
    # agent 0: 3 failures a day; agents 1, 6, 11, 16: one opinion failure a day
    assert list(daily["failed_requests"][1:]) == [3 + 4] * sc.days
    assert acc.summary()["total"]["failures"] == 7 * sc.days
    first = model.citizens[0]
    assert all(day[0][:2] == (first.belief, first.post) for day in trace)


def test_prompt_size_stays_bounded_over_days():
    sc = scenario(days=15)
    personas, contacts = build_world(sc)
    model = OpinionModel(sc, personas, contacts, Accounting(MockModel(sc.seed)))
    sizes = []
    for _ in range(sc.days):
        model.step()
        text = "".join(
            m["content"]
            for c in model.citizens
            for m in c.request("opinion", model.day, model.sampling["opinion"]).messages()
        )
        sizes.append(estimate_tokens(text))
    model.close()
    assert max(sizes[1:]) <= 1.2 * sizes[1]  # day 15 (and every day) within 1.2x of day 2


def test_backend_is_closed(monkeypatch):
    closed = []

    class Closing(MockModel):
        async def aclose(self):
            closed.append(True)

    simulate(scenario(days=1), Closing(1))
    assert closed == [True]
    assert asyncio.get_event_loop_policy() is not None
