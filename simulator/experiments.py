"""Comparing interventions: arms x replicates (``run.py compare``) and parameter sweeps of
one intervention (``run.py sweep``).

Both take a YAML spec naming a base scenario, run every (arm or grid cell) x seed on the
chosen executor (``simulator.executors``: local processes or Ray), and summarise each arm by
the mean and a 95% t-interval of its outcomes over seeds. Effect is the reduction of the area
under the believer-share curve (believer-share-days) against a reference arm run on the same
seeds; cost is the interventions' governance cost (docs/INTERVENTIONS.md).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, field_validator

from simulator.config import (
    Scenario,
    Strict,
    format_validation_error,
    load_scenario,
    parse_scenario,
)
from simulator.errors import ScenarioError
from simulator.executors import (
    ExecutorKind,
    ExecutorSettings,
    batch_to_resume,
    begin_batch,
    end_batch,
    run_jobs,
)
from simulator.jobs import Job
from simulator.metrics import mean_interval
from simulator.outputs import make_folder, new_run_id, write_json, write_table, write_yaml
from simulator.resources import require_memory
from simulator.runner import present
from simulator.world import build_world, check_endpoints
from simulator.yaml_reader import read_yaml

OUTCOMES = ("peak_believers", "peak_day", "final_believer_share", "auc_believer_share")
ARM_NAME = r"^[A-Za-z0-9_.-]{1,60}$"


class _Experiment(Strict):
    name: str = Field("experiment", pattern=r"^[A-Za-z0-9_.-]{1,80}$")
    base: Path = Field(description="the base scenario file; relative to this file")
    replicates: int = Field(10, ge=1, le=10_000, description="seeds per arm")
    seed: int | None = Field(None, ge=0, description="first seed; default: the base's")
    days: int | None = Field(None, ge=1, le=3650, description="override the base's days")
    population: int | None = Field(None, ge=2, le=5_000_000, description="override its size")
    outputs_dir: Path = Field(Path("results"), description="results root")
    executor: ExecutorKind = Field(
        "local", description="local (processes) or ray; --executor on the command line wins"
    )


class ComparisonSpec(_Experiment):
    """``run.py compare``: named arms, each a list of interventions."""

    name: str = Field("comparison", pattern=r"^[A-Za-z0-9_.-]{1,80}$")
    reference: str | None = Field(None, description="arm effects are measured against")
    arms: dict[str, list[dict[str, Any]]] = Field(min_length=1)

    @field_validator("arms")
    @classmethod
    def _arm_names(cls, arms: dict[str, list]) -> dict[str, list]:
        import re

        for name in arms:
            if not re.match(ARM_NAME, name):
                raise ValueError(f"arm name {name!r} (allowed: letters, digits, _ . -)")
        return arms


class SweepSpec(_Experiment):
    """``run.py sweep``: a grid over parameters of one intervention."""

    name: str = Field("sweep", pattern=r"^[A-Za-z0-9_.-]{1,80}$")
    replicates: int = Field(8, ge=1, le=10_000)
    intervention: dict[str, Any] = Field(description="the intervention; grid values override")
    grid: dict[str, list[Any]] = Field(min_length=1, max_length=2)

    @field_validator("grid")
    @classmethod
    def _values(cls, grid: dict[str, list]) -> dict[str, list]:
        for key, values in grid.items():
            if not values:
                raise ValueError(f"grid.{key} has no values (allowed: a list of 1 or more)")
        return grid


def _load_spec(path: Path, model: type[_Experiment], out: Path | None) -> tuple[Any, Scenario]:
    document = read_yaml(path, "spec")
    if not isinstance(document, dict):
        raise ScenarioError("spec: expected a mapping of fields at the top level")
    try:
        spec = model.model_validate(document)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc)) from None
    if out is not None:
        spec.outputs_dir = out
    base_path = spec.base if spec.base.is_absolute() else path.parent / spec.base
    if not base_path.is_file():
        raise ScenarioError(f"base: scenario file not found: {str(spec.base)!r}")
    try:
        base = load_scenario(base_path)
    except ScenarioError as exc:
        raise ScenarioError(f"base scenario {str(spec.base)!r}: {exc}") from None
    update: dict[str, Any] = {}
    if spec.seed is not None:
        update["seed"] = spec.seed
    if spec.days is not None:
        update["days"] = spec.days
    if spec.population is not None:
        pop = base.population
        if pop.initial_believers > spec.population:
            raise ScenarioError(
                f"population: {spec.population} is less than the base's initial_believers "
                f"{pop.initial_believers}"
            )
        update["population"] = pop.model_copy(update={"size": spec.population})
    return spec, base.model_copy(update=update)


def _quietly(scenario: Scenario, seed: int) -> Scenario:
    """An arm's or cell's run: it draws nothing, as the folder's figures and report show all,
    and saves no checkpoints (a detached run's would be thrown away with its scratch folder)."""
    outputs = scenario.outputs.model_copy(
        update={"plots": False, "report": False, "checkpoint": False}
    )
    return scenario.model_copy(update={"seed": seed, "outputs": outputs})


def _load_resolved(
    folder: Path, name: str, model: type[_Experiment]
) -> tuple[Any, Scenario, dict[str, Any]]:
    """The spec and base scenario an unfinished compare, sweep or search folder was started
    with, and whatever else the command wrote beside them (a search's compare arms)."""
    document = read_yaml(folder / name)
    base = parse_scenario(document.pop("base_resolved"), folder)
    extra = {key: document.pop(key) for key in list(document) if key not in model.model_fields}
    return model.model_validate(document), base, extra


def _with_interventions(base: Scenario, entries: list[dict], where: str) -> Scenario:
    from interventions.registry import InterventionSpecError, build_all

    try:
        build_all(entries, base.days)
    except InterventionSpecError as exc:
        field = exc.field.removeprefix("interventions.")
        raise ScenarioError(f"{where}.{field}: {exc.message}") from None
    return base.model_copy(update={"interventions": entries})


def _plan_comparison(path: Path, out: Path | None):
    """The validated spec, its base, the reference arm and every arm's scenario."""
    spec, base = _load_spec(path, ComparisonSpec, out)
    reference, arms = _comparison_arms(spec, base)
    require_memory(base)  # before building a population that would not fit
    build_world(base)  # bad base files fail before any folder exists
    return spec, base, reference, arms


def _comparison_arms(spec: ComparisonSpec, base: Scenario):
    reference = spec.reference or next(iter(spec.arms))
    if reference not in spec.arms:
        raise ScenarioError(
            f"reference: no arm called {reference!r} (allowed: {', '.join(spec.arms)})"
        )
    arms = {
        name: _with_interventions(base, entries, f"arms.{name}")
        for name, entries in spec.arms.items()
    }
    return reference, arms


def _plan_sweep(path: Path, out: Path | None):
    """The validated spec, its base, the grid's keys and every cell's scenario."""
    spec, base = _load_spec(path, SweepSpec, out)
    keys, scenarios = _sweep_cells(spec, base)
    require_memory(base)
    build_world(base)
    return spec, base, keys, scenarios


def _sweep_cells(spec: SweepSpec, base: Scenario):
    keys = list(spec.grid)
    scenarios = {}
    for cell in itertools.product(*(spec.grid[k] for k in keys)):
        entry = {**spec.intervention, **dict(zip(keys, cell, strict=True))}
        label = ",".join(f"{k}={v}" for k, v in zip(keys, cell, strict=True))
        scenarios[cell] = _with_interventions(base, [entry], f"grid[{label}]")
    return keys, scenarios


def check_spec(path: Path) -> str:
    """Validate a compare or sweep spec with its base scenario and every arm or grid cell;
    returns a one-line description (a search spec: ``simulator.search.check_search``)."""
    document = read_yaml(path, "spec")
    if isinstance(document, dict) and "grid" in document:
        spec, _, _, scenarios = _plan_sweep(path, None)
        what = f"sweep {spec.name}: {len(scenarios)} cells"
    else:
        spec, _, _, arms = _plan_comparison(path, None)
        what = f"comparison {spec.name}: {len(arms)} arms"
    return f"{what} x {spec.replicates} seeds over {spec.base}"


def _arm_row(summaries: list[dict], reference_auc: list[float] | None) -> dict[str, Any]:
    row: dict[str, Any] = {}
    outcomes = {key: [s["curve"][key] for s in summaries] for key in OUTCOMES}
    outcomes["governance_cost"] = [s["governance_cost"] for s in summaries]
    for key, values in outcomes.items():
        row[key], row[f"{key}_lo"], row[f"{key}_hi"] = mean_interval(values)
    cost = row["governance_cost"]
    row["unreliable_runs"] = sum(s["status"] != "ok" for s in summaries)
    row.update(_forecast_columns(summaries))
    if reference_auc is not None:
        # paired by seed: the same seeds, so differences cancel shared noise
        cuts = [
            r - s["curve"]["auc_believer_share"]
            for r, s in zip(reference_auc, summaries, strict=True)
        ]
        mean, lo, hi = mean_interval(cuts)
        row["auc_reduction"], row["auc_reduction_lo"], row["auc_reduction_hi"] = mean, lo, hi
        row["reduction_per_cost"] = mean / cost if cost > 0 else float("nan")
        # its 95% interval excludes no effect: told apart from the reference at that level
        row["distinguishable"] = bool(lo > 0 or hi < 0)
    return row


def _forecast_columns(summaries: list[dict]) -> dict[str, float]:
    """Mean observed engagement and final believers next to the early-warning forecasts made
    from each run's first days (NaN where a run had none)."""

    def mean(values: list) -> float:
        values = [v for v in values if v is not None]
        return float(np.mean(values)) if values else float("nan")

    warnings = [s.get("early_warning", {}) for s in summaries]
    return {
        "final_believers_observed": mean([s["curve"]["final_believers"] for s in summaries]),
        "final_believers_forecast": mean(
            [w.get("final_believers", {}).get("predicted") for w in warnings]
        ),
        "engagement_observed": mean([s.get("engagement", {}).get("total") for s in summaries]),
        "engagement_forecast": mean(
            [w.get("final_engagement", {}).get("predicted") for w in warnings]
        ),
    }


def pareto_efficient(
    costs: list[float], effects: list[float], reference: int | None = None
) -> list[bool]:
    """True for arms no other arm beats (at most the cost and at least the effect, one of
    them strictly). The ``reference`` arm is the yardstick, never a candidate: it is False,
    though it still beats the arms that cost something and do no better than it."""
    out = []
    for i, (c, e) in enumerate(zip(costs, effects, strict=True)):
        if i == reference:
            out.append(False)
            continue
        dominated = any(
            (c2 <= c and e2 >= e) and (c2 < c or e2 > e)
            for j, (c2, e2) in enumerate(zip(costs, effects, strict=True))
            if j != i
        )
        out.append(not dominated)
    return out


def _seeds(base: Scenario, replicates: int) -> list[int]:
    return [base.seed + i for i in range(replicates)]


def run_comparison(
    path: Path, executor: ExecutorSettings, progress: bool = True, out: Path | None = None
) -> tuple[Path, pd.DataFrame]:
    """Run a comparison spec (results under ``out`` if given); returns the results folder and
    the comparison table."""
    spec, base, reference, arms = _plan_comparison(path, out)
    executor = executor.given(spec.executor)
    require_memory(base, min(executor.workers, len(arms) * spec.replicates))
    check_endpoints(base)
    folder = make_folder(spec.outputs_dir / new_run_id(spec.name))
    write_yaml(
        folder / "comparison.resolved.yaml",
        {**spec.model_dump(mode="json"), "base_resolved": base.resolved()},
    )
    jobs = _comparison_jobs(spec, base, arms, folder)
    begin_batch(folder, "comparison", _command("compare", path, out), jobs)
    return folder, _finish_comparison(spec, base, reference, jobs, executor, progress, folder)


def resume_comparison(
    folder: Path, executor: ExecutorSettings, progress: bool = True
) -> tuple[Path, pd.DataFrame]:
    """Run the missing runs of an interrupted comparison folder, then write its table."""
    batch_to_resume(folder)
    spec, base, _ = _load_resolved(folder, "comparison.resolved.yaml", ComparisonSpec)
    reference, arms = _comparison_arms(spec, base)
    check_endpoints(base)
    jobs = _comparison_jobs(spec, base, arms, folder)
    executor = executor.given(spec.executor)
    return folder, _finish_comparison(spec, base, reference, jobs, executor, progress, folder)


def _comparison_jobs(spec: ComparisonSpec, base: Scenario, arms: dict, folder: Path) -> list[Job]:
    return [
        Job(_quietly(scenario, s), folder / arm / f"seed-{s}")
        for arm, scenario in arms.items()
        for s in _seeds(base, spec.replicates)
    ]


def _finish_comparison(
    spec: ComparisonSpec,
    base: Scenario,
    reference: str,
    jobs: list[Job],
    executor: ExecutorSettings,
    progress: bool,
    folder: Path,
) -> pd.DataFrame:
    arms = list(spec.arms)
    seeds = _seeds(base, spec.replicates)
    done = run_jobs(jobs, executor, f"{spec.name}: arms x seeds", progress, folder)
    by_arm = {arm: done[i * len(seeds) : (i + 1) * len(seeds)] for i, arm in enumerate(arms)}
    reference_auc = [s["curve"]["auc_believer_share"] for s in by_arm[reference]]
    rows = []
    for arm, summaries in by_arm.items():
        types = "+".join(e.get("type", "?") for e in spec.arms[arm]) or "none"
        rows.append(
            {
                "arm": arm,
                "interventions": types,
                "replicates": len(summaries),
                **_arm_row(summaries, reference_auc),
            }
        )
    table = pd.DataFrame(rows)
    table["pareto_efficient"] = pareto_efficient(
        table["governance_cost"].tolist(),
        table["auc_reduction"].tolist(),
        arms.index(reference),
    )
    write_table(folder / "comparison.csv", table)
    write_json(
        folder / "summary.json",
        {"name": spec.name, "reference": reference, "seeds": seeds, "arms": rows},
    )
    present(folder, base)
    end_batch(folder)
    return table


def run_sweep(
    path: Path, executor: ExecutorSettings, progress: bool = True, out: Path | None = None
) -> tuple[Path, pd.DataFrame]:
    """Run a sweep spec (results under ``out`` if given); returns the results folder and the
    sweep table."""
    spec, base, keys, scenarios = _plan_sweep(path, out)
    executor = executor.given(spec.executor)
    require_memory(base, min(executor.workers, (len(scenarios) + 1) * spec.replicates))
    check_endpoints(base)
    folder = make_folder(spec.outputs_dir / new_run_id(spec.name))
    write_yaml(
        folder / "sweep.resolved.yaml",
        {**spec.model_dump(mode="json"), "base_resolved": base.resolved()},
    )
    jobs = _sweep_jobs(spec, base, keys, scenarios, folder)
    begin_batch(folder, "sweep", _command("sweep", path, out), jobs)
    return folder, _finish_sweep(spec, base, keys, jobs, executor, progress, folder)


def resume_sweep(
    folder: Path, executor: ExecutorSettings, progress: bool = True
) -> tuple[Path, pd.DataFrame]:
    """Run the missing runs of an interrupted sweep folder, then write its table."""
    batch_to_resume(folder)
    spec, base, _ = _load_resolved(folder, "sweep.resolved.yaml", SweepSpec)
    keys, scenarios = _sweep_cells(spec, base)
    check_endpoints(base)
    jobs = _sweep_jobs(spec, base, keys, scenarios, folder)
    executor = executor.given(spec.executor)
    return folder, _finish_sweep(spec, base, keys, jobs, executor, progress, folder)


def _sweep_jobs(spec: SweepSpec, base: Scenario, keys, scenarios: dict, folder: Path) -> list[Job]:
    def cell_folder(cell: tuple) -> str:
        return "-".join(f"{k}_{v}" for k, v in zip(keys, cell, strict=True))

    seeds = _seeds(base, spec.replicates)
    reference = base.model_copy(update={"interventions": []})
    jobs = [Job(_quietly(reference, s), folder / "none" / f"seed-{s}") for s in seeds]
    jobs += [
        Job(_quietly(sc, s), folder / cell_folder(cell) / f"seed-{s}")
        for cell, sc in scenarios.items()
        for s in seeds
    ]
    return jobs


def _finish_sweep(
    spec: SweepSpec,
    base: Scenario,
    keys: list[str],
    jobs: list[Job],
    executor: ExecutorSettings,
    progress: bool,
    folder: Path,
) -> pd.DataFrame:
    seeds = _seeds(base, spec.replicates)
    cells = list(itertools.product(*(spec.grid[k] for k in keys)))
    done = run_jobs(jobs, executor, f"{spec.name}: cells x seeds", progress, folder)
    n = len(seeds)
    reference_auc = [s["curve"]["auc_believer_share"] for s in done[:n]]
    rows = []
    for i, cell in enumerate(cells):
        summaries = done[n * (i + 1) : n * (i + 2)]
        rows.append({**dict(zip(keys, cell, strict=True)), **_arm_row(summaries, reference_auc)})
    table = pd.DataFrame(rows)
    none_auc = float(np.mean(reference_auc))
    table["share_of_max_effect"] = table["auc_reduction"] / table["auc_reduction"].max()
    write_table(folder / "sweep.csv", table)
    write_json(
        folder / "summary.json",
        {"name": spec.name, "grid": spec.grid, "seeds": seeds, "no_intervention_auc": none_auc},
    )
    present(folder, base)
    end_batch(folder)
    return table


def _command(name: str, spec: Path, out: Path | None) -> str:
    return f"python run.py {name} {spec}" + (f" --out {out}" if out is not None else "")
