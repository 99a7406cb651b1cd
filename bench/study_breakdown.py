"""What a model's decisions depend on: the share that believe and the mean stated confidence
by each factor of the situations (docs/REAL_MODEL.md), from a study's transcript.

    python bench/study_breakdown.py STUDY/transcript.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd


def lean(heard: list) -> str:
    """The day's posts: for, against, mixed, or none heard (stance is the second field)."""
    if not heard:
        return "none heard"
    stance = float(np.mean([item[1] for item in heard]))
    return "for" if stance > 0.2 else "against" if stance < -0.2 else "mixed"


def decisions(path: Path) -> pd.DataFrame:
    """One row per opinion answer with the factors of its situation."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        exchange = json.loads(line)
        fields, context = exchange.get("fields") or {}, exchange.get("context")
        if exchange.get("kind") != "opinion" or context is None or "belief" not in fields:
            continue
        sources = {item[2] for item in context["heard"] + context["memory"]}
        rows.append(
            {
                "believe": int(fields["belief"]),
                "confidence": float(fields.get("confidence", np.nan)),
                "believed before": context["belief"],
                "heard": lean(context["heard"]),
                "official debunk": "official" in sources,
                "fact-checker": "fact_checker" in sources,
                "prebunk": "prebunk" in sources,
                "accuracy nudge": bool(context["nudges"]),
                "topic": context["news"].get("topic"),
                "education": context["persona"].get("education"),
            }
        )
    return pd.DataFrame(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transcript", type=Path)
    args = parser.parse_args()
    table = decisions(args.transcript)
    print(f"{len(table)} decisions, {table['believe'].mean():.1%} believe")
    for factor in table.columns.drop(["believe", "confidence"]):
        grouped = table.groupby(factor).agg(
            n=("believe", "size"), believe=("believe", "mean"), confidence=("confidence", "mean")
        )
        print(f"\n{factor}")
        print(grouped.round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
