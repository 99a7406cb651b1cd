"""The ray executor on a real cluster: a head and a second worker node started with
``ray start`` on loopback, a comparison run through it while one of its workers is killed,
and the results equal to the local executor's."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, interrupt_when, only_folder, run_cli, write_scenario
from tests.test_batches import landed, same_outputs

pytest.importorskip("ray", reason="the ray extra (scripts/setup.sh test installs it)")
pytestmark = pytest.mark.slow

HOST = "127.0.0.2"  # loopback; Ray rewrites 127.0.0.1 to the machine's outward address
RAY = str(Path(sys.executable).with_name("ray"))
BASE = {
    "name": "onray",
    "seed": 21,
    "days": 10,
    "population": {"size": 1200, "initial_believers": 20},
    "outputs": {"plots": False},
}
SPEC = {
    "name": "cmp",
    "base": "base.yaml",
    "replicates": 3,
    "arms": {"none": [], "debunk": [{"type": "official_debunk", "every": 2}]},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A head and a worker node, one CPU each, on loopback; stopped at the end."""
    temp = tmp_path_factory.mktemp("ray")
    env = {
        **os.environ,
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_AUTH_MODE": "disabled",  # a test cluster on loopback, no tokens to hand round
    }
    address = f"{HOST}:{_free_port()}"
    common = ["--node-ip-address", HOST, "--num-cpus", "1", "--disable-usage-stats"]
    head = [RAY, "start", "--head", "--port", address.split(":")[1], "--temp-dir", str(temp)]
    worker = [RAY, "start", "--address", address]
    try:
        for command in ([*head, "--include-dashboard=false"], worker):
            started = subprocess.run(
                command + common, env=env, capture_output=True, text=True, timeout=120
            )
            assert started.returncode == 0, started.stdout + started.stderr
        yield address, env
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(temp, ignore_errors=True)


def _task_workers() -> list[int]:
    """Pids of Ray worker processes running one of our runs right now."""
    listing = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True)
    return [
        int(line.split()[0])
        for line in listing.stdout.splitlines()
        if "ray::run_detached" in line and "ps -eo" not in line
    ]


def test_a_comparison_on_ray_survives_a_killed_worker_and_equals_local(tmp_path, cluster):
    address, env = cluster
    write_scenario(tmp_path, BASE, "base.yaml")
    spec = write_scenario(tmp_path, SPEC, "compare.yaml")
    local = run_cli("compare", str(spec), "--out", str(tmp_path / "local"), "--quiet")
    assert local.returncode == 0, local.stderr

    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "run.py"),
            "compare",
            str(spec),
            "--out",
            str(tmp_path / "ray"),
            "--executor",
            "ray",
            "--ray-address",
            address,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killed = None
    deadline = time.monotonic() + 180
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        if workers := _task_workers():
            time.sleep(0.5)  # well into the run
            os.kill(workers[0], signal.SIGKILL)
            killed = workers[0]
        time.sleep(0.05)
    out, err = proc.communicate(timeout=300)
    assert killed is not None, f"no run was seen on the cluster: {err}"
    assert proc.returncode == 0, err
    assert "debunk" in out
    on_ray, on_local = only_folder(tmp_path / "ray"), only_folder(tmp_path / "local")
    assert len(landed(on_ray)) == 6  # each run landed once, the killed one after its retry
    assert not list(on_ray.glob("**/.*.partial"))
    same_outputs(on_ray, on_local, ["comparison.csv"])


def test_ctrl_c_on_ray_keeps_finished_runs_and_resume_on_ray_completes(tmp_path, cluster):
    address, env = cluster
    write_scenario(tmp_path, {**BASE, "days": 6, "population": {"size": 300}}, "base.yaml")
    spec = write_scenario(tmp_path, SPEC, "compare.yaml")
    local = run_cli("compare", str(spec), "--out", str(tmp_path / "local"), "--quiet")
    assert local.returncode == 0, local.stderr
    out = tmp_path / "cut"
    ray = ["--executor", "ray", "--ray-address", address]
    proc, err, stopped_after = interrupt_when(
        ["compare", str(spec), "--out", str(out), *ray, "--quiet"],
        lambda: out.exists() and any(out.glob("*/*/seed-*/summary.json")),
        env,
    )
    assert proc.returncode == 130, err
    assert stopped_after < 10
    # the command's job ended with it: no run of it goes on using the cluster's CPUs
    deadline = time.monotonic() + 10
    while _task_workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _task_workers()
    folder = only_folder(out)
    assert f"continue with: python run.py resume {folder}" in err
    assert 1 <= len(landed(folder)) < 6
    resumed = run_cli("resume", str(folder), *ray, "--quiet", env=env)
    assert resumed.returncode == 0, resumed.stderr
    same_outputs(folder, only_folder(tmp_path / "local"), ["comparison.csv"])
