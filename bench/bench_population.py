"""Population throughput and memory: agent-days per second and peak RSS, against plain Mesa.

Each configuration runs in a fresh process (so peak RSS is that run's own) through the same
``run_scenario`` a user runs: k=3 random contacts, default outputs with the agent table
sampled (1,000 agents) and plots and report off, for the surrogate rule on arrays
(``--rule surrogate``, the default), citizens asking the mock backend (``--rule llm``) or a
classic rule of docs/RULES.md (``--rule sir`` ...) with its default parameters; with
``--contacts barabasi_albert`` on a Barabasi-Albert graph (m = 3: mean degree 6) instead.
The rate is agent-days over the run's own day loop (``runtime_seconds``: days, checkpoints,
streamed files). In the same invocation a trivial Mesa opinion model (one Python agent
step per agent-day: a voter copying a random other) runs 10,000 agents, the anchor every
rate is also given as a ratio to (this machine's speed varies by up to 1.8x). With
``--repeat N`` the row gives the median of N runs. Record the figures in
docs/PERFORMANCE.md.

    python bench/bench_population.py [--sizes 10000 100000 1000000] [--days 30]
        [--updates synchronous sequential random_sequential] [--rule surrogate] [--repeat 3]
        [--lean] [--contacts random_contacts|barabasi_albert]
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


CONTACTS = {
    "random_contacts": {"type": "random_contacts", "k": 3},
    "barabasi_albert": {"type": "barabasi_albert", "m": 3},
}


def one_run(size: int, days: int, update: str, rule: str, lean: bool, contacts: str) -> dict:
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
                "population": {"size": size, "initial_believers": max(2, size // 500)},
                "contacts": CONTACTS[contacts],
                "agents": {"update": update, "rule": rule},
                "outputs": {
                    "dir": out,
                    "plots": False,
                    "report": False,
                    "agents_table": "none" if lean else "sample",
                    "agents_sample": 1000,
                    "checkpoint": not lean,
                },
                "engagement": {"enabled": not lean},
                "early_warning": {"enabled": not lean},
            },
            ROOT,
        )
        started = time.perf_counter()
        result = run_scenario(scenario, progress=False)
        wall = time.perf_counter() - started
    loop = result.summary["runtime_seconds"]
    return {
        "size": size,
        "update": update,
        "agent_days_per_second": size * days / loop,
        "wall_seconds": wall,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def mesa_anchor(n: int = 10_000, days: int = 30) -> float:
    """Agent-days per second of a trivial Mesa model: one Python step per agent-day."""
    import mesa

    class Voter(mesa.Agent):
        def __init__(self, model, opinion):
            super().__init__(model)
            self.opinion = opinion

        def step(self):
            other = self.model.voters[self.random.randrange(len(self.model.voters))]
            if self.random.random() < 0.5:
                self.opinion = other.opinion

    class VoterModel(mesa.Model):
        def __init__(self):
            super().__init__(rng=1)
            self.voters = [Voter(self, i % 2) for i in range(n)]

        def step(self):
            self.agents.shuffle_do("step")

    model = VoterModel()
    started = time.perf_counter()
    model.run_for(days)
    return n * days / (time.perf_counter() - started)


def child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--days", type=int, default=30)
    sys.path.insert(0, str(ROOT))
    from agents.rules.base import UPDATE_ORDERS
    from agents.rules.registry import SPECS

    parser.add_argument(
        "--updates", nargs="+", default=["synchronous", "sequential"], choices=UPDATE_ORDERS,
    )  # fmt: skip

    parser.add_argument("--rule", default="surrogate", choices=list(SPECS))
    parser.add_argument("--contacts", default="random_contacts", choices=list(CONTACTS))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--lean", action="store_true",
        help="the engine alone: no engagement, early warning, checkpoints or agent table",
    )  # fmt: skip
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        size, days, update, rule, lean, contacts = args.child
        print(json.dumps(one_run(int(size), int(days), update, rule, lean == "lean", contacts)))
        return
    outputs = "the engine alone (--lean)" if args.lean else "agent table sampled"
    where = "k=3 random contacts" if args.contacts == "random_contacts" else "a BA graph (m=3)"
    print(f"rule {args.rule}, {args.days} days, {where}, {outputs}")
    print(f"{'agents':>10} {'update':>12} {'agent-days/s':>14} {'x plain Mesa':>13} "
          f"{'wall s':>8} {'peak RSS':>9}")  # fmt: skip
    for size in args.sizes:
        for update in args.updates:
            rows, anchors = [], []
            for _ in range(args.repeat):
                anchors.append(mesa_anchor())
                lean = "lean" if args.lean else "full"
                run = [str(size), str(args.days), update, args.rule, lean, args.contacts]
                rows.append(child(run))
            rate = statistics.median(r["agent_days_per_second"] for r in rows)
            anchor = statistics.median(anchors)
            wall = statistics.median(r["wall_seconds"] for r in rows)
            rss = max(r["peak_rss_mb"] for r in rows)
            print(f"{size:>10,} {update:>12} {rate:>14,.0f} {rate / anchor:>13.1f} "
                  f"{wall:>8.1f} {rss:>6.0f} MB", flush=True)  # fmt: skip
    print(f"plain Mesa (10,000 voters, one step per agent-day): {anchor:,.0f} agent-days/s")


if __name__ == "__main__":
    main()
