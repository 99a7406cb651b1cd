"""A run of a multi-run command (``Job``) and how any executor runs one: *detached*, in a
scratch folder of the process that takes it, its files returned as data for the driver to
land (simulator/executors.py). Its own module so that every executor, the Ray one included,
depends on it and not on each other."""

from __future__ import annotations

import os
import signal
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from simulator.config import Scenario
from simulator.errors import InputWarning
from simulator.outputs import MANIFEST
from simulator.runner import run_scenario

Files = dict[str, bytes]  # a run folder's files: path inside the folder -> content


@dataclass(frozen=True)
class Job:
    """One run of a multi-run command: its scenario and the folder its files land in."""

    scenario: Scenario
    folder: Path


class _StopRun(BaseException):
    """Raised in a local worker by the driver's SIGTERM while it runs a job."""


_running = False  # whether this process is inside run_detached (see stop_running_job)


def run_detached(scenario: Scenario, name: str) -> Files:
    """Run ``scenario`` in a scratch folder called ``name`` and return the files it wrote (the
    manifest excepted: it names where the folder lands, which the driver writes)."""
    global _running
    # The driver already validated the scenario and showed its input warnings once.
    warnings.simplefilter("ignore", InputWarning)
    try:
        _running = True
        with tempfile.TemporaryDirectory(prefix="murmur-run-") as scratch:
            folder = Path(scratch) / name
            run_scenario(scenario, folder, progress=False)
            return {
                path.relative_to(folder).as_posix(): path.read_bytes()
                for path in sorted(folder.rglob("*"))
                if path.is_file() and path.name != MANIFEST
            }
    except _StopRun:
        # The scratch folder is gone; leave now. Returning (or raising anything the pool
        # catches) would let this worker take the next queued job.
        os._exit(128 + signal.SIGTERM)
    finally:
        _running = False


def stop_running_job(signum: int, frame: object) -> None:
    """A worker's SIGTERM handler: unwind the job it runs, if any, then exit."""
    if _running:
        raise _StopRun  # unwinds the run, so its scratch folder is removed, then exits
    os._exit(128 + signum)  # idle: nothing to clean up
