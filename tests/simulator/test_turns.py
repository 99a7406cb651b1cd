"""The random-sequential day (simulator/turns.py): its turns' plan against a plain reading of
the definition, and the engine's levelled day against taking the turns one at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.config import Scenario
from simulator.errors import ScenarioError
from simulator.runner import run_scenario
from simulator.turns import TurnPlan
from tests.conftest import run_whole_and_resumed


def plain_plan(actors: np.ndarray, speakers: np.ndarray):
    """reads, occurrence and level of every turn, one turn after another."""
    latest: dict[int, int] = {}  # agent -> its latest turn so far
    level_of: list[int] = []
    reads = np.full((actors.size, speakers.shape[1]), -1)
    occurrence = np.zeros(actors.size, dtype=int)
    taken: dict[int, int] = {}
    for t, a in enumerate(actors.tolist()):
        links = [latest.get(a, -1)]
        for j, s in enumerate(speakers[t].tolist()):
            if s >= 0:
                reads[t, j] = latest.get(s, -1)
                links.append(reads[t, j])
        level_of.append(max((level_of[x] + 1 for x in links if x >= 0), default=0))
        occurrence[t] = taken.get(a, 0)
        taken[a] = occurrence[t] + 1
        latest[a] = t
    return reads, occurrence, np.array(level_of)


@pytest.mark.parametrize("seed", range(6))
def test_the_plan_is_the_definition_read_turn_by_turn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    actors = rng.integers(0, n, size=n)
    speakers = rng.integers(0, n, size=(n, 3))  # each turn's own
    speakers[rng.random((n, 3)) < 0.2] = -1  # padding, as a graph's short rows have
    plan = TurnPlan(actors, speakers)
    reads, occurrence, level = plain_plan(actors, speakers)
    np.testing.assert_array_equal(plan.reads, reads)
    np.testing.assert_array_equal(plan.occurrence, occurrence)
    got = np.empty(n, dtype=int)
    for i, turns in enumerate(plan.levels):
        assert np.all(np.diff(turns) > 0)  # in turn order
        assert len(set(actors[turns].tolist())) == turns.size  # nobody twice in a level
        got[turns] = i
    np.testing.assert_array_equal(got, level)


def scenario(rule: dict, update: str = "random_sequential", **extra) -> dict:
    return {
        "name": "turns",
        "seed": 5,
        "days": 6,
        "population": {"size": 400, "initial_believers": 160},
        "contacts": {"type": "random_contacts", "k": 3},
        "agents": {"update": update, "rule": rule},
        "outputs": {"plots": False, "report": False, "agents_table": "all"},
        **extra,
    }


RULES = [
    {"type": "voter"},
    {"type": "q_voter", "q": 2, "independence": 0.1},
    {"type": "majority"},
    {"type": "hegselmann_krause", "epsilon": 0.3, "self_weight": 0.0},
    {"type": "deffuant", "epsilon": 0.3},
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r["type"])
def test_levels_give_what_one_turn_at_a_time_gives(tmp_path, monkeypatch, rule):
    """Byte-identical tables whether a level's turns decide together or every turn alone in
    turn order (the definition), engagement and the agent table included."""
    levelled = tmp_path / "levelled"
    run_scenario(Scenario.model_validate(scenario(rule)), levelled, progress=False)
    monkeypatch.setattr(
        TurnPlan, "_levels", staticmethod(lambda links: [np.array([t]) for t in range(len(links))])
    )
    alone = tmp_path / "alone"
    run_scenario(Scenario.model_validate(scenario(rule)), alone, progress=False)
    for name in ("daily.csv", "agents.csv", "engagement.csv"):
        assert (levelled / name).read_bytes() == (alone / name).read_bytes(), name
    daily = pd.read_csv(levelled / "daily.csv")
    assert daily.infected.nunique() > 1  # opinions moved


def test_a_day_of_turns_is_not_a_permutation(tmp_path):
    """Some agents act twice and some not at all: the q-voter's days differ from sequential
    ones from the same start."""
    rule = {"type": "q_voter", "q": 2, "independence": 0.0}
    tables = {}
    for update in ("sequential", "random_sequential"):
        folder = tmp_path / update
        run_scenario(Scenario.model_validate(scenario(rule, update)), folder, progress=False)
        tables[update] = pd.read_csv(folder / "daily.csv")
    assert tables["sequential"].iloc[0].equals(tables["random_sequential"].iloc[0])
    assert not tables["sequential"].infected.equals(tables["random_sequential"].infected)


@pytest.mark.parametrize("rule", ["surrogate", "sir", "daley_kendall"])
def test_rules_with_a_day_of_their_own_refuse_random_turns(rule):
    with pytest.raises((ScenarioError, ValueError), match="random_sequential is not available"):
        Scenario.model_validate(scenario({"type": rule}))


def test_a_random_sequential_run_resumes_to_the_uninterrupted_one(tmp_path):
    """The turns come from the model's generator, which the checkpoint keeps; the turn
    counters are zero between days."""
    rule = {"type": "q_voter", "q": 2, "independence": 0.1}
    doc = scenario(rule, interventions=[{"type": "official_debunk", "start_day": 2, "every": 2}])
    whole, resumed = run_whole_and_resumed(Scenario.model_validate(doc), tmp_path, 3)
    for name in ("daily.csv", "agents.csv", "engagement.csv", "interventions.csv"):
        assert (resumed / name).read_bytes() == (whole / name).read_bytes(), name
