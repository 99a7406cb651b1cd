"""Cross-validated evaluation of the forecasters on real cascades (``run.py forecast-eval``).

For each observation window, the cascades are split into ``folds`` folds (a fixed shuffle);
every model is fitted on the other folds exactly as ``--train`` fits it (the shipped
calibration is the same procedure on all the development cascades, so these are the
out-of-the-box figures too) and forecasts the final size of each held-out cascade. Reported
per window and model, as the field reports them:

- ``median_ape``: median absolute percentage error of the final size;
- ``rmse_log``: root mean squared error of ln(1 + count);
- ``msle``: mean squared error of log2(1 + count), the cascade-prediction literature's
  measure (DeepCas, DeepHawkes);
- ``coverage_90``: the share of held-out cascades inside the 90% interval, and
  ``median_width``: the median ratio of the interval's high to its low end.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from simulator.forecast import MODELS
from simulator.forecast.data import Cascade

WINDOWS = {"10m": 600.0, "30m": 1800.0, "1h": 3600.0, "6h": 6 * 3600.0, "24h": 24 * 3600.0}


def folds_of(n: int, folds: int, seed: int = 0) -> list[np.ndarray]:
    """Indices of each fold (a seeded shuffle, so every run splits alike)."""
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(order[i::folds]) for i in range(folds)]


def scores(points: np.ndarray, lows: np.ndarray, highs: np.ndarray, truth: np.ndarray) -> dict:
    """The error figures of forecasts against the truth."""
    ln_error = np.log1p(points) - np.log1p(truth)
    return {
        "median_ape": float(np.median(np.abs(points - truth) / truth)),
        "rmse_log": float(np.sqrt(np.mean(ln_error**2))),
        "msle": float(np.mean((ln_error / np.log(2.0)) ** 2)),
        "coverage_90": float(np.mean((lows <= truth) & (truth <= highs))),
        "median_width": float(np.median((1.0 + highs) / (1.0 + lows))),
    }


def cross_validate(
    cascades: list[Cascade],
    windows: dict[str, float] = WINDOWS,
    models: list[str] | None = None,
    folds: int = 5,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """One row per (window, model) with the error figures; forecasts are out of fold."""
    # runrate forecasts to a horizon only (sustained engagement), not a cascade's final size
    names = models or [name for name in MODELS if name != "runrate"]
    truth = np.array([c.final for c in cascades], float)
    rows = []
    for label, window in windows.items():
        for name in names:
            points, lows, highs = (np.zeros(len(cascades)) for _ in range(3))
            for test in folds_of(len(cascades), folds):
                held = set(test.tolist())
                model = MODELS[name]()
                model.fit([c for i, c in enumerate(cascades) if i not in held], window)
                for i in test:
                    forecast = model.predict(cascades[i].observe(window))
                    points[i], lows[i], highs[i] = forecast.point, forecast.low, forecast.high
            row = {"window": label, "model": name, **scores(points, lows, highs, truth)}
            rows.append({**row, "cascades": len(cascades)})
            if progress:
                progress(
                    f"{label} {name}: median APE {row['median_ape']:.3f}, "
                    f"coverage {row['coverage_90']:.2f}"
                )
    return pd.DataFrame(rows)
