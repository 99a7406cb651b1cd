"""Replicates: one scenario over seeds seed..seed+N-1 (``run.py run SCENARIO --replicates N``),
each seed a run in ``seed-S/``, and the parent's table, band and report over all of them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulator import metrics
from simulator.config import Scenario, parse_scenario
from simulator.executors import (
    ExecutorSettings,
    batch_to_resume,
    begin_batch,
    end_batch,
    run_jobs,
)
from simulator.jobs import Job
from simulator.outputs import make_folder, new_run_id, write_json, write_table, write_yaml
from simulator.resources import require_memory
from simulator.results import read_daily, read_manifest
from simulator.runner import RunResult, present, reproduce_command, versions
from simulator.world import build_world, check_endpoints
from simulator.yaml_reader import read_yaml

CURVE_KEYS = ("peak_believers", "peak_day", "final_believer_share", "auc_believer_share")


def _jobs(scenario: Scenario, replicates: int, parent: Path) -> list[Job]:
    # Each seed draws its figures; the parent's report covers them all. A detached run's
    # checkpoints would be thrown away with its scratch folder, so it writes none.
    outputs = scenario.outputs.model_copy(update={"report": False, "checkpoint": False})
    return [
        Job(scenario.model_copy(update={"seed": s, "outputs": outputs}), parent / f"seed-{s}")
        for s in range(scenario.seed, scenario.seed + replicates)
    ]


def run_replicates(
    scenario: Scenario, replicates: int, executor: ExecutorSettings, progress: bool = True
) -> RunResult:
    """Run the seeds on ``executor``; write the table, the mean with its 95% band, the report."""
    require_memory(scenario, min(executor.workers, replicates))  # before anything is built
    build_world(scenario)  # fail on bad input before any folder or process exists
    check_endpoints(scenario)
    parent = make_folder(scenario.outputs.dir / new_run_id(f"{scenario.name}-x{replicates}"))
    write_yaml(parent / "scenario.resolved.yaml", scenario.resolved())
    jobs = _jobs(scenario, replicates, parent)
    begin_batch(parent, "replicates", _command(parent, replicates), jobs)
    return _finish(scenario, parent, jobs, executor, progress)


def resume_replicates(parent: Path, executor: ExecutorSettings, progress: bool = True):
    """Run the seeds of an interrupted replicates folder that are missing, then finish it."""
    batch_to_resume(parent)
    scenario = parse_scenario(read_yaml(parent / "scenario.resolved.yaml"), parent)
    jobs = _jobs(scenario, len(read_manifest(parent)["runs"]), parent)
    check_endpoints(scenario)
    return _finish(scenario, parent, jobs, executor, progress)


def _command(parent: Path, replicates: int) -> str:
    return reproduce_command(parent, f" --replicates {replicates}")


def _finish(
    scenario: Scenario, parent: Path, jobs: list[Job], executor: ExecutorSettings, progress: bool
) -> RunResult:
    done = run_jobs(jobs, executor, f"{scenario.name} replicates", progress, parent)
    seeds = [job.scenario.seed for job in jobs]
    summaries = dict(zip(seeds, done, strict=True))
    rows = [
        {
            "seed": s,
            **summaries[s]["curve"],
            "sis_beta": summaries[s]["sis_fit"]["beta"],
            "sis_gamma": summaries[s]["sis_fit"]["gamma"],
        }
        for s in seeds
    ]
    table = pd.DataFrame(rows)
    write_table(parent / "replicates.csv", table)
    unreliable_seeds = [s for s in seeds if summaries[s]["status"] != "ok"]
    summary = {
        "status": "unreliable" if unreliable_seeds else "ok",
        "unreliable_seeds": unreliable_seeds,
        "scenario": scenario.name,
        "replicates": len(seeds),
        "seeds": seeds,
        "population": scenario.population.size,
        "mean": {k: round(float(table[k].mean()), 6) for k in CURVE_KEYS},
        "sd": {
            k: round(float(table[k].std(ddof=1)), 6) if len(seeds) > 1 else 0.0 for k in CURVE_KEYS
        },
        "versions": versions(),
    }
    write_json(parent / "summary.json", summary)
    dailies = [read_daily(job.folder) for job in jobs]
    write_table(parent / "replicates_band.csv", metrics.replicate_band(dailies))
    present(parent, scenario)
    end_batch(parent)
    return RunResult(parent, summary)
