"""fit-surrogate: weights fitted to a model's decisions beat the defaults on held-out answers."""

from __future__ import annotations

import asyncio
import json

import pytest
import yaml

from agents.llm.base import LLMRequest, Sampling
from agents.llm.mock import MockModel
from agents.llm.transcript import Transcript, context_from_record, context_record
from agents.news import NewsItem
from agents.surrogate import SurrogateParameters
from simulator.errors import UserError
from simulator.situations import design
from simulator.surrogate_fit import fit_transcripts, metrics
from simulator.surrogate_params import read_surrogate_file

NEWS = [
    NewsItem("political", "a senator owns shares", "A senator owns shares, leaks say."),
    NewsItem("science", "a vaccine alters genes", "A vaccine alters genes, a blog says."),
]
# A "model" that decides unlike the defaults: little inertia, evidence weighs much.
TRUE = SurrogateParameters(inertia=0.2, gain=5.0, w_agreeableness=3.0)


def _transcript(path, count=500, parameters=TRUE):
    contexts = design(count, seed=3, news=NEWS)
    backend = Transcript(MockModel(seed=11, parameters=parameters), path)
    requests = [LLMRequest("opinion", c, Sampling(1.0, 100)) for c in contexts]
    asyncio.run(backend.complete(requests))
    asyncio.run(backend.aclose())
    return contexts


def test_context_record_round_trip():
    for ctx in design(30, seed=1, news=NEWS):
        record = json.loads(json.dumps(context_record(ctx)))
        assert context_from_record(ctx.agent_id, ctx.day, record) == ctx


def test_design_varies_every_factor():
    contexts = design(400, seed=2, news=NEWS)
    assert {c.belief for c in contexts} == {0, 1}
    assert {c.news.topic for c in contexts} == {"political", "science"}
    assert {len(c.heard) for c in contexts} == {0, 1, 2, 3, 4}
    sources = {m.source for c in contexts for m in c.memory}
    assert {"official", "prebunk", "fact_checker", "reflection"} <= sources
    assert 30 < sum(bool(c.nudges) for c in contexts) < 100
    assert design(400, seed=2, news=NEWS) == contexts  # reproducible from the seed


def test_fit_recovers_the_deciding_weights(tmp_path):
    _transcript(tmp_path / "transcript.jsonl")
    report = fit_transcripts([tmp_path], tmp_path / "fit", holdout=0.25, seed=0)
    fit = json.loads((tmp_path / "fit" / "fit.json").read_text())
    scores = fit["held_out_scores"]
    assert scores["fitted"]["log_loss"] < scores["default"]["log_loss"]
    assert scores["fitted"]["log_loss"] < scores["constant"]["log_loss"]
    assert scores["fitted"]["auc"] > scores["constant"]["auc"]
    est = fit["estimates"]
    assert est["gain"]["value"] > 2.4  # towards the true 5.0, away from the default
    assert est["inertia"]["value"] < 1.5  # towards the true 0.2
    assert "log-loss" in report and (tmp_path / "fit" / "calibration.png").stat().st_size > 0
    # The parameter file is what a scenario's llm.surrogate_params reads.
    params, topics = read_surrogate_file(tmp_path / "fit" / "surrogate_params.yaml")
    assert params.gain == pytest.approx(est["gain"]["value"], abs=1e-3)
    assert topics["science"].appeal == pytest.approx(est["appeal:science"]["value"], abs=1e-3)


def test_fit_refuses_transcripts_without_decisions(tmp_path):
    (tmp_path / "transcript.jsonl").write_text(
        json.dumps({"kind": "summarise", "error": None}) + "\n"
    )
    with pytest.raises(UserError, match="at least 20"):
        fit_transcripts([tmp_path], tmp_path / "fit", 0.25, 0)


def test_bad_parameter_file_names_the_field(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"parameters": {"gian": 1.0}}))
    with pytest.raises(UserError, match=r"llm.surrogate_params: .*parameters.gian"):
        read_surrogate_file(path)


def test_metrics_of_a_perfect_and_a_constant_forecast():
    import numpy as np

    y = np.array([0, 1, 1, 0.0])
    assert metrics(y, y)["brier"] == 0 and metrics(y, y)["auc"] == 1
    assert metrics(np.full(4, 0.5), y)["log_loss"] == pytest.approx(0.6931, abs=1e-4)


def test_situations_fit_and_run_from_the_command_line(tmp_path, monkeypatch):
    """The user's path: ask a server the study set, fit to it, run a scenario on the fit."""
    from tests.conftest import ROOT, run_cli, write_scenario
    from tests.fake_openai import FakeOpenAI

    monkeypatch.setenv("MURMUR_TEST_KEY", "sk-test-situations")
    with FakeOpenAI() as server:
        scenario = write_scenario(
            tmp_path,
            {
                "name": "study",
                "seed": 5,
                "days": 2,
                "population": {"size": 2, "initial_believers": 1},
                "llm": {
                    "backend": "openai",
                    "model": "fake-model",
                    "base_url": server.base_url,
                    "api_key_env": "MURMUR_TEST_KEY",
                    "cache": {"mode": "off"},
                },
            },
        )
        done = run_cli("situations", str(scenario), "--count", "60", "--out", str(tmp_path / "s"))
    assert done.returncode == 0, done.stderr
    assert "60 of 60 answers parsed" in done.stdout
    records = (tmp_path / "s" / "transcript.jsonl").read_text().splitlines()
    assert len(records) == 60 and "sk-test-situations" not in "".join(records)
    fitted = run_cli("fit-surrogate", str(tmp_path / "s"), "--out", str(tmp_path / "fit"))
    assert fitted.returncode == 0, fitted.stderr
    assert "constant" in fitted.stdout and "log-loss" in fitted.stdout
    run = write_scenario(
        tmp_path,
        {
            "name": "fitted",
            "seed": 1,
            "days": 3,
            "population": {"size": 10, "initial_believers": 2},
            "llm": {"surrogate_params": str(tmp_path / "fit" / "surrogate_params.yaml")},
            "outputs": {"dir": str(tmp_path / "runs"), "plots": False},
        },
        name="fitted.yaml",
    )
    ran = run_cli(str(run), "--quiet", cwd=ROOT)
    assert ran.returncode == 0, ran.stderr
    missing = run_cli("fit-surrogate", str(tmp_path / "nowhere"), "--out", str(tmp_path / "f2"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_situations_refuse_the_surrogate(tmp_path):
    from tests.conftest import run_cli, write_scenario

    scenario = write_scenario(tmp_path, {"name": "m", "population": {"size": 4}})
    done = run_cli("situations", str(scenario), "--out", str(tmp_path / "s"))
    assert done.returncode == 2 and "llm.backend" in done.stderr
    assert not (tmp_path / "s").exists()
