"""The run-rate forecaster on sustained engagement: unbiased, and its 90% interval covers
about 90% of series whose daily counts are Poisson."""

import numpy as np

from simulator.forecast.data import Observation
from simulator.forecast.runrate import DAY, RunRateForecaster


def test_interval_covers_ninety_percent_of_poisson_series():
    rng = np.random.default_rng(11)
    model = RunRateForecaster()
    inside, ratios = [], []
    for _ in range(400):
        rate = rng.uniform(5, 60)  # events per day
        daily = rng.poisson(rate, 15)
        times = np.concatenate(
            [np.sort(rng.uniform(d * DAY, (d + 1) * DAY, n)) for d, n in enumerate(daily)]
        )
        seen = times[times <= 3 * DAY]
        forecast = model.predict(Observation(seen, 3 * DAY, exact=True), horizon=15 * DAY)
        inside.append(forecast.low <= times.size <= forecast.high)
        ratios.append(forecast.point / times.size)
    assert 0.85 <= np.mean(inside) <= 0.97
    assert abs(np.median(ratios) - 1.0) < 0.05


def test_no_horizon_or_no_whole_day_says_so():
    model = RunRateForecaster()
    short = model.predict(Observation(np.array([10.0, 20.0]), 3600.0), horizon=5 * DAY)
    assert short.point == 2 and "at least one whole day" in short.note
    final = model.predict(Observation(np.array([10.0]), 2 * DAY))
    assert "needs a horizon" in final.note
