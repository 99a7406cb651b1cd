"""Mock-mode throughput and memory: agent-days per second and peak RSS at several sizes.

Each size runs in a fresh process (so peak RSS is that run's own) through the same
``run_scenario`` a user runs: k=3 random contacts, 15 days, synchronous updates, agents.csv
written, plots off. With ``--repeat N`` each size runs N times and the row gives the median
and the best rate (on a shared machine the same code varies by a third between runs). Prints
one row per size; record the figures in docs/PERFORMANCE.md.

    python bench/bench_mock.py [--sizes 1000 10000 100000] [--days 15] [--repeat 1]
                               [--no-agents-csv] [--lean]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(size: int, days: int, agents_csv: bool, lean: bool) -> dict:
    """Run one scenario in this process and return its figures."""
    sys.path.insert(0, str(ROOT))
    from simulator.config import parse_scenario
    from simulator.runner import run_scenario

    with tempfile.TemporaryDirectory() as out:
        scenario = parse_scenario(
            {
                "name": f"bench-{size}",
                "seed": 1,
                "days": days,
                "population": {"size": size, "initial_believers": max(2, size // 100)},
                "contacts": {"type": "random_contacts", "k": 3},
                "agents": {"update": "synchronous"},
                "outputs": {
                    "dir": out,
                    "plots": False,
                    "agents_csv": agents_csv,
                    "checkpoint": not lean,
                },
                # lean: the opinion dynamics only (as measured before engagement existed)
                "engagement": {"enabled": not lean},
                "early_warning": {"enabled": not lean},
            },
            ROOT,
        )
        started = time.perf_counter()
        result = run_scenario(scenario, progress=False)
        wall = time.perf_counter() - started
        agents_csv_mb = sum(f.stat().st_size for f in result.folder.glob("agents.csv")) / 2**20
    return {
        "agents": size,
        "days": days,
        "agent_days_per_s": result.summary["agent_days_per_second"],
        "simulation_s": result.summary["runtime_seconds"],
        "wall_s_with_setup_and_outputs": round(wall, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "agents_csv_mb": round(agents_csv_mb, 1),
        "final_believer_share": result.summary["curve"]["final_believer_share"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--days", type=int, default=15)
    parser.add_argument("--no-agents-csv", action="store_true")
    parser.add_argument(
        "--lean", action="store_true", help="no engagement, checkpoints or early warning"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median and best)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child, args.days, not args.no_agents_csv, args.lean)))
        return
    print(
        f"{'agents':>8} {'agent-days/s':>13} {'best':>8} {'sim s':>8} {'wall s':>8} "
        f"{'peak RSS MB':>12} {'agents.csv MB':>14}"
    )
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--child", str(size), "--days", str(args.days)]
        if args.no_agents_csv:
            cmd.append("--no-agents-csv")
        if args.lean:
            cmd.append("--lean")
        rows = [
            json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            for _ in range(max(args.repeat, 1))
        ]
        rates = [r["agent_days_per_s"] for r in rows]
        row = sorted(rows, key=lambda r: r["agent_days_per_s"])[len(rows) // 2]  # the median
        print(
            f"{row['agents']:>8} {statistics.median(rates):>13,.0f} {max(rates):>8,.0f} "
            f"{row['simulation_s']:>8.1f} {row['wall_s_with_setup_and_outputs']:>8.1f} "
            f"{max(r['peak_rss_mb'] for r in rows):>12.0f} {row['agents_csv_mb']:>14.1f}",
            flush=True,
        )
        if len(rates) > 1:
            print(f"{'':>8} every run: {', '.join(f'{r:,.0f}' for r in rates)}", flush=True)


if __name__ == "__main__":
    main()
