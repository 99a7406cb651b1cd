"""Running one scenario (runs of many, in processes or on Ray: simulator.executors).

A run builds the world (personas, contacts, backend), steps the model day by day with a
progress bar, streams agent-day rows, and finally writes the daily table, the summary and the
plots. Everything a run writes is derived from the scenario and its seed alone, so reruns give
byte-identical daily.csv and agents.csv.
"""

from __future__ import annotations

import gc
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
from tqdm import tqdm

from agents.llm import Accounting
from agents.persona import Persona
from interventions.base import Intervention
from simulator import metrics
from simulator.array_model import ArrayModel
from simulator.checkpoint import CheckpointWriter, read_checkpoint, truncate
from simulator.config import Scenario, parse_scenario
from simulator.early_warning import early_warning
from simulator.engagement import DEFAULT_PROFILE, EVENT_HOURS, EngagementLog, EngagementRates
from simulator.errors import Interrupted, ModelUnavailable, ScenarioError, UserError
from simulator.intervening import InterventionLog
from simulator.model import DayModel, OpinionModel
from simulator.network import ContactStructure
from simulator.outputs import (
    AgentDayWriter,
    AgentParquetWriter,
    agent_table_writer,
    make_folder,
    new_run_id,
    write_atomic,
    write_json,
    write_manifest,
    write_table,
    write_yaml,
)
from simulator.resources import require_memory
from simulator.world import (
    array_rule,
    asks_a_model,
    build_backend,
    build_interventions,
    build_world,
    check_endpoints,
    citizens_only,
    group_rules,
    surrogate_backend,
)
from simulator.yaml_reader import read_yaml


@dataclass
class RunResult:
    """Where a run wrote its files and what it found."""

    folder: Path
    summary: dict


def versions() -> dict[str, str]:
    """Versions that decide a run's results, for the summary."""

    def version(pkg: str) -> str:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "murmur": version("murmur"),
        "mesa": mesa.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "openai": version("openai"),
    }


INCOMPLETE = "INCOMPLETE.txt"
CHECKPOINT = "checkpoint.pkl"


BUILD_PROGRESS_FROM = 50_000  # agents; smaller populations are built in about a second


def building(scenario: Scenario, what: str, progress: bool) -> tqdm:
    """A progress bar for building a big population's ``what`` (personas, agents)."""
    n = scenario.population.size
    shown = progress and n >= BUILD_PROGRESS_FROM
    return tqdm(total=n, desc=f"building {what}", unit="agent", disable=not shown, leave=False)


def run_scenario(
    scenario: Scenario,
    folder: Path | None = None,
    progress: bool = True,
    on_day: Callable[[int], None] | None = None,
) -> RunResult:
    """Run one scenario with its own seed; write everything into ``folder`` (new).
    ``on_day(day)`` is called after every completed day (benchmarks sample memory there)."""
    # Bad input (or a population too big for this machine, or a model that cannot be reached)
    # fails here, before any folder exists; the run then uses what was built.
    world, interventions = _prepare(scenario, progress)
    if folder is None:
        folder = scenario.outputs.dir / new_run_id(scenario.name, scenario.seed)
    make_folder(folder)
    write_yaml(folder / "scenario.resolved.yaml", scenario.resolved())
    write_atomic(
        folder / INCOMPLETE,
        "This run has not finished (or was interrupted). Continue it from its last complete "
        f"day with:\n\n    python run.py resume {folder}\n",
    )
    return _execute_safely(scenario, folder, world, interventions, progress, None, on_day)


def resume_run(folder: Path, progress: bool = True) -> RunResult:
    """Continue an interrupted run from its last checkpoint (the end of its last full day)."""
    if not folder.is_dir():
        raise UserError(f"results folder not found: {str(folder)!r}")
    if (folder / "summary.json").is_file() and not (folder / INCOMPLETE).exists():
        raise UserError(f"{folder}: this run has already finished (summary.json is there)")
    if not (folder / "scenario.resolved.yaml").is_file():
        raise UserError(f"{folder}: not a run folder (scenario.resolved.yaml is missing)")
    scenario = parse_scenario(read_yaml(folder / "scenario.resolved.yaml"), folder)
    state = read_checkpoint(folder / CHECKPOINT)
    if state is None:
        raise UserError(
            f"{folder}: no checkpoint yet (the run stopped during day 1); start it again with "
            "python run.py run"
        )
    world, interventions = _prepare(scenario, progress)
    return _execute_safely(scenario, folder, world, interventions, progress, state, None)


def _prepare(
    scenario: Scenario, progress: bool
) -> tuple[tuple[list[Persona], ContactStructure], list[Intervention]]:
    """What a run needs before its first day, checked in the order that fails fastest: the
    memory it needs, the world (with a progress bar when big), the interventions, the
    model's endpoints."""
    require_memory(scenario)
    if scenario.outputs.agents_format == "parquet" and scenario.outputs.agents_table != "none":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ScenarioError(
                "outputs.agents_format: parquet needs pyarrow, which is not installed "
                "(install it with: pip install 'murmur[parquet]'; allowed without it: csv, csv.gz)"
            ) from None
    with building(scenario, "personas", progress) as bar:
        world = build_world(scenario, bar.update)
    interventions = build_interventions(scenario)
    check_endpoints(scenario)
    return world, interventions


def _execute_safely(
    scenario: Scenario,
    folder: Path,
    world: tuple[list[Persona], ContactStructure],
    interventions: list[Intervention],
    progress: bool,
    state: dict | None,
    on_day: Callable[[int], None] | None,
) -> RunResult:
    """Run, turning a failed write (a full disk, a vanished folder) into a clear error and
    Ctrl-C into a line that names the folder and how to continue it."""
    try:
        return _execute(scenario, folder, world, interventions, progress, state, on_day)
    except KeyboardInterrupt:
        if (folder / CHECKPOINT).is_file():
            raise Interrupted(
                f"interrupted: {folder} keeps the run up to its last complete day; continue "
                f"it with: python run.py resume {folder}"
            ) from None
        why = (
            "checkpoints are off (outputs.checkpoint: false)"
            if not scenario.outputs.checkpoint
            else "no day was complete yet"
        )
        raise Interrupted(
            f"interrupted: {folder} cannot be resumed ({why}); start the run again"
        ) from None
    except OSError as exc:
        raise UserError(
            f"cannot write the results in {folder} ({exc.strerror or exc}); the days completed "
            f"so far are kept: fix the cause, then run: python run.py resume {folder}"
        ) from None


def _execute(
    scenario: Scenario,
    folder: Path,
    world: tuple[list[Persona], ContactStructure],
    interventions: list[Intervention],
    progress: bool,
    state: dict | None,
    on_day: Callable[[int], None] | None,
) -> RunResult:
    personas, contacts = world
    files = state["files"] if state else {}
    model_asked = asks_a_model(scenario)
    transcript = (
        folder / "transcript.jsonl" if model_asked and scenario.llm.backend != "mock" else None
    )
    if transcript is not None and "transcript" in files:
        truncate(transcript, files["transcript"])
    # A real model's every exchange is kept; the surrogate's would only repeat its inputs.
    # Array rules ask no model: their accounting stays at zero requests.
    backend = build_backend(scenario, transcript) if model_asked else surrogate_backend(scenario)
    log = InterventionLog(folder if interventions else None, files.get("interventions"))
    engagement = engagement_log(scenario, personas, folder, files.get("engagement"))
    restore = state["model"] if state else None
    if citizens_only(scenario):
        with building(scenario, "agents", progress) as bar:
            model: DayModel = OpinionModel(
                scenario, personas, contacts, backend, interventions, log, engagement,
                restore=restore, progress=bar.update,
            )  # fmt: skip
    else:
        rule = array_rule(scenario, personas, contacts, backend if model_asked else None)
        model = ArrayModel(scenario, personas, contacts, rule, interventions, log, engagement,
                           restore)  # fmt: skip
    outputs = scenario.outputs
    table = table_agents(scenario)
    writer = (
        agent_table_writer(folder, outputs.agents_format, personas, files.get("agents"))
        if table.size
        else None
    )
    spent, elapsed_before = 0.0, 0.0
    if state:
        backend.stats = state["accounting"]
        log.totals = state["log_totals"]
        spent, elapsed_before = state["spent"], state["elapsed"]
    complete = False
    stop_reason: str | None = None
    budget = scenario.llm.budget_usd
    started = time.perf_counter()
    # The world just built lives for the whole run: freeze it out of the garbage collector's
    # scans. A day replaces most objects it makes (memories, posts, requests), so the
    # allocation count that triggers a collection barely grows while each collection scans
    # every young object still alive; collecting only after 200,000 net allocations took the
    # collector's share at 10k agents from about 6% to nothing (measured), and garbage cycles
    # that do pile up still raise the count and trigger it.
    gc.freeze()
    threshold = gc.get_threshold()
    gc.set_threshold(200_000, 20, 100)
    checkpoints = CheckpointWriter(folder / CHECKPOINT) if scenario.outputs.checkpoint else None
    try:
        if writer and state is None:
            writer.write_day(0, model.agent_rows(table))
        with tqdm(
            total=scenario.days,
            initial=model.day,
            desc=scenario.name,
            unit="day",
            disable=not progress,
            leave=False,
        ) as bar:
            while model.day < scenario.days:
                asked = backend.counts()
                model.step()
                # Before the day is written or saved: a resumed run asks for it again.
                _stop_if_the_day_failed(scenario, backend, asked, model.day, folder)
                if writer:
                    writer.write_day(model.day, model.agent_rows(table))
                bar.set_postfix(believers=model.today["infected"], refresh=False)
                bar.update()
                if budget is not None and model.day < scenario.days:
                    # Stop before a day that would overrun the budget, judging its cost by
                    # today's (days cost about the same: memories are bounded).
                    day_cost, spent = backend.cost_usd() - spent, backend.cost_usd()
                    if spent + day_cost > budget:
                        stop_reason = (
                            f"budget: ${spent:.4f} spent after day {model.day}; another day "
                            f"(~${day_cost:.4f}) would exceed llm.budget_usd ${budget:g}"
                        )
                        break
                if checkpoints is not None:
                    elapsed = elapsed_before + time.perf_counter() - started
                    save_checkpoint(checkpoints, model, backend, log, engagement, writer,
                                    transcript, spent, elapsed)  # fmt: skip
                if on_day is not None:
                    on_day(model.day)
        complete = True
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
        try:
            if checkpoints is not None:  # the last day's checkpoint on disk, whatever happened
                checkpoints.close()
        finally:
            if writer:
                writer.close(complete)
            log.close(complete)
            if engagement:
                engagement.close(complete)
            model.close()
    elapsed = elapsed_before + time.perf_counter() - started
    daily = model.daily_table()
    write_table(folder / "daily.csv", daily)
    summary = run_summary(scenario, daily, backend, elapsed, folder, stop_reason)
    summary["interventions"] = model.interventions.summary()
    summary["governance_cost"] = round(log.cost(), 6)
    days_run = int(daily["day"].iloc[-1])
    if engagement:
        write_table(folder / "engagement_timeline.csv", engagement.timeline(days_run))
        summary["engagement"] = engagement.summary(days_run)
    if scenario.early_warning.enabled:
        summary["early_warning"] = early_warning(scenario, daily, engagement)
    write_json(folder / "summary.json", summary)
    write_manifest(folder, "run", reproduce_command(folder))
    present(folder, scenario)
    (folder / CHECKPOINT).unlink(missing_ok=True)
    (folder / EVENT_HOURS).unlink(missing_ok=True)
    (folder / INCOMPLETE).unlink(missing_ok=True)
    return RunResult(folder, summary)


def table_agents(scenario: Scenario) -> np.ndarray:
    """The agents whose rows the agent table holds (outputs.agents_table): all, a sample drawn
    from the seed (in agent order), or none."""
    outputs, n = scenario.outputs, scenario.population.size
    if outputs.agents_table == "none":
        return np.zeros(0, dtype=np.int64)
    if outputs.agents_table == "sample" and outputs.agents_sample < n:
        rng = np.random.default_rng([scenario.seed, 0x7AB1E])
        return np.sort(rng.choice(n, size=outputs.agents_sample, replace=False))
    return np.arange(n)


def reproduce_command(folder: Path, extra: str = "") -> str:
    """The command that runs a folder's scenario again (its resolved file holds the seed)."""
    return f"python run.py run {folder / 'scenario.resolved.yaml'}{extra}"


def present(folder: Path, scenario: Scenario) -> None:
    """Draw the figures and write the report of a finished folder, as the scenario asks."""
    if scenario.outputs.plots:
        from simulator.plots import draw_plots  # matplotlib loads only when drawing

        draw_plots(folder)
    if scenario.outputs.report:
        from simulator.report import write_report

        write_report(folder)


def _stop_if_the_day_failed(
    scenario: Scenario, backend: Accounting, asked: tuple[int, int], day: int, folder: Path
) -> None:
    """Stop the run (ModelUnavailable) after a day on which at least ``llm.stop_failed_share``
    of the model requests failed: the model is down or refusing, and every further day would
    only repeat the agents' earlier beliefs."""
    share = scenario.llm.stop_failed_share
    requests, failures = (now - then for now, then in zip(backend.counts(), asked, strict=True))
    if share is None or not requests or failures / requests < share:
        return
    if (folder / CHECKPOINT).is_file():
        then = (
            f"{folder} keeps days 0-{day - 1}: once the server answers, continue with: "
            f"python run.py resume {folder}"
        )
    else:
        then = "no earlier day was saved: start the run again once the server answers"
    raise ModelUnavailable(
        f"llm: {failures} of {requests} model requests failed on day {day} (at least "
        f"llm.stop_failed_share {share:g}; last error: {backend.last_error}); the run stopped "
        f"and {then}"
    )


def save_checkpoint(
    checkpoints: CheckpointWriter,
    model: DayModel,
    backend: Accounting,
    log: InterventionLog,
    engagement: EngagementLog | None,
    writer: AgentDayWriter | AgentParquetWriter | None,
    transcript: Path | None,
    spent: float,
    elapsed: float,
) -> None:
    """Save everything needed to continue after the day just finished, atomically."""
    files: dict[str, int] = {}
    if writer:
        files["agents"] = writer.position()
    if (position := log.position()) is not None:
        files["interventions"] = position
    if engagement is not None and (position := engagement.position()) is not None:
        files["engagement"] = position
    if transcript is not None and transcript.exists():
        files["transcript"] = transcript.stat().st_size  # the transcript flushes every batch
    checkpoints.save(
        {
            "model": model.get_state(),
            "accounting": backend.stats,
            "log_totals": log.totals,
            "files": files,
            "spent": spent,
            "elapsed": elapsed,
        },
    )


def engagement_log(
    scenario: Scenario, personas, folder: Path | None, resume_at: int | None = None
) -> EngagementLog | None:
    """The engagement recorder for a run, or None when the scenario turns engagement off."""
    settings = scenario.engagement
    if not settings.enabled:
        return None
    rates = EngagementRates(settings.like_rate, settings.share_rate, settings.comment_rate)
    profile = tuple(settings.activity_profile or DEFAULT_PROFILE)
    logged = table_agents(scenario) if scenario.outputs.agents_table != "all" else None
    return EngagementLog(personas, scenario.seed, rates, folder, profile, resume_at, logged)


def unreliable(total: dict, max_failed_share: float) -> str | None:
    """Why a run's results cannot be trusted (too many failed model requests), or None."""
    requests, failures = total["requests"], total["failures"]
    if not requests or failures / requests <= max_failed_share:
        return None
    return (
        f"{failures / requests:.0%} of model requests failed ({failures} of {requests}; "
        f"allowed: llm.max_failed_share {max_failed_share:g}); agents whose requests failed "
        "kept their earlier beliefs, so the curves do not show the model's decisions"
    )


def run_summary(
    scenario: Scenario,
    daily: pd.DataFrame,
    backend: Accounting,
    elapsed: float,
    folder: Path,
    stop_reason: str | None = None,
) -> dict:
    """The run's summary.json content. ``stop_reason`` says why a run ended early."""
    n = scenario.population.size
    days_run = int(daily["day"].iloc[-1])
    agent_days = n * days_run
    llm = backend.summary()
    problem = unreliable(llm["total"], scenario.llm.max_failed_share)
    days, believers = daily["day"].tolist(), daily["infected"].tolist()
    return {
        "status": "unreliable" if problem else "ok",
        "status_reason": problem,
        "scenario": scenario.name,
        "run_id": folder.name,
        "seed": scenario.seed,
        "days": scenario.days,
        "days_run": days_run,
        "stopped_early": stop_reason,
        "population": n,
        "topic": scenario.news.topic,
        "update": scenario.agents.update,
        "rule": scenario.agents.rule.type,
        "groups": group_rules(scenario),
        "backend": scenario.llm.backend,
        "curve": metrics.curve_summary(days, believers, n),
        "sis_fit": (
            metrics.fit_sis(days, believers, n)
            if not problem
            else metrics.no_fit("not fitted: the run is unreliable (see status_reason)")
        ),
        "llm": llm,
        "runtime_seconds": round(elapsed, 3),
        "agent_days_per_second": round(agent_days / elapsed, 1) if elapsed > 0 else None,
        "versions": versions(),
    }
