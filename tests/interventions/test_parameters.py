"""Every parameter of every built-in intervention does something: set to a value other than
its default, it changes what the run records (actions, costs, beliefs or what agents hold in
memory). A parameter accepted and then ignored fails here, as fact_check_label's delay_days of
2 or more once did (it labelled nothing and still cost)."""

import csv
from unittest.mock import patch

import pytest

from agents.citizen import Citizen
from interventions.registry import BUILTINS
from tests.interventions.helpers import model

# The entry each run starts from (required parameters filled in), and for every parameter a
# value other than its default.
BASE = {
    "forecast_trigger": {"threshold": 1.0, "then": {"type": "official_debunk"}},
}
CHANGED = {
    "official_debunk": {
        "start_day": 2,
        "every": 2,
        "until_day": 3,
        "reach": 0.5,
        "target": "believers",
        "message": "Officials: {claim} is not true.",
        "source": "health_agency",
        "trust": 0.5,
        "cost_per_round": 20.0,
        "cost_per_agent": 0.3,
    },
    "prebunk": {
        "start_day": 2,
        "every": 2,
        "until_day": 2,
        "reach": 0.5,
        "target": "non_believers",
        "message": "Watch out for stories that claim {claim} without a source.",
        "strength": 0.4,
        "cost_per_round": 30.0,
        "cost_per_agent": 0.5,
    },
    "fact_check_label": {
        "start_day": 3,
        "delay_days": 2,
        "credibility": 0.95,
        "label": "Checked: false.",
        "cost_of_check": 40.0,
        "cost_per_label": 0.2,
    },
    "suspend_spreaders": {
        "start_day": 2,
        "k": 5,
        "by": "centrality",
        "mode": "suspend",
        "days": 1,
        "reselect_every": 2,
        "cost_per_account_day": 3.0,
    },
    "accuracy_nudge": {
        "start_day": 2,
        "every": 2,
        "until_day": 3,
        "reach": 0.5,
        "target": "believers",
        "message": "Is this really accurate?",
        "strength": 0.9,
        "cost_per_round": 8.0,
        "cost_per_nudge": 0.1,
    },
    "counter_messaging": {
        "start_day": 3,
        "until_day": 3,
        "k": 6,
        "audience_size": 9,
        "weight": 3.0,
        "message": "No, {claim} is not what happened.",
        "cost_per_message": 2.0,
    },
    "forecast_trigger": {
        "threshold": 1e12,
        "observe_days": 3,
        "then": {"type": "prebunk"},
        "cost_per_check": 1.0,
    },
}
CASES = [(kind, key, value) for kind, changes in CHANGED.items() for key, value in changes.items()]


def record(entry: dict, tmp_path) -> tuple:
    """Everything a run of the entry leaves behind that a parameter could change."""
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    m = model([entry], folder, engagement=True, initial_believers=6)
    tallies, nudges = [], []
    add_nudge = Citizen.add_nudge

    def spy(citizen, item):
        nudges.append((citizen.index, item))
        add_nudge(citizen, item)

    with patch.object(Citizen, "add_nudge", spy):
        for _ in range(m.config.days):
            m.step()
            tallies.append(tuple(sorted(m.today.items())))
    memory = sorted(
        (c.index, item.text, item.source, round(item.stance, 6), round(item.importance, 6))
        for c in m.citizens
        for item in (*c.ltm.items, *c.stm.items)
    )
    m.interventions.log.close(True)
    m.engagement.close(True)
    m.close()
    with (folder / "interventions.csv").open() as f:
        actions = [tuple(row.values()) for row in csv.DictReader(f)]
    return actions, tallies, memory, nudges


def test_every_parameter_of_every_builtin_is_covered():
    for kind, cls in BUILTINS.items():
        params = set(cls.Params.model_fields) - {"type", "name"}
        assert params == set(CHANGED[kind]), kind


@pytest.mark.parametrize(("kind", "key", "value"), CASES, ids=[f"{k}.{p}" for k, p, _ in CASES])
def test_a_parameter_away_from_its_default_changes_the_run(kind, key, value, tmp_path):
    base = {"type": kind, **BASE.get(kind, {})}
    default = BUILTINS[kind].Params.model_fields[key].default
    assert value != default
    assert record({**base, key: value}, tmp_path) != record(base, tmp_path)


def test_fact_check_delay_of_two_days_labels_accounts_that_kept_repeating(tmp_path):
    m = model([{"type": "fact_check_label", "delay_days": 2}], tmp_path, initial_believers=6)
    streak: dict[int, int] = {}
    for _ in range(m.config.days):
        before = {c.index: (c.post_item.stance > 0, c.post_item.day) for c in m.citizens}
        for agent, (believing, day) in before.items():
            if believing:
                streak.setdefault(agent, day)
            else:
                streak.pop(agent, None)
        labelled_before = set(m.interventions.labelled)
        m.step()
        new = m.interventions.labelled - labelled_before
        expected = {(a, before[a][1]) for a, s in streak.items() if m.day - s >= 2}
        assert new == expected, m.day
    assert m.interventions.labelled, "a delay of 2 days labelled nothing in 6 days"
    m.close()


@pytest.mark.parametrize(
    ("kind", "key", "low", "high"),
    [
        ("accuracy_nudge", "strength", 0.1, 1.0),
        ("prebunk", "strength", 0.2, 1.0),
        ("official_debunk", "trust", 0.2, 1.0),
        ("fact_check_label", "credibility", 0.2, 1.0),
        ("counter_messaging", "weight", 0.5, 3.0),
    ],
)
def test_stronger_interventions_cost_more(kind, key, low, high):
    costs = []
    for value in (low, high):
        m = model([{"type": kind, key: value}], initial_believers=6, seed=5)
        for _ in range(m.config.days):
            m.step()
        costs.append(m.interventions.log.cost())
        m.close()
    assert costs[1] > costs[0] > 0
