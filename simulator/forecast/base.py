"""The forecaster interface and what every model shares.

A forecaster is fitted on whole training cascades for one observation window (``fit``) and
then predicts, from one observation, the count at a horizon (``predict``; ``None`` means the
final size). Every model's interval comes the same way: from the spread of its own errors on
the training cascades (the 5th and 95th percentiles of log(true / predicted)), so intervals
are honest about how the model has actually done; an unfitted model falls back to its own
spread formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from simulator.forecast.data import Cascade, Observation

INTERVAL = (5.0, 95.0)  # percentiles: a 90% interval


@dataclass(frozen=True)
class Forecast:
    """A point forecast with a 90% interval (counts)."""

    point: float
    low: float
    high: float


class Forecaster(Protocol):
    """Fit on training cascades observed for ``observe`` seconds; predict one observation."""

    name: str

    def fit(self, cascades: list[Cascade], observe: float) -> None:
        """Learn from whole cascades (calibration, coefficients)."""
        ...

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        """The count at ``horizon`` seconds (None: the final size)."""
        ...


class ResidualIntervals:
    """Mixin: intervals from the model's log errors on its training cascades."""

    log_errors: tuple[float, float] | None = None

    def _fit_intervals(self, points: list[float], truths: list[float]) -> None:
        ratios = np.log1p(np.asarray(truths)) - np.log1p(np.asarray(points))
        low, high = np.percentile(ratios, INTERVAL)
        self.log_errors = (float(low), float(high))

    def _interval(self, point: float, floor: float, spread: tuple[float, float]) -> Forecast:
        low, high = self.log_errors if self.log_errors is not None else spread
        return Forecast(
            point,
            max(float(floor), float(np.expm1(np.log1p(point) + low))),
            max(float(floor), float(np.expm1(np.log1p(point) + high))),
        )


class NaiveForecaster(ResidualIntervals):
    """The count so far: the baseline every model must beat."""

    name = "naive"

    def fit(self, cascades: list[Cascade], observe: float) -> None:
        truths = [c.final for c in cascades]
        self._fit_intervals([c.count_at(observe) for c in cascades], truths)

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        count = observation.count
        return self._interval(float(count), count, (0.0, 0.0))
