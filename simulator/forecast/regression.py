"""Szabo-Huberman, generalised: the log of the growth after the window, log(1 + final - count)
(or of the final size, whichever forecast held-out training folds better), is linear in the
logs of the counts at several checkpoints within the observation window (T/8, T/4, T/2, T),
pooled over training cascades (ordinary least squares with a small ridge). Irregular
snapshots are interpolated to the checkpoints (linearly in time between snapshots)."""

from __future__ import annotations

import numpy as np

from simulator.forecast.base import (
    CrossFitted,
    Forecast,
    size_from,
    target_values,
    truth_of,
)
from simulator.forecast.data import Cascade, Observation

FRACTIONS = (0.125, 0.25, 0.5, 1.0)


def checkpoint_counts(obs: Observation) -> np.ndarray:
    """Counts at the checkpoints, interpolated from the observed (or imputed) events."""
    points = np.array(FRACTIONS) * obs.until
    return np.searchsorted(obs.times, points, side="right").astype(float)


class LogLinearForecaster(CrossFitted):
    """Pooled log-linear regression on checkpoint counts (needs ``fit``)."""

    name = "regression"
    learned = ("coef", "horizon", "target")

    def __init__(self, ridge: float = 1e-3, target: str = "growth"):
        self.ridge = ridge
        self.target = target
        self.coef: np.ndarray | None = None
        self.horizon: float | None = None

    @staticmethod
    def _features(obs: Observation) -> np.ndarray:
        return np.concatenate([[1.0], np.log1p(checkpoint_counts(obs))])

    def fit(
        self,
        cascades: list[Cascade],
        observe: float,
        horizon: float | None = None,
        intervals: bool = True,
    ) -> None:
        """Fit the log growth by ``horizon`` (or to the final size), or the log size, on the
        checkpoint counts; with ``intervals``, the target, point factor and interval from
        out-of-fold forecasts first (simulator.forecast.base)."""
        if intervals:
            self._cross_fit(
                lambda target: LogLinearForecaster(self.ridge, target), cascades, observe, horizon
            )
        observed = [c.observe(observe) for c in cascades]
        x = np.array([self._features(o) for o in observed])
        truths = [truth_of(c, horizon) for c in cascades]
        y = target_values(self.target, truths, [o.count for o in observed])
        penalty = self.ridge * np.eye(x.shape[1])
        penalty[0, 0] = 0.0
        self.coef = np.linalg.solve(x.T @ x + penalty, x.T @ y)
        self.horizon = horizon

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        if self.coef is None:
            raise ValueError("regression needs training cascades (fit) before predicting")
        if horizon != self.horizon:
            raise ValueError("regression was fitted for another horizon; fit it again")
        count = observation.count
        point = size_from(self.target, count, self._features(observation) @ self.coef)
        return self._interval(point, count, (0.0, 0.0))
