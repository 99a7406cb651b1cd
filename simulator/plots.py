"""Figures for papers (PNG), drawn from the saved files only, through simulator.results.

Because plots read the written files and nothing else, ``python run.py plot RESULTS_DIR``
redraws exactly what a run, replicates, a comparison or a sweep drew. report.html shows the
same data interactively (simulator.report).
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

from simulator import derived, early_warning, metrics
from simulator.metrics import sis_curve
from simulator.results import (
    ComparisonResults,
    ReplicateResults,
    RunResults,
    SearchResults,
    SweepResults,
    open_results,
)

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


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    tmp = path.with_name(f".{path.stem}.tmp.png")
    fig.savefig(tmp, dpi=130)
    plt.close(fig)
    tmp.replace(path)
    return path


def draw_plots(folder: Path) -> list[Path]:
    """Redraw the figures of any results folder; returns the files written."""
    results = open_results(folder)
    if isinstance(results, RunResults):
        return draw_run_plots(results)
    if isinstance(results, ReplicateResults):
        return [replicate_curves(results)]
    if isinstance(results, ComparisonResults):
        return [arm_differences(results), cost_effect(results)]
    if isinstance(results, SearchResults):
        return [pareto_front(results)]
    return [sweep_maps(results)]


def draw_run_plots(results: RunResults) -> list[Path]:
    written = [attitude_curves(results)]
    if results.agents is not None:
        written.append(belief_breakdown(results))
    if results.timeline is not None:
        written.append(engagement_curves(results))
    return written


def _day_axis(ax: plt.Axes, days: Sequence[float]) -> None:
    ax.set_xlabel("Day")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no day 0.5 on short runs
    ax.set_xlim(min(days), max(days))


def _mark_interventions(ax: plt.Axes, acted: dict[str, list[int]]) -> None:
    """A tick along the top of the panel on each day each intervention acted."""
    colors = plt.get_cmap("Dark2")
    for i, (name, days) in enumerate(acted.items()):
        y = 1.0 - 0.035 * (i + 1)
        ax.plot(
            days,
            [y] * len(days),
            ls="none",
            marker="v",
            ms=6,
            color=colors(i % 8),
            transform=ax.get_xaxis_transform(),
            label=f"{name} acted",
            clip_on=False,
        )


def attitude_curves(results: RunResults) -> Path:
    """S/I/R counts per day with the fitted SIS curve for believers and the days each
    intervention acted."""
    daily, summary = results.daily, results.summary
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
    _mark_interventions(ax, derived.intervention_days(results.interventions))
    _day_axis(ax, daily["day"])
    ax.set_ylabel(f"Agents (population {n})")
    ax.set_ylim(0, n * 1.02)
    ax.set_title(
        f"{summary['scenario']}: attitudes toward the false item "
        f"({summary['topic']}, seed {summary['seed']})",
        fontsize=11,
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8.5, loc="best", framealpha=0.9)
    _mark_unreliable(fig, summary)
    return _save(fig, results.folder / "attitude_curves.png")


def _group_bars(ax: plt.Axes, groups: pd.DataFrame, color: str) -> None:
    """Bars of shares with their 95% intervals and n; too-small groups greyed out."""
    x = np.arange(len(groups))
    colors = ["#BBBBBB" if small else color for small in groups["too_small"]]
    ax.bar(x, groups["share"], color=colors)
    err = np.vstack([groups["share"] - groups["low"], groups["high"] - groups["share"]])
    ax.errorbar(x, groups["share"], yerr=err, fmt="none", ecolor="#333333", capsize=3, lw=1)
    for xi, row in zip(x, groups.itertuples(), strict=True):
        ax.annotate(
            f"n={row.n}",
            (xi, row.high),
            ha="center",
            va="bottom",
            fontsize=7,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_ylim(0, 1.12)
    ax.grid(axis="y", alpha=0.3)


def belief_breakdown(results: RunResults) -> Path:
    """Share believing on the last day by education level and by each Big Five trait, each
    bar with its n and Wilson 95% interval; groups under MIN_GROUP agents greyed out."""
    last, summary = results.agents, results.summary
    groups = derived.belief_groups(last)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1.1, 1.4]}
    )
    edu = groups[groups["facet"] == "education"]
    _group_bars(left, edu, "#C44E52")
    left.set_xticks(range(len(edu)), edu["group"], rotation=35, ha="right", fontsize=8.5)
    left.set_ylabel(f"Share believing on day {int(last['day'].iloc[0])} (95% interval)")
    left.set_title("By education", fontsize=10)
    traits = groups[groups["facet"] != "education"]
    _group_bars(right, traits, "#8172B2")
    labels = [g.replace(" < 0.5", "\n< 0.5").replace(" ≥ 0.5", "\n≥ 0.5") for g in traits["group"]]
    right.set_xticks(range(len(traits)), labels, rotation=90, fontsize=7.5)
    right.set_title("By Big Five trait (low vs high)", fontsize=10)
    fig.suptitle(
        f"{summary['scenario']}: who believes at the end ({len(last)} agents, seed "
        f"{summary['seed']}; grey: fewer than {derived.MIN_GROUP} agents, too few to say)",
        fontsize=10.5,
    )
    _mark_unreliable(fig, summary)
    return _save(fig, results.folder / "belief_breakdown.png")


def replicate_curves(results: ReplicateResults) -> Path:
    """Mean S/I/R over replicates with a 95% t-interval band."""
    band = metrics.replicate_band(list(results.dailies.values()))
    population = int(results.summary["population"])
    k = len(results.dailies)
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for column, (label, color) in STATE_STYLE.items():
        rows = band[band["state"] == column]
        ax.plot(rows["day"], rows["mean"], lw=1.8, color=color, label=f"{label}, mean")
        ax.fill_between(
            rows["day"], rows["ci95_low"], rows["ci95_high"], color=color, alpha=0.2, lw=0
        )
    _day_axis(ax, band["day"])
    ax.set_ylabel(f"Agents (population {population})")
    ax.set_ylim(0, population * 1.02)
    ax.set_title(
        f"{results.summary['scenario']}: mean of {k} replicates, shaded 95% confidence band",
        fontsize=11,
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8.5)
    return _save(fig, results.folder / "attitude_curves.png")


def arm_differences(results: ComparisonResults) -> Path:
    """Small multiples: each arm's believer share minus the reference's on the same seed, per
    day, with its 95% band; the reference's own curve in the first panel."""
    reference = results.summary["reference"]
    seeds = results.summary["seeds"]
    diffs = derived.paired_differences(results.curves, reference, results.population)
    panels = len(diffs) + 1
    cols = min(3, panels)
    rows = -(-panels // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.2 * cols, 2.9 * rows + 0.6), sharex=True, squeeze=False
    )
    flat = axes.ravel()
    ref = derived.share_bands({reference: results.curves[reference]}, results.population)
    flat[0].plot(ref[reference]["day"], ref[reference]["mean"], color="black", lw=2)
    flat[0].set_ylim(0, 1)
    flat[0].set_title(f"reference '{reference}': believer share", fontsize=9.5)
    limit = max(0.05, *(max(abs(d["low"]).max(), abs(d["high"]).max()) for d in diffs.values()))
    for ax, (arm, frame) in zip(flat[1:], diffs.items(), strict=False):
        ax.axhline(0, color="black", lw=0.8)
        ax.fill_between(frame["day"], frame["low"], frame["high"], color="#4C72B0", alpha=0.25)
        ax.plot(frame["day"], frame["mean"], color="#4C72B0", lw=2)
        ax.set_ylim(-limit * 1.05, limit * 1.05)
        ax.set_title(f"{arm} minus {reference}", fontsize=9.5)
    for ax in flat[panels:]:
        ax.set_visible(False)
    for ax in flat[:panels]:
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes[-1]:
        ax.set_xlabel("day")
    fig.suptitle(
        f"{results.summary['name']}: change in believer share against '{reference}', paired "
        f"by seed (every arm runs on seeds {seeds[0]}-{seeds[-1]}; band: 95% interval of the "
        "mean difference)",
        fontsize=10,
    )
    return _save(fig, results.folder / "comparison.png")


def cost_effect(results: ComparisonResults) -> Path:
    """Governance cost against effect per arm, both with 95% intervals over seeds; the
    reference marked as such, arms whose effect interval excludes zero filled, the others
    hollow, and the Pareto-efficient arms joined."""
    table = results.table
    reference = results.summary["reference"]
    fig, ax = plt.subplots(figsize=(8.5, 5.4))
    cost, effect = table["governance_cost"].to_numpy(), table["auc_reduction"].to_numpy()
    yerr = np.vstack([effect - table["auc_reduction_lo"], table["auc_reduction_hi"] - effect])
    xerr = np.vstack([cost - table["governance_cost_lo"], table["governance_cost_hi"] - cost])
    ax.errorbar(cost, effect, xerr=xerr, yerr=yerr, fmt="none", ecolor="#999999", capsize=3)
    is_ref = (table["arm"] == reference).to_numpy()
    told_apart = table["distinguishable"].astype(bool).to_numpy() & ~is_ref
    efficient = table["pareto_efficient"].astype(bool).to_numpy()
    for mask, style in (
        (told_apart & ~efficient, {"color": "#4C72B0", "label": "effect interval excludes 0"}),
        (
            ~told_apart & ~is_ref,
            {"facecolors": "none", "edgecolors": "#4C72B0", "label": "not told apart from 0"},
        ),
        (efficient, {"color": "#C44E52", "marker": "D", "label": "Pareto-efficient"}),
        (is_ref, {"color": "black", "marker": "s", "label": f"reference ('{reference}')"}),
    ):
        if mask.any():
            ax.scatter(cost[mask], effect[mask], s=60, zorder=3, **style)
    order = np.argsort(cost[efficient])
    ax.plot(cost[efficient][order], effect[efficient][order], color="#C44E52", lw=1, ls="--")
    for arm, x, y in zip(table["arm"], cost, effect, strict=True):
        ax.annotate(arm, (x, y), textcoords="offset points", xytext=(6, 5), fontsize=9)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel("governance cost (cost units per run, mean and 95% interval)")
    ax.set_ylabel(f"reduction in believer-share-days vs '{reference}'")
    ax.set_title(
        f"{results.summary['name']}: effect against cost (95% intervals over "
        f"{len(results.summary['seeds'])} shared seeds)",
        fontsize=10.5,
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8.5)
    return _save(fig, results.folder / "cost_effect.png")


SPREAD_LABELS = {
    "auc": "spread: believer-share-days (area under the believer-share curve)",
    "peak": "spread: peak believers",
}


def pareto_front(results: SearchResults) -> Path:
    """Every candidate the search evaluated (grey; budget-breaking ones hollow), the front
    re-run on more seeds with 95% intervals on both axes, and the hand-picked arms of a
    compare spec on the same seeds when the spec named one."""
    s, trials, front = results.summary, results.trials, results.front
    fig, ax = plt.subplots(figsize=(8.5, 5.4))
    done = trials[trials["state"] == "complete"]
    feasible = done["feasible"].astype(bool)
    ax.scatter(
        done.loc[feasible, "governance_cost"],
        done.loc[feasible, "spread"],
        s=14,
        color="#BBBBBB",
        label=f"candidates ({len(s['seeds'])} seeds each)",
    )
    if (~feasible).any():
        ax.scatter(
            done.loc[~feasible, "governance_cost"],
            done.loc[~feasible, "spread"],
            s=14,
            facecolors="none",
            edgecolors="#BBBBBB",
            label=f"over budget {s['budget']:g}",
        )
    if s.get("budget") is not None:
        ax.axvline(s["budget"], color="#888888", ls=":", lw=1, label=f"budget {s['budget']:g}")

    def with_intervals(table: pd.DataFrame, **style) -> None:
        x, y = table["governance_cost"].to_numpy(), table["spread"].to_numpy()
        xerr = np.vstack([x - table["governance_cost_lo"], table["governance_cost_hi"] - x])
        yerr = np.vstack([y - table["spread_lo"], table["spread_hi"] - y])
        ax.errorbar(x, y, xerr=xerr, yerr=yerr, capsize=3, zorder=3, **style)

    front = front.sort_values("governance_cost")
    with_intervals(
        front,
        fmt="D-",
        color="#C44E52",
        lw=1,
        label=f"Pareto front ({len(s['final_seeds'])} seeds, 95% intervals)",
    )
    for row in front.itertuples():
        ax.annotate(f"#{row.trial}", (row.governance_cost, row.spread), xytext=(6, 4),
                    textcoords="offset points", fontsize=8, color="#C44E52")  # fmt: skip
    if results.arms is not None:
        with_intervals(results.arms, fmt="s", color="#4C72B0", label="compare arms (same seeds)")
        for row in results.arms.itertuples():
            ax.annotate(row.arm, (row.governance_cost, row.spread), xytext=(6, -10),
                        textcoords="offset points", fontsize=8, color="#4C72B0")  # fmt: skip
    ax.set_xlabel("governance cost (cost units per run)")
    ax.set_ylabel(SPREAD_LABELS[s["objective"]])
    ax.set_title(f"{s['name']}: {s['trials']} candidates; both objectives minimised", fontsize=10.5)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8.5)
    return _save(fig, results.folder / "pareto.png")


SWEEP_PANELS = (
    ("auc_reduction", "reduction in believer-share-days", "viridis"),
    ("governance_cost", "governance cost per run", "magma"),
    ("reduction_per_cost", "reduction per unit of cost", "cividis"),
)


def sweep_maps(results: SweepResults) -> Path:
    """Effect (with its 95% interval), cost and effect per unit of cost over a one- or
    two-parameter grid; heatmaps for two parameters, with cells whose effect interval
    includes zero marked."""
    table, keys = results.table, results.keys
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    for ax, (column, label, cmap) in zip(axes, SWEEP_PANELS, strict=True):
        if len(keys) == 1:
            x = np.arange(len(table))
            values = table[column].to_numpy(dtype=float)
            low_col, high_col = {
                "auc_reduction": ("auc_reduction_lo", "auc_reduction_hi"),
                "governance_cost": ("governance_cost_lo", "governance_cost_hi"),
            }.get(column, (None, None))
            if low_col:
                err = np.vstack([values - table[low_col], table[high_col] - values])
                ax.errorbar(x, values, yerr=err, marker="o", lw=2, capsize=4)
            else:
                ax.plot(x, values, marker="o", lw=2)
            ax.set_xticks(x, [str(v) for v in table[keys[0]]])
            ax.set_xlabel(keys[0])
            ax.set_ylabel(label)
            bottom, top = ax.get_ylim()
            ax.set_ylim(min(0, bottom), max(0, top) * 1.05)  # the effect axis starts at 0
            ax.axhline(0, color="black", lw=0.8)
            ax.grid(alpha=0.3)
            ax.set_title(label + (" (95% interval)" if low_col else ""), fontsize=10)
            continue
        grid = table.pivot(index=keys[0], columns=keys[1], values=column)
        values = grid.to_numpy(dtype=float)
        image = ax.imshow(values, cmap=cmap, aspect="auto", origin="lower")
        ax.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index])
        ax.set_xlabel(keys[1])
        ax.set_ylabel(keys[0])
        half = None
        if column == "auc_reduction":
            hi = table.pivot(index=keys[0], columns=keys[1], values="auc_reduction_hi")
            half = hi.to_numpy(dtype=float) - values
        top = np.nanmax(values)
        for (r, c), value in np.ndenumerate(values):
            text = f"{value:.3g}" if column != "governance_cost" else f"{value:.0f}"
            if half is not None:
                text = f"{value:.2f}\n±{half[r, c]:.2f}"
                if value - half[r, c] <= 0:
                    text += "\nn.s."
            ax.text(
                c,
                r,
                text,
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value < 0.6 * top else "black",
            )
        fig.colorbar(image, ax=ax, label=label)
        ax.set_title(label, fontsize=10)
    seeds = len(results.summary["seeds"])
    fig.suptitle(
        f"{results.intervention} sweep over {seeds} seeds (no intervention: "
        f"{results.summary['no_intervention_auc']:.2f} believer-share-days; ± is the 95% "
        "interval; n.s.: the interval includes no effect)",
        fontsize=11,
    )
    return _save(fig, results.folder / "sweep.png")


def engagement_curves(results: RunResults) -> Path:
    """The narrative's engagement: likes, shares and comments per day, and the running total
    with the early-warning forecast when there is one worth showing (early_warning)."""
    timeline, summary = results.timeline, results.summary
    per_day = derived.engagement_per_day(timeline)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.4), sharex=True)
    colors = {"likes": "#4C72B0", "shares": "#C44E52", "comments": "#55A868"}
    stacked = np.zeros(len(per_day))
    for column, color in colors.items():
        top.bar(per_day["day"], per_day[column], bottom=stacked, color=color, label=column)
        stacked += per_day[column].to_numpy()
    top.set_ylabel("events per day")
    top.set_title(
        f"{summary['scenario']}: engagement with posts about the item (seed {summary['seed']})"
    )
    top.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)  # beside the bars
    top.grid(axis="y", alpha=0.3)
    days = timeline["hour"].to_numpy() / 24.0
    bottom.plot(
        days, timeline["engagement"], color="black", lw=2, label="likes + shares + comments"
    )
    warning = summary.get("early_warning", {})
    forecast, why_not = derived.forecast_to_show(summary, timeline)
    if forecast or why_not:
        k, end = warning["observe_days"], warning["horizon_day"]
        bottom.axvline(k, color="#888888", ls=":", lw=1)
        if forecast:
            bottom.errorbar(
                [end],
                [forecast["predicted"]],
                yerr=[
                    [forecast["predicted"] - forecast["low"]],
                    [forecast["high"] - forecast["predicted"]],
                ],
                fmt="D",
                color="#DD8452",
                capsize=4,
                label=f"{forecast.get('model', 'early-warning')} forecast from days 0-{k}: "
                f"{forecast['predicted']:.0f} [{forecast['low']:.0f}-{forecast['high']:.0f}]",
            )
            note = early_warning.INTERVAL_MEANING
        else:
            note = f"early-warning forecast from days 0-{k} not shown: {why_not}"
        bottom.set_title(note, fontsize=7.5, color="#555555", loc="left")
    bottom.set_xlabel("day")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    bottom.set_ylabel("cumulative engagement")
    bottom.legend(loc="upper left", fontsize=9)
    bottom.grid(alpha=0.3)
    _mark_unreliable(fig, summary)
    return _save(fig, results.folder / "engagement.png")
