"""An intervention that could never act in the run is refused, in a scenario and in a
compare or sweep spec that shortens the run; it never yields an arm equal to the reference."""

from pathlib import Path

import pytest

from interventions.registry import BUILTINS, build
from simulator.errors import ScenarioError
from simulator.experiments import check_spec
from tests.conftest import run_cli, write_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"


# Every built-in with a start_day (forecast_trigger's first day comes from observe_days).
STARTING_LATE = [
    {"type": kind, "start_day": 16} for kind in sorted(BUILTINS) if kind != "forecast_trigger"
]


@pytest.mark.parametrize("entry", STARTING_LATE, ids=[e["type"] for e in STARTING_LATE])
def test_every_builtin_starting_after_the_last_day_is_refused(entry):
    problem = build(entry).schedule_problem(15)
    assert problem is not None and problem[0] == "start_day"
    assert "after the run's last day 15" in problem[1]
    assert build({**entry, "start_day": 15}).schedule_problem(15) is None


def test_a_trigger_that_observes_the_whole_run_is_refused():
    entry = {"type": "forecast_trigger", "threshold": 5, "then": {"type": "prebunk"}}
    problem = build({**entry, "observe_days": 15}).schedule_problem(15)
    assert problem is not None and problem[0] == "observe_days"
    assert build({**entry, "observe_days": 14}).schedule_problem(15) is None


def test_check_refuses_a_start_after_the_last_day(tmp_path):
    path = write_scenario(
        tmp_path, {"days": 15, "interventions": [{"type": "official_debunk", "start_day": 99}]}
    )
    result = run_cli("check", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: interventions.0.start_day: 99 is after")


def test_a_compare_that_shortens_the_run_refuses_the_arm(tmp_path):
    spec = write_scenario(
        tmp_path,
        {
            "base": str(BASELINE),
            "days": 6,
            "replicates": 2,
            "arms": {"none": [], "late": [{"type": "official_debunk", "start_day": 9}]},
        },
        "spec.yaml",
    )
    with pytest.raises(ScenarioError) as info:
        check_spec(spec)
    assert str(info.value).startswith("arms.late.0.start_day: 9 is after the run's last day 6")


def test_a_sweep_cell_past_the_end_is_refused(tmp_path):
    spec = write_scenario(
        tmp_path,
        {
            "base": str(BASELINE),
            "days": 8,
            "replicates": 2,
            "intervention": {"type": "official_debunk"},
            "grid": {"start_day": [1, 5, 11]},
        },
        "spec.yaml",
    )
    with pytest.raises(ScenarioError) as info:
        check_spec(spec)
    assert str(info.value).startswith("grid[start_day=11].0.start_day: 11 is after")
