"""run.py compare and run.py sweep end to end, and interventions in an ordinary run."""

import json

import pandas as pd
import pytest
import yaml

from tests.conftest import only_folder, run_cli, write_scenario


@pytest.fixture
def base_file(tmp_path, small_scenario):
    return write_scenario(tmp_path, {**small_scenario, "days": 5}, "base.yaml")


def compare_spec(tmp_path, base_file, **changes):
    spec = {
        "name": "cmp",
        "base": base_file.name,
        "replicates": 3,
        "arms": {
            "none": [],
            "debunk": [{"type": "official_debunk"}],
            "nudge": [{"type": "accuracy_nudge", "every": 2}],
        },
        **changes,
    }
    return write_scenario(tmp_path, spec, "compare.yaml")


def test_compare_writes_table_and_plots(tmp_path, base_file):
    spec = compare_spec(tmp_path, base_file)
    one = run_cli("compare", str(spec), "--out", str(tmp_path / "w1"), "--workers", "1", "--quiet")
    assert one.returncode == 0, one.stderr
    folder = only_folder(tmp_path / "w1")
    table = pd.read_csv(folder / "comparison.csv")
    assert table["arm"].tolist() == ["none", "debunk", "nudge"]
    for key in ("peak_believers", "final_believer_share", "auc_believer_share", "auc_reduction"):
        assert (table[f"{key}_lo"] <= table[key] + 1e-9).all()
        assert (table[key] <= table[f"{key}_hi"] + 1e-9).all()
    none = table.set_index("arm").loc["none"]
    assert none["auc_reduction"] == 0 and none["governance_cost"] == 0
    assert (table.set_index("arm").loc[["debunk", "nudge"], "governance_cost"] > 0).all()
    # the reference is the yardstick, never a Pareto candidate; an arm that helps is one
    assert table["pareto_efficient"].dtype == bool and not table["pareto_efficient"].iloc[0]
    assert table["pareto_efficient"].iloc[1:].any()
    for name in ("comparison.png", "cost_effect.png", "summary.json"):
        assert (folder / name).stat().st_size > 0
    assert len(list(folder.glob("*/seed-*/daily.csv"))) == 9
    # each arm run logged its interventions
    assert (folder / "debunk" / "seed-7" / "interventions.csv").is_file()
    assert "debunk" in one.stdout and "Pareto-efficient" in one.stdout
    # the same spec in two processes gives the same table
    two = run_cli("compare", str(spec), "--out", str(tmp_path / "w2"), "--workers", "2", "--quiet")
    assert two.returncode == 0, two.stderr
    again = (only_folder(tmp_path / "w2") / "comparison.csv").read_bytes()
    assert again == (folder / "comparison.csv").read_bytes()


def test_sweep_writes_table_and_heatmaps(tmp_path, base_file):
    spec = {
        "name": "sw",
        "base": base_file.name,
        "replicates": 2,
        "intervention": {"type": "official_debunk"},
        "grid": {"start_day": [1, 3], "every": [1, 2]},
    }
    path = write_scenario(tmp_path, spec, "sweep.yaml")
    result = run_cli("sweep", str(path), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    folder = only_folder(tmp_path / "out")
    table = pd.read_csv(folder / "sweep.csv")
    assert table[["start_day", "every"]].values.tolist() == [[1, 1], [1, 2], [3, 1], [3, 2]]
    costs = table.set_index(["start_day", "every"])["governance_cost"]
    assert costs[(1, 1)] > costs[(1, 2)] > 0  # more rounds cost more
    assert costs[(1, 1)] > costs[(3, 1)]
    assert (folder / "sweep.png").stat().st_size > 0
    assert table["share_of_max_effect"].max() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"arms": {"a": [{"type": "bogus"}]}}, "error: arms.a.0.type: unknown intervention"),
        ({"base": "missing.yaml"}, "error: base: scenario file not found: 'missing.yaml'"),
        ({"reference": "zzz"}, "error: reference: no arm called 'zzz'"),
        ({"replicates": 0}, "error: replicates: "),
        ({"arms": {}}, "error: arms: "),
        ({"colour": 1}, "error: colour: unknown field"),
        ({"population": 1}, "error: population: "),
    ],
)
def test_bad_compare_specs_get_one_line(tmp_path, base_file, change, message):
    spec = compare_spec(tmp_path, base_file, **change)
    result = run_cli("compare", str(spec), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_run_records_its_interventions(tmp_path, small_scenario):
    doc = {
        **small_scenario,
        "interventions": [
            {"type": "official_debunk", "every": 2},
            {"type": "examples.plugins.community_notes:CommunityNotes", "name": "notes"},
        ],
        "outputs": {"dir": str(tmp_path / "out")},
    }
    result = run_cli(str(write_scenario(tmp_path, doc)), "--quiet")
    assert result.returncode == 0, result.stderr
    folder = only_folder(tmp_path / "out")
    log = pd.read_csv(folder / "interventions.csv")
    assert list(log.columns) == ["day", "intervention", "action", "agent", "cost", "detail"]
    assert set(log["intervention"]) <= {"official_debunk", "notes"}
    assert sorted(log.loc[log["action"] == "broadcast", "day"]) == [1, 3]
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["governance_cost"] == pytest.approx(log["cost"].sum())
    by_name = {iv["name"]: iv for iv in summary["interventions"]}
    assert by_name["official_debunk"]["actions"]["notice"]["count"] == 2 * 12
    resolved = yaml.safe_load((folder / "scenario.resolved.yaml").read_text())
    assert resolved["interventions"][0]["type"] == "official_debunk"


def redrawn(folder, names):
    """Delete the folder's plots, redraw them with ``run.py plot`` and say what came back."""
    drawn = {name: (folder / name).read_bytes() for name in names}
    for name in names:
        (folder / name).unlink()
    result = run_cli("plot", str(folder))
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == sorted(str(folder / n) for n in names)
    return {name: (folder / name).read_bytes() == drawn[name] for name in names}


def test_plot_redraws_comparison_and_sweep_folders(tmp_path, base_file):
    spec = compare_spec(tmp_path, base_file, replicates=2)
    assert run_cli("compare", str(spec), "--out", str(tmp_path / "c"), "--quiet").returncode == 0
    same = redrawn(only_folder(tmp_path / "c"), ["comparison.png", "cost_effect.png"])
    assert all(same.values()), same
    sweep = write_scenario(
        tmp_path,
        {
            "base": base_file.name,
            "replicates": 2,
            "intervention": {"type": "official_debunk"},
            "grid": {"every": [1, 2]},
        },
        "sweep.yaml",
    )
    assert run_cli("sweep", str(sweep), "--out", str(tmp_path / "s"), "--quiet").returncode == 0
    assert all(redrawn(only_folder(tmp_path / "s"), ["sweep.png"]).values())


def test_plot_redraws_a_replicates_folder(tmp_path, base_file):
    out = tmp_path / "r"
    result = run_cli("run", str(base_file), "--replicates", "2", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert all(redrawn(only_folder(out), ["attitude_curves.png"]).values())
