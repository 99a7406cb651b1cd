"""Cross-validated evaluation of the forecasters on real cascades.

For each observation window, the cascades are split into ``folds`` folds (a fixed shuffle);
every model is fitted on the other folds and predicts the final size of each held-out
cascade. Reported per model and window: median absolute percentage error of the final size,
mean and median absolute error of log(1 + count), the share of true sizes inside the 90%
interval, and the same for the naive "count so far".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from simulator.forecast import MODELS
from simulator.forecast.data import Cascade

WINDOWS = {"1h": 3600.0, "6h": 6 * 3600.0, "24h": 24 * 3600.0}


def folds_of(n: int, folds: int, seed: int = 0) -> list[np.ndarray]:
    """Indices of each fold (a seeded shuffle, so every run splits alike)."""
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(order[i::folds]) for i in range(folds)]


def cross_validate(
    cascades: list[Cascade],
    windows: dict[str, float] = WINDOWS,
    models: list[str] | None = None,
    folds: int = 5,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """One row per (window, model) with the error figures; predictions are out of fold."""
    names = models or list(MODELS)
    rows = []
    for label, window in windows.items():
        for name in names:
            predictions = np.zeros(len(cascades))
            inside = np.zeros(len(cascades), bool)
            for test in folds_of(len(cascades), folds):
                train = [c for i, c in enumerate(cascades) if i not in set(test.tolist())]
                model = MODELS[name]()
                model.fit(train, window)
                for i in test:
                    forecast = model.predict(cascades[i].observe(window))
                    predictions[i] = forecast.point
                    inside[i] = forecast.low <= cascades[i].final <= forecast.high
            truth = np.array([c.final for c in cascades], float)
            ape = np.abs(predictions - truth) / truth
            log_error = np.abs(np.log1p(predictions) - np.log1p(truth))
            rows.append(
                {
                    "window": label,
                    "model": name,
                    "median_ape": float(np.median(ape)),
                    "mean_abs_log_error": float(np.mean(log_error)),
                    "median_abs_log_error": float(np.median(log_error)),
                    "interval_coverage": float(np.mean(inside)),
                    "cascades": len(cascades),
                }
            )
            if progress:
                progress(f"{label} {name}: median APE {np.median(ape):.3f}")
    return pd.DataFrame(rows)
