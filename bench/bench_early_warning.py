"""The early warning on the simulator's own engagement, over many seeds: which forecaster
does best at predicting a run's total engagement from its first days.

Runs a scenario (default the baseline) for seeds 1..N through ``run_scenario``, reads each
run's likes, shares and comments back from engagement.csv, and forecasts the total by the last
day from the first ``observe_days`` days with every model that needs no training on the
simulator (naive, seismic_raw, statespace with the shipped calibration), as the early warning
does. Prints, per model, the median absolute percentage error, the median ratio of forecast
to truth, and the share of runs inside the 90% interval; record them in docs/FORECAST.md.

    python bench/bench_early_warning.py [--scenario scenarios/baseline.yaml] [--seeds 20]
                                        [--size N] [--observe-days 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.config import load_scenario  # noqa: E402
from simulator.engagement import hourly_observation  # noqa: E402
from simulator.forecast import RawSeismicForecaster  # noqa: E402
from simulator.forecast.base import NaiveForecaster  # noqa: E402
from simulator.forecast.calibration import early_warning_model, shipped_model  # noqa: E402
from simulator.forecast.runrate import RunRateForecaster  # noqa: E402
from simulator.runner import run_scenario  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--size", type=int, help="population size (default: the scenario's)")
    parser.add_argument("--observe-days", type=int, default=3)
    args = parser.parse_args()
    base = load_scenario(args.scenario)
    if args.size:
        population = base.population.model_copy(
            update={"size": args.size, "initial_believers": max(2, args.size // 15)}
        )
        base = base.model_copy(update={"population": population})
    models = {
        "naive": NaiveForecaster(),
        "seismic_raw": RawSeismicForecaster(),
        "statespace": shipped_model("statespace", 3600.0, None, followers=False),
        "runrate": RunRateForecaster(),
        "early warning": early_warning_model(),
    }
    rows = []
    with tempfile.TemporaryDirectory() as out:
        for seed in range(1, args.seeds + 1):
            scenario = base.model_copy(update={"seed": seed})
            result = run_scenario(scenario, Path(out) / f"seed-{seed}", progress=False)
            hours = pd.read_csv(result.folder / "engagement.csv")["hour"].to_numpy(float)
            truth = hours.size
            observed = hourly_observation(hours, 24.0 * args.observe_days)
            horizon = 24.0 * scenario.days * 3600.0
            for name, model in models.items():
                f = model.predict(observed, horizon=horizon)
                rows.append(
                    {
                        "seed": seed,
                        "model": name,
                        "seen": observed.count,
                        "truth": truth,
                        "forecast": f.point,
                        "inside": f.low <= truth <= f.high,
                    }
                )
    table = pd.DataFrame(rows)
    table["ape"] = (table["forecast"] - table["truth"]).abs() / table["truth"]
    table["ratio"] = table["forecast"] / table["truth"]
    summary = table.groupby("model", sort=False).agg(
        median_ape=("ape", "median"),
        median_ratio=("ratio", "median"),
        coverage_90=("inside", "mean"),
        median_seen=("seen", "median"),
        median_truth=("truth", "median"),
    )
    print(
        f"{args.scenario.name}, {base.population.size} agents, {args.seeds} seeds, "
        f"first {args.observe_days} days of {base.days}"
    )
    print(summary.round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
