"""The forecaster interface and what every model shares.

A forecaster is fitted on whole training cascades for one observation window and horizon
(``fit``) and then predicts, from one observation, the count at the horizon (``predict``;
``None`` means the final size). Intervals must mean what they say, so every fitted model's
90% interval comes from errors it made on cascades it was not fitted on: the training set is
split into folds, the model is refitted without each fold and predicts it, and the interval's
ends are the split-conformal quantiles of those out-of-fold log errors (``conformal_quantile``:
with few cascades they are the extreme errors, so intervals are wide when the data are few).
An unfitted model falls back to its own spread formula.

The same out-of-fold forecasts set the point. Forecasts are judged by their absolute
percentage error |point - truth| / truth, and the point that minimises its expectation is not
the median of the forecast distribution but a lower one (Gneiting, "Making and evaluating
point forecasts", JASA 2011: the median of the distribution reweighted by 1 / truth; for a
log-normal exp(mu - sigma^2)). Out-of-fold errors are skewed (at a 1 h window a cascade
ends far above its forecast more often than far below), so a model that opts in
(``matches_measure``) scales its point by the factor that minimised the mean APE of its
out-of-fold forecasts (``ape_optimal_factor``); its interval, in counts, is unchanged. They
also choose what a calibrated model fits: the growth after the window or the size
(``target_values``).
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


# fewer out-of-fold forecasts say too little to learn from: factor 1, and the first target
MIN_OUT_OF_FOLD = 10


def ape_optimal_factor(points: np.ndarray, truths: np.ndarray) -> float:
    """The factor a minimising sum |a p_i - y_i| / y_i = sum (p_i / y_i) |a - y_i / p_i|: the
    weighted median of the ratios y_i / p_i with weights p_i / y_i (exact, no search)."""
    points, truths = np.asarray(points, float), np.asarray(truths, float)
    keep = (points > 0) & (truths > 0)
    if keep.sum() < MIN_OUT_OF_FOLD:
        return 1.0
    ratios, weights = truths[keep] / points[keep], points[keep] / truths[keep]
    return float(np.quantile(ratios, 0.5, weights=weights, method="inverted_cdf"))


TARGETS = ("growth", "size")  # what a calibrated model learns, in log(1 + .)


def target_values(target: str, truths: list[int], counts: list[int]) -> np.ndarray:
    """What a calibrated model fits: log(1 + growth after the window), truth - count, or
    log(1 + size). The growth puts the fit where the uncertainty is and no forecast below the
    count so far; where little growth is left (late windows) the size can fit better, so each
    model picks by its out-of-fold errors (``CrossFitted._cross_fit``)."""
    truth = np.asarray(truths, float)
    return np.log1p(truth - np.asarray(counts, float) if target == "growth" else truth)


def size_from(target: str, count: int, value: float) -> float:
    """The forecast size from a fitted ``target_values`` value, never below the count."""
    if target == "growth":
        return float(count) + max(float(np.expm1(value)), 0.0)
    return max(float(np.expm1(value)), float(count))


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


class CrossFitted:
    """Mixin: what a model learns from its own out-of-fold forecasts of the training
    cascades: the target it fits (calibrated models), the point factor for the APE measure
    (where it ``matches_measure``) and the 90% interval from the conformal quantiles of the
    out-of-fold log errors; and the saved state of all it learned."""

    log_errors: tuple[float, float] | None = None
    point_factor: float = 1.0
    matches_measure = True  # False: the point is what it says (the count so far)
    learned: tuple[str, ...] = ()  # what else the model learns, for its saved state

    def state(self) -> dict:
        """What ``fit`` learned, as JSON-ready data (the shipped calibration)."""
        out = {
            "log_errors": None if self.log_errors is None else list(self.log_errors),
            "point_factor": self.point_factor,
        }
        for name in self.learned:
            value = getattr(self, name)
            out[name] = value.tolist() if isinstance(value, np.ndarray) else value
        return out

    def load_state(self, state: dict) -> None:
        """Take back what ``state`` saved."""
        errors = state["log_errors"]
        self.log_errors = None if errors is None else (float(errors[0]), float(errors[1]))
        self.point_factor = float(state["point_factor"])
        for name in self.learned:
            value = state[name]
            setattr(self, name, np.asarray(value, float) if isinstance(value, list) else value)

    def _cross_fit(
        self,
        make: Callable[[str], Forecaster],
        cascades: list[Cascade],
        observe: float,
        horizon: float | None,
        targets: tuple[str, ...] = TARGETS,
    ) -> None:
        """Out-of-fold forecasts by ``make(target)`` for each of ``targets``; the target whose
        forecasts (scaled by their own point factor) had the lower mean APE is kept as
        ``self.target`` (what the calibrated model fits: ``target_values``), and its forecasts
        set the point factor and the interval."""
        truths = [truth_of(c, horizon) for c in cascades]
        counts = [c.count_at(observe) for c in cascades]
        if len(cascades) < MIN_OUT_OF_FOLD:
            targets = targets[:1]
        best = None
        for target in targets:
            points = out_of_fold_points(lambda t=target: make(t), cascades, observe, horizon)
            factor = ape_optimal_factor(points, truths) if self.matches_measure else 1.0
            scaled = np.maximum(points * factor, counts)
            ape = float(np.mean(np.abs(scaled - truths) / np.maximum(truths, 1)))
            if best is None or ape < best[0]:
                best = (ape, target, factor, scaled)
        _, self.target, self.point_factor, scaled = best
        self._fit_errors(scaled, truths)

    def _fit_errors(self, points: np.ndarray, truths: list[int]) -> None:
        """The interval's log-error ends from (scaled) out-of-fold ``points``."""
        ratios = np.log1p(np.asarray(truths, float)) - np.log1p(np.asarray(points, float))
        tail = (1.0 + LEVEL) / 2  # each end holds 5% out
        self.log_errors = (-conformal_quantile(-ratios, tail), conformal_quantile(ratios, tail))

    def _interval(
        self, point: float, floor: float, spread: tuple[float, float], note: str = ""
    ) -> Forecast:
        """The forecast around the model's ``point`` (scaled by the point factor), never
        below ``floor`` (the count so far)."""
        point = max(point * self.point_factor, float(floor))
        low, high = self.log_errors if self.log_errors is not None else spread
        return Forecast(
            point,
            max(float(floor), float(np.expm1(np.log1p(point) + low))),
            max(float(floor), float(np.expm1(np.log1p(point) + high))),
            note,
        )


class NaiveForecaster(CrossFitted):
    """The count so far: the baseline every model must beat."""

    name = "naive"
    matches_measure = False

    def fit(
        self,
        cascades: list[Cascade],
        observe: float,
        horizon: float | None = None,
        intervals: bool = True,
    ) -> None:
        # Nothing is learned, so the training errors are out-of-sample errors already.
        truths = [truth_of(c, horizon) for c in cascades]
        self._fit_errors(np.array([c.count_at(observe) for c in cascades], float), truths)

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        count = observation.count
        return self._interval(float(count), count, (0.0, 0.0))
