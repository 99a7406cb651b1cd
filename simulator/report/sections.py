"""What each kind of report says: its question, its findings (sentences generated from the
numbers, with no adjective the numbers do not carry), its key figures and its sections.

A ``Page`` is plain data (text, tables, Bokeh charts); simulator.report.page renders it.
Every figure a reader may check is a ``Metric`` whose exact value the page carries next to
its rounded text, so a test can compare the page with summary.json and comparison.csv.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import yaml

from simulator import derived, early_warning
from simulator import metrics as m
from simulator.errors import UserError
from simulator.report import charts
from simulator.results import (
    ComparisonResults,
    ReplicateResults,
    Results,
    RunResults,
    SearchResults,
    SweepResults,
)


@dataclass
class Metric:
    """A figure on the page: ``key`` names it, ``value`` is exact, ``text`` is shown."""

    key: str
    label: str
    value: float | int | str | None
    text: str


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str | Metric]]


@dataclass
class Section:
    title: str
    text: str = ""
    charts: list[Any] = field(default_factory=list)
    table: Table | None = None
    code: str | None = None  # shown as preformatted text (the resolved scenario)
    folded: bool = False  # starts closed


@dataclass
class Page:
    title: str
    kind: str
    question: str
    findings: list[str]
    metrics: list[Metric]
    sections: list[Section]
    warning: str | None = None  # an unreliable run says so above everything
    command: str | None = None
    versions: dict[str, str] = field(default_factory=dict)


def page_for(results: Results) -> Page:
    if isinstance(results, RunResults):
        return run_page(results)
    if isinstance(results, ReplicateResults):
        return replicates_page(results)
    if isinstance(results, ComparisonResults):
        return comparison_page(results)
    if isinstance(results, SearchResults):
        raise UserError(
            f"{results.folder}: a search folder has no report.html yet; its figure is "
            "pareto.png and its tables trials.csv, pareto.csv (and arms.csv)"
        )
    return sweep_page(results)


def _share(x: float) -> str:
    return f"{x:.0%}"


def _num(x: float, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _interval(mean: float, low: float, high: float, digits: int = 2) -> str:
    return f"{_num(mean, digits)} [{_num(low, digits)} to {_num(high, digits)}]"


def _who_decides(scenario: dict[str, Any]) -> str:
    llm = scenario.get("llm", {})
    if llm.get("backend") == "openai":
        return f"language model {llm.get('model')}"
    if llm.get("surrogate_params"):
        return f"the surrogate with fitted weights ({llm['surrogate_params']})"
    return "the surrogate cognitive model (docs/SURROGATE.md)"


def _as_run(title: str, text: str, document: dict[str, Any]) -> Section:
    """The resolved scenario or spec, folded away at the end of the page."""
    code = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return Section(title, text, code=code, folded=True)


def _unreliable_runs(table: pd.DataFrame) -> str | None:
    bad = int(table["unreliable_runs"].sum())
    return f"UNRELIABLE: {bad} run(s) had too many failed model requests" if bad else None


def _question(scenario: dict[str, Any], seeds: str) -> str:
    news = scenario.get("news", {})
    pop = scenario.get("population", {})
    claim = news.get("claim") or news.get("text") or "the false item"
    return (
        f"How far does the {news.get('topic', '?')} claim “{claim}” spread among "
        f"{pop.get('size', '?')} agents over {scenario.get('days', '?')} days? Decisions by "
        f"{_who_decides(scenario)}, {scenario.get('agents', {}).get('update', '?')} updates, "
        f"{seeds}."
    )


# --- a run ------------------------------------------------------------------------------------


def run_page(results: RunResults) -> Page:
    s, daily = results.summary, results.daily
    c, fit, n = s["curve"], s.get("sis_fit") or {}, int(s["population"])
    last_day = int(daily["day"].iloc[-1])
    metrics = [
        Metric(
            "final_believer_share",
            f"believe on day {last_day}",
            c["final_believer_share"],
            _share(c["final_believer_share"]),
        ),
        Metric(
            "peak_believers", "peak believers", c["peak_believers"], f"{c['peak_believers']:.0f}"
        ),
        Metric("peak_day", "peak day", c["peak_day"], str(c["peak_day"])),
        Metric(
            "auc_believer_share",
            "believer-share-days",
            c["auc_believer_share"],
            _num(c["auc_believer_share"]),
        ),
        Metric(
            "governance_cost",
            "intervention cost",
            s.get("governance_cost", 0),
            _num(s.get("governance_cost", 0), 1),
        ),
    ]
    findings = [
        f"On day {last_day}, {c['final_believers']:.0f} of {n} agents "
        f"({_share(c['final_believer_share'])}) believed the item, against "
        f"{c['initial_believers']:.0f} on day 0; believers peaked at {c['peak_believers']:.0f} "
        f"on day {c['peak_day']}."
    ]
    if fit.get("identified"):
        findings.append(
            f"An SIS curve fits the believers with R² {fit['r2']:.2f}: β {fit['beta']:.2f} "
            f"[{fit['beta_ci95'][0]:.2f} to {fit['beta_ci95'][1]:.2f}] per day, γ "
            f"{fit['gamma']:.2f} [{fit['gamma_ci95'][0]:.2f} to {fit['gamma_ci95'][1]:.2f}], "
            f"so β/γ = {fit['beta'] / fit['gamma']:.2f}."
        )
    elif fit.get("note"):
        findings.append(f"SIS fit: {fit['note']}.")
    acted = derived.intervention_days(results.interventions)
    if s.get("interventions"):
        parts = [f"{iv['name']} cost {iv['cost']:.1f}" for iv in s["interventions"]]
        findings.append(
            f"Interventions: {', '.join(parts)} (total {s.get('governance_cost', 0):.1f})."
        )
    sections = [
        Section(
            "Attitudes per day",
            "Agents who never believed, who believe, and who stopped believing, per day; the "
            "dashed line is the SIS curve fitted to the believers."
            + (" Triangles mark the days each intervention acted." if acted else "")
            + " Click a legend entry to hide it.",
            [charts.attitude_curves(daily, n, fit, acted)],
        )
    ]
    if results.agents is not None:
        groups = derived.belief_groups(results.agents)
        sections.append(
            Section(
                "Who believes, by persona",
                f"The share believing on the last day per group, with the number of agents (n) "
                f"and a 95% interval (Wilson). Groups of fewer than {derived.MIN_GROUP} agents "
                "are grey: they are too small to say anything.",
                [charts.group_bars(groups, int(results.agents["day"].iloc[0]))],
                _groups_table(groups),
            )
        )
    if results.timeline is not None:
        sections.append(_engagement_section(results, findings))
    sections.append(_interventions_section(s, acted))
    sections.append(_model_section(s))
    sections.append(
        _as_run(
            "The scenario as run",
            "Every setting with its defaults filled in (scenario.resolved.yaml).",
            results.scenario,
        )
    )
    warning = None
    if s.get("status", "ok") != "ok":
        warning = f"UNRELIABLE: {s.get('status_reason')}"
    return Page(
        title=f"{s['scenario']}: seed {s['seed']}",
        kind="run",
        question=_question(results.scenario, f"seed {s['seed']}"),
        findings=findings,
        metrics=metrics,
        sections=sections,
        warning=warning,
        command=results.manifest.get("command"),
        versions=s.get("versions", {}),
    )


def _groups_table(groups: pd.DataFrame) -> Table:
    rows = [
        [
            row.group,
            str(row.n),
            _share(row.share) if not row.too_small else f"({_share(row.share)}: too few)",
            f"{_share(row.low)} to {_share(row.high)}",
        ]
        for row in groups.itertuples()
    ]
    return Table(["group", "n", "share believing", "95% interval"], rows)


def _engagement_section(results: RunResults, findings: list[str]) -> Section:
    s, timeline = results.summary, results.timeline
    per_day = derived.engagement_per_day(timeline)
    warning = s.get("early_warning", {})
    shown, why_not = derived.forecast_to_show(s, timeline)
    note = ""
    if shown:
        k = warning["observe_days"]
        ape = shown.get("ape")
        error = f" (off by {ape:.0%})" if ape is not None else ""
        findings.append(
            f"From days 0–{k} the early warning ({shown.get('model')}) forecast "
            f"{shown['predicted']:.0f} engagement events by day {warning['horizon_day']} "
            f"[90% interval {shown['low']:.0f} to {shown['high']:.0f}]; the run "
            f"reached {shown['actual']}{error}."
        )
        note = f" The diamond is the early-warning forecast; {early_warning.INTERVAL_MEANING}."
    elif why_not:
        note = (
            f" The early-warning forecast from days 0–{warning['observe_days']} is not shown: "
            f"{why_not}."
        )
    total = s.get("engagement", {}).get("total")
    return Section(
        "Engagement",
        f"Likes, shares and comments on posts about the item, per day, and their running total "
        f"({total} in all). The hourly detail is a hidden series: click it in the legend." + note,
        list(charts.engagement(per_day, timeline, shown, warning.get("horizon_day"))),
    )


def _interventions_section(s: dict, acted: dict[str, list[int]]) -> Section:
    interventions = s.get("interventions") or []
    if not interventions:
        return Section("Interventions and their cost", "No interventions in this run.")
    rows = []
    for iv in interventions:
        days = acted.get(iv["name"], [])
        actions = ", ".join(
            f"{a} ×{v['count']} ({v['cost']:.1f})" for a, v in iv["actions"].items()
        )
        rows.append(
            [
                iv["name"],
                iv["type"],
                ", ".join(map(str, days)) or "never",
                actions or "none",
                Metric(f"intervention:{iv['name']}:cost", "cost", iv["cost"], _num(iv["cost"], 1)),
            ]
        )
    return Section(
        "Interventions and their cost",
        "Governance cost in the cost units of docs/INTERVENTIONS.md; actions with their count "
        "and cost (interventions.csv has every action).",
        table=Table(["intervention", "type", "days acted", "actions", "cost"], rows),
    )


def _model_section(s: dict) -> Section:
    llm = s.get("llm", {})
    rows = []
    for kind, f in llm.items():
        approx = "~" if f.get("tokens_estimated") else ""
        latency = f.get("latency_s") or {}
        rows.append(
            [
                kind,
                str(f["requests"]),
                str(f["failures"]),
                str(f["cached"]),
                f"{f['retries']} / {f['repairs']}",
                f"{approx}{f['prompt_tokens']:,}",
                f"{approx}{f['completion_tokens']:,}",
                f"${f['cost_usd']:.4f}",
                f"{latency['p50']:.2f} s" if latency else "–",
            ]
        )
    backend = s.get("backend")
    text = (
        "Requests by kind. The surrogate answers in process: its tokens are estimates "
        "(4 characters per token) of what a language model would have been sent."
        if backend == "mock"
        else "Requests by kind to the model server, with failures (after retries and repairs), "
        "answers from the cache, tokens and cost."
    )
    return Section(
        "Model requests, tokens and cost",
        text,
        table=Table(
            [
                "kind",
                "requests",
                "failed",
                "cached",
                "retries / repairs",
                "prompt tokens",
                "completion tokens",
                "cost",
                "latency p50",
            ],
            rows,
        ),
    )


# --- replicates -------------------------------------------------------------------------------


def replicates_page(results: ReplicateResults) -> Page:
    s, table = results.summary, results.table
    k, n = int(s["replicates"]), int(s["population"])
    band = m.replicate_band(list(results.dailies.values()))
    bands = {
        charts.STATE_STYLE[state][0]: band[band["state"] == state]
        .rename(columns={"ci95_low": "low", "ci95_high": "high"})
        .reset_index(drop=True)
        for state in m.STATES
    }
    final = m.mean_interval(table["final_believer_share"].tolist())
    peak = m.mean_interval(table["peak_day"].tolist())
    auc = m.mean_interval(table["auc_believer_share"].tolist())
    metrics = [
        Metric(
            "mean.final_believer_share",
            "mean final share",
            s["mean"]["final_believer_share"],
            _share(s["mean"]["final_believer_share"]),
        ),
        Metric(
            "mean.peak_day", "mean peak day", s["mean"]["peak_day"], _num(s["mean"]["peak_day"], 1)
        ),
        Metric(
            "mean.auc_believer_share",
            "mean believer-share-days",
            s["mean"]["auc_believer_share"],
            _num(s["mean"]["auc_believer_share"]),
        ),
    ]
    findings = [
        f"Over {k} seeds ({s['seeds'][0]}–{s['seeds'][-1]}), the final share believing was "
        f"{_share(final[0])} on average [95% interval of the mean {_share(final[1])} to "
        f"{_share(final[2])}], believers peaked on day {peak[0]:.1f} [{peak[1]:.1f} to "
        f"{peak[2]:.1f}], and the area under the believer-share curve was "
        f"{_interval(*auc)} believer-share-days."
    ]
    rows = [
        [
            str(r.seed),
            f"{r.peak_believers:.0f}",
            str(r.peak_day),
            _share(r.final_believer_share),
            _num(r.auc_believer_share),
            _num(r.sis_beta),
            _num(r.sis_gamma),
        ]
        for r in table.itertuples()
    ]
    sections = [
        Section(
            "Attitudes per day, over seeds",
            f"Mean agents per state over {k} seeds with the 95% confidence band of the mean "
            f"(population {n}).",
            [charts.band_lines(bands, "Attitudes per day (mean and 95% band)", "agents")],
        ),
        Section(
            "Each seed",
            "One row per seed (replicates.csv); every seed's own folder has its run files.",
            table=Table(
                [
                    "seed",
                    "peak believers",
                    "peak day",
                    "final share",
                    "believer-share-days",
                    "SIS β",
                    "SIS γ",
                ],
                rows,
            ),
        ),
        _as_run(
            "The scenario as run",
            "scenario.resolved.yaml; each seed differs only in its seed.",
            results.scenario,
        ),
    ]
    warning = None
    if s.get("unreliable_seeds"):
        warning = f"UNRELIABLE: seeds {s['unreliable_seeds']} had too many failed model requests"
    return Page(
        title=f"{s['scenario']}: {k} replicates",
        kind="replicates",
        question=_question(results.scenario, f"seeds {s['seeds'][0]}–{s['seeds'][-1]}"),
        findings=findings,
        metrics=metrics,
        sections=sections,
        warning=warning,
        command=results.manifest.get("command"),
        versions=s.get("versions", {}),
    )


# --- a comparison -----------------------------------------------------------------------------


def comparison_page(results: ComparisonResults) -> Page:
    s, table = results.summary, results.table
    reference, seeds = s["reference"], s["seeds"]
    others = table[table["arm"] != reference]
    told_apart = others[others["distinguishable"].astype(bool)]
    helped = told_apart[told_apart["auc_reduction"] > 0]
    findings = [
        f"Every arm ran on the same {len(seeds)} seeds ({seeds[0]}–{seeds[-1]}); effects are "
        f"the reduction in believer-share-days against '{reference}', paired by seed, with 95% "
        "intervals."
    ]
    if helped.empty:
        findings.append(
            f"No arm's effect interval excludes zero: none is told apart from '{reference}' "
            f"with {len(seeds)} seeds."
        )
    else:
        best = helped.sort_values("auc_reduction", ascending=False).iloc[0]
        lo, hi = best["auc_reduction_lo"], best["auc_reduction_hi"]
        effect = _interval(best["auc_reduction"], lo, hi)
        findings.append(
            f"{len(helped)} of {len(others)} arms reduced believer-share-days with an interval "
            f"that excludes zero. The largest reduction was {best['arm']}'s, {effect}, at a "
            f"cost of {best['governance_cost']:.1f} per run."
        )
    unclear = others[~others["distinguishable"].astype(bool)]
    if not unclear.empty:
        findings.append(
            f"Not told apart from '{reference}' (interval includes zero): "
            f"{', '.join(unclear['arm'])}."
        )
    efficient = table[table["pareto_efficient"].astype(bool)]
    if not efficient.empty:
        findings.append(
            "Pareto-efficient (no other arm costs less and does more): "
            f"{', '.join(efficient['arm'])}."
        )
    rows = []
    for r in table.itertuples():
        rows.append(
            [
                r.arm + (" (reference)" if r.arm == reference else ""),
                r.interventions,
                _share(r.final_believer_share),
                _interval(r.auc_believer_share, r.auc_believer_share_lo, r.auc_believer_share_hi),
                Metric(
                    f"arm:{r.arm}:auc_reduction",
                    "reduction",
                    r.auc_reduction,
                    _interval(r.auc_reduction, r.auc_reduction_lo, r.auc_reduction_hi),
                ),
                Metric(
                    f"arm:{r.arm}:governance_cost",
                    "cost",
                    r.governance_cost,
                    _interval(r.governance_cost, r.governance_cost_lo, r.governance_cost_hi, 1),
                ),
                "–" if r.arm == reference else ("yes" if r.distinguishable else "no"),
                "yes" if r.pareto_efficient else "",
            ]
        )
    curves = derived.share_bands(results.curves, results.population)
    diffs = derived.paired_differences(results.curves, reference, results.population)
    sections = [
        Section(
            "Effects and costs",
            "Reduction: believer-share-days of the reference minus the arm's, per seed, mean "
            "and 95% interval. Cost: governance cost per run. Told apart: the reduction's "
            "interval excludes zero.",
            table=Table(
                [
                    "arm",
                    "interventions",
                    "final share",
                    "believer-share-days",
                    "reduction",
                    "cost",
                    "told apart",
                    "Pareto",
                ],
                rows,
            ),
        ),
        Section(
            "Cost against effect",
            "Whiskers are 95% intervals of cost and effect over seeds. Hollow: not told apart "
            "from the reference. Hover a point for its numbers.",
            [charts.cost_effect(table, reference)],
        ),
        Section(
            f"Difference from '{reference}', paired by seed",
            "Each arm's believer share minus the reference's on the same seed, per day. Because "
            "arms share seeds, a dip that all arms show on one day is the seeds' doing, not an "
            "effect; the paired difference removes it. Click legend entries to compare a few.",
            [
                charts.band_lines(
                    diffs,
                    "Believer share minus the reference's (mean, 95% band)",
                    "difference in share believing",
                    zero_line=True,
                )
            ],
        ),
        Section(
            "Believer share per arm",
            "Mean over seeds with the 95% band of the mean.",
            [charts.band_lines(curves, "Share believing per arm", "share believing")],
        ),
        _as_run(
            "The comparison as run",
            "comparison.resolved.yaml: the spec and its base scenario with every default.",
            results.spec,
        ),
    ]
    return Page(
        title=f"{s['name']}: {len(table)} arms × {len(seeds)} seeds",
        kind="comparison",
        question=f"Which of {len(table) - 1} intervention programmes reduces the spread most "
        f"against '{reference}', and at what cost? "
        + _question(results.spec["base_resolved"], f"seeds {seeds[0]}–{seeds[-1]}"),
        findings=findings,
        metrics=[],
        sections=sections,
        warning=_unreliable_runs(table),
        command=results.manifest.get("command"),
    )


# --- a sweep ----------------------------------------------------------------------------------


def sweep_page(results: SweepResults) -> Page:
    s, table, keys = results.summary, results.table, results.keys
    seeds = s["seeds"]

    def cell(row: pd.Series) -> str:
        return ", ".join(f"{k} {row[k]}" for k in keys)

    best = table.loc[table["auc_reduction"].idxmax()]
    findings = [
        f"{results.intervention} over {len(table)} settings of {', '.join(keys)}, {len(seeds)} "
        f"seeds each; without it the believer-share-days were {s['no_intervention_auc']:.2f}.",
        f"The largest reduction, "
        f"{_interval(best['auc_reduction'], best['auc_reduction_lo'], best['auc_reduction_hi'])}, "
        f"came at {cell(best)}, costing {best['governance_cost']:.1f} per run.",
    ]
    per_cost = table["reduction_per_cost"].dropna()
    if not per_cost.empty:
        thrifty = table.loc[per_cost.idxmax()]
        findings.append(
            f"The most reduction per unit of cost, {thrifty['reduction_per_cost']:.4f}, came at "
            f"{cell(thrifty)} ({_share(thrifty['share_of_max_effect'])} of the largest "
            "reduction)."
        )
    unclear = int((~table["distinguishable"].astype(bool)).sum())
    if unclear:
        findings.append(
            f"{unclear} of {len(table)} settings are not told apart from no intervention "
            "(their interval includes zero)."
        )
    panels = (
        ("auc_reduction", "reduction in believer-share-days"),
        ("governance_cost", "governance cost per run"),
        ("reduction_per_cost", "reduction per unit of cost"),
    )
    figures = [
        charts.sweep_line(table, keys[0], column, label)
        if len(keys) == 1
        else charts.sweep_map(table, keys, column, label)
        for column, label in panels
    ]
    rows = [
        [
            cell(r),
            Metric(
                f"cell:{cell(r)}:auc_reduction",
                "reduction",
                r["auc_reduction"],
                _interval(r["auc_reduction"], r["auc_reduction_lo"], r["auc_reduction_hi"]),
            ),
            Metric(
                f"cell:{cell(r)}:governance_cost",
                "cost",
                r["governance_cost"],
                _num(r["governance_cost"], 1),
            ),
            _num(r["reduction_per_cost"], 4),
            _share(r["share_of_max_effect"]),
            "yes" if r["distinguishable"] else "no",
        ]
        for _, r in table.iterrows()
    ]
    sections = [
        Section(
            "Effect, cost and effect per unit of cost",
            "Hover a cell or point for its value and 95% interval.",
            figures,
        ),
        Section(
            "Every setting",
            "Reduction against no intervention on the same seeds (mean and 95% interval).",
            table=Table(
                [
                    "setting",
                    "reduction",
                    "cost",
                    "per unit of cost",
                    "of the largest",
                    "told apart",
                ],
                rows,
            ),
        ),
        _as_run("The sweep as run", "sweep.resolved.yaml", results.spec),
    ]
    return Page(
        title=f"{s['name']}: {results.intervention} over {len(table)} settings",
        kind="sweep",
        question=f"When and how often should {results.intervention} act? "
        + _question(results.spec["base_resolved"], f"seeds {seeds[0]}–{seeds[-1]}"),
        findings=findings,
        metrics=[],
        sections=sections,
        warning=_unreliable_runs(table),
        command=results.manifest.get("command"),
    )
