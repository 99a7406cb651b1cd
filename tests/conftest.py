"""Shared test helpers: the repository root, scenario builders and a CLI runner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# The 50 development cascades beside the checkout (never copied into the repository).
SEISMIC_DATA = ROOT.parent / "shared" / "data" / "seismic-dev"


def run_cli(
    *args: str, cwd: Path = ROOT, timeout: float = 300, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run ``python run.py ARGS`` as a user would, capturing output."""
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_whole_and_resumed(scenario, tmp_path: Path, stop_after: int, before_resume=None):
    """(whole, resumed): the folders of ``scenario`` run without a break, and run again in
    this process with a Ctrl-C after day ``stop_after`` then resumed from its checkpoint;
    ``before_resume(folder)`` may look at the interrupted folder first."""
    from simulator.errors import Interrupted
    from simulator.runner import resume_run, run_scenario

    whole = run_scenario(scenario, tmp_path / "whole", progress=False).folder

    def stop(day):
        if day == stop_after:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted):
        run_scenario(scenario, tmp_path / "cut", progress=False, on_day=stop)
    if before_resume is not None:
        before_resume(tmp_path / "cut")
    return whole, resume_run(tmp_path / "cut", progress=False).folder


def interrupt_when(
    args: list[str], ready, env: dict | None = None, wait: float = 180
) -> tuple[subprocess.Popen, str, float]:
    """Start ``python run.py ARGS`` in its own process group and send Ctrl-C (SIGINT to the
    group, as a terminal does) once ``ready()`` is true; returns the finished process, its
    stderr and the seconds from the Ctrl-C to its exit."""
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(0.01)
    assert proc.poll() is None, f"finished before the interrupt: {proc.stderr.read()}"
    os.killpg(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=120)
    return proc, err, time.monotonic() - sent


def only_folder(root: Path) -> Path:
    """The one results folder a command wrote under ``root``."""
    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    return folder


def write_scenario(folder: Path, document: dict | str, name: str = "scenario.yaml") -> Path:
    """Write a scenario document (dict or raw YAML text) into ``folder``."""
    path = folder / name
    path.write_text(
        document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False)
    )
    return path


@pytest.fixture
def small_scenario() -> dict:
    """A quick scenario document: 12 agents, 4 days, results under the test's folder."""
    return {
        "name": "small",
        "seed": 7,
        "days": 4,
        "population": {"size": 12, "initial_believers": 2},
        "contacts": {"type": "random_contacts", "k": 3},
    }
