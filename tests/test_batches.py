"""Multi-run commands (replicates, compare, sweep) interrupted and resumed: Ctrl-C stops at
once and keeps every finished run; resume runs only what is missing and writes the same files
as a command that was never interrupted."""

import shutil
import time

from tests.conftest import interrupt_when, only_folder, run_cli, write_scenario

BASE = {
    "name": "batch",
    "seed": 5,
    "days": 8,
    "population": {"size": 400, "initial_believers": 10},
    "outputs": {"plots": False},
}
SPEC = {
    "name": "cmp",
    "base": "base.yaml",
    "replicates": 4,
    "arms": {"none": [], "debunk": [{"type": "official_debunk", "every": 2}]},
}


def landed(folder):
    return sorted(p.parent.relative_to(folder) for p in folder.glob("**/seed-*/summary.json"))


def same_outputs(a, b, tables):
    """The folders hold the same runs with the same daily and agent tables, and the same
    ``tables`` at the top."""
    assert landed(a) == landed(b)
    for run in landed(a):
        for name in ("daily.csv", "agents.csv"):
            assert (a / run / name).read_bytes() == (b / run / name).read_bytes(), (run, name)
    for name in tables:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_ctrl_c_stops_a_comparison_at_once_and_resume_finishes_it(tmp_path):
    write_scenario(tmp_path, BASE, "base.yaml")
    spec = write_scenario(tmp_path, SPEC, "compare.yaml")
    whole = run_cli("compare", str(spec), "--out", str(tmp_path / "whole"), "--quiet")
    assert whole.returncode == 0, whole.stderr
    uninterrupted = only_folder(tmp_path / "whole")

    out = tmp_path / "cut"
    proc, err, stopped_after = interrupt_when(
        ["compare", str(spec), "--out", str(out), "--workers", "2", "--quiet"],
        lambda: out.exists() and any(out.glob("*/*/seed-*/summary.json")),
    )
    folder = only_folder(out)
    kept = landed(folder)
    assert proc.returncode == 130
    assert stopped_after < 5, f"took {stopped_after:.1f} s to stop"
    assert err.strip().splitlines() == [
        f"interrupted: {len(kept)} of 8 runs finished and are kept in {folder}; continue with: "
        f"python run.py resume {folder}"
    ]
    assert 1 <= len(kept) < 8
    assert not (folder / "comparison.csv").exists()
    assert "python run.py resume" in (folder / "INCOMPLETE.txt").read_text()
    time.sleep(1)
    assert landed(folder) == kept, "runs went on after the interrupt"
    assert not list(folder.glob("**/.*.partial")), "a half-written run folder was left"

    resumed = run_cli("resume", str(folder), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert "debunk" in resumed.stdout
    same_outputs(folder, uninterrupted, ["comparison.csv"])
    assert not (folder / "INCOMPLETE.txt").exists()
    again = run_cli("resume", str(folder))
    assert again.returncode == 2
    assert again.stderr.strip() == f"error: {folder}: this comparison has already finished"


def _cut(folder, runs):
    """What an interrupt leaves: the tables not yet written, some runs missing."""
    for run in runs:
        shutil.rmtree(folder / run)
    for name in ("sweep.csv", "replicates.csv", "replicates_band.csv", "summary.json"):
        (folder / name).unlink(missing_ok=True)
    (folder / "INCOMPLETE.txt").write_text("interrupted\n")


def test_a_sweep_and_replicates_resume_only_what_is_missing(tmp_path):
    base = write_scenario(tmp_path, {**BASE, "days": 5}, "base.yaml")
    sweep = {
        "name": "sw",
        "base": "base.yaml",
        "replicates": 2,
        "intervention": {"type": "official_debunk"},
        "grid": {"every": [1, 3]},
    }
    spec = write_scenario(tmp_path, sweep, "sweep.yaml")
    for command, target, table in (
        (["sweep", str(spec)], "sw", "sweep.csv"),
        ([str(base), "--replicates", "3"], "batch", "replicates.csv"),
    ):
        first = run_cli(*command, "--out", str(tmp_path / target / "a"), "--quiet")
        second = run_cli(*command, "--out", str(tmp_path / target / "b"), "--quiet")
        assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
        a, b = only_folder(tmp_path / target / "a"), only_folder(tmp_path / target / "b")
        gone = landed(b)[-2:]
        kept = {run: (b / run / "summary.json").stat().st_mtime_ns for run in landed(b)[:-2]}
        _cut(b, gone)
        resumed = run_cli("resume", str(b), "--quiet")
        assert resumed.returncode == 0, resumed.stderr
        same_outputs(b, a, [table])
        # the runs that were there were not run again
        assert {run: (b / run / "summary.json").stat().st_mtime_ns for run in kept} == kept
