"""A Hawkes process with an exponential kernel, fitted by maximum likelihood.

Each event (the original post included) triggers further events at rate
n * beta * exp(-beta * s), s seconds later: on average ``n`` direct offspring (the branching
ratio, < 1) and n / (1 - n) descendants in all. Given the events up to T, the expected
number still to come is

    sum_i n exp(-beta (T - t_i)) / (1 - n)

and by T + H it is that times (1 - exp(-beta (1 - n) H)).

Fitting maximises the log-likelihood sum_i log lambda(t_i) - integral_0^T lambda over (n,
beta). For interval-censored counts the events between two snapshots are unseen; they are
placed evenly within their interval (data.events_from_snapshots) and the same likelihood is
maximised: an imputation, exact at the snapshot times. Written by hand because no maintained
Python library fits Hawkes processes on 3.12 (``tick`` is unmaintained and does not build).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize

from simulator.forecast.base import Forecast, ResidualIntervals
from simulator.forecast.data import Cascade, Observation

MAX_N = 0.99
_BLOCK = 500.0  # decay lengths per block: exp(500) is far from overflowing


def expected_descendants(n: float) -> float:
    """Mean number of descendants of one event for branching ratio n (< 1): n / (1 - n)."""
    return n / (1.0 - n)


def decayed_sums(times: np.ndarray, beta: float) -> np.ndarray:
    """For each event i: sum over earlier events j (and the original post at 0) of
    exp(-beta (t_i - t_j)). Computed blockwise with cumulative sums, since a running product
    per event is a Python loop and exp(beta t) overflows over a whole cascade."""
    out = np.empty(times.size)
    carried, origin, start = 1.0, 0.0, 0  # the original post at time 0
    while start < times.size:
        # move the origin to the block's first event, decaying what came before
        carried *= math.exp(-beta * (times[start] - origin))
        origin = times[start]
        stop = int(np.searchsorted(times, origin + _BLOCK / beta, side="right"))
        t = times[start:stop]
        grow = np.exp(beta * (t - origin))  # at most exp(_BLOCK)
        before = np.concatenate([[0.0], np.cumsum(grow)[:-1]])  # earlier events in the block
        out[start:stop] = (carried + before) / grow
        carried = (carried + grow.sum()) * math.exp(-beta * (t[-1] - origin))
        origin, start = t[-1], stop
    return out


class HawkesForecaster(ResidualIntervals):
    """Exponential-kernel Hawkes process; ``fit`` only calibrates the intervals."""

    name = "hawkes"

    def __init__(self):
        self._fits: dict[tuple, tuple[float, float]] = {}

    @staticmethod
    def log_likelihood(n: float, beta: float, times: np.ndarray, until: float) -> float:
        """Log-likelihood of events at ``times`` (sorted, after the post at 0) up to ``until``."""
        if times.size == 0:
            return -n * -math.expm1(-beta * until)
        intensity = n * beta * decayed_sums(times, beta)
        everything = np.concatenate([[0.0], times])
        compensator = n * float(np.sum(-np.expm1(-beta * (until - everything))))
        return float(np.sum(np.log(np.maximum(intensity, 1e-300)))) - compensator

    def fit_one(self, obs: Observation) -> tuple[float, float]:
        """Maximum-likelihood (n, beta) for one observation (remembered per observation)."""
        key = (obs.until, obs.count, float(obs.times.sum()))
        if key in self._fits:
            return self._fits[key]

        def loss(params: np.ndarray) -> float:
            n = MAX_N / (1.0 + math.exp(-params[0]))
            return -self.log_likelihood(n, math.exp(params[1]), obs.times, obs.until)

        best = None
        for start_beta in (1 / 60, 1 / 900, 1 / 7200):
            result = minimize(
                loss,
                np.array([0.0, math.log(start_beta)]),
                method="L-BFGS-B",
                bounds=[(-8, 8), (math.log(1 / (30 * 86400)), math.log(1.0))],
            )
            if best is None or result.fun < best.fun:
                best = result
        fitted = (MAX_N / (1.0 + math.exp(-best.x[0])), math.exp(best.x[1]))
        self._fits[key] = fitted
        return fitted

    def fit(self, cascades: list[Cascade], observe: float) -> None:
        observed = [c.observe(observe) for c in cascades]
        self._fit_intervals([self.predict(o).point for o in observed], [c.final for c in cascades])

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        n, beta = self.fit_one(observation)
        everything = np.concatenate([[0.0], observation.times])
        pending = n * float(np.sum(np.exp(-beta * (observation.until - everything))))
        future = pending / (1.0 - n)
        if horizon is not None:
            left = max(horizon - observation.until, 0.0)
            future *= -math.expm1(-beta * (1.0 - n) * left)
        count = observation.count
        point = count + future
        # a branching tree: variance pending / (1 - n)^3
        sd = math.sqrt(max(pending, 1e-9) / (1.0 - n) ** 3)
        spread = (
            math.log1p(max(point - 1.64 * sd, count)) - math.log1p(point),
            math.log1p(point + 1.64 * sd) - math.log1p(point),
        )
        return self._interval(point, count, spread)
