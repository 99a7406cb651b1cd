"""Requests per second of the llm rule in sequential (FPS) and synchronous order, against a
loopback OpenAI-compatible server with a fixed latency.

The server (bench/loopback_server.py, its own process) answers each request kind after
``--latency`` seconds; the run is a real ``run_scenario`` with the openai backend, ``--agents``
citizens, concurrency ``--concurrency``. Ideal is concurrency / latency requests per second.
Sequential days run as a dataflow (simulator/model.py ``_sequential_day``): a citizen sends
its requests as soon as the posts it reads are final. Prints requests/s and its share of the
ideal over ``--repeat`` runs (median); record the figures in docs/PERFORMANCE.md.

    python bench/bench_llm_order.py [--agents 640] [--days 2] [--concurrency 64]
                                    [--latency 0.1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loopback_server import serve  # noqa: E402
from simulator.config import parse_scenario  # noqa: E402
from simulator.runner import run_scenario  # noqa: E402


def one_run(url: str, update: str, args: argparse.Namespace) -> tuple[float, int, int]:
    """(requests per second over the day loop, requests, failures) of one run."""
    with tempfile.TemporaryDirectory() as out:
        scenario = parse_scenario(
            {
                "name": "llm-order",
                "seed": 3,
                "days": args.days,
                "population": {"size": args.agents, "initial_believers": args.agents // 20},
                "agents": {"update": update, "rule": "llm"},
                "llm": {
                    "backend": "openai",
                    "model": "bench",
                    "base_url": url,
                    "api_key_env": "BENCH_KEY",
                    "concurrency": args.concurrency,
                    "cache": {"mode": "off"},
                },
                "outputs": {"dir": out, "plots": False, "report": False, "checkpoint": False},
            },
            ROOT,
        )
        summary = run_scenario(scenario, progress=False).summary
    total = summary["llm"]["total"]
    return total["requests"] / summary["runtime_seconds"], total["requests"], total["failures"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=640)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["BENCH_KEY"] = "not-a-secret"
    ready = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.latency, ready), daemon=True)
    server.start()
    url = ready.get(timeout=30)
    ideal = args.concurrency / args.latency
    print(f"{args.agents} citizens x {args.days} days, concurrency {args.concurrency}, "
          f"latency {args.latency * 1000:.0f} ms: ideal {ideal:,.0f} requests/s")  # fmt: skip
    try:
        for update in ("sequential", "synchronous"):
            runs = [one_run(url, update, args) for _ in range(args.repeat)]
            rate = statistics.median(r[0] for r in runs)
            failures = sum(r[2] for r in runs)
            print(f"{update:>12}: {rate:8,.0f} requests/s = {rate / ideal:.2f} of ideal "
                  f"({runs[0][1]:,} requests a run, {failures} failed)", flush=True)  # fmt: skip
    finally:
        server.kill()


if __name__ == "__main__":
    main()
