"""How usable a real model's answers are: parsed and usable shares from a run's transcript.

    python bench/bench_answers.py RESULTS_DIR [RESULTS_DIR ...]

Reads each run's ``transcript.jsonl`` (every exchange with the model) and prints, per request
kind and for the opinion requests that make an agent-day: how many were parsed into fields
(the run used them), and how many are usable, meaning their text has at least three words
and no chat-template markup (``agents.llm.parsing.TEMPLATE_DEBRIS``): a post of "..." parses
but says nothing. Also requests and tokens per agent-day. Figures go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.llm.parsing import TEMPLATE_DEBRIS  # noqa: E402

TEXT_FIELD = {"summarise": "summary", "reflect": "memory", "opinion": "post"}


def usable(text: object) -> bool:
    """At least three words and no chat-template markup."""
    return (
        isinstance(text, str)
        and len(text.split()) >= 3
        and not any(mark in text for mark in TEMPLATE_DEBRIS)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", type=Path, nargs="+")
    args = ap.parse_args()
    for folder in args.folders:
        counts: Counter[str] = Counter()
        tokens = 0
        agent_days = set()
        for line in (folder / "transcript.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            kind = record["kind"]
            agent_days.add((record["agent"], record["day"]))
            counts[f"{kind} requests"] += 1
            parsed = record["error"] is None
            counts[f"{kind} parsed"] += parsed
            counts[f"{kind} usable"] += parsed and usable(record["fields"].get(TEXT_FIELD[kind]))
            if kind == "opinion":
                reasoning = record["fields"].get("reasoning") if parsed else None
                counts["opinion reasoning usable"] += parsed and usable(reasoning)
            usage = record.get("usage") or {}
            tokens += usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0)
        print(f"{folder}:")
        for kind in TEXT_FIELD:
            n = counts[f"{kind} requests"]
            if n:
                print(
                    f"  {kind:<10} {n:>5} requests, parsed {counts[f'{kind} parsed'] / n:6.1%}, "
                    f"usable {TEXT_FIELD[kind]} {counts[f'{kind} usable'] / n:6.1%}"
                )
        n = counts["opinion requests"]
        if n:
            print(f"  opinion reasoning usable {counts['opinion reasoning usable'] / n:6.1%}")
        days = len(agent_days)
        total = sum(counts[f"{k} requests"] for k in TEXT_FIELD)
        print(
            f"  {days} agent-days: {total / days:.2f} requests and {tokens / days:,.0f} tokens "
            "per agent-day (as the server reported them)"
        )


if __name__ == "__main__":
    main()
