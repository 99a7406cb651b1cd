"""The SEISMIC kernel and estimator."""

import numpy as np
import pytest
from scipy import integrate

from simulator.forecast.data import Observation
from simulator.forecast.seismic import (
    S0,
    THETA,
    C,
    SeismicForecaster,
    kernel_integral,
    windowed_exposure,
)


def phi(s):
    return C if s <= S0 else C * (s / S0) ** (-(1 + THETA))


def test_kernel_integrates_to_one_and_is_continuous():
    assert kernel_integral(np.array([1e15]))[0] == pytest.approx(1.0, abs=2e-3)
    left, right = kernel_integral(np.array([S0 - 1e-6, S0 + 1e-6]))
    assert left == pytest.approx(right, abs=1e-8)
    x = 5000.0
    numeric = integrate.quad(phi, 0, S0)[0] + integrate.quad(phi, S0, x)[0]
    assert kernel_integral(np.array([x]))[0] == pytest.approx(numeric, rel=1e-6)


def test_windowed_exposure_matches_quadrature():
    window = 1800.0
    for age in (100.0, 400.0, 2500.0, 9000.0):
        lower = max(age - window, 0.0)
        numeric = integrate.quad(
            lambda x, a=age: (1 - (a - x) / window) * phi(x), lower, age, points=[S0], limit=200
        )[0]
        assert windowed_exposure(np.array([age]), window)[0] == pytest.approx(numeric, rel=1e-6)


def test_prediction_grows_with_infectiousness():
    times = np.linspace(60, 3600, 200)
    slow = Observation(times, 3600.0, np.full(200, 50.0), 1000.0)
    fast = Observation(times, 3600.0, np.full(200, 10.0), 200.0)  # same shares, less exposure
    model = SeismicForecaster(calibrate=False)
    assert model.parts(fast)[1] > model.parts(slow)[1]
    assert model.predict(fast).point >= 200 and model.predict(slow).point >= 200
    # by a horizon: at least the count, at most the final forecast, growing with the horizon
    soon, later = model.predict(slow, horizon=7200.0), model.predict(slow, horizon=86400.0)
    assert 200 <= soon.point <= later.point <= model.predict(slow).point


def test_a_supercritical_fit_is_capped_and_says_so():
    # many reshares from authors with few followers: p n* far above 1
    times = np.linspace(10, 3600, 400)
    obs = Observation(times, 3600.0, np.full(400, 2.0), 5.0)
    model = SeismicForecaster(calibrate=False)
    _, p, _ = model.parts(obs)
    assert p * model.n_star > 1
    forecast = model.predict(obs)
    assert forecast.note.startswith("supercritical fit (p n* = ")
    assert np.isfinite(forecast.point) and forecast.point >= 400


def test_conformal_interval_ends_are_wide_when_cascades_are_few():
    from simulator.forecast.base import conformal_quantile

    scores = np.array([0.1, 0.5, 0.2, 0.9])
    assert conformal_quantile(scores, 0.95) == 0.9  # (4 + 1) * 0.95 > 4: the largest
    many = np.linspace(0, 1, 101)
    assert conformal_quantile(many, 0.9) == pytest.approx(0.91)  # ceil(102 * 0.9) = 92nd
