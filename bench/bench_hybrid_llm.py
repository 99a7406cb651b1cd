"""A hybrid population with an llm group: is the run bounded by the model's requests?

100k agents on random mixing (k = 3), ``--share`` of them (1%) an llm group asking a loopback
OpenAI-compatible server (bench/loopback_server.py, its own process) that answers after
``--latency`` seconds, the rest deciding by the surrogate on arrays. The run is a real
``run_scenario`` through the openai client, default outputs but for the agent table (a
sample of 1,000). The time spent waiting for the llm group's answers is measured around
every batch the rule sends to the backend (one batch at a time, so these intervals do not
overlap); the rest of the day loop is the engine's. The same population with no llm group
is run alongside as the anchor: what the arrays alone cost. Prints the medians of
``--repeat`` runs; record them in docs/PERFORMANCE.md.

    python bench/bench_hybrid_llm.py [--agents 100000] [--share 0.01] [--days 3]
                                     [--concurrency 64] [--latency 0.1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.llm.accounting import Accounting  # noqa: E402
from bench.loopback_server import serve  # noqa: E402
from simulator.config import parse_scenario  # noqa: E402
from simulator.runner import run_scenario  # noqa: E402

WAITED = [0.0]  # seconds spent inside the llm group's batches, this run


def timed(complete):
    """``Accounting.complete``, adding the time until each batch's answers to ``WAITED``."""

    async def wrapper(self, requests):
        start = time.perf_counter()
        try:
            return await complete(self, requests)
        finally:
            WAITED[0] += time.perf_counter() - start

    return wrapper


def one_run(url: str, args: argparse.Namespace, with_llm: bool) -> dict:
    """The day loop's seconds, the seconds waiting for answers and the requests of one run."""
    agents = {"rule": "surrogate"}
    if with_llm:
        agents["groups"] = [{"name": "llm", "rule": "llm", "share": args.share}]
    with tempfile.TemporaryDirectory() as out:
        scenario = parse_scenario(
            {
                "name": "hybrid-llm-bench",
                "seed": 3,
                "days": args.days,
                "population": {"size": args.agents, "initial_believers": args.agents // 50},
                "contacts": {"type": "random_contacts", "k": 3},
                "agents": agents,
                "llm": {
                    "backend": "openai",
                    "model": "bench",
                    "base_url": url,
                    "api_key_env": None,
                    "concurrency": args.concurrency,
                    "cache": {"mode": "off"},
                },
                "outputs": {
                    "dir": out,
                    "plots": False,
                    "report": False,
                    "agents_table": "sample",
                    "agents_sample": 1000,
                },
            },
            ROOT,
        )
        WAITED[0] = 0.0
        summary = run_scenario(scenario, progress=False).summary
    return {
        "seconds": summary["runtime_seconds"],
        "waited": WAITED[0],
        "requests": summary["llm"]["total"]["requests"],
        "failures": summary["llm"]["total"]["failures"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    Accounting.complete = timed(Accounting.complete)
    ready = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.latency, ready), daemon=True)
    server.start()
    url = ready.get(timeout=30)
    llm_agents = round(args.share * args.agents)
    ideal = args.concurrency / args.latency
    print(f"{args.agents:,} agents x {args.days} days, {llm_agents:,} of them llm; concurrency "
          f"{args.concurrency}, latency {args.latency * 1000:.0f} ms (ideal {ideal:,.0f} "
          "requests/s)", flush=True)  # fmt: skip
    try:
        hybrid, anchor = [], []
        for _ in range(args.repeat):  # alternately, so both see the same machine
            hybrid.append(one_run(url, args, with_llm=True))
            anchor.append(one_run(url, args, with_llm=False))
    finally:
        server.kill()
    seconds = statistics.median(r["seconds"] for r in hybrid)
    outside = [1 - r["waited"] / r["seconds"] for r in hybrid]
    engine = [r["seconds"] - r["waited"] for r in hybrid]
    requests = hybrid[0]["requests"]
    print(f"hybrid run: {seconds:.2f} s median ({requests:,} requests a run, "
          f"{sum(r['failures'] for r in hybrid)} failed); waiting for answers "
          f"{statistics.median(r['waited'] for r in hybrid):.2f} s (ideal "
          f"{requests / ideal:.2f} s)")  # fmt: skip
    print(f"share of wall time outside the requests: {statistics.median(outside):.3f} "
          f"(runs: {', '.join(f'{x:.3f}' for x in outside)}; target under 0.10)")  # fmt: skip
    alone = statistics.median(r["seconds"] for r in anchor)
    print(f"engine outside the requests: {statistics.median(engine):.2f} s; the same population "
          f"with no llm group: {alone:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
