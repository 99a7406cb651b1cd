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
from matplotlib.ticker import MaxNLocator
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


def _mark_unreliable(fig: plt.Figure, summary: dict) -> None:
    """Across every panel of a run whose model requests failed too often, say so: its curves
    show agents keeping their earlier beliefs, not decisions."""
    if summary.get("status", "ok") == "ok":
        return
    reason = str(summary.get("status_reason") or "too many failed model requests")
    for ax in fig.axes:
        ax.text(
            0.5,
            0.5,
            f"UNRELIABLE: {reason.split(' (')[0]}\n(agents kept their earlier beliefs)",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=11,
            color="#B00020",
            wrap=True,
            bbox={"facecolor": "white", "edgecolor": "#B00020", "alpha": 0.85},
            zorder=10,
        )


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
    elif fit.get("note"):  # say so rather than draw a curve the data do not determine
        label = f"SIS fit: {fit['note'].split(':')[0]}"  # "not identifiable", "not fitted"
        ax.plot([], [], ls="--", lw=1.4, color="#8C1B1F", label=label)
    ax.set_xlabel("Day")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no day 0.5 on short runs
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
    _mark_unreliable(fig, summary)
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
    _mark_unreliable(fig, summary)
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


def arm_curves(
    curves: dict[str, Sequence[pd.DataFrame]], population: int, title: str, path: Path
) -> None:
    """Believer share over the days per arm: mean over seeds with a 95% t-interval band."""
    fig, ax = plt.subplots(figsize=(9, 5.2))
    colors = plt.get_cmap("tab10")
    for i, (arm, dailies) in enumerate(curves.items()):
        shares = np.array([d["infected"].to_numpy() / population for d in dailies])
        days = dailies[0]["day"].to_numpy()
        mean = shares.mean(axis=0)
        k = len(dailies)
        if k > 1:
            half = stats.t.ppf(0.975, k - 1) * shares.std(axis=0, ddof=1) / np.sqrt(k)
            ax.fill_between(days, mean - half, mean + half, color=colors(i % 10), alpha=0.15)
        ax.plot(days, mean, color=colors(i % 10), lw=2, label=arm)
    k = len(next(iter(curves.values())))
    ax.set_xlabel("day")
    ax.set_ylabel("share of agents who believe the item")
    ax.set_ylim(0, 1)
    ax.set_title(f"{title}: believers per arm (mean of {k} seeds, 95% band)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9, ncols=2)
    _save(fig, path)


def cost_effect(table: pd.DataFrame, reference: str, title: str, path: Path) -> None:
    """Governance cost against effect per arm, with the Pareto-efficient arms joined."""
    fig, ax = plt.subplots(figsize=(8, 5.2))
    cost = table["governance_cost"].to_numpy()
    effect = table["auc_reduction"].to_numpy()
    err = np.vstack(
        [effect - table["auc_reduction_lo"].to_numpy(), table["auc_reduction_hi"] - effect]
    )
    efficient = table["pareto_efficient"].to_numpy()
    ax.errorbar(cost, effect, yerr=err, fmt="none", ecolor="#999999", capsize=3, lw=1)
    ax.scatter(cost[~efficient], effect[~efficient], s=50, color="#4C72B0", label="dominated")
    ax.scatter(
        cost[efficient],
        effect[efficient],
        s=80,
        color="#C44E52",
        marker="D",
        label="Pareto-efficient",
    )
    order = np.argsort(cost[efficient])
    ax.plot(cost[efficient][order], effect[efficient][order], color="#C44E52", lw=1, ls="--")
    for arm, x, y in zip(table["arm"], cost, effect, strict=True):
        ax.annotate(arm, (x, y), textcoords="offset points", xytext=(6, 5), fontsize=9)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel("governance cost (cost units, mean per run)")
    ax.set_ylabel(f"reduction in believer-share-days vs '{reference}'")
    ax.set_title(f"{title}: effect against cost (95% intervals over seeds)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=9)
    _save(fig, path)


def sweep_maps(
    table: pd.DataFrame, keys: list[str], intervention: str, none_auc: float, path: Path
) -> None:
    """Effect and cost over a one- or two-parameter grid (heatmaps for two)."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    panels = (
        ("auc_reduction", "reduction in believer-share-days", "viridis"),
        ("governance_cost", "governance cost (per run)", "magma"),
    )
    for ax, (column, label, cmap) in zip(axes, panels, strict=True):
        if len(keys) == 1:
            ax.plot(table[keys[0]], table[column], marker="o", lw=2)
            ax.set_xlabel(keys[0])
            ax.set_ylabel(label)
            ax.grid(alpha=0.3)
            continue
        grid = table.pivot(index=keys[0], columns=keys[1], values=column)
        image = ax.imshow(grid.to_numpy(), cmap=cmap, aspect="auto", origin="lower")
        ax.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index])
        ax.set_xlabel(keys[1])
        ax.set_ylabel(keys[0])
        top = np.nanmax(grid.to_numpy())
        for (r, c), value in np.ndenumerate(grid.to_numpy()):
            ax.text(
                c,
                r,
                f"{value:.2f}" if column == "auc_reduction" else f"{value:.0f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value < 0.6 * top else "black",
            )
        fig.colorbar(image, ax=ax, label=label)
        ax.set_title(label)
    fig.suptitle(
        f"{intervention} sweep (no intervention: {none_auc:.2f} believer-share-days)", fontsize=12
    )
    _save(fig, path)


def engagement_curves(timeline: pd.DataFrame, summary: dict, path: Path) -> None:
    """The narrative's engagement: likes, shares and comments per hour, and the running
    total with the early-warning forecast when the summary has one."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.4), sharex=True)
    days = timeline["hour"].to_numpy() / 24.0
    colors = {"likes": "#4C72B0", "shares": "#C44E52", "comments": "#55A868"}
    for column, color in colors.items():
        per_hour = np.diff(np.concatenate([[0], timeline[column].to_numpy()]))
        top.plot(days, per_hour, color=color, lw=1, label=column)
    top.set_ylabel("events per hour")
    top.set_title(
        f"{summary['scenario']}: engagement with posts about the item (seed {summary['seed']})"
    )
    top.legend(loc="upper right", fontsize=9)
    top.grid(alpha=0.3)
    bottom.plot(
        days, timeline["engagement"], color="black", lw=2, label="likes + shares + comments"
    )
    warning = summary.get("early_warning", {}).get("final_engagement")
    if warning and warning.get("predicted") is not None:
        k = summary["early_warning"]["observe_days"]
        end = summary["early_warning"]["horizon_day"]
        bottom.axvline(k, color="#888888", ls=":", lw=1)
        bottom.errorbar(
            [end],
            [warning["predicted"]],
            yerr=[
                [warning["predicted"] - warning["low"]],
                [warning["high"] - warning["predicted"]],
            ],
            fmt="D",
            color="#DD8452",
            capsize=4,
            label=f"{warning.get('model', 'early-warning')} forecast from days 0-{k} "
            "(90% interval)",
        )
    bottom.set_xlabel("day")
    bottom.set_ylabel("cumulative engagement")
    bottom.legend(loc="upper left", fontsize=9)
    bottom.grid(alpha=0.3)
    _mark_unreliable(fig, summary)
    _save(fig, path)
