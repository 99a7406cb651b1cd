"""End-to-end: scenarios run through run.py as a user runs them; assertions on written files."""

import json
import re

import pandas as pd
import pytest
import yaml

from simulator.outputs import AGENT_COLUMNS
from tests.conftest import ROOT, run_cli, write_scenario


def only_run_folder(root):
    folders = [p for p in root.iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    return folders[0]


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("baseline")
    result = run_cli("scenarios/baseline.yaml", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, only_run_folder(out), result


def test_baseline_writes_every_output(baseline_run):
    _, folder, result = baseline_run
    assert f"results: {folder}" in result.stdout
    assert "believers: 2 on day 0" in result.stdout
    for name in (
        "scenario.resolved.yaml",
        "daily.csv",
        "agents.csv",
        "summary.json",
        "attitude_curves.png",
        "belief_breakdown.png",
    ):
        assert (folder / name).stat().st_size > 0, name
    assert not (folder / "agents.csv.partial").exists()
    resolved = yaml.safe_load((folder / "scenario.resolved.yaml").read_text())
    assert resolved["llm"]["temperature"] == {"summarise": 0.5, "reflect": 1.0, "opinion": 1.0}
    daily = pd.read_csv(folder / "daily.csv")
    assert list(daily.columns) == [
        "day",
        "susceptible",
        "infected",
        "recovered",
        "believer_share",
        "new_believers",
        "mean_attitude",
        "failed_requests",
    ]
    assert list(daily["day"]) == list(range(16))
    agents = pd.read_csv(folder / "agents.csv")
    assert tuple(agents.columns) == AGENT_COLUMNS
    assert len(agents) == 30 * 16
    assert set(agents["state"]) <= {"S", "I", "R"}
    assert agents.groupby("day")["belief"].sum().tolist() == daily["infected"].tolist()


def test_baseline_shows_a_plausible_rise(baseline_run):
    _, folder, _ = baseline_run
    summary = json.loads((folder / "summary.json").read_text())
    curve = summary["curve"]
    assert curve["initial_believers"] == 2
    assert curve["peak_believers"] >= 8  # the false item spreads
    assert curve["final_believers"] < 30  # but not to everyone
    assert summary["sis_fit"]["beta"] > summary["sis_fit"]["gamma"] > 0
    assert summary["sis_fit"]["r2"] > 0.5
    # the surrogate rule on arrays asks no model
    assert summary["llm"]["total"]["requests"] == 0
    assert summary["versions"]["mesa"] == "3.5.1"
    assert {"python", "murmur", "numpy"} <= set(summary["versions"])


def test_rerun_is_byte_identical(baseline_run, tmp_path):
    _, first, _ = baseline_run
    assert run_cli("scenarios/baseline.yaml", "--out", str(tmp_path), "--quiet").returncode == 0
    second = only_run_folder(tmp_path)
    for name in ("daily.csv", "agents.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_replicates_in_processes_match_single_runs(baseline_run, tmp_path):
    _, single, _ = baseline_run
    result = run_cli(
        "scenarios/baseline.yaml",
        "--replicates",
        "3",
        "--workers",
        "2",
        "--out",
        str(tmp_path),
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    parent = only_run_folder(tmp_path)
    assert "3 replicates" in result.stdout
    for name in ("attitude_curves.png", "replicates.csv", "replicates_band.csv", "summary.json"):
        assert (parent / name).is_file()
    assert sorted(p.name for p in parent.glob("seed-*")) == ["seed-42", "seed-43", "seed-44"]
    for name in ("daily.csv", "agents.csv"):  # seed 42 in a worker process == the single run
        assert (parent / "seed-42" / name).read_bytes() == (single / name).read_bytes()
    band = pd.read_csv(parent / "replicates_band.csv")
    assert (band["ci95_low"] <= band["mean"]).all() and (band["mean"] <= band["ci95_high"]).all()
    table = pd.read_csv(parent / "replicates.csv")
    assert table["seed"].tolist() == [42, 43, 44]
    assert table["final_believers"].nunique() > 1 or table["peak_day"].nunique() > 1


def test_plot_redraws_from_saved_files(baseline_run):
    _, folder, _ = baseline_run
    for png in folder.glob("*.png"):
        png.unlink()
    result = run_cli("plot", str(folder))
    assert result.returncode == 0, result.stderr
    assert (folder / "attitude_curves.png").stat().st_size > 10_000
    assert (folder / "belief_breakdown.png").stat().st_size > 10_000


def test_check_accepts_shipped_scenarios():
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        result = run_cli("check", str(path))
        assert result.returncode == 0, (path, result.stderr)
        assert result.stdout.startswith("ok: ")


BAD = [
    ("unknown key", {"population": {"size": 10, "colour": "red"}}, "population.colour"),
    ("wrong type", {"days": "fifteen"}, "days"),
    ("out of range", {"contacts": {"type": "random_contacts", "k": 0}}, "contacts.k"),
    ("believers > population", {"population": {"size": 5, "initial_believers": 6}}, "population"),
    (
        "missing persona file",
        {"population": {"personas": {"source": "file", "path": "no.csv"}}},
        "population.personas.path",
    ),
    ("yaml syntax", "days: [3\n", "invalid YAML"),
    ("empty file", "", "empty"),
    (
        "unknown intervention type",
        {"interventions": [{"type": "official_debunkk"}]},
        "interventions.0.type",
    ),
]


@pytest.mark.parametrize(("label", "document", "field"), BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("command", ["run", "check"])
def test_bad_scenarios_fail_cleanly(tmp_path, label, document, field, command):
    path = write_scenario(tmp_path, document)
    out = tmp_path / "results"
    args = [command, str(path)] + (["--out", str(out)] if command == "run" else [])
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and field in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not (tmp_path / "results").exists()


def test_bad_persona_file_names_row_and_field(tmp_path):
    (tmp_path / "people.csv").write_text(
        "name,age,gender,education,agreeableness,conscientiousness,extraversion,"
        "emotional_stability,openness\nAda,40,female,wizard,0.1,0.2,0.3,0.4,0.5\n"
        "Bo,41,male,phd,0.1,0.2,0.3,0.4,0.5\n"
    )
    path = write_scenario(
        tmp_path,
        {
            "population": {
                "size": 2,
                "initial_believers": 0,
                "personas": {"source": "file", "path": "people.csv"},
            }
        },
    )
    result = run_cli("check", str(path))
    assert result.returncode == 2
    assert re.search(
        r"population\.personas\.path: .*people\.csv: row 1, field 'education'", result.stderr
    )


def test_persona_file_and_network_run(tmp_path):
    rows = [
        "name,age,gender,education,occupation,agreeableness,conscientiousness,extraversion,"
        "emotional_stability,openness"
    ]
    for i in range(8):
        rows.append(f"P{i},{20 + i},female,bachelor,nurse,0.{i},0.5,0.5,0.5,0.{9 - i}")
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "ring.txt").write_text("".join(f"{i} {(i + 1) % 8}\n" for i in range(8)))
    path = write_scenario(
        tmp_path,
        {
            "name": "ring",
            "days": 3,
            "population": {
                "size": 8,
                "initial_believers": 2,
                "personas": {"source": "file", "path": "people.csv"},
            },
            "contacts": {"type": "edge_list", "path": "ring.txt"},
            "outputs": {"dir": str(tmp_path / "out")},
        },
    )
    result = run_cli(str(path), "--quiet")
    assert result.returncode == 0, result.stderr
    agents = pd.read_csv(only_run_folder(tmp_path / "out") / "agents.csv")
    assert sorted(set(agents["name"])) == [f"P{i}" for i in range(8)]


def test_help_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for word in ("run", "check", "plot"):
        assert word in result.stdout


def priced(document: dict, budget: float | None = None) -> dict:
    """``document`` with a price table (and a budget), as for a paid model: the agents ask
    the mock backend through the request path, whose accounting prices estimated tokens."""
    llm = {"prices": {"input_per_million": 3.0, "output_per_million": 15.0}}
    if budget is not None:
        llm["budget_usd"] = budget
    agents = {**document.get("agents", {}), "rule": "llm"}
    return {**document, "agents": agents, "llm": llm}


def test_estimate_predicts_requests_tokens_and_cost(tmp_path, small_scenario):
    doc = {**priced(small_scenario), "outputs": {"dir": str(tmp_path / "results")}}
    result = run_cli("estimate", str(write_scenario(tmp_path, doc)), "--quiet")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("expected for a run: about ")  # memory and time
    rows = {line.split()[0]: line.split() for line in lines[3:7]}
    assert set(rows) == {"summarise", "reflect", "opinion", "total"}
    assert int(rows["total"][1].replace(",", "")) == 3 * 12 * 4  # requests: exact
    prompt, completion, ceiling = (int(x.replace(",", "")) for x in rows["total"][2:5])
    assert 0 < completion < ceiling
    cost = float(rows["total"][5].lstrip("$").replace(",", ""))
    assert cost == pytest.approx((prompt * 3.0 + completion * 15.0) / 1e6, abs=1e-4)
    assert not (tmp_path / "results").exists()  # estimating writes nothing


def test_budget_stops_cleanly_after_the_last_affordable_day(tmp_path, small_scenario):
    # The surrogate's run costs what its estimated tokens would cost at these prices.
    doc = {**small_scenario, "days": 10, "outputs": {"dir": str(tmp_path / "full")}}
    full = run_cli(str(write_scenario(tmp_path, priced(doc), "full.yaml")), "--quiet")
    assert full.returncode == 0, full.stderr
    spent = json.loads((only_run_folder(tmp_path / "full") / "summary.json").read_text())
    per_day = spent["llm"]["total"]["cost_usd"] / 10
    budget = round(4.5 * per_day, 6)  # affords four days, not five
    doc["outputs"] = {"dir": str(tmp_path / "capped")}
    capped = run_cli(str(write_scenario(tmp_path, priced(doc, budget), "capped.yaml")), "--quiet")
    assert capped.returncode == 0, capped.stderr
    assert "stopped early after day 4" in capped.stdout
    folder = only_run_folder(tmp_path / "capped")
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["days_run"] == 4 and summary["days"] == 10
    assert summary["llm"]["total"]["cost_usd"] <= budget
    assert "budget" in summary["stopped_early"]
    assert len(pd.read_csv(folder / "daily.csv")) == 5
    assert len(pd.read_csv(folder / "agents.csv")) == 12 * 5
    assert (folder / "attitude_curves.png").is_file()
    # the days run are the same days as in the full run
    full_daily = pd.read_csv(only_run_folder(tmp_path / "full") / "daily.csv")
    assert pd.read_csv(folder / "daily.csv").equals(full_daily.head(5))


def test_forecast_eval_without_data_says_what_it_needs(tmp_path):
    result = run_cli("forecast-eval", cwd=tmp_path)  # a clone anywhere: no relative default
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: forecast-eval needs --data DIR: a folder of SEISMIC-format RT*.txt retweet "
        "cascades (a header line, then '<seconds> <followers>' rows)"
    ]
