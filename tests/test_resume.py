"""Checkpoint and resume: a run killed with SIGKILL at a random day and resumed gives the same
files as a run that was never interrupted."""

import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time

import pytest

from simulator.checkpoint import decode
from tests.conftest import ROOT, interrupt_when, run_cli, write_scenario

SCENARIO = {
    "name": "resumable",
    "seed": 11,
    "days": 12,
    "population": {"size": 1500, "initial_believers": 30},
    "agents": {"update": "synchronous"},
    "interventions": [
        {"type": "official_debunk", "start_day": 2, "every": 3, "reach": 0.5},
        {"type": "fact_check_label"},
        {"type": "examples.plugins.community_notes:CommunityNotes"},
    ],
    "outputs": {"plots": False},
}
SAME_FILES = ("daily.csv", "agents.csv", "interventions.csv", "engagement.csv")


def figures(folder):
    summary = json.loads((folder / "summary.json").read_text())
    for varying in ("run_id", "runtime_seconds", "agent_days_per_second"):
        summary.pop(varying)
    return summary


def checkpoint_day(folder) -> int:
    try:
        return decode((folder / "checkpoint.pkl").read_bytes())["model"]["day"]
    except (FileNotFoundError, EOFError, ValueError, pickle.UnpicklingError):
        return 0


def test_killed_run_resumes_to_identical_results(tmp_path):
    whole = write_scenario(tmp_path, {**SCENARIO, "outputs": {"dir": str(tmp_path / "a")}})
    result = run_cli(str(whole), "--quiet")
    assert result.returncode == 0, result.stderr
    (uninterrupted,) = (tmp_path / "a").iterdir()
    assert not (uninterrupted / "checkpoint.pkl").exists()
    assert not (uninterrupted / "INCOMPLETE.txt").exists()

    kill_at = random.randint(2, 8)
    path = write_scenario(
        tmp_path, {**SCENARIO, "outputs": {"dir": str(tmp_path / "b")}}, "killed.yaml"
    )
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), str(path), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    folder = None
    while time.monotonic() < deadline and proc.poll() is None:
        runs = list((tmp_path / "b").glob("*")) if (tmp_path / "b").exists() else []
        if runs and checkpoint_day(runs[0]) >= kill_at:
            folder = runs[0]
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.wait()
    assert folder is not None, f"the run ended before day {kill_at}: {proc.stderr.read()}"
    assert proc.returncode == -signal.SIGKILL
    assert not (folder / "summary.json").exists()
    assert "python run.py resume" in (folder / "INCOMPLETE.txt").read_text()

    resumed = run_cli("resume", str(folder), "--quiet")
    assert resumed.returncode == 0, (kill_at, resumed.stderr)
    for name in SAME_FILES:
        assert (folder / name).read_bytes() == (uninterrupted / name).read_bytes(), (kill_at, name)
    assert figures(folder) == figures(uninterrupted)
    assert not (folder / "INCOMPLETE.txt").exists() and not (folder / "checkpoint.pkl").exists()
    again = run_cli("resume", str(folder))
    assert again.returncode == 2 and "already finished" in again.stderr


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "results folder not found"),
        (lambda d: d.mkdir(), "not a run folder"),
    ],
)
def test_resume_refuses_what_it_cannot_resume(tmp_path, setup, message):
    folder = tmp_path / "run"
    setup(folder)
    result = run_cli("resume", str(folder))
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def small_run_and_its_scenario(tmp_path):
    """A clean 200-agent run in ``a`` and the same scenario aimed at ``b``."""
    from simulator.config import parse_scenario
    from simulator.runner import run_scenario

    doc = {**SCENARIO, "population": {"size": 200, "initial_believers": 10}, "days": 6}
    clean = run_scenario(
        parse_scenario({**doc, "outputs": {"dir": str(tmp_path / "a"), "plots": False}}, ROOT),
        progress=False,
    )
    scenario = parse_scenario(
        {**doc, "outputs": {"dir": str(tmp_path / "b"), "plots": False}}, ROOT
    )
    return clean, scenario


def disk_full_after(calls_allowed, real):
    """``real``, raising ENOSPC from its call number ``calls_allowed + 1`` on."""
    calls = {"n": 0}

    def full_disk(*args):
        calls["n"] += 1
        if calls["n"] > calls_allowed:
            raise OSError(28, "No space left on device")
        return real(*args)

    return full_disk


def test_a_full_disk_stops_cleanly_and_the_run_resumes(tmp_path, monkeypatch):
    from simulator import outputs
    from simulator.errors import UserError
    from simulator.runner import resume_run, run_scenario

    clean, scenario = small_run_and_its_scenario(tmp_path)
    real_position = outputs.StreamedCsv.position
    # a few days in
    monkeypatch.setattr(outputs.StreamedCsv, "position", disk_full_after(7, real_position))
    with pytest.raises(UserError) as caught:
        run_scenario(scenario, progress=False)
    message = str(caught.value)
    assert "No space left on device" in message and "python run.py resume" in message
    assert "\n" not in message
    (folder,) = (tmp_path / "b").iterdir()
    assert (folder / "checkpoint.pkl").is_file() and (folder / "INCOMPLETE.txt").is_file()
    assert (folder / "agents.csv.partial").stat().st_size > 0  # nothing written is lost
    monkeypatch.setattr(outputs.StreamedCsv, "position", real_position)  # space freed
    resumed = resume_run(folder, progress=False)
    for name in SAME_FILES:
        assert (resumed.folder / name).read_bytes() == (clean.folder / name).read_bytes(), name


def test_a_checkpoint_that_cannot_be_written_stops_the_run_and_the_last_one_resumes(
    tmp_path, monkeypatch
):
    """Checkpoints are written by a thread while the next day runs: its failure still
    stops the run with the one-line error, and the checkpoint before it is intact."""
    from simulator import checkpoint
    from simulator.errors import UserError
    from simulator.runner import resume_run, run_scenario

    clean, scenario = small_run_and_its_scenario(tmp_path)
    real_fsync = checkpoint.os.fsync
    # the fourth day's checkpoint
    monkeypatch.setattr(checkpoint.os, "fsync", disk_full_after(3, real_fsync))
    with pytest.raises(UserError) as caught:
        run_scenario(scenario, progress=False)
    assert "No space left on device" in str(caught.value)
    (folder,) = (tmp_path / "b").iterdir()
    assert checkpoint_day(folder) == 3
    assert not (folder / ".checkpoint.pkl.tmp").exists()
    monkeypatch.setattr(checkpoint.os, "fsync", real_fsync)
    resumed = resume_run(folder, progress=False)
    for name in SAME_FILES:
        assert (resumed.folder / name).read_bytes() == (clean.folder / name).read_bytes(), name


def test_an_unusable_results_folder_is_one_line(tmp_path, small_scenario):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    doc = {**small_scenario, "outputs": {"dir": str(blocker / "results")}}
    result = run_cli(str(write_scenario(tmp_path, doc)))
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot create results folder")
    assert len(result.stderr.strip().splitlines()) == 1


def test_compressed_agents_file_resumes_too(tmp_path):
    from simulator.config import parse_scenario
    from simulator.runner import run_scenario

    doc = {**SCENARIO, "population": {"size": 100, "initial_believers": 5}, "days": 5}
    plain = run_scenario(
        parse_scenario({**doc, "outputs": {"dir": str(tmp_path / "a"), "plots": False}}, ROOT),
        progress=False,
    )
    outputs = {"dir": str(tmp_path / "b"), "plots": False, "agents_format": "csv.gz"}
    packed = run_scenario(parse_scenario({**doc, "outputs": outputs}, ROOT), progress=False)
    import gzip

    assert (
        gzip.decompress((packed.folder / "agents.csv.gz").read_bytes())
        == (plain.folder / "agents.csv").read_bytes()
    )
    assert not (packed.folder / "agents.csv").exists()


def test_resumed_real_model_run_does_not_pay_twice(tmp_path, monkeypatch):
    """Against a loopback OpenAI-compatible server: kill, resume; the days already done are
    not asked again, the interrupted day's answers come from the response cache."""
    from simulator.config import parse_scenario
    from simulator.runner import resume_run, run_scenario
    from tests.fake_openai import FakeOpenAI

    monkeypatch.setenv("MURMUR_RESUME_KEY", "sk-resume-test")
    n, days = 12, 6
    logical = 3 * n * days

    def doc(server, out, cache):
        return {
            "name": "paid",
            "seed": 3,
            "days": days,
            "population": {"size": n, "initial_believers": 2},
            "agents": {"update": "synchronous"},
            "llm": {
                "backend": "openai",
                "model": "fake-model",  # listed by the server: no one-token probe
                "base_url": server.base_url,
                "api_key_env": "MURMUR_RESUME_KEY",
                "concurrency": 4,
                "cache": {"mode": "readwrite", "path": str(tmp_path / cache)},
            },
            "outputs": {"dir": str(tmp_path / out), "plots": False},
        }

    with FakeOpenAI(latency=0.05) as server:
        whole = run_scenario(parse_scenario(doc(server, "a", "a.sqlite"), ROOT), progress=False)
    with FakeOpenAI(latency=0.05) as server:
        path = write_scenario(tmp_path, doc(server, "b", "b.sqlite"), "paid.yaml")
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py"), str(path), "--quiet"],
            cwd=ROOT,
            env={**os.environ, "MURMUR_RESUME_KEY": "sk-resume-test"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        folder = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            runs = list((tmp_path / "b").glob("*")) if (tmp_path / "b").exists() else []
            if runs and checkpoint_day(runs[0]) >= 2:
                folder = runs[0]
                time.sleep(0.2)  # into day 3
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
        proc.wait()
        assert folder is not None, "the run ended before it could be killed"
        before = server.requests
        resumed = resume_run(folder, progress=False)
        after = server.requests
    # nothing was asked twice except, at most, the one batch in flight when it was killed
    assert after <= logical + n, (before, after)
    assert resumed.summary["llm"]["total"]["requests"] == logical
    for name in ("daily.csv", "agents.csv"):
        assert (folder / name).read_bytes() == (whole.folder / name).read_bytes(), name


def test_ctrl_c_names_the_folder_to_resume(tmp_path):
    out = tmp_path / "out"
    path = write_scenario(tmp_path, {**SCENARIO, "outputs": {"dir": str(out), "plots": False}})

    def one_day_saved():
        runs = list(out.glob("*")) if out.exists() else []
        return bool(runs) and checkpoint_day(runs[0]) >= 2

    proc, err, _ = interrupt_when([str(path), "--quiet"], one_day_saved)
    (folder,) = out.iterdir()
    assert proc.returncode == 130
    assert err.strip().splitlines() == [
        f"interrupted: {folder} keeps the run up to its last complete day; continue it with: "
        f"python run.py resume {folder}"
    ]
    resumed = run_cli("resume", str(folder), "--quiet")
    assert resumed.returncode == 0, resumed.stderr


def test_checkpoints_round_trip_and_refuse_what_they_cannot_read(tmp_path):
    import numpy as np

    from simulator.checkpoint import encode, read_checkpoint
    from simulator.errors import UserError

    path = tmp_path / "checkpoint.pkl"
    state = {"day": 3, "belief": np.arange(5, dtype=np.int8), "memory": np.ones((4, 3))[:, :2]}
    path.write_bytes(b"".join(encode(state)))
    back = read_checkpoint(path)
    assert back["day"] == 3 and back["belief"].tolist() == [0, 1, 2, 3, 4]
    assert np.array_equal(back["memory"], np.ones((4, 2)))
    back["belief"][0] = 9  # restored arrays can be written to
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 7])
    with pytest.raises(UserError, match="unreadable checkpoint"):
        read_checkpoint(path)
    path.write_bytes(pickle.dumps({"version": 2, "day": 3}))  # an earlier release's
    with pytest.raises(UserError, match="another version"):
        read_checkpoint(path)
