"""Runs through the real openai client against a loopback OpenAI-compatible server."""

import asyncio
from pathlib import Path

import pytest

from agents.llm.base import LLMRequest, RequestContext, Sampling
from agents.llm.openai_backend import OpenAIModel
from agents.news import NewsItem
from agents.persona import generate_personas
from agents.prompts import estimate_tokens
from simulator.config import Prices, parse_scenario
from simulator.runner import run_scenario
from tests.fake_openai import CONTENT_FAULTS, FakeOpenAI

SECRET = "sk-murmur-test-DO-NOT-LEAK-4242"


def scenario(tmp_path: Path, server: FakeOpenAI, cache: str = "off", out: str = "out"):
    return parse_scenario(
        {
            "name": "loopback",
            "seed": 9,
            "days": 3,
            "population": {"size": 8, "initial_believers": 2},
            "agents": {"update": "synchronous"},
            "llm": {
                "backend": "openai",
                "model": "fake-model",
                "base_url": server.base_url,
                "api_key_env": "MURMUR_TEST_KEY",
                "timeout_s": 0.5,
                "max_retries": 4,
                "concurrency": 8,
                "cache": {"mode": cache, "path": str(tmp_path / "cache.sqlite")},
            },
            "outputs": {"dir": str(tmp_path / out), "plots": False},
        },
        tmp_path,
    )


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("MURMUR_TEST_KEY", SECRET)


def test_run_uses_server_answers_and_usage(tmp_path):
    with FakeOpenAI() as server:
        result = run_scenario(scenario(tmp_path, server), progress=False)
    assert server.requests == 3 * 8 * 3
    assert server.authorizations == {f"Bearer {SECRET}"}
    llm = result.summary["llm"]
    assert llm["total"]["failures"] == 0
    assert llm["opinion"]["tokens_estimated"] is False
    assert llm["total"]["completion_tokens"] == 20 * 72  # the server's usage figures
    assert (result.folder / "transcript.jsonl").read_text().count("\n") == 72
    posts = (result.folder / "agents.csv").read_text()
    assert "My take number" in posts


def test_faults_are_survived_and_counted(tmp_path):
    with FakeOpenAI() as clean_server:
        clean = run_scenario(scenario(tmp_path, clean_server, out="clean"), progress=False)
    with FakeOpenAI(fault_share=0.3) as server:
        faulty = run_scenario(scenario(tmp_path, server, out="faulty"), progress=False)
    injected = sum(server.injected.values())
    assert injected >= 0.15 * 72, server.injected
    assert set(server.injected) >= {"429", "500", "malformed"}
    # every fault cost exactly one more HTTP request (a client retry or a repair)
    assert server.requests == 72 + injected
    assert faulty.summary["llm"]["total"]["failures"] == 0
    for name in ("daily.csv", "agents.csv"):
        assert (clean.folder / name).read_bytes() == (faulty.folder / name).read_bytes()
    content_faults = sum(server.injected[f] for f in CONTENT_FAULTS)
    transcript = (faulty.folder / "transcript.jsonl").read_text()
    assert transcript.count('"error": null') == 72
    assert content_faults > 0
    # the counters tell the faults apart: status faults were retried, content faults repaired
    total = faulty.summary["llm"]["total"]
    assert total["retries"] == injected - content_faults
    assert total["repairs"] == content_faults
    assert clean.summary["llm"]["total"]["retries"] == clean.summary["llm"]["total"]["repairs"] == 0
    latency = total["latency_s"]
    assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"]
    # answers slowed past the timeout were retried: the slowest took at least the timeout
    if server.injected["slow"]:
        assert latency["max"] >= 0.5


def test_unrecoverable_answers_keep_yesterday(tmp_path):
    with FakeOpenAI(fault_share=1.0) as server:
        sc = scenario(tmp_path, server)
        sc = sc.model_copy(update={"llm": sc.llm.model_copy(update={"max_retries": 0})})
        result = run_scenario(sc, progress=False)
    # content faults are repaired; status faults with no retries left fail the request
    failures = result.summary["llm"]["total"]["failures"]
    assert failures > 0
    assert result.summary["llm"]["total"]["requests"] == 72
    daily = (result.folder / "daily.csv").read_text().splitlines()
    assert len(daily) == 1 + 4  # every day completed


def test_cache_replays_without_requests(tmp_path):
    with FakeOpenAI() as server:
        first = run_scenario(scenario(tmp_path, server, cache="readwrite", out="a"), progress=False)
        sent = server.requests
        second = run_scenario(
            scenario(tmp_path, server, cache="readwrite", out="b"), progress=False
        )
        assert server.requests == sent  # nothing reached the server
    assert second.summary["llm"]["total"]["cached"] == 72
    for name in ("daily.csv", "agents.csv"):
        assert (first.folder / name).read_bytes() == (second.folder / name).read_bytes()


def test_no_file_contains_the_key(tmp_path, monkeypatch):
    import simulator.checkpoint as checkpoint

    checkpoints: list[bytes] = []
    save = checkpoint.write_checkpoint

    def keep_a_copy(path, data):  # checkpoints are removed when a run finishes
        save(path, data)
        checkpoints.append(path.read_bytes())

    monkeypatch.setattr(checkpoint, "write_checkpoint", keep_a_copy)
    with FakeOpenAI(fault_share=0.3) as server:
        sc = scenario(tmp_path, server, cache="readwrite")
        sc = sc.model_copy(update={"interventions": [{"type": "official_debunk"}]})
        run_scenario(sc, progress=False)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "cache.sqlite" for p in files)
    assert any(p.name == "transcript.jsonl" for p in files)
    assert any(p.name == "interventions.csv" for p in files)
    assert len(checkpoints) == 3  # one per day
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    for blob in checkpoints:
        assert SECRET.encode() not in blob


def test_servers_without_json_schema_get_json_mode(tmp_path):
    with FakeOpenAI(reject_json_schema=True) as server:
        sc = scenario(tmp_path, server)
        sc = sc.model_copy(update={"llm": sc.llm.model_copy(update={"max_retries": 0})})
        result = run_scenario(sc, progress=False)
    assert result.summary["llm"]["total"]["failures"] == 0
    assert "My take number" in (result.folder / "agents.csv").read_text()


def _opinion_requests(n: int) -> list[LLMRequest]:
    news = NewsItem("political", "the senator owns shares", "Leaks say the senator owns shares.")
    return [
        LLMRequest("opinion", RequestContext(i, 1, p, news, 0, 1.0, "I doubt it."), Sampling(1, 64))
        for i, p in enumerate(generate_personas(n, 3))
    ]


def _most_in_one_second(arrivals: list[float]) -> int:
    return max(sum(1 for t in arrivals if start <= t < start + 1.0) for start in arrivals)


@pytest.mark.parametrize("limit", ["requests", "tokens"])
def test_rate_limits_hold_requests_back(limit):
    requests = _opinion_requests(30)
    per_request = max(
        estimate_tokens("".join(m["content"] for m in r.messages())) + 64 for r in requests
    )
    # about 8 requests a second either way
    settings = (
        {"requests_per_minute": 480}
        if limit == "requests"
        else {"tokens_per_minute": 480 * per_request}
    )
    with FakeOpenAI() as server:
        model = OpenAIModel(1, "fake", "k", [server.base_url], concurrency=30, **settings)

        async def go():
            try:
                return await model.complete(requests)
            finally:
                await model.aclose()

        answers = asyncio.run(go())
    assert all(a.ok for a in answers)
    # a bucket of about a second's worth, refilled at 8 a second: at most ~16 in any second,
    # where without a limit all 30 arrive at once
    assert _most_in_one_second(server.arrivals) <= 17
    assert server.arrivals[-1] - server.arrivals[0] >= 1.5


def test_prices_give_cost_and_cached_answers_are_free(tmp_path):
    def priced(out):
        sc = scenario(tmp_path, server, cache="readwrite", out=out)
        llm = sc.llm.model_copy(
            update={"prices": Prices(input_per_million=2.0, output_per_million=10.0)}
        )
        return sc.model_copy(update={"llm": llm})

    with FakeOpenAI() as server:
        first = run_scenario(priced("a"), progress=False)
        replay = run_scenario(priced("b"), progress=False)
    total = first.summary["llm"]["total"]
    expected = (total["prompt_tokens"] * 2.0 + total["completion_tokens"] * 10.0) / 1e6
    assert total["cost_usd"] == pytest.approx(expected, abs=1e-6)
    assert total["cost_usd"] > 0
    assert replay.summary["llm"]["total"]["cost_usd"] == 0


def test_several_client_processes_give_the_same_run(tmp_path):
    with FakeOpenAI() as server:
        one = run_scenario(scenario(tmp_path, server, out="one"), progress=False)
        sc = scenario(tmp_path, server, out="two")
        sc = sc.model_copy(update={"llm": sc.llm.model_copy(update={"client_processes": 2})})
        sent = server.requests
        two = run_scenario(sc, progress=False)
        assert server.requests - sent == 72  # every request once, from two processes
    for name in ("daily.csv", "agents.csv"):
        assert (one.folder / name).read_bytes() == (two.folder / name).read_bytes()
    assert two.summary["llm"]["total"]["requests"] == 72


def test_a_run_whose_requests_all_failed_says_so_and_exits_3(tmp_path):
    import json

    from simulator.cli import main

    with FakeOpenAI(always_status=500) as server:
        sc = scenario(tmp_path, server)
        doc = sc.resolved()
        doc["llm"]["max_retries"] = 0
        doc["llm"]["stop_failed_share"] = None  # run on to the end, to see it marked
        doc["outputs"]["plots"] = True
        path = tmp_path / "dead.yaml"
        path.write_text(json.dumps(doc))  # JSON is YAML
        code = main(["run", str(path), "--quiet"])
    assert code == 3
    (folder,) = (tmp_path / "out").iterdir()
    text = (folder / "summary.json").read_text()
    summary = json.loads(text)
    assert list(summary)[:2] == ["status", "status_reason"]  # at the top of the file
    assert summary["status"] == "unreliable"
    assert summary["status_reason"].startswith("100% of model requests failed (72 of 72;")
    assert summary["sis_fit"]["beta"] is None and summary["sis_fit"]["note"].startswith(
        "not fitted"
    )
    assert (folder / "attitude_curves.png").is_file()


def test_the_printed_summary_of_an_unreliable_run_leads_with_it(tmp_path, capsys):
    from simulator.cli import _print_run
    from simulator.runner import RunResult

    with FakeOpenAI(always_status=503) as server:
        sc = scenario(tmp_path, server)
        llm = sc.llm.model_copy(update={"max_retries": 0, "stop_failed_share": None})
        sc = sc.model_copy(update={"llm": llm})
        result = run_scenario(sc, progress=False)
    assert _print_run(RunResult(result.folder, result.summary)) == 3
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("UNRELIABLE: 100% of model requests failed")


def test_isolated_failures_below_the_share_keep_a_run_reliable(tmp_path):
    with FakeOpenAI(fault_share=1.0) as server:
        sc = scenario(tmp_path, server)
        llm = sc.llm.model_copy(update={"max_retries": 0, "max_failed_share": 0.9})
        result = run_scenario(sc.model_copy(update={"llm": llm}), progress=False)
    total = result.summary["llm"]["total"]
    assert 0 < total["failures"] / total["requests"] <= 0.9
    assert result.summary["status"] == "ok" and result.summary["status_reason"] is None


# --- failing fast: the endpoint is checked before day 1 -------------------------------------
def run_against(tmp_path, capsys, base_url, **llm):
    """``run.py run`` on a loopback scenario; returns (exit code, stderr lines, seconds)."""
    import json
    import time

    from simulator.cli import main

    doc = {
        "name": "probe",
        "days": 2,
        "population": {"size": 4, "initial_believers": 1},
        "llm": {
            "backend": "openai",
            "model": "fake-model",
            "base_url": base_url,
            "api_key_env": "MURMUR_TEST_KEY",
            **llm,
        },
        "outputs": {"dir": str(tmp_path / "out")},
    }
    path = tmp_path / "probe.yaml"
    path.write_text(json.dumps(doc))
    started = time.perf_counter()
    code = main(["run", str(path), "--quiet"])
    seconds = time.perf_counter() - started
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert not (tmp_path / "out").exists()  # nothing written
    return code, captured.err.strip().splitlines(), seconds


def test_an_unreachable_endpoint_is_said_in_seconds(tmp_path, capsys):
    code, err, seconds = run_against(tmp_path, capsys, "http://127.0.0.1:9/v1")
    assert code == 2 and len(err) == 1
    assert err[0].startswith("error: llm.base_url: cannot reach http://127.0.0.1:9/v1 (")
    assert seconds < 5


def test_a_refused_key_names_the_variable_and_never_the_key(tmp_path, capsys):
    with FakeOpenAI(required_key="sk-the-right-one") as server:
        code, err, _ = run_against(tmp_path, capsys, server.base_url)
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"error: llm.api_key_env: {server.base_url} refused the key (401")
    assert err[0].endswith("(read from $MURMUR_TEST_KEY)")
    assert "4242" not in err[0]  # not even the part of the key the server echoed


def test_an_unknown_model_is_named(tmp_path, capsys):
    with FakeOpenAI(models=("other-model",), unknown_model_status=404) as server:
        code, err, _ = run_against(tmp_path, capsys, server.base_url)
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"error: llm.model: {server.base_url} does not serve 'fake-model'")
    assert "it lists: other-model" in err[0]


def test_a_server_that_accepts_any_model_name_is_fine(tmp_path, capsys):
    # llama.cpp's server lists its file's name and answers for any model name
    with FakeOpenAI(models=("gemma-3-270m.gguf",)) as server:
        from simulator.world import check_endpoints

        sc = scenario(tmp_path, server)
        check_endpoints(sc)
        assert server.requests == 1  # the one-token request


def test_a_server_that_does_not_speak_the_api(tmp_path, capsys):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html><body>It works!</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        code, err, _ = run_against(tmp_path, capsys, url)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"error: llm.base_url: {url} does not speak the OpenAI API")


def test_a_day_on_which_every_request_fails_stops_the_run_resumably(tmp_path, monkeypatch):
    from simulator.errors import ModelUnavailable
    from simulator.runner import resume_run

    with FakeOpenAI() as server:
        sc = scenario(tmp_path, server)
        sc = sc.model_copy(update={"llm": sc.llm.model_copy(update={"max_retries": 0})})
        server.fail_after = 2 * 3 * 8  # days 1 and 2 answered, then the server goes down
        with pytest.raises(ModelUnavailable) as info:
            run_scenario(sc, progress=False)
        (folder,) = (tmp_path / "out").iterdir()
        message = str(info.value)
        assert message.startswith("llm: 24 of 24 model requests failed on day 3")
        assert "keeps days 0-2: once the server answers, continue with: python run.py " in message
        assert message.endswith(f"resume {folder}")
        assert not (folder / "summary.json").exists() and (folder / "INCOMPLETE.txt").exists()
        server.fail_after = None  # back up
        resumed = resume_run(folder, progress=False)
    assert resumed.summary["status"] == "ok" and resumed.summary["days_run"] == 3
    with FakeOpenAI() as server:
        whole = run_scenario(scenario(tmp_path, server, out="whole"), progress=False)
    for name in ("daily.csv", "agents.csv"):
        assert (folder / name).read_bytes() == (whole.folder / name).read_bytes()
