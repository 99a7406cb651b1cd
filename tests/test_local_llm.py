"""The real path end to end: scenarios/local_llm.yaml against a live local model server.

Marked ``llm`` (not in the default run): ``make test-llm`` starts Gemma 3 270M on llama.cpp and
runs it. Skipped with the reason when no server answers.
"""

import json
import urllib.request
from pathlib import Path

import pytest

from agents.llm.parsing import TEMPLATE_DEBRIS
from simulator.config import load_scenario
from simulator.runner import run_scenario
from tests.conftest import ROOT

pytestmark = pytest.mark.llm


def server_up(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=60) as reply:
            return reply.status == 200
    except OSError:
        return False


def local_scenario(tmp_path: Path):
    """scenarios/local_llm.yaml with its cache and results under ``tmp_path``; skips the test
    when no model server answers."""
    base = load_scenario(ROOT / "scenarios" / "local_llm.yaml")
    if not server_up(base.llm.base_url):
        pytest.skip(f"no model server at {base.llm.base_url} (start one with `make llm-server`)")
    llm = base.llm.model_copy(
        update={"cache": base.llm.cache.model_copy(update={"path": tmp_path / "cache.sqlite"})}
    )
    outputs = base.outputs.model_copy(update={"dir": tmp_path / "out"})
    return base.model_copy(update={"llm": llm, "outputs": outputs})


def test_local_model_end_to_end(tmp_path: Path):
    scenario = local_scenario(tmp_path)
    first = run_scenario(scenario, progress=False)
    total = first.summary["llm"]["total"]
    agent_days = scenario.population.size * scenario.days
    assert total["requests"] == 3 * agent_days
    opinions = first.summary["llm"]["opinion"]
    # Answers that copy the template or echo chat markup are refused and asked for again (a
    # fresh sample, then a repair); with Gemma 3 270M 0-11% still fail (docs/PERFORMANCE.md).
    assert opinions["failures"] <= 0.35 * opinions["requests"]
    assert opinions["tokens_estimated"] is False and total["prompt_tokens"] > 0
    records = [json.loads(line) for line in (first.folder / "transcript.jsonl").open()]
    assert len(records) == total["requests"] and not any(r["cached"] for r in records)
    posts = [r["fields"].get("post") for r in records if r["kind"] == "opinion"]
    usable = [
        p for p in posts if p and len(p.split()) >= 3 and not any(m in p for m in TEMPLATE_DEBRIS)
    ]
    # measured: 96% over 3 seeds with fresh samples (seventh session), 87% with repairs only,
    # 33-94% at temperature 1.0 on two machines, 0% (the old prompts); PERFORMANCE.md. The
    # floor is low because the same build differed by machine.
    assert len(usable) >= 0.5 * len(posts)
    second = run_scenario(scenario, progress=False)
    # every answer received is replayed; only failed ones (never cached) are asked again
    assert second.summary["llm"]["total"]["cached"] == total["requests"] - total["failures"]
    if total["failures"] == 0:
        for name in ("daily.csv", "agents.csv"):
            assert (first.folder / name).read_bytes() == (second.folder / name).read_bytes()
    print(
        json.dumps(
            {
                "tokens_per_agent_day": (total["prompt_tokens"] + total["completion_tokens"])
                / agent_days,
                "first_run_s": first.summary["runtime_seconds"],
                "cached_run_s": second.summary["runtime_seconds"],
            }
        )
    )


# Each built-in set to act on day 1 of a 2-day run, so its effect reaches the model's prompts.
DAY_ONE = {
    "official_debunk": {},
    "prebunk": {},
    "fact_check_label": {},
    "suspend_spreaders": {"start_day": 1, "k": 1},
    "accuracy_nudge": {},
    "counter_messaging": {"start_day": 1, "k": 1, "audience_size": 2},
}
MARKS = {
    "official_debunk": "from official:",
    "prebunk": "from prebunk:",
    "fact_check_label": "[Fact-check:",
    "accuracy_nudge": "Before you decide:",
    "counter_messaging": "I looked into it",
}


@pytest.mark.parametrize("kind", sorted(DAY_ONE))
def test_each_intervention_runs_against_the_local_model(tmp_path: Path, kind: str):
    base = local_scenario(tmp_path)
    scenario = base.model_copy(
        update={
            "days": 2,
            "population": base.population.model_copy(update={"size": 4}),
            "interventions": [{"type": kind, **DAY_ONE[kind]}],
        }
    )
    result = run_scenario(scenario, progress=False)
    assert result.summary["llm"]["total"]["requests"] == 3 * 4 * 2
    assert result.summary["governance_cost"] > 0
    assert (result.folder / "interventions.csv").is_file()
    prompts = (result.folder / "transcript.jsonl").read_text()
    if kind in MARKS:  # the intervention reached the model as text
        assert MARKS[kind] in prompts
