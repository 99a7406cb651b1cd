"""Memory and time a scenario needs: said by check and estimate, and a run that would not fit
is refused before anything is built."""

import pytest

from simulator import resources, runner
from simulator.cli import main
from simulator.config import Scenario
from tests.conftest import write_scenario


def footprint(size: int, days: int = 15, rule: str = "llm") -> resources.Footprint:
    doc = {"population": {"size": size}, "days": days, "agents": {"rule": rule}}
    return resources.footprint(Scenario.model_validate(doc))


def test_the_footprint_of_citizens_grows_with_the_population_and_the_days():
    small, big, longer = footprint(1000), footprint(1_000_000), footprint(1_000_000, 300)
    assert small.memory < big.memory < longer.memory
    assert small.seconds < big.seconds < longer.seconds
    # the measured figures of docs/PERFORMANCE.md: 781 MB peak at 100k agents x 3 days
    assert 781e6 <= footprint(100_000, 3).memory <= 1.3 * 781e6


def test_the_footprint_of_a_population_on_arrays_grows_with_the_population_only():
    small, big, longer = (footprint(1000, 30, "surrogate"), footprint(1_000_000, 30, "surrogate"),
                          footprint(1_000_000, 300, "surrogate"))  # fmt: skip
    assert small.memory < big.memory == longer.memory
    assert small.seconds < big.seconds < longer.seconds
    # measured (docs/PERFORMANCE.md, 2026-12-07): scenarios/million.yaml peaks at 1.23 GB,
    # at 10M agents 9.4 GB: never less, and not far more
    assert 1.23e9 <= big.memory <= 1.3 * 1.23e9
    assert 9.4e9 <= footprint(10_000_000, 30, "surrogate").memory <= 1.5 * 9.4e9


def test_a_model_server_sets_the_time():
    sc = Scenario.model_validate({"llm": {"backend": "openai", "model": "m"}})
    assert resources.footprint(sc).seconds is None
    assert "set by the model server" in resources.footprint(sc).describe()


def test_check_says_the_expected_memory_and_time(tmp_path, capsys, small_scenario):
    path = write_scenario(tmp_path, small_scenario)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("expected: about ") and "of memory and about" in out[1]


def test_a_run_that_would_not_fit_is_refused_before_building(
    tmp_path, capsys, monkeypatch, small_scenario
):
    monkeypatch.setattr(resources, "available_memory", lambda: 100e6)
    built = []
    monkeypatch.setattr(runner, "build_world", lambda *a, **k: built.append(1))
    doc = {**small_scenario, "outputs": {"dir": str(tmp_path / "out")}}
    path = write_scenario(tmp_path, doc)
    for command in (["run", str(path)], ["estimate", str(path)], ["check", str(path)]):
        assert main(command) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: population.size: 12 agents need ")
        assert "but this machine has 100 MB available" in err[0]
    assert not built and not (tmp_path / "out").exists()


def test_replicates_count_the_runs_side_by_side(tmp_path, monkeypatch, small_scenario):
    one_run = resources.footprint(Scenario.model_validate(small_scenario)).memory
    monkeypatch.setattr(resources, "available_memory", lambda: 1.5 * one_run)
    path = write_scenario(tmp_path, {**small_scenario, "outputs": {"dir": str(tmp_path / "o")}})
    assert main(["run", str(path), "--replicates", "2", "--workers", "2", "--quiet"]) == 2
    assert main(["run", str(path), "--replicates", "2", "--workers", "1", "--quiet"]) == 0


def test_building_a_big_population_shows_progress(tmp_path, capsys, monkeypatch, small_scenario):
    monkeypatch.setattr(runner, "BUILD_PROGRESS_FROM", 10)  # 12 agents count as big here
    doc = {**small_scenario, "outputs": {"dir": str(tmp_path / "out"), "plots": False}}
    runner.run_scenario(Scenario.model_validate(doc), progress=True)
    err = capsys.readouterr().err
    assert "building personas:" in err and "/12 " in err
    # citizens (the llm rule) are Mesa agents, built one by one
    doc = {**doc, "agents": {"rule": "llm"}}
    runner.run_scenario(Scenario.model_validate(doc), progress=True)
    assert "building agents:" in capsys.readouterr().err


@pytest.mark.parametrize(("seconds", "text"), [(5, "5 s"), (600, "10 min"), (7200, "2.0 h")])
def test_durations_read_as_people_say_them(seconds, text):
    assert resources._duration(seconds) == text
