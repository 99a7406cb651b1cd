"""run.py search end to end: the trials, the front with intervals, determinism over workers,
an interrupted search resumed to the same files, and bad specs refused in one line."""

import pandas as pd
import pytest

from tests.conftest import interrupt_when, only_folder, run_cli, write_scenario

pytest.importorskip("optuna", reason="the search extra (scripts/setup.sh test installs it)")

BASE = {
    "name": "searched",
    "seed": 3,
    "days": 6,
    "population": {"size": 200, "initial_believers": 8},
}
SPEC = {
    "name": "srch",
    "base": "base.yaml",
    "replicates": 2,
    "final_replicates": 3,
    "trials": 8,
    "generation": 4,
    "budget": 100,
    "interventions": {
        "official_debunk": {
            "search": {
                "start_day": {"low": 1, "high": 5},
                "every": {"low": 1, "high": 4},
                "reach": {"low": 0.2, "high": 1.0},
                "target": {"choices": ["all", "believers"]},
            }
        },
        "accuracy_nudge": {"optional": True, "search": {"every": {"low": 1, "high": 5}}},
    },
}


@pytest.fixture
def spec(tmp_path):
    write_scenario(tmp_path, BASE, "base.yaml")
    return write_scenario(tmp_path, SPEC, "search.yaml")


def test_search_finds_a_front_with_intervals_whatever_the_workers(tmp_path, spec):
    one = run_cli("search", str(spec), "--out", str(tmp_path / "w1"), "--workers", "1", "--quiet")
    assert one.returncode == 0, one.stderr
    folder = only_folder(tmp_path / "w1")
    trials = pd.read_csv(folder / "trials.csv")
    assert trials["trial"].tolist() == list(range(8))
    assert set(trials["state"]) == {"complete"}
    # every candidate ran on the same two seeds
    for trial in trials["trial"]:
        seeds = sorted(p.name for p in (folder / "trials" / f"{trial:04d}").iterdir())
        assert seeds == ["seed-3", "seed-4"]
    assert (trials["feasible"] == (trials["governance_cost"] <= 100)).all()
    front = pd.read_csv(folder / "pareto.csv")
    assert len(front) >= 1 and (front["governance_cost"] <= 100 * 1.5).all()
    assert set(front["trial"]) <= set(trials.loc[trials["pareto"], "trial"])
    assert (front["replicates"] == 3).all()
    for key in ("spread", "governance_cost"):
        assert (front[f"{key}_lo"] <= front[key] + 1e-9).all()
        assert (front[key] <= front[f"{key}_hi"] + 1e-9).all()
    # no front candidate is beaten on both objectives by another evaluated feasible one
    ok = trials[trials["feasible"]]
    for row in trials[trials["pareto"]].itertuples():
        beaten = ok[
            (ok["spread"] <= row.spread)
            & (ok["governance_cost"] <= row.governance_cost)
            & ((ok["spread"] < row.spread) | (ok["governance_cost"] < row.governance_cost))
        ]
        assert beaten.empty, row
    assert (folder / "pareto.png").stat().st_size > 0
    assert "on the Pareto front" in one.stdout
    two = run_cli("search", str(spec), "--out", str(tmp_path / "w2"), "--workers", "2", "--quiet")
    assert two.returncode == 0, two.stderr
    other = only_folder(tmp_path / "w2")
    for name in ("trials.csv", "pareto.csv"):
        assert (other / name).read_bytes() == (folder / name).read_bytes(), name


def test_an_interrupted_search_resumes_to_the_same_files(tmp_path, spec):
    whole = run_cli("search", str(spec), "--out", str(tmp_path / "whole"), "--quiet")
    assert whole.returncode == 0, whole.stderr
    out = tmp_path / "cut"
    proc, err, _ = interrupt_when(
        ["search", str(spec), "--out", str(out), "--workers", "1", "--quiet"],
        lambda: out.exists() and len(list(out.glob("*/trials/*/seed-*/summary.json"))) >= 3,
    )
    folder = only_folder(out)
    assert proc.returncode == 130, err
    assert f"python run.py resume {folder}" in err
    assert not (folder / "trials.csv").exists()
    resumed = run_cli("resume", str(folder), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    uninterrupted = only_folder(tmp_path / "whole")
    for name in ("trials.csv", "pareto.csv"):
        assert (folder / name).read_bytes() == (uninterrupted / name).read_bytes(), name


def _with(**changes):
    document = {**SPEC, "interventions": {**SPEC["interventions"]}}
    for key, value in changes.items():
        if key.startswith("debunk_"):
            debunk = dict(document["interventions"]["official_debunk"])
            debunk[key.removeprefix("debunk_")] = value
            document["interventions"]["official_debunk"] = debunk
        else:
            document[key] = value
    return document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            _with(interventions={"offical_debunk": {}}),
            "error: interventions.offical_debunk: unknown intervention 'offical_debunk' (allowed: ",
        ),
        (
            _with(debunk_search={"strength": {"low": 0.1, "high": 0.5}}),
            "error: interventions.official_debunk.search.strength: 'official_debunk' has no "
            "parameter 'strength' (allowed: ",
        ),
        (
            _with(debunk_search={"every": {"low": 6, "high": 2}}),
            "error: interventions.official_debunk.search.every: low 6 is above high 2",
        ),
        (
            _with(debunk_search={"target": {"choices": []}}),
            "error: interventions.official_debunk.search.target: choices is empty",
        ),
        (
            _with(debunk_search={"reach": {"low": 0.5, "high": 2.0}}),
            "error: interventions.official_debunk.search.reach: ",
        ),
        (
            _with(budget=5),
            "error: budget: 5 is below the cheapest programme the bounds allow",
        ),
    ],
)
def test_bad_search_specs_get_one_line_and_write_nothing(tmp_path, document, message):
    write_scenario(tmp_path, BASE, "base.yaml")
    path = write_scenario(tmp_path, document, "search.yaml")
    result = run_cli("search", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert not (tmp_path / "out").exists()
