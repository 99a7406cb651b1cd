"""The Hawkes part against its analytic results."""

import math

import numpy as np
import pytest

from simulator.forecast.data import Observation
from simulator.forecast.hawkes import HawkesForecaster, decayed_sums, expected_descendants


def simulate_descendants(n: float, beta: float, rng: np.random.Generator) -> np.ndarray:
    """Event times of one cascade from a root at 0: Poisson(n) children per event, each after
    an exponential delay with rate beta."""
    times, frontier = [], [0.0]
    while frontier:
        parent = frontier.pop()
        for _ in range(rng.poisson(n)):
            child = parent + rng.exponential(1.0 / beta)
            times.append(child)
            frontier.append(child)
    return np.sort(np.array(times))


def test_expected_descendants_is_n_over_one_minus_n():
    rng = np.random.default_rng(7)
    for n in (0.3, 0.6, 0.8):
        sizes = [simulate_descendants(n, 1 / 60, rng).size for _ in range(4000)]
        mean, sem = np.mean(sizes), np.std(sizes) / math.sqrt(len(sizes))
        assert abs(mean - expected_descendants(n)) < 4 * sem, (n, mean)
    assert expected_descendants(0.5) == 1.0


def test_forecast_uses_the_closed_form(monkeypatch):
    n, beta = 0.6, 1 / 600
    model = HawkesForecaster()
    monkeypatch.setattr(model, "fit_one", lambda obs: (n, beta))
    # nothing seen yet: the root's descendants
    fresh = Observation(np.zeros(0), until=1e-9)
    assert model.predict(fresh).point == pytest.approx(n / (1 - n), rel=1e-6)
    # after events at t_i, the rest is sum n exp(-beta (T - t_i)) / (1 - n)
    times = np.array([100.0, 250.0, 900.0])
    obs = Observation(times, until=1200.0)
    pending = n * sum(math.exp(-beta * (1200.0 - t)) for t in (0.0, *times))
    assert model.predict(obs).point == pytest.approx(3 + pending / (1 - n))
    # by a horizon: (1 - exp(-beta (1 - n) H)) of that
    horizon = model.predict(obs, horizon=1200.0 + 1800.0).point
    share = 1 - math.exp(-beta * (1 - n) * 1800.0)
    assert horizon == pytest.approx(3 + share * pending / (1 - n))


def test_horizon_forecast_matches_simulation(monkeypatch):
    n, beta, horizon = 0.7, 1 / 100, 150.0
    rng = np.random.default_rng(3)
    counts = [np.sum(simulate_descendants(n, beta, rng) <= horizon) for _ in range(6000)]
    model = HawkesForecaster()
    monkeypatch.setattr(model, "fit_one", lambda obs: (n, beta))
    predicted = model.predict(Observation(np.zeros(0), until=1e-9), horizon=horizon).point
    sem = np.std(counts) / math.sqrt(len(counts))
    assert abs(np.mean(counts) - predicted) < 4 * sem


def test_decayed_sums_match_brute_force():
    rng = np.random.default_rng(0)
    times = np.sort(np.concatenate([rng.uniform(0, 50, 80), rng.uniform(5000, 90000, 120)]))
    for beta in (1e-4, 0.05, 1.0):
        brute = [
            math.exp(-beta * t) + sum(math.exp(-beta * (t - s)) for s in times[:i])
            for i, t in enumerate(times)
        ]
        assert decayed_sums(times, beta) == pytest.approx(brute, rel=1e-9, abs=1e-300)


def test_likelihood_prefers_the_generating_parameters():
    """Pooled over many simulated cascades, the log-likelihood is higher at the true (n, beta)
    than at clearly wrong values."""
    n, beta = 0.7, 1 / 120
    rng = np.random.default_rng(11)
    cascades = [simulate_descendants(n, beta, rng) for _ in range(400)]

    def total(n_, beta_):
        return sum(HawkesForecaster.log_likelihood(n_, beta_, c, 1e6) for c in cascades)

    best = total(n, beta)
    for wrong in ((0.4, beta), (0.9, beta), (n, beta * 5), (n, beta / 5)):
        assert total(*wrong) < best
