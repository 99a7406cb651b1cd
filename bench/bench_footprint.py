"""The footprint a run is predicted to need (simulator/resources.py) against what it takes.

    python bench/bench_footprint.py [--sizes 10000 50000 100000 200000] [--days 3]

Each size runs as a user's run does (``python run.py``, default outputs but plots off) in a
child process; its peak RSS comes from the kernel (``ru_maxrss`` of the child) and its wall
time from the clock. Prints the prediction, the measurement and their ratio; the memory
prediction should stay above the measurement (a run it admits must fit). Figures go to
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.config import Scenario  # noqa: E402
from simulator.resources import footprint  # noqa: E402


def measure(document: dict, folder: Path) -> tuple[float, float]:
    """Peak RSS (bytes) and wall seconds of one run of ``document`` in a child process."""
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(document))
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, str(ROOT / "run.py"), str(path), "--quiet"],
                             stdout=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the run of {document['population']['size']} agents failed")
    return usage.ru_maxrss * 1024.0, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000, 200_000])
    ap.add_argument("--days", type=int, default=3)
    args = ap.parse_args()
    print(f"{'agents':>9}{'days':>6}{'predicted MB':>14}{'peak RSS MB':>13}{'ratio':>7}"
          f"{'predicted s':>13}{'wall s':>8}{'ratio':>7}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            document = {
                "name": f"footprint-{n}",
                "days": args.days,
                "population": {"size": n, "initial_believers": max(2, n // 1000)},
                "outputs": {"dir": str(Path(tmp) / "out"), "plots": False},
            }
            predicted = footprint(Scenario.model_validate(document))
            rss, wall = measure(document, Path(tmp))
            print(
                f"{n:>9,}{args.days:>6}{predicted.memory / 1e6:>14,.0f}{rss / 1e6:>13,.0f}"
                f"{predicted.memory / rss:>7.2f}{predicted.seconds:>13.1f}{wall:>8.1f}"
                f"{predicted.seconds / wall:>7.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
