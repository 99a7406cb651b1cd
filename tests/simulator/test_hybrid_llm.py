"""llm groups in a population on arrays: citizens with memories of their own among rule
agents, in one contact structure."""

from __future__ import annotations

import csv
import io
import json

import pytest

from simulator.config import Scenario
from simulator.runner import run_scenario
from tests.fake_openai import FakeOpenAI
from tests.simulator.test_array_model import EVERY_INTERVENTION, FILES, NOTES


def without_column(daily: bytes, column: str) -> bytes:
    rows = list(csv.reader(io.StringIO(daily.decode())))
    drop = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [v for i, v in enumerate(row) if i != drop] for row in rows
    )
    return out.getvalue().encode()


@pytest.mark.parametrize("update", ["sequential", "synchronous"])
@pytest.mark.parametrize(
    ("contacts", "interventions"),
    [
        ({"type": "barabasi_albert", "m": 3}, EVERY_INTERVENTION),
        ({"type": "watts_strogatz", "k": 4, "p": 0.1}, [*EVERY_INTERVENTION[:2], NOTES]),
    ],
    ids=["network-every-intervention", "network-community-notes"],
)
def test_an_llm_group_of_everyone_writes_the_citizens_files(
    tmp_path, update, contacts, interventions
):
    """The llm rule inside the array engine is the citizens' model, exactly: a group of all
    agents asking the mock gives a population of citizens' files byte for byte."""
    n = 120
    base = {
        "seed": 5,
        "days": 6,
        "population": {"size": n, "initial_believers": 8},
        "contacts": contacts,
        "interventions": interventions,
        "outputs": {"dir": str(tmp_path), "plots": False, "report": False},
    }
    files = {}
    for name, agents in {
        "citizens": {"rule": "llm"},
        "group": {"rule": "surrogate", "groups": [{"name": "all", "rule": "llm", "count": n}]},
    }.items():
        memory = {"long_term_capacity": 3}
        doc = {**base, "agents": {"update": update, "memory": memory, **agents}}
        folder = tmp_path / name
        run_scenario(Scenario.model_validate(doc), folder, progress=False)
        files[name] = {f: (folder / f).read_bytes() for f in FILES if (folder / f).exists()}
    assert set(files["group"]) == set(files["citizens"])
    files["group"]["daily.csv"] = without_column(files["group"]["daily.csv"], "all.believers")
    for name, citizens in files["citizens"].items():
        assert files["group"][name] == citizens, name
