"""An interval-censored state-space forecaster, in the spirit of IC-Mamba.

IC-Mamba ("Before It's Too Late", the seed paper) keeps a latent state that evolves between
irregular observation times by the transition exp(dt * A) and is seen only through cumulative
counts at snapshot times. This is the small, well-founded linear-Gaussian version of that idea,
not a deep network:

- Time runs on a log scale, s = log(1 + t / 60 s): engagement decays roughly as a power law
  of the post's age, which is a steady decay in s. Equal steps in s are ever longer in
  seconds, so the transitions are time-dependent in t.
- The latent state is (level, deviation): the level is log(1 + cumulative count); it grows at
  a mean rate m(s) shared by all posts (piecewise linear in s, learned at DRIFT_KNOTS) plus
  the post's own deviation, an Ornstein-Uhlenbeck process (it fades at rate ``decay`` and
  wanders with ``volatility``). Between two snapshots dt apart the state moves by
  exp(dt * A), A = [[0, 1], [0, -decay]], plus the integral of m, with noise of closed form
  (``_transition``): an integrated Ornstein-Uhlenbeck process.
- A snapshot observes the level with noise of variance noise^2 + 1 / (1 + count): a misfit
  floor plus the Poisson spread of log(1 + count), so that few events give a wide interval and
  many events a narrow one. The level starts unknown (a wide prior) at the first snapshot and
  the deviation at 0 +- ``deviation_sd``.

All parameters are shared by all posts and fitted by maximising the Kalman-filter likelihood
of every training cascade's snapshots (40 per cascade, evenly spaced in log time over its
week), pooled (scipy's L-BFGS-B). Forecasting runs the filter over one post's snapshots and
predicts the level at the horizon; the final size is the count by ``FINAL_AGE`` (7 days, the
length of the cascades it was calibrated on). The 90% interval is the model's own predictive
distribution, its width scaled by a factor measured on cascades held out of the fit
(``interval_scale``), so that its coverage is what it says.

Written by hand: statsmodels' state-space models assume a regular time grid, and a 2-state
filter vectorised over cascades is a few lines of numpy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
from scipy.optimize import minimize

from simulator.forecast.base import LEVEL, Z_LEVEL, Forecast, conformal_quantile
from simulator.forecast.data import Cascade, Observation

TAU = 60.0  # seconds: the log-time scale
FINAL_AGE = 7 * 86400.0  # "final" means the count by a week, as in the training cascades
GRID = 40  # snapshots per training cascade, evenly spaced in log time


def log_time(t) -> np.ndarray:
    """s = log(1 + t / TAU)."""
    return np.log1p(np.asarray(t, float) / TAU)


DRIFT_KNOTS = np.arange(0.0, 11.0)  # log times of the mean-growth profile (s = 10: 15 days)


@dataclass(frozen=True)
class StateSpaceParameters:
    """The shared dynamics (rates per unit of log time) and the interval's measured scale."""

    drift: tuple[float, ...]  # the mean growth rate at each of DRIFT_KNOTS
    decay: float  # how fast a post's deviation from the mean growth fades
    volatility: float  # how much it wanders
    deviation_sd: float  # its spread at a post's first snapshot
    noise: float  # misfit of a snapshot's log count beyond counting noise
    interval_scale: float = 1.0

    def to_dict(self) -> dict:
        out = {k: float(v) for k, v in asdict(self).items() if k != "drift"}
        return {"drift": [float(v) for v in self.drift], **out}

    @classmethod
    def from_dict(cls, data: dict) -> StateSpaceParameters:
        return cls(**{**data, "drift": tuple(float(v) for v in data["drift"])})

    def mean_growth_at(self, s: float) -> float:
        """The mean growth rate m(s)."""
        return float(np.interp(s, DRIFT_KNOTS, self.drift))

    def drift_integral(self, s: np.ndarray) -> np.ndarray:
        """The integral of the piecewise-linear mean growth from 0 to ``s`` (constant after
        the last knot; the knots are 1 apart)."""
        m = np.asarray(self.drift)
        at_knots = np.concatenate([[0.0], np.cumsum((m[1:] + m[:-1]) / 2)])
        k = np.clip(np.floor(s).astype(int), 0, m.size - 1)
        u = s - k
        slope = np.where(k < m.size - 1, m[np.minimum(k + 1, m.size - 1)] - m[k], 0.0)
        return at_knots[k] + m[k] * u + slope * u * u / 2


def _transition(params: StateSpaceParameters, dt: np.ndarray):
    """For steps ``dt``: the entries g, e of exp(dt A) = [[1, g], [0, e]] and the noise
    covariance (q_ll, q_ld, q_dd) of (level, deviation), in closed form."""
    lam, v2 = params.decay, params.volatility**2
    e = np.exp(-lam * dt)
    g = -np.expm1(-lam * dt) / lam
    e2 = np.exp(-2.0 * lam * dt)
    q_dd = v2 / (2.0 * lam) * (1.0 - e2)
    q_ld = v2 / (2.0 * lam**2) * (1.0 - e) ** 2
    q_ll = np.maximum(v2 / lam**2 * (dt - 2.0 * g + (1.0 - e2) / (2.0 * lam)), 0.0)
    return g, e, q_ll, q_ld, q_dd


def _propagate(params: StateSpaceParameters, state: tuple, s_to: np.ndarray) -> tuple:
    """Move filtered states (s, level, deviation, P_ll, P_ld, P_dd; arrays over rows) to log
    times ``s_to`` (rows already there stay)."""
    s, level, dev, p_ll, p_ld, p_dd = state
    dt = np.maximum(s_to - s, 0.0)
    g, e, q_ll, q_ld, q_dd = _transition(params, dt)
    level = level + params.drift_integral(s + dt) - params.drift_integral(s) + g * dev
    return (
        s + dt,
        level,
        e * dev,
        p_ll + 2 * g * p_ld + g * g * p_dd + q_ll,
        e * p_ld + g * e * p_dd + q_ld,
        e * e * p_dd + q_dd,
    )


def _observation_variance(noise: float, level: np.ndarray) -> np.ndarray:
    return noise**2 + np.exp(-np.maximum(level, 0.0))  # 1 / (1 + count)


def kalman(params: StateSpaceParameters, s: np.ndarray, y: np.ndarray):
    """Filter every row of ``y`` (log counts at log times ``s``; NaN pads rows to one length).
    Returns the total log-likelihood and the last filtered states."""
    rows = y.shape[0]
    # The level starts unknown (a wide prior) at the first snapshot, the deviation at 0 +- sd.
    zeros = np.zeros(rows)
    state = (
        np.nan_to_num(s[:, 0]),
        zeros,
        zeros,
        np.full(rows, 100.0),
        zeros,
        np.full(rows, params.deviation_sd**2),
    )
    total = 0.0
    for k in range(y.shape[1]):
        seen = ~np.isnan(y[:, k])
        at, level, dev, p_ll, p_ld, p_dd = _propagate(
            params, state, np.where(seen, s[:, k], state[0])
        )
        obs = np.where(seen, y[:, k], level)
        total_var = p_ll + _observation_variance(params.noise, obs)
        innovation = obs - level  # 0 where unseen: no update
        total += float(
            np.sum(seen * -0.5 * (np.log(2 * np.pi * total_var) + innovation**2 / total_var))
        )
        gain_l, gain_d = seen * p_ll / total_var, seen * p_ld / total_var
        state = (
            at,
            level + gain_l * innovation,
            dev + gain_d * innovation,
            p_ll - gain_l * p_ll,
            p_ld - gain_l * p_ld,
            p_dd - gain_d * p_ld,
        )
    return total, state


def snapshots_of(obs: Observation) -> tuple[np.ndarray, np.ndarray]:
    """The snapshot times and cumulative counts the filter sees: the observation's own
    snapshots where it came from snapshots, else its exact events read off a log-time grid."""
    if obs.snapshot_times is not None:
        return obs.snapshot_times, obs.snapshot_counts
    first = min(30.0, obs.until)
    times = np.expm1(np.linspace(log_time(first), log_time(obs.until), GRID)) * TAU
    return times, np.searchsorted(obs.times, times, side="right").astype(float)


def _padded(series: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(t) for t, _ in series)
    s = np.full((len(series), width), np.nan)
    y = np.full((len(series), width), np.nan)
    for i, (t, c) in enumerate(series):
        s[i, : len(t)] = log_time(t)
        y[i, : len(t)] = np.log1p(c)
    return s, y


def _training_series(cascades: list[Cascade]) -> list[tuple[np.ndarray, np.ndarray]]:
    grid = np.expm1(np.linspace(log_time(30.0), log_time(FINAL_AGE), GRID)) * TAU
    return [(grid, np.searchsorted(c.times, grid, side="right").astype(float)) for c in cascades]


_START = np.concatenate([np.full(DRIFT_KNOTS.size, 0.4), np.log([0.5, 0.3, 0.3, 0.1])])
_BOUNDS = [(-1.0, 10.0)] * DRIFT_KNOTS.size + [(-6.0, 3.0)] * 3 + [(-9.0, 1.0)]


def _unpack(x: np.ndarray) -> StateSpaceParameters:
    k = DRIFT_KNOTS.size
    decay, volatility, deviation_sd, noise = (float(v) for v in np.exp(x[k:]))
    return StateSpaceParameters(
        tuple(float(v) for v in x[:k]), decay, volatility, deviation_sd, noise
    )


_FITTED: dict[tuple, StateSpaceParameters] = {}  # cross-fitting refits the same sets


def fit_dynamics(cascades: list[Cascade]) -> StateSpaceParameters:
    """Maximum pooled Kalman likelihood of the cascades' snapshots (interval scale 1)."""
    key = tuple((c.name, c.final, float(c.times.sum())) for c in cascades)
    if key not in _FITTED:
        _FITTED[key] = _maximise(cascades)
    return _FITTED[key]


def _maximise(cascades: list[Cascade]) -> StateSpaceParameters:
    s, y = _padded(_training_series(cascades))
    # Start the mean growth at the cascades' average slope (the training grid is shared), so
    # the optimiser mostly has the four noise parameters to find.
    slope = np.gradient(np.mean(y, axis=0), s[0])
    start = _START.copy()
    start[: DRIFT_KNOTS.size] = np.clip(np.interp(DRIFT_KNOTS, s[0], slope), -0.9, 9.9)
    result = minimize(
        lambda x: -kalman(_unpack(x), s, y)[0],
        start,
        method="L-BFGS-B",
        bounds=_BOUNDS,
        options={"ftol": 1e-8},  # relative: far below what moves a forecast
    )
    return _unpack(result.x)


def _forecast_log(params: StateSpaceParameters, state: tuple, horizon_s: np.ndarray):
    """Mean and sd of log(1 + count) at log times ``horizon_s`` from filtered states."""
    _, level, _, p_ll, _, _ = _propagate(params, state, np.maximum(horizon_s, state[0]))
    return level, np.sqrt(p_ll + _observation_variance(params.noise, level))


def standardised_errors(
    params: StateSpaceParameters, cascades: list[Cascade], observe: float, horizon: float | None
) -> np.ndarray:
    """(log truth - forecast mean) / forecast sd for each cascade observed for ``observe``."""
    s, y = _padded([snapshots_of(c.observe(observe)) for c in cascades])
    _, state = kalman(params, s, y)
    age = FINAL_AGE if horizon is None else horizon
    mean, sd = _forecast_log(params, state, np.full(len(cascades), float(log_time(age))))
    truth = np.array([c.final if horizon is None else c.count_at(age) for c in cascades], float)
    return (np.log1p(truth) - mean) / sd


def interval_scale(
    cascades: list[Cascade], windows: list[float], horizon: float | None, folds: int = 5
) -> float:
    """The factor that makes the model's 90% intervals cover 90% of cascades it was not fitted
    on: the dynamics refitted without each fold, that fold's standardised errors at each of
    ``windows``, and their conformal 90% quantile over the normal distribution's."""
    errors = []
    order = np.random.default_rng(0).permutation(len(cascades))
    for fold in range(min(folds, len(cascades))):
        held = set(order[fold::folds].tolist())
        inner = [c for i, c in enumerate(cascades) if i not in held]
        outer = [c for i, c in enumerate(cascades) if i in held]
        if inner and outer:
            params = fit_dynamics(inner)
            errors += [standardised_errors(params, outer, w, horizon) for w in windows]
    if not errors:
        return 1.0
    return conformal_quantile(np.abs(np.concatenate(errors)), LEVEL) / Z_LEVEL


class StateSpaceForecaster:
    """The log-time state-space model; ``fit`` learns the shared dynamics and the interval
    scale, or the shipped calibration supplies both (simulator.forecast.calibration)."""

    name = "statespace"

    def __init__(self, params: StateSpaceParameters | None = None):
        self.params = params

    def fit(
        self,
        cascades: list[Cascade],
        observe: float,
        horizon: float | None = None,
        intervals: bool = True,
    ) -> None:
        dynamics = fit_dynamics(cascades)
        scale = interval_scale(cascades, [observe], horizon) if intervals else 1.0
        self.params = replace(dynamics, interval_scale=scale)

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        if self.params is None:
            raise ValueError("statespace needs parameters (fit, or the shipped calibration)")
        p = self.params
        s, y = _padded([snapshots_of(observation)])
        _, state = kalman(p, s, y)
        age = FINAL_AGE if horizon is None else horizon
        mean, sd = _forecast_log(p, state, np.array([float(log_time(age))]))
        count = observation.count
        half = Z_LEVEL * p.interval_scale * float(sd[0])
        point = max(float(np.expm1(mean[0])), count)
        return Forecast(
            point,
            max(float(np.expm1(mean[0] - half)), count),
            max(float(np.expm1(mean[0] + half)), count),
        )
