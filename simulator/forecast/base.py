"""The forecaster interface and what every model shares.

A forecaster is fitted on whole training cascades for one observation window and horizon
(``fit``) and then predicts, from one observation, the count at the horizon (``predict``;
``None`` means the final size). Intervals must mean what they say, so every fitted model's
90% interval comes from errors it made on cascades it was not fitted on: the training set is
split into folds, the model is refitted without each fold and predicts it, and the interval's
ends are the split-conformal quantiles of those out-of-fold log errors (``conformal_quantile``:
with few cascades they are the extreme errors, so intervals are wide when the data are few).
An unfitted model falls back to its own spread formula.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.stats import norm

from simulator.forecast.data import Cascade, Observation

LEVEL = 0.90  # the interval's nominal coverage
Z_LEVEL = float(norm.ppf((1.0 + LEVEL) / 2))  # a normal interval's half-width in sds
CROSS_FIT_FOLDS = 5


@dataclass(frozen=True)
class Forecast:
    """A point forecast with a 90% interval (counts); ``note`` says when the point is capped
    or otherwise not what the model alone would say."""

    point: float
    low: float
    high: float
    note: str = ""


class Forecaster(Protocol):
    """Fit on training cascades observed for ``observe`` seconds; predict one observation."""

    name: str

    def fit(self, cascades: list[Cascade], observe: float, horizon: float | None = None) -> None:
        """Learn from whole cascades (calibration, coefficients, intervals)."""
        ...

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        """The count at ``horizon`` seconds (None: the final size)."""
        ...


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """The split-conformal quantile of ``scores``: the ceil((n + 1) level)-th smallest, so
    that a new score falls at or below it with probability at least ``level``; with few
    scores this is the largest one."""
    ordered = np.sort(np.asarray(scores, float))
    rank = min(int(np.ceil((ordered.size + 1) * level)), ordered.size)
    return float(ordered[rank - 1])


def truth_of(cascade: Cascade, horizon: float | None) -> int:
    """The count a forecast for ``horizon`` is judged against."""
    return cascade.final if horizon is None else cascade.count_at(horizon)


def out_of_fold_points(
    make: Callable[[], Forecaster],
    cascades: list[Cascade],
    observe: float,
    horizon: float | None,
    folds: int = CROSS_FIT_FOLDS,
) -> np.ndarray:
    """Each cascade's point forecast by a model fitted without its fold (a seeded split)."""
    points = np.zeros(len(cascades))
    order = np.random.default_rng(0).permutation(len(cascades))
    for fold in range(min(folds, len(cascades))):
        held = np.sort(order[fold::folds])
        inner = [c for i, c in enumerate(cascades) if i not in set(held.tolist())]
        if not inner:
            continue
        model = make()
        model.fit(inner, observe, horizon, intervals=False)
        for i in held:
            points[i] = model.predict(cascades[i].observe(observe), horizon).point
    return points


class ResidualIntervals:
    """Mixin: 90% intervals from the conformal quantiles of out-of-fold log errors."""

    log_errors: tuple[float, float] | None = None
    learned: tuple[str, ...] = ()  # what else the model learns, for its saved state

    def state(self) -> dict:
        """What ``fit`` learned, as JSON-ready data (the shipped calibration)."""
        out = {"log_errors": None if self.log_errors is None else list(self.log_errors)}
        for name in self.learned:
            value = getattr(self, name)
            out[name] = value.tolist() if isinstance(value, np.ndarray) else value
        return out

    def load_state(self, state: dict) -> None:
        """Take back what ``state`` saved."""
        errors = state["log_errors"]
        self.log_errors = None if errors is None else (float(errors[0]), float(errors[1]))
        for name in self.learned:
            value = state[name]
            setattr(self, name, np.asarray(value, float) if isinstance(value, list) else value)

    def _fit_intervals(self, points: np.ndarray, truths: list[int]) -> None:
        ratios = np.log1p(np.asarray(truths, float)) - np.log1p(np.asarray(points, float))
        tail = (1.0 + LEVEL) / 2  # each end holds 5% out
        self.log_errors = (-conformal_quantile(-ratios, tail), conformal_quantile(ratios, tail))

    def _interval(
        self, point: float, floor: float, spread: tuple[float, float], note: str = ""
    ) -> Forecast:
        low, high = self.log_errors if self.log_errors is not None else spread
        return Forecast(
            point,
            max(float(floor), float(np.expm1(np.log1p(point) + low))),
            max(float(floor), float(np.expm1(np.log1p(point) + high))),
            note,
        )


class NaiveForecaster(ResidualIntervals):
    """The count so far: the baseline every model must beat."""

    name = "naive"

    def fit(
        self,
        cascades: list[Cascade],
        observe: float,
        horizon: float | None = None,
        intervals: bool = True,
    ) -> None:
        # Nothing is learned, so the training errors are out-of-sample errors already.
        truths = [truth_of(c, horizon) for c in cascades]
        self._fit_intervals(np.array([c.count_at(observe) for c in cascades], float), truths)

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        count = observation.count
        return self._interval(float(count), count, (0.0, 0.0))
