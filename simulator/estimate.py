"""Predicting what a scenario will cost before it runs against a paid or slow model.

The scenario is played through once with the surrogate (same seed, same world), and the prompts
of a fixed sample of agents (see agents.llm.accounting) are rendered with the layout and memory
bounds a real run uses; tokens are counted at about four characters per token
(agents.prompts.estimate_tokens), which is close for English text with GPT-style tokenizers and
not exact for any. The request count is exact for a run without failures; repair requests and
retries come on top. Completion tokens are given twice: as long as the surrogate's answers
(expected) and at each kind's ``max_tokens`` (the most a run can be billed for).
"""

from __future__ import annotations

from tqdm import tqdm

from agents.llm.base import REQUEST_KINDS
from simulator.array_model import ArrayModel
from simulator.config import Scenario
from simulator.model import OpinionModel
from simulator.resources import llm_agents
from simulator.world import array_rule, asks_a_model, build_world, prices, surrogate_backend


def estimate(scenario: Scenario, progress: bool = True) -> dict:
    """Predicted requests, tokens and cost of ``scenario``, by request kind and in total.

    In a hybrid population only the ``llm`` groups ask the model: the population is played on
    arrays with the surrogate answering their requests. A scenario where no agent asks a
    model is played as if every agent did (``agents.rule: llm``)."""
    personas, contacts = build_world(scenario)
    backend = surrogate_backend(scenario)
    if asks_a_model(scenario) and scenario.agents.groups:
        model = ArrayModel(scenario, personas, contacts,
                           array_rule(scenario, personas, contacts, backend))  # fmt: skip
        asking = llm_agents(scenario)
    else:
        model = OpinionModel(scenario, personas, contacts, backend)
        asking = scenario.population.size
    try:
        for _ in tqdm(range(scenario.days), desc="estimating", unit="day", disable=not progress):
            model.step()
    finally:
        model.close()
    measured = backend.summary()
    price = prices(scenario)
    out: dict = {}
    for kind in REQUEST_KINDS:
        m = measured[kind]
        ceiling = m["requests"] * getattr(scenario.llm.max_tokens, kind)
        out[kind] = {
            "requests": m["requests"],
            "prompt_tokens": m["prompt_tokens"],
            "completion_tokens": m["completion_tokens"],
            "completion_tokens_max": ceiling,
            "cost_usd": price.cost(m["prompt_tokens"], m["completion_tokens"]),
            "cost_usd_max": price.cost(m["prompt_tokens"], ceiling),
        }
    out["total"] = {key: sum(out[k][key] for k in REQUEST_KINDS) for key in out["summarise"]}
    agent_days = asking * scenario.days
    out["total"]["tokens_per_agent_day"] = round(
        (out["total"]["prompt_tokens"] + out["total"]["completion_tokens"]) / agent_days, 1
    )
    return out
