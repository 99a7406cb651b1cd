"""The executor's bookkeeping: landing a detached run's files, and spreading endpoints."""

import json

from simulator.config import parse_scenario
from simulator.executors import finished, land, spread_endpoints
from simulator.jobs import Job, run_detached


def _scenario(tmp_path, **changes):
    document = {
        "name": "tiny",
        "seed": 4,
        "days": 2,
        "population": {"size": 6, "initial_believers": 1},
        "outputs": {"plots": False, "report": False, "checkpoint": False},
        **changes,
    }
    return parse_scenario(document, tmp_path)


def test_a_detached_run_lands_whole_under_its_name(tmp_path):
    files = run_detached(_scenario(tmp_path), "seed-4")
    assert {"daily.csv", "summary.json", "scenario.resolved.yaml"} <= set(files)
    assert "manifest.json" not in files  # it names where the folder lands: the driver's
    folder = tmp_path / "out" / "arm" / "seed-4"
    leftover = folder.with_name(".seed-4.partial")
    leftover.mkdir(parents=True)
    (leftover / "daily.csv").write_text("half")  # what a crash mid-landing leaves
    assert not finished(folder)
    land(files, folder)
    assert finished(folder) and not leftover.exists()
    assert (folder / "daily.csv").read_bytes() == files["daily.csv"]
    assert json.loads((folder / "summary.json").read_text())["run_id"] == "seed-4"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["command"] == f"python run.py run {folder / 'scenario.resolved.yaml'}"


def test_endpoints_are_shared_by_job_position_not_by_worker(tmp_path):
    llm = {
        "backend": "openai",
        "model": "m",
        "base_url": ["http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"],
        "api_key_env": None,
    }
    jobs = [Job(_scenario(tmp_path, llm=llm, seed=s), tmp_path / f"seed-{s}") for s in range(5)]
    spread = spread_endpoints(jobs)
    assert [job.scenario.llm.base_url for job in spread] == [
        [llm["base_url"][i % 2]] for i in range(5)
    ]
    assert [job.folder for job in spread] == [job.folder for job in jobs]
    mock = [Job(_scenario(tmp_path), tmp_path / "m")]
    assert spread_endpoints(mock) == mock  # one endpoint or the surrogate: unchanged
