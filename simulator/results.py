"""Reading results folders back and (re)drawing their plots from the saved files only.

Four kinds of folder, told apart by the table each writes: a run (``daily.csv``), replicates
(``replicates.csv`` beside ``seed-S/`` runs), a comparison (``comparison.csv``) and a sweep
(``sweep.csv``). Runs, replicates, ``compare`` and ``sweep`` draw their figures through the
functions here after writing their files, so ``python run.py plot FOLDER`` redraws exactly
what they drew. Anything missing or malformed becomes a one-line UserError.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from agents.persona import TRAITS
from simulator import metrics
from simulator.errors import ScenarioError, UserError
from simulator.yaml_reader import read_yaml

SUMMARY_KEYS = ("scenario", "population", "seed", "topic", "sis_fit")


def folder_kind(folder: Path) -> str:
    """``run``, ``replicates``, ``comparison`` or ``sweep``."""
    for kind, table in (
        ("comparison", "comparison.csv"),
        ("sweep", "sweep.csv"),
        ("replicates", "replicates.csv"),
    ):
        if (folder / table).is_file():
            return kind
    return "run"


def draw_plots(folder: Path) -> list[Path]:
    """Redraw the plots of any results folder; returns the files written."""
    if not folder.is_dir():
        raise UserError(f"results folder not found: {str(folder)!r}")
    kind = folder_kind(folder)
    if kind == "run":
        return draw_run_plots(folder)
    if kind == "replicates":
        draw_replicate_plots(folder)
        return [folder / "attitude_curves.png"]
    if kind == "comparison":
        return draw_comparison_plots(folder)
    return draw_sweep_plots(folder)


def draw_run_plots(folder: Path) -> list[Path]:
    """(Re)draw a run's plots from its saved files; returns the files written."""
    from simulator import plots  # matplotlib and scipy.stats load only when drawing

    summary, daily, agents = read_run(folder)
    written = [folder / "attitude_curves.png"]
    plots.attitude_curves(daily, summary, written[0])
    if agents is not None:
        written.append(folder / "belief_breakdown.png")
        plots.belief_breakdown(agents, summary, written[-1])
    timeline = folder / "engagement_timeline.csv"
    if timeline.is_file():
        frame = _read_csv(timeline)
        if {"hour", "likes", "shares", "comments", "engagement"} <= set(frame.columns):
            written.append(folder / "engagement.png")
            plots.engagement_curves(frame, summary, written[-1])
    return written


def draw_replicate_plots(folder: Path) -> pd.DataFrame:
    """Mean S/I/R over the replicates with a 95% band (``attitude_curves.png``); returns the
    band table."""
    from simulator import plots

    summary = read_summary(folder, ("scenario", "population", "seeds"), "replicates")
    dailies = [read_daily(folder / f"seed-{s}") for s in summary["seeds"]]
    return plots.replicate_curves(
        dailies, summary["scenario"], int(summary["population"]), folder / "attitude_curves.png"
    )


def draw_comparison_plots(folder: Path) -> list[Path]:
    """Each arm's believer curve (``comparison.png``) and cost against effect
    (``cost_effect.png``) from ``comparison.csv`` and the arms' runs."""
    from simulator import plots

    summary = read_summary(folder, ("name", "reference", "seeds"), "comparison")
    table = _read_csv(folder / "comparison.csv")
    base = _resolved(folder / "comparison.resolved.yaml")["base_resolved"]
    curves = {
        arm: [read_daily(folder / arm / f"seed-{s}") for s in summary["seeds"]]
        for arm in table["arm"]
    }
    written = [folder / "comparison.png", folder / "cost_effect.png"]
    plots.arm_curves(curves, int(base["population"]["size"]), summary["name"], written[0])
    plots.cost_effect(table, summary["reference"], summary["name"], written[1])
    return written


def draw_sweep_plots(folder: Path) -> list[Path]:
    """Effect and cost over the grid (``sweep.png``) from ``sweep.csv``."""
    from simulator import plots

    summary = read_summary(folder, ("name", "grid", "no_intervention_auc"), "sweep")
    table = _read_csv(folder / "sweep.csv")
    spec = _resolved(folder / "sweep.resolved.yaml")
    keys = list(summary["grid"])
    written = folder / "sweep.png"
    intervention = spec.get("intervention", {}).get("type", "?")
    plots.sweep_maps(table, keys, intervention, float(summary["no_intervention_auc"]), written)
    return [written]


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
    return _checked_daily(_read_csv(folder / "daily.csv", missing_file), folder)


def _checked_daily(daily: pd.DataFrame, folder: Path) -> pd.DataFrame:
    missing = [c for c in metrics.DAILY_COLUMNS if c not in daily.columns]
    if missing or daily.empty:
        raise UserError(
            f"{folder}/daily.csv: missing column(s) {', '.join(missing) or '(no rows)'}"
        )
    numeric = daily[list(metrics.DAILY_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    if numeric.isna().any().any():
        raise UserError(f"{folder}/daily.csv: non-numeric values")
    return numeric


def read_run(folder: Path) -> tuple[dict, pd.DataFrame, pd.DataFrame | None]:
    """A run's summary.json, daily.csv and (if there) agents.csv, checked for what the plots
    need."""
    summary, daily = read_summary(folder), read_daily(folder)
    for name in ("agents.csv", "agents.csv.gz"):
        if (folder / name).is_file():
            columns = ["day", "belief", "education", *TRAITS]
            try:
                return summary, daily, pd.read_csv(folder / name, usecols=columns)
            except (ValueError, OSError) as exc:
                raise UserError(f"{folder}: cannot read run files ({_first_line(exc)})") from None
    return summary, daily, None


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
