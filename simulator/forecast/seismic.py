"""SEISMIC (Zhao, Erdogdu, He, Rajaraman, Leskovec, KDD 2015), written here from the paper.

Each reshare i of a post, at time t_i by an author with n_i followers, exposes the post to
those followers with a memory kernel phi (constant c for the first s0 seconds, then a power law
c (s/s0)^-(1+theta)). The infectiousness at time t is estimated as the reshares so far over
the effective exposure so far,

    p_t = (recent reshares) / (recent effective exposure),

both weighted by a triangular window reaching back w = t/2 seconds (kept within 5 minutes
and 2 hours, and long enough to hold 5 reshares), so that p_t is the current infectiousness,
not the average since the start; Phi(x) is the integral of phi from 0 to x. The final size is

the reshares so far plus the expected offspring of the exposure still to come, each growing
into a branching tree with mean offspring p_t n*:

    R_inf = R_t + alpha p_t (N_t - N_t^e) / (1 - p_t n*)   (infinite when p_t n* >= 1)

with N_t = sum n_i and N_t^e = sum n_i Phi(t - t_i) (``alpha`` = 1 uncalibrated).

Per-window calibration (``fit``, on training cascades observed for the same window): a median
(least absolute deviation) regression of log(1 + final - R_t), the growth still to come, on
log(1 + R_t) and log(1 + future / R_t), where future is the uncalibrated term above (the
uncalibrated model is the special case (0, 1, 1), up to the 1 + in the logs), or of
log(1 + final) where that forecast held-out training folds better (late windows, where little
growth is left; docs/FORECAST.md). Least absolute deviations because the error judged is a
median; solved exactly as a linear programme (scipy's HiGHS). With few training cascades the
fit leans on the sizes it was trained on.

The kernel constants are the paper's (s0 = 300 s, theta = 0.242, c = 6.49e-4 per second,
which integrates to 1). Without follower counts every author counts as one follower, and the
model is a power-law Hawkes process.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from simulator.forecast.base import (
    TARGETS,
    CrossFitted,
    Forecast,
    size_from,
    target_values,
    truth_of,
)
from simulator.forecast.data import Cascade, Observation

S0, THETA, C = 300.0, 0.242, 6.49e-4


def kernel_integral(x: np.ndarray) -> np.ndarray:
    """Phi(x): the share of a post's total exposure that has happened x seconds after a
    reshare."""
    x = np.maximum(np.asarray(x, float), 0.0)
    early = C * x
    late = C * S0 + C * S0 / THETA * (1.0 - (np.maximum(x, S0) / S0) ** (-THETA))
    return np.where(x <= S0, early, late)


def _moment(x: np.ndarray) -> np.ndarray:
    """Integral of u * phi(u) from 0 to x."""
    x = np.maximum(np.asarray(x, float), 0.0)
    early = C * x**2 / 2
    late = C * S0**2 / 2 + C * S0 ** (1 + THETA) * (
        np.maximum(x, S0) ** (1 - THETA) - S0 ** (1 - THETA)
    ) / (1 - THETA)
    return np.where(x <= S0, early, late)


def windowed_exposure(ages: np.ndarray, window: float) -> np.ndarray:
    """For reshares ``ages`` seconds old: exposure within the last ``window`` seconds, weighted
    by a triangle falling from 1 now to 0 at ``window`` ago."""
    lower = np.maximum(ages - window, 0.0)
    plain = kernel_integral(ages) - kernel_integral(lower)
    moment = _moment(ages) - _moment(lower)
    return (1.0 - ages / window) * plain + moment / window


MIN_WINDOW, MAX_WINDOW, MIN_SHARES = 300.0, 7200.0, 5
SUPERCRITICAL = 0.01  # 1 - p n* at or below this: the fitted branching never dies out


class SeismicForecaster(CrossFitted):
    """Self-exciting estimator with a power-law memory kernel and follower-weighted intensity."""

    name = "seismic"
    learned = ("coef", "horizon", "count_range", "target")

    def __init__(
        self,
        n_star: float = 100.0,
        calibrate: bool = True,
        window_fraction: float = 0.5,
        target: str = "growth",
    ):
        self.n_star = n_star
        self.window_fraction = window_fraction
        self.calibrate = calibrate
        self.target = target
        self.coef: np.ndarray | None = None
        self.horizon: float | None = None
        self.count_range: list[int] | None = None  # training counts at the window

    def parts(self, obs: Observation, horizon: float | None = None) -> tuple[float, float, float]:
        """(reshares so far, infectiousness p_t, exposure still to come: N_t - N_t^e, or by
        ``horizon`` only the part of it that falls before then)."""
        t = obs.until
        times = np.concatenate([[0.0], obs.times])  # the original post exposes too
        if obs.followers is not None and obs.root_followers is not None:
            followers = np.concatenate([[obs.root_followers], obs.followers])
        else:
            followers = np.ones(times.size)
        followers = np.maximum(followers, 1.0)
        ages = t - times
        exposed = float(np.sum(followers * kernel_integral(ages)))
        total = float(np.sum(followers))
        window = min(max(t * self.window_fraction, MIN_WINDOW), MAX_WINDOW)
        shares = obs.times
        if shares.size and np.sum(shares >= t - window) < MIN_SHARES:
            window = max(window, t - shares[max(shares.size - MIN_SHARES, 0)])
        recent = shares[shares >= t - window]
        weighted_shares = float(np.sum(1.0 - (t - recent) / window))
        weighted_exposure = float(np.sum(followers * windowed_exposure(ages, window)))
        p = weighted_shares / weighted_exposure if weighted_exposure > 0 else 0.0
        if horizon is None:
            return float(obs.count), p, total - exposed
        by_horizon = float(np.sum(followers * kernel_integral(horizon - times)))
        return float(obs.count), p, by_horizon - exposed

    def _n_star(self, obs: Observation) -> float:
        return self.n_star if obs.followers is not None else 1.0

    def _future(self, obs: Observation, horizon: float | None = None) -> tuple[float, str]:
        """The expected reshares still to come (uncalibrated) and a note when the estimate is
        capped. By a horizon, the exposure still to come is cut at the horizon, but its
        offspring are counted as if immediate: an upper estimate for horizons near the window.
        """
        _, p, remaining = self.parts(obs, horizon)
        growth = 1.0 - p * self._n_star(obs)
        if growth <= SUPERCRITICAL:
            # p n* >= 1: the branching tree never dies out and the model's final size is
            # infinite; the tree is capped (at 1 / SUPERCRITICAL times the exposure) and the
            # forecast says so rather than passing the capped number off as a prediction.
            note = f"supercritical fit (p n* = {p * self._n_star(obs):.2f} >= 0.99): capped"
            return p * remaining / SUPERCRITICAL, note
        return p * remaining / growth, ""

    @staticmethod
    def _features(count: float, future: float) -> np.ndarray:
        return np.array([1.0, np.log1p(count), np.log1p(future / max(count, 1.0))])

    def fit(
        self,
        cascades: list[Cascade],
        observe: float,
        horizon: float | None = None,
        intervals: bool = True,
    ) -> None:
        """Calibrate for the count at ``horizon`` (None: the final size); with ``intervals``,
        the target, point factor and interval from out-of-fold forecasts first
        (simulator.forecast.base)."""
        self.horizon = horizon
        if not cascades:
            return
        if intervals:
            self._cross_fit(self._like, cascades, observe, horizon, self._targets())
        if self.calibrate:
            observed = [c.observe(observe) for c in cascades]
            x = np.array([self._features(o.count, self._future(o, horizon)[0]) for o in observed])
            counts = [o.count for o in observed]
            self.count_range = [min(counts), max(counts)]
            truths = [truth_of(c, horizon) for c in cascades]
            self.coef = least_absolute_deviations(x, target_values(self.target, truths, counts))

    def _targets(self) -> tuple[str, ...]:
        return TARGETS if self.calibrate else (self.target,)  # uncalibrated: nothing to fit

    def _like(self, target: str) -> SeismicForecaster:
        return SeismicForecaster(self.n_star, self.calibrate, self.window_fraction, target)

    def outside_calibration(self, observation: Observation) -> str:
        """Why the calibration does not hold for this observation ("" when it does): its count
        lies outside the counts the training cascades had by the same time. The calibration
        is a regression on those cascades (docs/FORECAST.md: at early windows it leans on
        their sizes), so it says nothing about posts far smaller or larger."""
        if self.coef is None or self.count_range is None:
            return ""
        low, high = self.count_range
        if low <= observation.count <= high:
            return ""
        return (
            f"{observation.count} event(s) is outside the {low:g}-{high:g} that seismic's "
            "calibration cascades had by this time"
        )

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        if self.coef is not None and horizon != self.horizon:
            raise ValueError("seismic was calibrated for another horizon; fit it again")
        count = observation.count
        future, note = self._future(observation, horizon)
        if self.coef is None:
            point = count + future
        else:
            point = size_from(self.target, count, self._features(count, future) @ self.coef)
        # uncalibrated spread: a branching tree's relative sd, about 1/sqrt(expected offspring)
        rel = 1.0 / np.sqrt(max(point - count, 1.0))
        return self._interval(point, count, (-1.64 * rel, 1.64 * rel), note)


class RawSeismicForecaster(SeismicForecaster):
    """SEISMIC without calibration: the paper's point (intervals still from training errors
    when fitted)."""

    name = "seismic_raw"
    matches_measure = False

    def __init__(self, n_star: float = 100.0, window_fraction: float = 0.5):
        super().__init__(n_star, calibrate=False, window_fraction=window_fraction)


def least_absolute_deviations(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Coefficients b minimising sum |x b - y|, as a linear programme."""
    n, k = x.shape
    cost = np.concatenate([np.zeros(k), np.ones(2 * n)])
    equality = np.hstack([x, np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * k + [(0, None)] * (2 * n)
    result = linprog(cost, A_eq=equality, b_eq=y, bounds=bounds, method="highs")
    if not result.success:  # pragma: no cover - the LP is always feasible and bounded
        raise RuntimeError(f"calibration failed: {result.message}")
    return result.x[:k]
