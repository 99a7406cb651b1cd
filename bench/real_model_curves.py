"""The believer curves of docs/REAL_MODEL.md: the same scenario on a real model, on the
surrogate fitted to it and on the default surrogate, each a replicates folder.

Prints the mean share of believers per day for each folder and draws them on one figure
(each folder's mean and the range over its seeds).

    python bench/real_model_curves.py --out docs/real_model_curves.png \\
        "Gemma 3 270M=results/real/..." "fitted surrogate=results/cmp_fitted/..." \\
        "default surrogate=results/cmp_mock/..."
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd


def shares(folder: Path) -> pd.DataFrame:
    """Believer share per day (rows) and seed (columns) of a replicates folder."""
    runs = sorted(folder.glob("seed-*/daily.csv"))
    if not runs:
        sys.exit(f"{folder}: no seed-*/daily.csv (a replicates folder is needed)")
    return pd.concat(
        {p.parent.name: pd.read_csv(p).set_index("day")["believer_share"] for p in runs}, axis=1
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("series", nargs="+", help="LABEL=FOLDER")
    parser.add_argument("--out", type=Path, required=True, help="PNG to write")
    args = parser.parse_args()
    fig, ax = plt.subplots(figsize=(7, 4))
    table = {}
    for i, item in enumerate(args.series):
        label, _, folder = item.partition("=")
        data = shares(Path(folder))
        mean = data.mean(axis=1)
        table[f"{label} ({data.shape[1]} seeds)"] = mean
        (line,) = ax.plot(
            mean.index,
            mean,
            marker="o",
            lw=6 if i == 0 else 2,
            alpha=0.5 if i == 0 else 1.0,
            ls="-" if i == 0 else "--",
            label=f"{label}, {data.shape[1]} seeds",
        )
        ax.fill_between(
            mean.index, data.min(axis=1), data.max(axis=1), alpha=0.15, color=line.get_color()
        )
    ax.set_xlabel("day")
    ax.set_ylabel("share of agents who believe")
    ax.set_ylim(0, 1.02)
    ax.set_title(
        "Believers: a real model, the surrogate fitted to it, the default surrogate", fontsize=10
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(pd.DataFrame(table).round(3).to_string())
    print(f"figure: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
