"""Throughput of the ray executor against the local one, and Ray's overhead per task.

    python bench/bench_executors.py [--runs 200] [--repeats 3] [--workers 2]

In one invocation, alternately: ``--runs`` baseline runs (scenarios/baseline.yaml, seeds
0..runs-1, as ``--replicates`` runs them: figures drawn, no report) on the local executor
with ``--workers`` processes, and on a Ray cluster started for the command with
``--workers`` CPUs (the driver then lands every run's files, as for a remote cluster). Wall
time includes starting the workers or the cluster, as a user waits for it. Prints each
repeat and the median throughput ratio ray / local (target: at least 0.9).

Then the overhead: the time to start each executor, and the time per run of a 2-agent, 1-day
scenario (nearly no work) once it has started: what the executor adds to every run
(scheduling, moving the files back, landing them). From it, docs/PERFORMANCE.md works out
how a 10,000-run sweep scales with nodes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.config import load_scenario  # noqa: E402
from simulator.executors import ExecutorSettings, make_executor, run_jobs  # noqa: E402
from simulator.jobs import Job  # noqa: E402


def jobs(scenario, runs: int, root: Path) -> list[Job]:
    outputs = scenario.outputs.model_copy(update={"report": False, "checkpoint": False})
    return [
        Job(scenario.model_copy(update={"seed": s, "outputs": outputs}), root / f"seed-{s}")
        for s in range(runs)
    ]


def timed(scenario, runs: int, settings: ExecutorSettings, work: Path) -> float:
    root = Path(tempfile.mkdtemp(dir=work))
    started = time.perf_counter()
    run_jobs(jobs(scenario, runs, root), settings, settings.kind, False, root)
    return time.perf_counter() - started


def overhead(scenario, runs: int, settings: ExecutorSettings, work: Path) -> tuple[float, float]:
    """Seconds to start the executor (processes or cluster), and per run once started."""
    root = Path(tempfile.mkdtemp(dir=work))
    started = time.perf_counter()
    with make_executor(settings, settings.workers) as executor:
        up = time.perf_counter() - started
        warm = jobs(scenario, settings.workers, root / "warm")  # workers import the stack
        run_jobs(warm, settings, "warm", False, root, executor)
        begun = time.perf_counter()
        run_jobs(jobs(scenario, runs, root / "timed"), settings, "", False, root, executor)
        per_run = (time.perf_counter() - begun) / runs
    return up, per_run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--overhead-only", action="store_true", help="skip the baseline runs")
    args = parser.parse_args()
    baseline = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    tiny = baseline.model_copy(
        update={
            "days": 1,
            "population": baseline.population.model_copy(
                update={"size": 2, "initial_believers": 1}
            ),
            "outputs": baseline.outputs.model_copy(update={"plots": False}),
        }
    )
    local = ExecutorSettings("local", args.workers)
    ray = ExecutorSettings("ray", args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.overhead_only:
            ratios = []
            print(f"{args.runs} baseline runs, {args.workers} workers:")
            for repeat in range(args.repeats):
                t_local = timed(baseline, args.runs, local, work)
                t_ray = timed(baseline, args.runs, ray, work)
                ratios.append(t_local / t_ray)
                print(
                    f"  repeat {repeat + 1}: local {t_local:.1f} s ({args.runs / t_local:.1f} "
                    f"runs/s), ray {t_ray:.1f} s ({args.runs / t_ray:.1f} runs/s), throughput "
                    f"ratio ray/local {ratios[-1]:.2f}",
                    flush=True,
                )
            print(f"median throughput ratio ray/local: {statistics.median(ratios):.2f}")
        print(f"{args.runs} near-empty runs (2 agents, 1 day), executor already started:")
        for settings in (local, ray):
            measured = [overhead(tiny, args.runs, settings, work) for _ in range(args.repeats)]
            up = statistics.median(m[0] for m in measured)
            per = statistics.median(m[1] for m in measured)
            print(
                f"  {settings.kind}: start {up:.2f} s; {per * 1000:.1f} ms per run "
                f"({per * args.workers * 1000:.0f} ms of one worker's time)",
                flush=True,
            )


if __name__ == "__main__":
    main()
