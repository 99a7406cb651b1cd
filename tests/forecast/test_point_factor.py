"""The point chosen for the APE measure (simulator.forecast.base.ape_optimal_factor)."""

import numpy as np
import pytest

from simulator.forecast.base import MIN_OUT_OF_FOLD, NaiveForecaster, ape_optimal_factor
from simulator.forecast.data import Cascade
from simulator.forecast.regression import LogLinearForecaster


def mean_ape(factor, points, truths):
    return np.mean(np.abs(factor * points - truths) / truths)


def test_the_factor_minimises_the_mean_ape_of_the_forecasts_it_is_given():
    rng = np.random.default_rng(3)
    points = rng.uniform(100, 5000, 60)
    truths = points * np.exp(rng.normal(0.2, 0.6, 60))  # skewed: mostly above the point
    best = ape_optimal_factor(points, truths)
    grid = np.linspace(0.2, 3.0, 2801)
    assert mean_ape(best, points, truths) <= min(mean_ape(a, points, truths) for a in grid)
    assert best != pytest.approx(1.0, abs=0.05)


def test_for_log_normal_errors_the_factor_is_exp_minus_sigma_squared():
    # Gneiting (2011): the APE-optimal point of a log-normal LN(mu, s^2) is exp(mu - s^2),
    # below its median exp(mu)
    rng = np.random.default_rng(7)
    points = np.full(200_000, 1000.0)
    sigma = 0.5
    truths = points * np.exp(rng.normal(0.0, sigma, points.size))
    assert ape_optimal_factor(points, truths) == pytest.approx(np.exp(-(sigma**2)), rel=0.01)


def test_too_few_errors_leave_the_point_alone():
    points = np.array([10.0, 20.0, 30.0])
    assert points.size < MIN_OUT_OF_FOLD
    assert ape_optimal_factor(points, points * 3) == 1.0


def synthetic_cascades(n, seed):
    """Cascades whose size after the first hour is a noisy multiple of their first hour."""
    rng = np.random.default_rng(seed)
    cascades = []
    for i in range(n):
        early = rng.integers(20, 200)
        late = int(early * np.exp(rng.normal(1.0, 0.7)))
        times = np.sort(
            np.concatenate([rng.uniform(0, 3600, early), rng.uniform(3600, 86400, late)])
        )
        cascades.append(Cascade(f"c{i}", times))
    return cascades


def test_a_fitted_model_scales_its_point_and_keeps_its_interval_in_counts():
    cascades = synthetic_cascades(40, seed=1)
    model = LogLinearForecaster()
    model.fit(cascades, 3600.0)
    assert model.point_factor < 1.0  # right-skewed errors: the APE-optimal point is lower
    unscaled = LogLinearForecaster()
    unscaled.fit(cascades, 3600.0, intervals=False)  # no out-of-fold errors: factor 1
    assert unscaled.point_factor == 1.0
    obs = synthetic_cascades(1, seed=99)[0].observe(3600.0)
    scaled, plain = model.predict(obs), unscaled.predict(obs)
    assert scaled.point == pytest.approx(max(plain.point * model.point_factor, obs.count))
    assert scaled.low <= scaled.point <= scaled.high

    again = LogLinearForecaster()
    again.load_state(model.state())  # the shipped calibration's round trip
    assert again.point_factor == model.point_factor
    assert again.predict(obs) == scaled


def test_the_count_so_far_stays_the_count_so_far():
    model = NaiveForecaster()
    model.fit(synthetic_cascades(40, seed=2), 3600.0)
    assert model.point_factor == 1.0
    obs = synthetic_cascades(1, seed=5)[0].observe(3600.0)
    assert model.predict(obs).point == obs.count


def cascades_with(counts, finals, seed=0):
    """Cascades with ``counts`` events in the first hour and ``finals`` in all."""
    rng = np.random.default_rng(seed)
    out = []
    for i, (early, final) in enumerate(zip(counts, finals, strict=True)):
        times = np.concatenate(
            [rng.uniform(0, 3600, early), rng.uniform(3601, 86400, final - early)]
        )
        out.append(Cascade(f"c{i}", np.sort(times)))
    return out


@pytest.mark.parametrize(
    ("finals_of", "expected"),
    [
        # every cascade grows by about the same number after the window: fit the growth
        (lambda counts, noise: counts + (2000 * noise).astype(int), "growth"),
        # every cascade ends at about the same size, whatever its start: fit the size
        (lambda counts, noise: (5000 * noise).astype(int), "size"),
    ],
)
def test_each_model_fits_the_target_its_held_out_folds_forecast_better(finals_of, expected):
    rng = np.random.default_rng(11)
    counts = np.geomspace(50, 4000, 40).astype(int)
    noise = np.exp(rng.normal(0.0, 0.05, counts.size))
    cascades = cascades_with(counts, np.maximum(finals_of(counts, noise), counts))
    model = LogLinearForecaster()
    model.fit(cascades, 3600.0)
    assert model.target == expected
    again = LogLinearForecaster(target="size" if expected == "growth" else "growth")
    again.load_state(model.state())  # the target is part of the saved calibration
    assert again.target == expected
    for cascade in cascades:
        obs = cascade.observe(3600.0)
        assert model.predict(obs).point >= obs.count


def test_a_few_training_cascades_choose_nothing():
    cascades = cascades_with([100, 200, 300, 400, 500], [5000, 5100, 5000, 4900, 5200])
    model = LogLinearForecaster()
    model.fit(cascades, 3600.0)
    assert (model.target, model.point_factor) == ("growth", 1.0)
    assert model.log_errors is not None  # the interval is still from out-of-fold errors
