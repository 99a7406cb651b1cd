"""Tokens per agent-day with a real model, by day: is the prompt bounded as days pass?

Runs scenarios/baseline.yaml (30 agents, 15 days, FPS set-up) with the llm section of
scenarios/local_llm.yaml (Gemma 3 270M on the local llama.cpp server, `make llm-server`), then
reads the run's transcript.jsonl and prints server-counted prompt and completion tokens per
agent-day for every day, the day-15 / day-2 prompt ratio, and the cache replay: a second run of
the same scenario is served from the response cache (requests that reached the server, outputs
compared byte for byte, speed-up).

    python bench/bench_llm_tokens.py [--days 15] [--population 30] [--cache FILE]

About an hour on 2 cores (1,350 requests at 2-6 s each). Figures go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from simulator.config import parse_scenario  # noqa: E402
from simulator.runner import run_scenario  # noqa: E402


def tokens_by_day(transcript: Path) -> dict[int, list[int]]:
    """day -> [prompt tokens, completion tokens, requests, agent ids seen] from a transcript."""
    days: dict[int, list] = defaultdict(lambda: [0, 0, 0, set()])
    with transcript.open(encoding="utf-8") as lines:
        for line in lines:
            r = json.loads(line)
            row = days[r["day"]]
            if r["usage"]:
                row[0] += r["usage"]["prompt_tokens"]
                row[1] += r["usage"]["completion_tokens"]
            row[2] += 1
            row[3].add(r["agent"])
    return {d: [p, c, n, len(a)] for d, (p, c, n, a) in sorted(days.items())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=15)
    ap.add_argument(
        "--population",
        type=int,
        default=30,
        help="agents (the baseline has 30; prompts per agent do not depend on it)",
    )
    ap.add_argument("--cache", default=".cache/bench-llm-cache.sqlite")
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "bench-llm-tokens")
    args = ap.parse_args()
    doc = yaml.safe_load((ROOT / "scenarios" / "baseline.yaml").read_text())
    local = yaml.safe_load((ROOT / "scenarios" / "local_llm.yaml").read_text())
    doc["llm"] = {**local["llm"], "cache": {"mode": "readwrite", "path": args.cache}}
    doc["days"] = args.days
    doc["population"] = {**doc["population"], "size": args.population}
    doc["name"] = "baseline-local-llm"
    scenario = parse_scenario(doc, ROOT / "scenarios")

    started = time.perf_counter()
    first = run_scenario(scenario, args.out / "first")
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = run_scenario(scenario, args.out / "replay")
    replay_s = time.perf_counter() - started

    n = scenario.population.size
    table = tokens_by_day(first.folder / "transcript.jsonl")
    print(f"{'day':>4}{'requests':>10}{'prompt/agent':>14}{'compl./agent':>14}{'total/agent':>13}")
    for day, (p, c, reqs, _) in table.items():
        print(f"{day:>4}{reqs:>10}{p / n:>14.1f}{c / n:>14.1f}{(p + c) / n:>13.1f}")
    total = first.summary["llm"]["total"]
    agent_days = n * scenario.days
    both = total["prompt_tokens"] + total["completion_tokens"]
    print(
        f"tokens per agent-day: {both / agent_days:.0f}"
        f" (prompt {total['prompt_tokens'] / agent_days:.0f}, completion "
        f"{total['completion_tokens'] / agent_days:.0f}); failures {total['failures']}, "
        f"repairs {total['repairs']}, retries {total['retries']}"
    )
    last = max(table)
    if 2 in table:
        print(f"prompt tokens day {last} / day 2: {table[last][0] / table[2][0]:.3f}")
    print(f"latency: {total['latency_s']}")
    replay = second.summary["llm"]["total"]
    same = all(
        (first.folder / f).read_bytes() == (second.folder / f).read_bytes()
        for f in ("daily.csv", "agents.csv")
    )
    print(
        f"first run {first_s:.1f} s; replay {replay_s:.2f} s ({first_s / replay_s:.0f}x), "
        f"{replay['requests'] - replay['cached']} requests reached the server, "
        f"outputs identical: {same}"
    )


if __name__ == "__main__":
    main()
