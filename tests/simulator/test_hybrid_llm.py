"""llm groups in a population on arrays: citizens with memories of their own among rule
agents, in one contact structure."""

from __future__ import annotations

import csv
import io
import json

import pytest

from simulator.config import Scenario, load_scenario
from simulator.runner import run_scenario
from tests.conftest import ROOT, run_whole_and_resumed
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


def test_a_hundred_thousand_agents_with_one_percent_asking_a_server(tmp_path, monkeypatch):
    """100k agents, 1% of them llm agents asking an OpenAI-compatible server through the real
    client, the rest by the surrogate: every llm agent sends its three requests a day, reads
    surrogate agents' posts as text, and the surrogate agents hear the llm agents' posts."""
    n, days = 100_000, 2
    with FakeOpenAI() as server:
        doc = {
            "name": "hybrid-100k",
            "seed": 4,
            "days": days,
            "population": {"size": n, "initial_believers": 2_000},
            "contacts": {"type": "random_contacts", "k": 3},
            "agents": {
                "rule": "surrogate",
                "groups": [{"name": "llm", "rule": "llm", "share": 0.01}],
            },
            "llm": {
                "backend": "openai",
                "model": "fake-model",
                "base_url": server.base_url,
                "api_key_env": None,
                "concurrency": 32,
                "cache": {"mode": "off"},
            },
            "outputs": {
                "dir": str(tmp_path),
                "plots": False,
                "report": False,
                "agents_table": "sample",
                "agents_sample": 1000,
            },
        }
        result = run_scenario(Scenario.model_validate(doc), tmp_path / "run", progress=False)
    assert server.requests == 3 * 1_000 * days
    summary = result.summary
    assert summary["groups"] == {"llm": "llm", "rest": "surrogate"}
    assert summary["llm"]["total"]["requests"] == 3 * 1_000 * days
    assert summary["llm"]["total"]["failures"] == 0
    daily = list(csv.DictReader((result.folder / "daily.csv").open()))
    last = daily[-1]
    assert int(last["llm.believers"]) + int(last["rest.believers"]) == int(last["infected"])
    # llm agents read the surrogate's posts as text: the surrogate's wording is in prompts
    transcript = [json.loads(line) for line in (result.folder / "transcript.jsonl").open()]
    assert len(transcript) == 3 * 1_000 * days
    llm_agents = {t["agent"] for t in transcript}
    rows = list(csv.DictReader((result.folder / "agents.csv").open()))
    surrogate_posts = {r["post"][:40] for r in rows if r["day"] == "1"
                       and int(r["agent"]) not in llm_agents}  # fmt: skip
    prompts = [json.dumps(t["messages"]) for t in transcript if t["day"] == 2]
    assert any(post in prompt for post in surrogate_posts for prompt in prompts[:300])
    # and the llm agents' posts (the server's words) are the population's posts
    llm_rows = [r for r in rows if int(r["agent"]) in llm_agents and r["day"] == "2"]
    assert llm_rows and all(r["post"].startswith("My take number") for r in llm_rows)


def test_a_hybrid_run_with_an_llm_group_resumes_to_the_same_files(tmp_path):
    """The citizens' memories and the rule agents' columns both go into the checkpoint."""
    doc = {
        "seed": 8,
        "days": 7,
        "population": {"size": 400, "initial_believers": 20},
        "contacts": {"type": "watts_strogatz", "k": 4, "p": 0.1},
        "agents": {
            "update": "sequential",
            "rule": {"type": "q_voter", "q": 2},
            "groups": [
                {"name": "llm", "rule": "llm", "count": 40, "select": "most_connected"},
                {"name": "thinkers", "rule": "surrogate", "share": 0.25},
            ],
            "memory": {"long_term_capacity": 3},
        },
        "interventions": [*EVERY_INTERVENTION[:3], NOTES],
        "outputs": {"dir": str(tmp_path), "plots": False, "report": False},
    }
    whole, resumed = run_whole_and_resumed(Scenario.model_validate(doc), tmp_path, 4)
    for name in FILES:
        if (whole / name).exists():
            assert (resumed / name).read_bytes() == (whole / name).read_bytes(), name
    daily = list(csv.DictReader((whole / "daily.csv").open()))
    assert {"llm.believers", "thinkers.believers", "rest.believers"} <= set(daily[0])


def test_the_shipped_hybrid_llm_scenario_runs_against_a_server(tmp_path):
    """scenarios/hybrid_llm.yaml with its base_url pointed at a loopback server."""
    scenario = load_scenario(ROOT / "scenarios" / "hybrid_llm.yaml")
    with FakeOpenAI(models=(scenario.llm.model,)) as server:
        cache = scenario.llm.cache.model_copy(update={"mode": "off"})
        llm = scenario.llm.model_copy(update={"base_url": server.base_url, "cache": cache})
        outputs = scenario.outputs.model_copy(update={"dir": tmp_path, "report": False})
        scenario = scenario.model_copy(update={"llm": llm, "outputs": outputs})
        result = run_scenario(scenario, tmp_path / "run", progress=False)
    members = round(0.01 * scenario.population.size)
    assert server.requests == 3 * members * scenario.days
    assert result.summary["groups"] == {"llm": "llm", "rest": "surrogate"}
    assert (result.folder / "transcript.jsonl").read_text().count("\n") == server.requests
