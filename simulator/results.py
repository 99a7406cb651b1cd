"""Reading results folders back: the one reader that plots and reports go through.

Every folder a command writes says what it is in ``manifest.json`` (``kind``: ``run``,
``replicates``, ``comparison`` or ``sweep``; the runs it holds; the command that reproduces
it). Folders written before manifests existed are told apart by the table each writes.
``open_results`` returns the folder's files read and checked; anything missing or malformed
becomes a one-line UserError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from agents.persona import TRAITS
from simulator import metrics
from simulator.errors import ScenarioError, UserError
from simulator.outputs import MANIFEST
from simulator.yaml_reader import read_yaml

SUMMARY_KEYS = ("scenario", "population", "seed", "topic", "sis_fit")
KINDS = ("run", "replicates", "comparison", "sweep", "search")


@dataclass
class RunResults:
    """A run's files. ``agents`` holds the last day's rows (the persona breakdown), or None
    when the run wrote no agent table."""

    folder: Path
    manifest: dict[str, Any]
    summary: dict[str, Any]
    daily: pd.DataFrame
    scenario: dict[str, Any]
    agents: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None  # engagement_timeline.csv
    interventions: pd.DataFrame | None = None  # interventions.csv


@dataclass
class ReplicateResults:
    folder: Path
    manifest: dict[str, Any]
    summary: dict[str, Any]
    table: pd.DataFrame  # replicates.csv: one row per seed
    dailies: dict[int, pd.DataFrame]  # seed -> daily.csv
    scenario: dict[str, Any]


@dataclass
class ComparisonResults:
    folder: Path
    manifest: dict[str, Any]
    summary: dict[str, Any]
    table: pd.DataFrame  # comparison.csv: one row per arm
    curves: dict[str, list[pd.DataFrame]]  # arm -> daily.csv per seed, in seed order
    spec: dict[str, Any]  # comparison.resolved.yaml
    population: int


@dataclass
class SweepResults:
    folder: Path
    manifest: dict[str, Any]
    summary: dict[str, Any]
    table: pd.DataFrame  # sweep.csv: one row per grid cell
    keys: list[str]  # the grid's parameters
    spec: dict[str, Any]  # sweep.resolved.yaml

    @property
    def intervention(self) -> str:
        return str(self.spec.get("intervention", {}).get("type", "?"))


@dataclass
class SearchResults:
    folder: Path
    manifest: dict[str, Any]
    summary: dict[str, Any]
    trials: pd.DataFrame  # trials.csv: every candidate
    front: pd.DataFrame  # pareto.csv: the front re-run with intervals
    arms: pd.DataFrame | None  # arms.csv: a compare spec's arms on the same seeds


Results = RunResults | ReplicateResults | ComparisonResults | SweepResults | SearchResults


def folder_kind(folder: Path) -> str:
    """``run``, ``replicates``, ``comparison`` or ``sweep``: the manifest's word, else (a
    folder from before manifests) the table the folder holds."""
    manifest = read_manifest(folder)
    if manifest:
        return manifest["kind"]
    for kind, table in (
        ("comparison", "comparison.csv"),
        ("sweep", "sweep.csv"),
        ("replicates", "replicates.csv"),
    ):
        if (folder / table).is_file():
            return kind
    return "run"


def read_manifest(folder: Path) -> dict[str, Any]:
    """``manifest.json`` checked, or {} when the folder has none."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise UserError(f"{path}: cannot read the manifest ({_first_line(exc)})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") not in KINDS:
        raise UserError(f"{path}: not a results manifest (kind must be one of {', '.join(KINDS)})")
    return manifest


def open_results(folder: Path) -> Results:
    """Any results folder, read and checked."""
    if not folder.is_dir():
        raise UserError(f"results folder not found: {str(folder)!r}")
    kind = folder_kind(folder)
    manifest = read_manifest(folder) or {"kind": kind}
    if kind == "run":
        return read_run_results(folder, manifest)
    if kind == "replicates":
        summary = read_summary(folder, ("scenario", "population", "seeds"), "replicates")
        return ReplicateResults(
            folder,
            manifest,
            summary,
            _read_csv(folder / "replicates.csv"),
            {s: read_daily(folder / f"seed-{s}") for s in summary["seeds"]},
            _resolved(folder / "scenario.resolved.yaml"),
        )
    if kind == "comparison":
        summary = read_summary(folder, ("name", "reference", "seeds"), "comparison")
        table = _read_csv(folder / "comparison.csv")
        spec = _resolved(folder / "comparison.resolved.yaml")
        curves = {
            arm: [read_daily(folder / arm / f"seed-{s}") for s in summary["seeds"]]
            for arm in table["arm"]
        }
        population = int(spec["base_resolved"]["population"]["size"])
        return ComparisonResults(folder, manifest, summary, table, curves, spec, population)
    if kind == "search":
        summary = read_summary(folder, ("name", "objective", "seeds", "final_seeds"), "search")
        arms = folder / "arms.csv"
        return SearchResults(
            folder,
            manifest,
            summary,
            _read_csv(folder / "trials.csv"),
            _read_csv(folder / "pareto.csv"),
            _read_csv(arms) if arms.is_file() else None,
        )
    summary = read_summary(folder, ("name", "grid", "no_intervention_auc"), "sweep")
    return SweepResults(
        folder,
        manifest,
        summary,
        _read_csv(folder / "sweep.csv"),
        list(summary["grid"]),
        _resolved(folder / "sweep.resolved.yaml"),
    )


def read_run_results(folder: Path, manifest: dict[str, Any] | None = None) -> RunResults:
    """A run's summary, daily table, resolved scenario and, where written, the last day of its
    agent table, its engagement timeline and its interventions log."""
    summary, daily = read_summary(folder), read_daily(folder)
    scenario_file = folder / "scenario.resolved.yaml"
    scenario = _resolved(scenario_file) if scenario_file.is_file() else {}
    results = RunResults(folder, manifest or {"kind": "run"}, summary, daily, scenario)
    results.agents = _last_day_of_agents(folder)
    timeline = folder / "engagement_timeline.csv"
    if timeline.is_file():
        frame = _read_csv(timeline)
        if {"hour", "likes", "shares", "comments", "engagement"} <= set(frame.columns):
            results.timeline = frame
    log = folder / "interventions.csv"
    if log.is_file():
        results.interventions = _read_csv(log)
    return results


def _last_day_of_agents(folder: Path) -> pd.DataFrame | None:
    columns = ["day", "belief", "education", *TRAITS]
    days = sorted((folder / "agents.parquet").glob("day-*.parquet"))
    if days:
        try:
            return pd.read_parquet(days[-1], columns=columns)
        except (ImportError, ValueError, OSError) as exc:
            raise UserError(f"{folder}: cannot read run files ({_first_line(exc)})") from None
    for name in ("agents.csv", "agents.csv.gz"):
        if (folder / name).is_file():
            try:
                # in chunks: a big run's table need not fit in memory to find its last day
                last: pd.DataFrame | None = None
                for chunk in pd.read_csv(folder / name, usecols=columns, chunksize=500_000):
                    day = chunk["day"].max()
                    tail = chunk[chunk["day"] == day]
                    if last is None or day > last["day"].iloc[0]:
                        last = tail
                    elif day == last["day"].iloc[0]:
                        last = pd.concat([last, tail], ignore_index=True)
                return last
            except (ValueError, OSError) as exc:
                raise UserError(f"{folder}: cannot read run files ({_first_line(exc)})") from None
    return None


def read_summary(
    folder: Path, needed: tuple[str, ...] = SUMMARY_KEYS, kind: str = "run"
) -> dict[str, Any]:
    """``summary.json`` of a ``kind`` results folder, checked for the keys a reader needs."""
    path = folder / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(
            f"{folder}: not a finished {kind} folder (summary.json is missing)"
        ) from None
    except (ValueError, OSError) as exc:  # UnicodeDecodeError is a ValueError
        raise UserError(f"{folder}: cannot read run files ({_first_line(exc)})") from None
    if not isinstance(summary, dict) or any(k not in summary for k in needed):
        raise UserError(f"{path}: not a {kind} summary (needs {', '.join(needed)})")
    return summary


def read_daily(folder: Path) -> pd.DataFrame:
    """A run's ``daily.csv``, checked to hold every daily column as numbers."""
    missing_file = f"{folder}: not a finished run folder (daily.csv is missing)"
    daily = _read_csv(folder / "daily.csv", missing_file)
    missing = [c for c in metrics.DAILY_COLUMNS if c not in daily.columns]
    if missing or daily.empty:
        raise UserError(
            f"{folder}/daily.csv: missing column(s) {', '.join(missing) or '(no rows)'}"
        )
    numeric = daily[list(metrics.DAILY_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    if numeric.isna().any().any():
        raise UserError(f"{folder}/daily.csv: non-numeric values")
    return numeric


def _read_csv(path: Path, missing: str | None = None) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise UserError(missing or f"{path.parent}: {path.name} is missing") from None
    except (ValueError, OSError) as exc:
        raise UserError(
            f"{path.parent}: cannot read run files ({path.name}: {_first_line(exc)})"
        ) from None


def _resolved(path: Path) -> dict[str, Any]:
    try:
        document = read_yaml(path, path.name)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    if not isinstance(document, dict):
        raise UserError(f"{path}: not a resolved spec")
    return document


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
