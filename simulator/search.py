"""``run.py search``: a multi-objective search for the best intervention programme.

A programme is which interventions run (each may be optional) and their parameters (start
day, interval, end, reach, target, ...) within the bounds a spec gives. Two objectives, both
minimised: the spread (area under the believer-share curve, or peak believers) and the
governance cost, each the mean over the same seeds (common random numbers: every candidate
meets the same simulated populations, so the differences between candidates are not noise
between seeds). An optional budget bounds the mean cost (a constraint NSGA-II respects).

Why optuna's NSGA-II and not pymoo: optuna keeps the whole study in a file of the results
folder (its journal storage), so an interrupted search resumes where it stopped; its
ask-and-tell interface lets a whole generation be evaluated at once on any executor; and its
NSGA-II handles the budget as a constraint. pymoo has the algorithm but no storage.

Determinism: every trial is sampled by a sampler seeded from (spec seed, trial number), and
a generation is told in trial order after all of it was evaluated, so the trials depend only
on the spec, not on timing, workers or interruptions. The final Pareto front is re-run on
``final_replicates`` seeds and reported with 95% intervals.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from simulator.config import Scenario, format_validation_error
from simulator.errors import ScenarioError, UserError
from simulator.executors import (
    ExecutorSettings,
    batch_to_resume,
    begin_batch,
    end_batch,
    make_executor,
    run_jobs,
)
from simulator.experiments import (
    ComparisonSpec,
    _comparison_arms,
    _Experiment,
    _load_resolved,
    _load_spec,
    _quietly,
    _seeds,
    _with_interventions,
    pareto_efficient,
)
from simulator.jobs import Job
from simulator.metrics import mean_interval
from simulator.outputs import (
    make_folder,
    new_run_id,
    write_json,
    write_manifest,
    write_table,
    write_yaml,
)
from simulator.resources import require_memory
from simulator.results import read_manifest
from simulator.world import build_world, check_endpoints
from simulator.yaml_reader import read_yaml

OBJECTIVES = {"auc": "auc_believer_share", "peak": "peak_believers"}
STUDY = "study.journal"
MAX_CORNERS = 4096  # bounds checked at every corner up to this many, else one at a time


class _Bound(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bound(_Bound):
    """Where a parameter may lie: ``{low, high}`` (integers if both are, with an optional
    ``step``; else a real interval) or ``{choices: [...]}``."""

    low: int | float | None = None
    high: int | float | None = None
    step: int | None = Field(None, ge=1, description="integer ranges only: the grid step")
    choices: list[str | int | float | bool] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Bound:
        if self.choices is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("either low and high, or choices (allowed: one of the two)")
            if not self.choices:
                raise ValueError("choices is empty (allowed: a list of 1 or more values)")
            return self
        if self.low is None or self.high is None:
            raise ValueError("needs low and high, or choices")
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high} (allowed: low <= high)")
        if self.step is not None and not self.integers:
            raise ValueError("step is for integer ranges (low and high both integers)")
        return self

    @property
    def integers(self) -> bool:
        return isinstance(self.low, int) and isinstance(self.high, int)

    def corners(self) -> list[Any]:
        return list(self.choices) if self.choices is not None else [self.low, self.high]


class Searched(_Bound):
    """An intervention a programme may use: its fixed and its searched parameters."""

    optional: bool = Field(False, description="the search may leave it out")
    fixed: dict[str, Any] = Field(default_factory=dict, description="parameters held fixed")
    search: dict[str, Bound] = Field(default_factory=dict, description="bounds")


class SearchSpec(_Experiment):
    """``run.py search``: the bounds of the programmes, the objectives, the search's size."""

    name: str = Field("search", pattern=r"^[A-Za-z0-9_.-]{1,80}$")
    replicates: int = Field(4, ge=1, le=1000, description="seeds every candidate runs on")
    final_replicates: int = Field(10, ge=2, le=10_000, description="seeds for the front")
    trials: int = Field(48, ge=2, le=100_000, description="candidates evaluated in all")
    generation: int = Field(12, ge=2, le=1000, description="NSGA-II population size")
    objective: Literal["auc", "peak"] = Field("auc", description="the spread to minimise")
    budget: float | None = Field(None, gt=0, description="mean governance cost at most")
    front_size: int = Field(8, ge=1, le=200, description="front candidates re-run at most")
    interventions: dict[str, Searched] = Field(min_length=1)
    compare: Path | None = Field(
        None, description="a compare spec whose arms are run on the front's seeds and shown"
    )


@dataclass
class SearchResult:
    folder: Path
    trials: pd.DataFrame
    front: pd.DataFrame
    arms: pd.DataFrame | None


def _optuna():
    try:
        import optuna
    except ImportError:
        raise UserError(
            "search: optuna is not installed (install it with: pip install 'murmur[search]')"
        ) from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


# --- the spec and its bounds ------------------------------------------------------------------


def _load(path: Path, out: Path | None) -> tuple[SearchSpec, Scenario, dict]:
    spec, base = _load_spec(path, SearchSpec, out)
    arms = _compare_arms(spec, path.parent) if spec.compare else {}
    _check_bounds(spec, base)
    require_memory(base)
    build_world(base)
    return spec, base, arms


def _compare_arms(spec: SearchSpec, where: Path) -> dict[str, list[dict]]:
    """The arms of the compare spec to overlay (their interventions as written)."""
    path = spec.compare if spec.compare.is_absolute() else where / spec.compare
    if not path.is_file():
        raise ScenarioError(f"compare: spec file not found: {str(spec.compare)!r}")
    document = read_yaml(path, "compare")
    try:
        return ComparisonSpec.model_validate(document).arms
    except ValidationError as exc:
        raise ScenarioError(f"compare ({spec.compare}): {format_validation_error(exc)}") from None


def _check_bounds(spec: SearchSpec, base: Scenario) -> None:
    """Unknown interventions or parameters, bounds a parameter cannot take, and a budget no
    programme can keep: one-line errors, before anything is written."""
    from interventions.registry import InterventionSpecError, build_all, resolve

    least = 0.0
    for name, searched in spec.interventions.items():
        where = f"interventions.{name}"
        try:
            cls = resolve(name)
        except InterventionSpecError as exc:
            raise ScenarioError(f"{where}: {exc.message}") from None
        allowed = [k for k in cls.Params.model_fields if k not in ("type", "name")]
        for part, keys in (("fixed", searched.fixed), ("search", searched.search)):
            for key in keys:
                if key not in allowed:
                    raise ScenarioError(
                        f"{where}.{part}.{key}: {name!r} has no parameter {key!r} "
                        f"(allowed: {', '.join(allowed)})"
                    )
        if both := set(searched.fixed) & set(searched.search):
            key = sorted(both)[0]
            raise ScenarioError(f"{where}.search.{key}: also in fixed (allowed: one of the two)")
        for key, bound in searched.search.items():  # each bound alone, the rest as fixed
            for value in bound.corners():
                try:
                    build_all([{"type": name, **searched.fixed, key: value}], base.days)
                except InterventionSpecError as exc:
                    field = exc.field.removeprefix("interventions.0").lstrip(".")
                    part = "search" if field.split(".")[0] in searched.search else "fixed"
                    raise ScenarioError(f"{where}.{part}.{field}: {exc.message}") from None
        cheapest = math.inf  # over the corners that make a programme that can act
        for corner in _corners(searched):
            try:
                (built,) = build_all([{"type": name, **searched.fixed, **corner}], base.days)
            except InterventionSpecError:
                continue  # e.g. until_day before start_day: such trials are skipped
            cheapest = min(cheapest, built.least_cost(base.days))
        if cheapest == math.inf:
            raise ScenarioError(
                f"{where}.search: no combination of the bounds makes a programme that can act "
                "(allowed: bounds with at least one valid corner)"
            )
        if not searched.optional:
            least += cheapest
    if spec.budget is not None and spec.budget < least:
        raise ScenarioError(
            f"budget: {spec.budget:g} is below the cheapest programme the bounds allow (its "
            f"fixed costs alone are {least:g} over {base.days} days; allowed: at least "
            f"{least:g}, wider bounds, or optional interventions)"
        )


def _corners(searched: Searched) -> list[dict[str, Any]]:
    keys = list(searched.search)
    values = [searched.search[k].corners() for k in keys]
    if math.prod(len(v) for v in values) <= MAX_CORNERS:
        return [dict(zip(keys, c, strict=True)) for c in itertools.product(*values)]
    low = {k: v[0] for k, v in zip(keys, values, strict=True)}
    return [{**low, k: value} for k, vs in zip(keys, values, strict=True) for value in vs]


def _distributions(spec: SearchSpec) -> dict[str, Any]:
    optuna = _optuna()
    d = optuna.distributions
    out: dict[str, Any] = {}
    for name, searched in spec.interventions.items():
        if searched.optional:
            out[f"{name}.use"] = d.CategoricalDistribution([True, False])
        for key, bound in searched.search.items():
            if bound.choices is not None:
                out[f"{name}.{key}"] = d.CategoricalDistribution(bound.choices)
            elif bound.integers:
                step = bound.step or 1
                out[f"{name}.{key}"] = d.IntDistribution(bound.low, bound.high, step=step)
            else:
                out[f"{name}.{key}"] = d.FloatDistribution(float(bound.low), float(bound.high))
    return out


def programme(spec: SearchSpec, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The intervention entries a trial's parameters stand for."""
    entries = []
    for name, searched in spec.interventions.items():
        if searched.optional and not params[f"{name}.use"]:
            continue
        chosen = {k: params[f"{name}.{k}"] for k in searched.search}
        entries.append({"type": name, **searched.fixed, **chosen})
    return entries


def check_search(path: Path) -> str:
    """Validate a search spec with its base and bounds; returns a one-line description."""
    spec, _, arms = _load(path, None)
    overlay = f", {len(arms)} compare arms" if arms else ""
    return (
        f"search {spec.name}: {spec.trials} candidates x {spec.replicates} seeds, front on "
        f"{spec.final_replicates} seeds{overlay}, over {spec.base}"
    )


# --- running ------------------------------------------------------------------------------


def run_search(
    path: Path, executor: ExecutorSettings, progress: bool = True, out: Path | None = None
) -> SearchResult:
    """Run a search spec (results under ``out`` if given)."""
    _optuna()  # a missing extra is said before anything is built or written
    spec, base, arms = _load(path, out)
    executor = executor.given(spec.executor)
    require_memory(base, executor.workers)
    check_endpoints(base)
    folder = make_folder(spec.outputs_dir / new_run_id(spec.name))
    write_yaml(
        folder / "search.resolved.yaml",
        {**spec.model_dump(mode="json"), "base_resolved": base.resolved(), "compare_arms": arms},
    )
    command = f"python run.py search {path}" + (f" --out {out}" if out is not None else "")
    begin_batch(folder, "search", command, [])
    return _search(spec, base, arms, folder, executor, progress)


def resume_search(folder: Path, executor: ExecutorSettings, progress: bool = True):
    """Continue an interrupted search: finish the trials it had asked for, then go on."""
    batch_to_resume(folder)
    spec, base, extra = _load_resolved(folder, "search.resolved.yaml", SearchSpec)
    arms = extra.get("compare_arms") or {}
    check_endpoints(base)
    return _search(spec, base, arms, folder, executor.given(spec.executor), progress)


def _trial_seed(seed: int, number: int) -> int:
    return int(np.random.SeedSequence([seed, number]).generate_state(1)[0])


def _search(
    spec: SearchSpec,
    base: Scenario,
    arms: dict[str, list[dict]],
    folder: Path,
    settings: ExecutorSettings,
    progress: bool,
) -> SearchResult:
    optuna = _optuna()
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend
    from optuna.trial import TrialState

    storage = JournalStorage(JournalFileBackend(str(folder / STUDY)))
    study = optuna.create_study(
        study_name=spec.name,
        storage=storage,
        directions=["minimize", "minimize"],
        load_if_exists=True,
    )
    distributions = _distributions(spec)
    seeds = _seeds(base, spec.replicates)

    def sampler(number: int):
        return optuna.samplers.NSGAIISampler(
            population_size=spec.generation, seed=_trial_seed(base.seed, number)
        )

    with make_executor(settings, settings.workers) as executor:
        while True:
            asked = [t for t in study.get_trials(deepcopy=False) if t.state == TrialState.RUNNING]
            told = sum(t.state.is_finished() for t in study.get_trials(deepcopy=False))
            if not asked:
                if told >= spec.trials:
                    break
                for _ in range(min(spec.generation, spec.trials - told)):
                    study.sampler = sampler(len(study.get_trials(deepcopy=False)))
                    study.ask(distributions)
                continue
            generation = told // spec.generation + 1
            _evaluate(
                study, asked, spec, base, seeds, folder, settings, executor, progress,
                f"{spec.name}: generation {generation}",
            )  # fmt: skip
        trials = _trials_table(study, spec)
        front = _front(spec, base, trials, folder, settings, executor, progress)
        arms_table = _arms(spec, base, arms, folder, settings, executor, progress)
    if arms_table is not None:
        arms_table = judge_arms(arms_table, front)
    write_table(folder / "trials.csv", trials)
    write_table(folder / "pareto.csv", front)
    if arms_table is not None:
        write_table(folder / "arms.csv", arms_table)
    write_json(
        folder / "summary.json",
        {
            "name": spec.name,
            "objective": spec.objective,
            "budget": spec.budget,
            "seeds": seeds,
            "final_seeds": _seeds(base, spec.final_replicates),
            "trials": len(trials),
            "feasible": int(trials["feasible"].sum()),
            "front": front.to_dict(orient="records"),
        },
    )
    if base.outputs.plots:
        from simulator.plots import draw_plots

        draw_plots(folder)
    runs = sorted(p.parent for p in folder.glob("*/*/seed-*/summary.json"))
    write_manifest(folder, "search", read_manifest(folder)["command"], runs)
    end_batch(folder)
    return SearchResult(folder, trials, front, arms_table)


def _lean(scenario: Scenario, seed: int) -> Scenario:
    """A candidate's run writes what the search reads (no agent table, figures, report)."""
    quiet = _quietly(scenario, seed)
    outputs = quiet.outputs.model_copy(update={"agents_table": "none"})
    return quiet.model_copy(update={"outputs": outputs})


def _evaluate(study, asked, spec, base, seeds, folder, settings, executor, progress, desc) -> None:
    """Run every asked trial on the common seeds; tell them in trial order, each with its
    budget constraint (NSGA-II prefers feasible candidates, then the least infeasible)."""
    from optuna.trial import Trial, TrialState

    plans: dict[int, list[Job] | None] = {}
    for trial in asked:
        entries = programme(spec, trial.params)
        try:
            scenario = _with_interventions(base, entries, f"trial {trial.number}")
        except ScenarioError:  # bounds that combine into a programme that cannot act
            plans[trial.number] = None
            continue
        plans[trial.number] = [
            Job(_lean(scenario, s), folder / "trials" / f"{trial.number:04d}" / f"seed-{s}")
            for s in seeds
        ]
    jobs = [job for plan in plans.values() if plan for job in plan]
    summaries = run_jobs(jobs, settings, desc, progress, folder, executor)
    by_folder = {job.folder: s for job, s in zip(jobs, summaries, strict=True)}
    key = OBJECTIVES[spec.objective]
    for trial in sorted(asked, key=lambda t: t.number):
        plan = plans[trial.number]
        if plan is None:
            study.tell(trial.number, state=TrialState.FAIL)
            continue
        done = [by_folder[job.folder] for job in plan]
        cost = float(np.mean([s["governance_cost"] for s in done]))
        spread = float(np.mean([s["curve"][key] for s in done]))
        if spec.budget is not None:
            # A trial asked before an interruption is only a stored record now; optuna opens
            # it again by its storage id (FrozenTrial has no public accessor for it).
            Trial(study, trial._trial_id).set_constraint("budget", cost - spec.budget)
        study.tell(trial.number, [spread, cost])


def _trials_table(study, spec: SearchSpec) -> pd.DataFrame:
    rows = []
    for t in study.get_trials(deepcopy=False):
        feasible = t.values is not None and (spec.budget is None or t.values[1] <= spec.budget)
        rows.append(
            {
                "trial": t.number,
                "state": t.state.name.lower(),
                **{k: t.params.get(k) for k in _distributions(spec)},
                "spread": t.values[0] if t.values else float("nan"),
                "governance_cost": t.values[1] if t.values else float("nan"),
                "feasible": bool(feasible),
            }
        )
    table = pd.DataFrame(rows)
    ok = table["feasible"]
    efficient = pareto_efficient(
        table.loc[ok, "governance_cost"].tolist(), (-table.loc[ok, "spread"]).tolist()
    )
    table["pareto"] = False
    table.loc[ok, "pareto"] = efficient
    return table


def _front(spec, base, trials, folder, settings, executor, progress) -> pd.DataFrame:
    """The Pareto candidates (distinct programmes, at most ``front_size``, spread evenly
    along the cost) re-run on ``final_replicates`` seeds, with 95% intervals."""
    params = list(_distributions(spec))
    front = trials[trials["pareto"]].drop_duplicates(subset=params).sort_values("governance_cost")
    if len(front) > spec.front_size:
        keep = np.unique(np.linspace(0, len(front) - 1, spec.front_size).round().astype(int))
        front = front.iloc[keep]
    seeds = _seeds(base, spec.final_replicates)
    jobs = {
        int(row.trial): [
            Job(
                _lean(
                    _with_interventions(
                        base, programme(spec, row[params].to_dict()), f"trial {row.trial}"
                    ),
                    s,
                ),
                folder / "front" / f"{int(row.trial):04d}" / f"seed-{s}",
            )
            for s in seeds
        ]
        for _, row in front.iterrows()
    }
    flat = [job for plan in jobs.values() for job in plan]
    summaries = run_jobs(flat, settings, f"{spec.name}: front", progress, folder, executor)
    by_folder = {job.folder: s for job, s in zip(flat, summaries, strict=True)}
    key = OBJECTIVES[spec.objective]
    rows = []
    for _, row in front.iterrows():
        done = [by_folder[job.folder] for job in jobs[int(row.trial)]]
        spread = mean_interval([s["curve"][key] for s in done])
        cost = mean_interval([s["governance_cost"] for s in done])
        entries = programme(spec, row[params].to_dict())
        rows.append(
            {
                "trial": int(row.trial),
                "programme": _describe(entries),
                **row[params].to_dict(),
                "spread": spread[0],
                "spread_lo": spread[1],
                "spread_hi": spread[2],
                "governance_cost": cost[0],
                "governance_cost_lo": cost[1],
                "governance_cost_hi": cost[2],
                "replicates": len(done),
            }
        )
    return pd.DataFrame(rows)


def _arms(spec, base, arms, folder, settings, executor, progress) -> pd.DataFrame | None:
    """The compare spec's arms on the front's seeds, for the overlay and the verdict."""
    if not arms:
        return None
    compare = ComparisonSpec.model_validate({"base": "unused", "arms": arms})
    _, scenarios = _comparison_arms(compare, base)
    seeds = _seeds(base, spec.final_replicates)
    jobs = [
        Job(_lean(scenario, s), folder / "arms" / arm / f"seed-{s}")
        for arm, scenario in scenarios.items()
        for s in seeds
    ]
    summaries = run_jobs(jobs, settings, f"{spec.name}: compare arms", progress, folder, executor)
    key = OBJECTIVES[spec.objective]
    rows = []
    for i, arm in enumerate(scenarios):
        done = summaries[i * len(seeds) : (i + 1) * len(seeds)]
        spread = mean_interval([s["curve"][key] for s in done])
        cost = mean_interval([s["governance_cost"] for s in done])
        rows.append(
            {
                "arm": arm,
                "programme": _describe(arms[arm]),
                "spread": spread[0],
                "spread_lo": spread[1],
                "spread_hi": spread[2],
                "governance_cost": cost[0],
                "governance_cost_lo": cost[1],
                "governance_cost_hi": cost[2],
            }
        )
    table = pd.DataFrame(rows)
    return table


def judge_arms(arms: pd.DataFrame, front: pd.DataFrame) -> pd.DataFrame:
    """For each hand-picked arm: the front candidates at most as costly and spreading at most
    as far on the means (``matched_by``), and those whose 95% intervals lie wholly at or
    below the arm's on both objectives and wholly below on one (``clearly_beaten_by``)."""
    tiny = 1e-9
    matched, clearly = [], []
    for arm in arms.itertuples():
        better = front[
            (front["spread"] <= arm.spread + tiny)
            & (front["governance_cost"] <= arm.governance_cost + tiny)
        ]
        matched.append(" ".join(str(t) for t in better["trial"]))
        spread_below = better["spread_hi"] < arm.spread_lo
        cost_below = better["governance_cost_hi"] < arm.governance_cost_lo
        spread_at_most = better["spread_hi"] <= arm.spread_lo + tiny
        cost_at_most = better["governance_cost_hi"] <= arm.governance_cost_lo + tiny
        sure = better[(spread_below & cost_at_most) | (cost_below & spread_at_most)]
        clearly.append(" ".join(str(t) for t in sure["trial"]))
    return arms.assign(matched_by=matched, clearly_beaten_by=clearly)


def _describe(entries: list[dict]) -> str:
    if not entries:
        return "none"

    def shown(value: Any) -> str:
        return f"{value:.3g}" if isinstance(value, float) else str(value)

    return " + ".join(
        e["type"] + "(" + ", ".join(f"{k}={shown(v)}" for k, v in e.items() if k != "type") + ")"
        for e in entries
    )
