"""Figures a person wants to look at after a run, drawn from the saved tables only.

Because plots read the written files (daily.csv, agents.csv, summary.json) and nothing else,
``python run.py plot RESULTS_DIR`` redraws exactly what a run drew.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from agents.persona import EDUCATION_LEVELS, TRAITS
from simulator.metrics import sis_curve

TRAIT_LABELS = {
    "agreeableness": "agreeable-\nness",
    "conscientiousness": "conscien-\ntiousness",
    "extraversion": "extra-\nversion",
    "emotional_stability": "emotional\nstability",
    "openness": "openness",
}

STATE_STYLE = {
    "susceptible": ("Susceptible (never believed)", "#4C72B0"),
    "infected": ("Infected (believes)", "#C44E52"),
    "recovered": ("Recovered (stopped believing)", "#55A868"),
}


def _save(fig: plt.Figure, path: Path) -> None:
    fig.tight_layout()
    tmp = path.with_name(f".{path.stem}.tmp.png")
    fig.savefig(tmp, dpi=130)
    plt.close(fig)
    tmp.replace(path)


def attitude_curves(daily: pd.DataFrame, summary: dict, path: Path) -> None:
    """S/I/R counts per day with the fitted SIS curve for believers."""
    n = int(summary["population"])
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for column, (label, color) in STATE_STYLE.items():
        ax.plot(daily["day"], daily[column], marker="o", ms=3.5, lw=1.8, color=color, label=label)
    fit = summary.get("sis_fit") or {}
    if fit.get("beta") is not None:
        t = np.linspace(daily["day"].iloc[0], daily["day"].iloc[-1], 200)
        curve = sis_curve(t - t[0], fit["beta"], fit["gamma"], daily["infected"].iloc[0], n)
        r2 = f", R²={fit['r2']:.2f}" if fit.get("r2") is not None else ""
        ax.plot(
            t,
            curve,
            ls="--",
            lw=1.4,
            color="#8C1B1F",
            label=f"SIS fit to believers (β={fit['beta']:.2f}, γ={fit['gamma']:.2f}{r2})",
        )
    ax.set_xlabel("Day")
    ax.set_ylabel(f"Agents (population {n})")
    ax.set_ylim(0, n * 1.02)
    ax.set_xlim(daily["day"].iloc[0], daily["day"].iloc[-1])
    ax.set_title(
        f"{summary['scenario']}: attitudes toward the false item "
        f"({summary['topic']}, seed {summary['seed']})",
        fontsize=11,
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8.5, loc="best", framealpha=0.9)
    _save(fig, path)


def belief_breakdown(agents: pd.DataFrame, summary: dict, path: Path) -> None:
    """Share of believers on the last day by education level and by each Big Five trait."""
    last = agents[agents["day"] == agents["day"].max()]
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": [1.2, 1]}
    )
    levels = [lv for lv in EDUCATION_LEVELS if lv in set(last["education"])]
    by_edu = last.groupby("education")["belief"].agg(["mean", "size"]).reindex(levels)
    bars = left.bar(range(len(levels)), by_edu["mean"], color="#C44E52")
    for bar, count in zip(bars, by_edu["size"], strict=True):
        left.annotate(
            f"n={count}",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=7.5,
        )
    left.set_xticks(
        range(len(levels)),
        [lv.replace("_", " ") for lv in levels],
        rotation=35,
        ha="right",
        fontsize=8.5,
    )
    left.set_ylabel(f"Share believing on day {int(last['day'].iloc[0])}")
    left.set_ylim(0, 1.08)
    left.set_title("By education", fontsize=10)
    x = np.arange(len(TRAITS))
    low = [last.loc[last[t] < 0.5, "belief"].mean() for t in TRAITS]
    high = [last.loc[last[t] >= 0.5, "belief"].mean() for t in TRAITS]
    right.bar(x - 0.2, low, width=0.4, label="trait < 0.5", color="#8172B2")
    right.bar(x + 0.2, high, width=0.4, label="trait ≥ 0.5", color="#CCB974")
    right.set_xticks(x, [TRAIT_LABELS[t] for t in TRAITS], fontsize=8.5)
    right.set_ylim(0, 1.08)
    right.set_ylabel("Share believing")
    right.set_title("By Big Five trait (low vs high)", fontsize=10)
    right.legend(fontsize=8.5)
    for ax in (left, right):
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(
        f"{summary['scenario']}: who believes at the end "
        f"({len(last)} agents, seed {summary['seed']})",
        fontsize=11,
    )
    _save(fig, path)


def replicate_curves(
    dailies: Sequence[pd.DataFrame], title: str, population: int, path: Path
) -> pd.DataFrame:
    """Mean S/I/R over replicates with a 95% t-interval band; returns the band table."""
    stacked = pd.concat(dailies, keys=range(len(dailies)), names=["replicate", "row"])
    rows = []
    fig, ax = plt.subplots(figsize=(8, 4.8))
    k = len(dailies)
    tcrit = stats.t.ppf(0.975, k - 1) if k > 1 else 0.0
    for column, (label, color) in STATE_STYLE.items():
        grouped = stacked.groupby("day")[column]
        mean, sd = grouped.mean(), grouped.std(ddof=1).fillna(0.0)
        half = tcrit * sd / np.sqrt(k)
        ax.plot(mean.index, mean, lw=1.8, color=color, label=f"{label}, mean")
        ax.fill_between(mean.index, mean - half, mean + half, color=color, alpha=0.2, lw=0)
        rows.append(
            pd.DataFrame(
                {
                    "day": mean.index,
                    "state": column,
                    "mean": mean.values,
                    "ci95_low": (mean - half).values,
                    "ci95_high": (mean + half).values,
                }
            )
        )
    ax.set_xlabel("Day")
    ax.set_ylabel(f"Agents (population {population})")
    ax.set_ylim(0, population * 1.02)
    ax.set_title(f"{title}: mean of {k} replicates, shaded 95% confidence band", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8.5)
    _save(fig, path)
    return pd.concat(rows, ignore_index=True)
