"""Sustained engagement: the rate so far, carried on (``runrate``).

In the simulator every agent posts every day and the posts of the day collect views, likes,
shares and comments that day, so a narrative's engagement does not die out as one retweet
cascade does: it goes on at a daily rate that moves with the believers. Measured over many
seeds (bench/bench_early_warning.py, docs/FORECAST.md) the models calibrated on retweet
cascades forecast a third of it; this one carries the recent daily rate on to the horizon.

The daily counts c_1..c_k of the observed days (whole days of ``period`` seconds; the last
``recent`` of them set the rate) give the rate mu and the dispersion phi = max(1, var / mean)
(1 for Poisson counts). The count still to come over r more days is forecast as mu r, with
variance phi mu r (the days' own spread) + phi mu r^2 / k (the rate's uncertainty), and a
normal 90% interval on it, floored at the count so far. No parameters are fitted: it needs
no training, and it is wrong for engagement that decays (retweet cascades), where
forecast-eval shows it.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.forecast.base import Z_LEVEL, Forecast
from simulator.forecast.data import Cascade, Observation

DAY = 86400.0


class RunRateForecaster:
    """The recent daily rate, extrapolated, with a counting-noise interval."""

    name = "runrate"

    def __init__(self, period: float = DAY, recent: int = 2):
        self.period = period
        self.recent = recent

    def fit(
        self,
        cascades: list[Cascade],
        observe: float,
        horizon: float | None = None,
        intervals: bool = True,
    ) -> None:
        """Nothing to learn."""

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        count = observation.count
        days = int(observation.until // self.period)
        if horizon is None or days < 1:
            # no horizon (a final size) or less than a day seen: nothing to carry on
            return Forecast(
                float(count),
                float(count),
                math.inf,
                "runrate needs a horizon and at least one whole day seen",
            )
        edges = np.arange(days + 1) * self.period
        daily = np.diff(np.searchsorted(observation.times, edges, side="right"))
        daily[0] += int(np.sum(observation.times <= 0))
        recent = daily[-self.recent :]
        mu = float(np.mean(recent))
        phi = max(1.0, float(np.var(daily, ddof=1)) / mu) if days > 1 and mu > 0 else 1.0
        remaining = max(horizon - observation.until, 0.0) / self.period
        mean = mu * remaining
        sd = math.sqrt(phi * mu * remaining + phi * mu * remaining**2 / recent.size)
        return Forecast(
            count + mean, count + max(mean - Z_LEVEL * sd, 0.0), count + mean + Z_LEVEL * sd
        )
