"""The state-space forecaster: its Kalman filter against the joint Gaussian it stands for, and
how its forecasts and intervals behave."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from simulator.forecast.base import Z_LEVEL
from simulator.forecast.data import Cascade, Observation
from simulator.forecast.statespace import (
    DRIFT_KNOTS,
    FINAL_AGE,
    TAU,
    StateSpaceForecaster,
    StateSpaceParameters,
    _observation_variance,
    _transition,
    fit_dynamics,
    kalman,
    log_time,
    standardised_errors,
)

PARAMS = StateSpaceParameters(
    drift=tuple(np.linspace(2.0, 0.1, DRIFT_KNOTS.size)),
    decay=0.8,
    volatility=0.5,
    deviation_sd=0.7,
    noise=0.2,
)


def joint_log_likelihood(params: StateSpaceParameters, s: np.ndarray, y: np.ndarray) -> float:
    """The log density of snapshots ``y`` at log times ``s`` as one Gaussian vector: the state
    (level, deviation) is propagated in closed form, so the mean and covariance of the levels
    at all snapshot times follow without a filter."""
    k = s.size
    mean = np.zeros((k, 2))
    cov = np.zeros((k, 2, 2))
    mean[0] = [0.0, 0.0]
    cov[0] = np.diag([100.0, params.deviation_sd**2])
    transitions = [np.eye(2)]
    for i in range(1, k):
        g, e, q_ll, q_ld, q_dd = (
            float(v[0]) for v in _transition(params, np.array([s[i] - s[i - 1]]))
        )
        f = np.array([[1.0, g], [0.0, e]])
        drift = float(
            params.drift_integral(np.array([s[i]]))[0]
            - params.drift_integral(np.array([s[i - 1]]))[0]
        )
        mean[i] = f @ mean[i - 1] + [drift, 0.0]
        cov[i] = f @ cov[i - 1] @ f.T + np.array([[q_ll, q_ld], [q_ld, q_dd]])
        transitions.append(f)
    joint = np.zeros((k, k))
    for i in range(k):
        carried = np.eye(2)
        for j in range(i, k):
            if j > i:
                carried = transitions[j] @ carried
            joint[i, j] = joint[j, i] = (carried @ cov[i])[0, 0]
    joint += np.diag(_observation_variance(params.noise, y))
    return float(multivariate_normal(mean[:, 0], joint).logpdf(y))


def test_kalman_likelihood_is_the_joint_gaussian_density():
    rng = np.random.default_rng(3)
    s = np.sort(rng.uniform(0.3, 8.0, 7))
    y = np.cumsum(rng.uniform(0.0, 1.5, 7))
    total, _ = kalman(PARAMS, s[None, :], y[None, :])
    assert total == pytest.approx(joint_log_likelihood(PARAMS, s, y), rel=1e-9)
    # padding a row with gaps (NaN) changes nothing
    padded_s = np.array([[s[0], np.nan, *s[1:]]])
    padded_y = np.array([[y[0], np.nan, *y[1:]]])
    assert kalman(PARAMS, padded_s, padded_y)[0] == pytest.approx(total, rel=1e-12)


def _post(times: np.ndarray, counts: np.ndarray, until: float) -> Observation:
    keep = times <= until
    events = np.repeat(times[keep], np.diff(np.concatenate([[0], counts[keep]])).astype(int))
    return Observation(
        events, until, exact=False, snapshot_times=times[keep], snapshot_counts=counts[keep]
    )


def test_forecasts_follow_the_growth_and_widen_with_few_events():
    model = StateSpaceForecaster(PARAMS)
    times = np.array([600.0, 1800.0, 3600.0])
    stalled = model.predict(_post(times, np.array([200.0, 201.0, 201.0]), 3600.0))
    growing = model.predict(_post(times, np.array([50.0, 120.0, 201.0]), 3600.0))
    assert growing.point > stalled.point >= 201  # same count, faster growth: more to come
    few = model.predict(_post(times, np.array([1.0, 2.0, 2.0]), 3600.0))
    assert few.low <= few.point <= few.high
    # relative width (log scale) is larger for 2 events than for 201: counting noise
    assert np.log1p(few.high) - np.log1p(few.low) > np.log1p(stalled.high) - np.log1p(stalled.low)
    # by a horizon: between the count and the final forecast
    soon = model.predict(_post(times, np.array([50.0, 120.0, 201.0]), 3600.0), horizon=7200.0)
    assert 201 <= soon.point <= growing.point


def test_fit_learns_the_mean_growth_and_its_intervals_hold_the_cascades():
    rng = np.random.default_rng(0)
    cascades = []
    for i in range(10):
        # activity decaying as a power law of age: log count grows ~linearly in log time
        size = int(rng.integers(200, 4000))
        ages = TAU * (np.exp(rng.exponential(rng.uniform(2.5, 3.5), size)) - 1.0)
        cascades.append(Cascade(f"c{i}", np.sort(ages[ages < FINAL_AGE])))
    params = fit_dynamics(cascades)
    # exponential log ages with means about 3: the count by s is size (1 - exp(-s / 3)); the
    # fitted mean growth at s = 3 is the cascades' average slope there
    mid = np.mean(
        [
            np.log1p(c.count_at(TAU * np.expm1(3.5))) - np.log1p(c.count_at(TAU * np.expm1(2.5)))
            for c in cascades
        ]
    )
    assert params.mean_growth_at(3.0) == pytest.approx(mid, abs=0.15)
    # the model's own 90% predictive intervals (scale 1) hold most of its training cascades
    errors = standardised_errors(params, cascades, 3600.0, None)
    assert np.mean(np.abs(errors) <= Z_LEVEL) >= 0.7
    assert log_time(0.0) == 0.0
