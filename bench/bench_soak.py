"""Soak: a big surrogate run, with resident memory sampled at the end of every day.

    python bench/bench_soak.py [--agents 100000] [--days 30] [--format csv.gz]

Runs through run_scenario as a user's run does (engagement, checkpoints after every day,
agents file in the chosen format, plots off) and prints RSS by day, the time per day and the
size of every file in the results folder. Figures go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.config import parse_scenario  # noqa: E402
from simulator.runner import run_scenario  # noqa: E402


def rss_mb() -> float:
    """Current resident set size of this process (MiB, as ru_maxrss below)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--format", choices=["csv", "csv.gz"], default="csv.gz")
    ap.add_argument("--out", type=Path, default=None, help="results root (default: a temp dir)")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="murmur-soak-"))
    scenario = parse_scenario(
        {
            "name": "soak",
            "seed": 1,
            "days": args.days,
            "population": {"size": args.agents, "initial_believers": max(2, args.agents // 100)},
            "contacts": {"type": "random_contacts", "k": 3},
            "outputs": {"dir": str(out), "plots": False, "agents_format": args.format},
        },
        ROOT,
    )
    samples: list[tuple[int, float, float]] = []
    started = time.perf_counter()

    def on_day(day: int) -> None:
        samples.append((day, time.perf_counter() - started, rss_mb()))
        print(f"day {day:3d}  {samples[-1][1]:8.1f} s  RSS {samples[-1][2]:8.1f} MiB", flush=True)

    result = run_scenario(scenario, progress=False, on_day=on_day)
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = args.agents * args.days / total
    print(f"\n{args.agents} agents x {args.days} days: {total:.1f} s, {rate:,.0f} agent-days/s, "
          f"peak RSS {peak:.0f} MiB")  # fmt: skip
    size = 0
    for path in sorted(result.folder.iterdir()):
        size += path.stat().st_size
        print(f"  {path.name:28s} {path.stat().st_size / 1e6:10.1f} MB")
    print(f"  {'results folder':28s} {size / 1e6:10.1f} MB")
    first, last = samples[min(4, len(samples) - 1)], samples[-1]
    print(f"RSS day {first[0]} {first[2]:.0f} MiB, day {last[0]} {last[2]:.0f} MiB")


if __name__ == "__main__":
    main()
