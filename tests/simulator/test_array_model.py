"""The population on arrays gives the citizens' results exactly: the same files byte for byte,
whether the surrogate decides on arrays or answers each citizen's requests."""

from __future__ import annotations

import random

import numpy as np
import pytest

from agents.memory import LongTermMemory, MemoryItem
from agents.population import MemoryArrays
from simulator.array_model import day_waves
from simulator.config import Scenario
from simulator.runner import run_scenario
from tests.conftest import run_whole_and_resumed

FILES = ("daily.csv", "agents.csv", "engagement.csv", "interventions.csv")
EVERY_INTERVENTION = [
    {"type": "official_debunk", "start_day": 2, "every": 3, "reach": 0.5},
    {"type": "fact_check_label", "start_day": 3},
    {"type": "accuracy_nudge", "start_day": 4},
    {"type": "counter_messaging", "start_day": 2},
    {"type": "suspend_spreaders", "start_day": 5},
    {"type": "prebunk"},
]
NOTES = {"type": "examples.plugins.community_notes:CommunityNotes"}


def run_both(tmp_path, document: dict) -> dict[str, tuple[bytes, bytes]]:
    """The files of ``document`` run by citizens asking the mock and by the surrogate rule."""
    out = {}
    for rule in ("llm", "surrogate"):
        doc = {
            **document,
            "agents": {**document.get("agents", {}), "rule": rule},
            "outputs": {"dir": str(tmp_path), "plots": False, "report": False},
        }
        folder = tmp_path / rule
        run_scenario(Scenario.model_validate(doc), folder, progress=False)
        out[rule] = {f: (folder / f).read_bytes() for f in FILES if (folder / f).exists()}
    return out


@pytest.mark.parametrize("update", ["sequential", "synchronous"])
@pytest.mark.parametrize(
    ("contacts", "interventions"),
    [
        ({"type": "random_contacts", "k": 3}, []),
        ({"type": "barabasi_albert", "m": 3}, EVERY_INTERVENTION),
        ({"type": "watts_strogatz", "k": 4, "p": 0.1}, [*EVERY_INTERVENTION[:2], NOTES]),
    ],
    ids=["mixing", "network-every-intervention", "network-community-notes"],
)
def test_the_array_engine_writes_the_citizens_files_byte_for_byte(
    tmp_path, update, contacts, interventions
):
    document = {
        "seed": 11,
        "days": 8,
        "population": {"size": 150, "initial_believers": 8},
        "contacts": contacts,
        "agents": {"update": update, "memory": {"long_term_capacity": 3}},
        "interventions": interventions,
    }
    files = run_both(tmp_path, document)
    assert set(files["llm"]) == set(files["surrogate"])
    for name, citizens in files["llm"].items():
        assert files["surrogate"][name] == citizens, name
    # and the day is not trivial: beliefs change, the memory overflows
    daily = files["surrogate"]["daily.csv"].decode().splitlines()
    assert len({line.split(",")[2] for line in daily[1:]}) > 2


def sequential_waves(speakers: list[list[int]], order: list[int]) -> dict[int, int]:
    """Each agent's wave by walking the day one agent at a time."""
    position = {a: t for t, a in enumerate(order)}
    wave: dict[int, int] = {}
    for a in order:
        before = [wave[j] for j in speakers[a] if position[j] < position[a]]
        wave[a] = max(before) + 1 if before else 0
    return wave


@pytest.mark.parametrize("seed", range(5))
def test_waves_are_the_longest_chains_of_the_acting_order(seed):
    rng = np.random.default_rng(seed)
    n, k = 300, 3
    others = [np.delete(np.arange(n), i) for i in range(n)]
    speakers = np.array([rng.choice(row, k, replace=False) for row in others])
    speakers[rng.random((n, k)) < 0.2] = -1  # fewer speakers for some, as on a graph
    order = rng.permutation(n).tolist()
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    waves = day_waves(speakers, position)
    expected = sequential_waves([[j for j in row if j >= 0] for row in speakers.tolist()], order)
    assert sorted(np.concatenate(waves).tolist()) == list(range(n))
    for w, agents in enumerate(waves):
        assert all(expected[a] == w for a in agents.tolist())
        assert (np.diff(position[agents]) > 0).all()  # each wave in acting order
    assert 3 < len(waves) < 20  # a handful of passes, not one per agent


def test_memory_arrays_keep_and_forget_what_long_term_memory_does():
    rng = random.Random(3)
    n, capacity = 40, 4
    arrays = MemoryArrays(n, capacity)
    objects = [LongTermMemory(capacity, 280) for _ in range(n)]
    sources = ["reflection", "official", "prebunk", "fact_checker"]
    for day in range(1, 30):
        for turn in range(4):
            agents = sorted(rng.sample(range(n), rng.randint(1, n)))
            agents += agents[:2]  # an agent named twice learns twice
            if turn == 3:
                agents = list(range(n))  # everyone in order: the synchronous day's views
            stance, importance = rng.uniform(-1, 1), rng.choice([0.2, 0.5, 1.0, rng.random()])
            source = rng.choice(sources)
            arrays.add(np.array(agents), stance, importance, source, day)
            for a in agents:
                objects[a].add(MemoryItem("x", stance, source, day, importance))
    for a in range(n):
        stance, importance, source, day = (slot[:, 0] for slot in arrays.slots(np.array([a])))
        kept = int(arrays.count[a])
        items = objects[a].items
        assert kept == len(items)
        assert stance[:kept].tolist() == [m.stance for m in items]
        assert importance[:kept].tolist() == [m.importance for m in items]
        assert [arrays.sources[s] for s in source[:kept]] == [m.source for m in items]
        assert day[:kept].tolist() == [m.day for m in items]
        assert not importance[kept:].any()


def test_a_sampled_table_holds_the_full_tables_rows_of_its_agents(tmp_path):
    import pandas as pd

    base = {"seed": 5, "days": 5, "population": {"size": 400, "initial_believers": 10}}
    tables = {}
    for table in ("all", "sample", "none"):
        outputs = {"plots": False, "report": False, "agents_table": table, "agents_sample": 37}
        doc = {**base, "outputs": outputs}
        run_scenario(Scenario.model_validate(doc), tmp_path / table, progress=False)
        path = tmp_path / table / "agents.csv"
        tables[table] = pd.read_csv(path) if path.exists() else None
    assert tables["none"] is None
    sample = tables["sample"]
    agents = sorted(set(sample["agent"]))
    assert len(agents) == 37 and len(sample) == 37 * 6
    full = tables["all"]
    expected = full[full["agent"].isin(agents)].reset_index(drop=True)
    pd.testing.assert_frame_equal(sample, expected)
    daily = {t: (tmp_path / t / "daily.csv").read_bytes() for t in tables}
    assert daily["all"] == daily["sample"] == daily["none"]


def test_a_parquet_table_resumes_to_the_uninterrupted_one(tmp_path):
    import pandas as pd

    outputs = {"plots": False, "report": False, "agents_format": "parquet"}
    doc = {"seed": 9, "days": 6, "population": {"size": 300}, "outputs": outputs}

    def not_finished(cut):
        assert not (cut / "agents.parquet").exists()  # not finished: still .partial

    whole, resumed = run_whole_and_resumed(
        Scenario.model_validate(doc), tmp_path, 3, before_resume=not_finished
    )
    for name in ("daily.csv", "engagement.csv"):
        assert (resumed / name).read_bytes() == (whole / name).read_bytes()
    table = pd.read_parquet(resumed / "agents.parquet")
    pd.testing.assert_frame_equal(table, pd.read_parquet(whole / "agents.parquet"))
    assert sorted(table["day"].unique()) == list(range(7))


def test_making_room_first_leaves_the_memories_learning_alone_leaves():
    """The surrogate's day starts by making room (``make_room``) and adds the reflection
    later: the same memories as adding it and forgetting after."""
    rng = np.random.default_rng(5)
    n, capacity = 60, 3
    first, after = MemoryArrays(n, capacity), MemoryArrays(n, capacity)
    for day in range(1, 12):
        agents = np.sort(rng.choice(n, size=int(rng.integers(1, n)), replace=False))
        if day % 3 == 0:
            agents = np.arange(n)  # everyone in order: the views
        stance, importance = rng.uniform(-1, 1, agents.size), rng.uniform(0, 1, agents.size)
        first.make_room(agents, day)
        first.add(agents, stance, importance, "reflection", day)
        after.add(agents, stance, importance, "reflection", day)
    assert (first.count == capacity).any()  # memories overflowed
    for name in ("count", "stance", "importance", "source", "day"):
        assert np.array_equal(getattr(first, name), getattr(after, name)), name
