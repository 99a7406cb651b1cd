"""Population metrics: the daily tally, curve statistics and the SIS fit.

Plain functions over plain data, so they serve the Mesa DataCollector, the summary and the
replicate aggregation alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.special import stdtrit  # t quantiles; scipy.stats costs ~1 s to import

from agents.citizen import INFECTED, RECOVERED, SUSCEPTIBLE, Citizen

DAILY_COLUMNS = (
    "day",
    "susceptible",
    "infected",
    "recovered",
    "believer_share",
    "new_believers",
    "mean_attitude",
    "failed_requests",
)


def tally(citizens: Iterable[Citizen]) -> dict[str, float]:
    """One pass over the population: S/I/R counts, new believers, mean attitude, failures."""
    s = i = r = new = failed = 0
    attitude = 0.0
    n = 0
    for c in citizens:
        n += 1
        state = c.state
        if state == INFECTED:
            i += 1
            new += not c.believed_yesterday
        elif state == SUSCEPTIBLE:
            s += 1
        elif state == RECOVERED:
            r += 1
        attitude += c.attitude
        failed += c.failed_today
    return {
        "susceptible": s,
        "infected": i,
        "recovered": r,
        "believer_share": i / n,
        "new_believers": new,
        "mean_attitude": attitude / n,
        "failed_requests": failed,
    }


def curve_summary(days: Sequence[int], believers: Sequence[float], population: int) -> dict:
    """Peak, day of peak, final share and area under the believer-share curve."""
    b = np.asarray(believers, dtype=float)
    peak = int(np.argmax(b))
    share = b / population
    # Trapezoid rule over days, in believer-share-days: grows with the run's length, so compare
    # it only between runs of the same number of days.
    auc = float(np.sum((share[1:] + share[:-1]) / 2 * np.diff(np.asarray(days, dtype=float))))
    return {
        "peak_believers": float(b[peak]),
        "peak_day": int(days[peak]),
        "final_believers": float(b[-1]),
        "final_believer_share": float(share[-1]),
        "initial_believers": float(b[0]),
        "auc_believer_share": round(auc, 6),
    }


def sis_curve(t: np.ndarray, beta: float, gamma: float, i0: float, n: int) -> np.ndarray:
    """Closed-form SIS solution I(t) for dI/dt = beta I (n - I) / n - gamma I."""
    r = beta - gamma
    if abs(r) < 1e-9:
        return i0 / (1 + beta * i0 * t / n)
    growth = np.exp(np.clip(r * t, -700, 700))
    return i0 * r * growth / (r + beta * i0 / n * (growth - 1))


def no_fit(note: str) -> dict:
    """The SIS fit's fields when there is no fit to report, and ``note`` saying why."""
    return {
        "beta": None,
        "gamma": None,
        "r0": None,
        "beta_ci95": None,
        "gamma_ci95": None,
        "rmse": None,
        "r2": None,
        "identified": False,
        "note": note,
    }


SIS_BOUND = 20.0  # per day; a fit that reaches it has run off along a ridge
MAX_RELATIVE_HALF_WIDTH = 0.5  # of beta, for the 95% interval of beta and of gamma


def fit_sis(days: Sequence[int], infected: Sequence[float], population: int) -> dict:
    """Least-squares fit of the SIS curve to the daily count of believers.

    Recovered agents can believe again, so S and R together are the susceptible pool, as in
    the FPS analysis. A curve does not always determine beta and gamma: a flat or noisy one
    is fitted as well by a whole ridge of (beta, gamma) pairs. So the fit reports 95%
    intervals from its covariance (s^2 (J^T J)^-1, t quantile with n - 2 degrees of freedom)
    and counts as identified only when both intervals are within +-50% of beta and neither
    estimate reached the bound of 20 per day. Returns beta, gamma, the implied R0 =
    beta/gamma and their intervals (None unless identified), RMSE, R^2, ``identified`` and a
    ``note`` saying why not.
    """
    t = np.asarray(days, dtype=float) - days[0]
    y = np.asarray(infected, dtype=float)
    i0 = y[0]
    if i0 <= 0:
        return no_fit("not identifiable: no believers at the start")
    if len(y) < 4:
        return no_fit("not identifiable: fewer than 4 days to fit 2 parameters")

    def residuals(theta: np.ndarray) -> np.ndarray:
        return sis_curve(t, theta[0], theta[1], i0, population) - y

    best = None
    for beta0, gamma0 in ((0.5, 0.2), (1.0, 0.5), (0.2, 0.4), (2.0, 1.0)):
        fit = least_squares(residuals, x0=[beta0, gamma0], bounds=([0, 0], [SIS_BOUND] * 2))
        if best is None or fit.cost < best.cost:
            best = fit
    beta, gamma = (float(v) for v in best.x)
    res = residuals(best.x)
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    rmse = float(math.sqrt(np.mean(res**2)))
    r2 = 1 - float(np.sum(res**2)) / ss_tot if ss_tot > 0 else None
    dof = len(y) - 2
    information = best.jac.T @ best.jac
    with np.errstate(all="ignore"):
        if np.linalg.cond(information) < 1e12:
            covariance = np.linalg.inv(information) * float(np.sum(res**2)) / dof
            spread = np.sqrt(np.clip(np.diag(covariance), 0, None))
            half = [float(h) for h in stdtrit(dof, 0.975) * spread]
        else:
            half = [math.inf, math.inf]
    fitted = {"rmse": round(rmse, 6), "r2": round(r2, 6) if r2 is not None else None}
    limit = MAX_RELATIVE_HALF_WIDTH * beta
    if max(beta, gamma) >= SIS_BOUND * 0.999:
        note = f"not identifiable: the fit ran to the bound of {SIS_BOUND:g} per day"
    elif not (half[0] <= limit and half[1] <= limit):  # inf and nan fail too
        note = (
            f"not identifiable: 95% intervals beta {beta:.3g} +- {half[0]:.3g}, gamma "
            f"{gamma:.3g} +- {half[1]:.3g} (allowed: within +-50% of beta)"
        )
    else:
        return {
            "beta": round(beta, 6),
            "gamma": round(gamma, 6),
            "r0": round(beta / gamma, 6) if gamma > 1e-9 else None,
            "beta_ci95": [round(max(beta - half[0], 0.0), 6), round(beta + half[0], 6)],
            "gamma_ci95": [round(max(gamma - half[1], 0.0), 6), round(gamma + half[1], 6)],
            **fitted,
            "identified": True,
            "note": None,
        }
    return {**no_fit(note), **fitted}


STATES = ("susceptible", "infected", "recovered")


def replicate_band(dailies: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Per day and S/I/R state: the mean count over replicates and its 95% t-interval (the
    mean itself for one replicate). Columns day, state, mean, ci95_low, ci95_high."""
    stacked = pd.concat(dailies, keys=range(len(dailies)), names=["replicate", "row"])
    k = len(dailies)
    tcrit = float(stdtrit(k - 1, 0.975)) if k > 1 else 0.0
    rows = []
    for state in STATES:
        grouped = stacked.groupby("day")[state]
        mean, sd = grouped.mean(), grouped.std(ddof=1).fillna(0.0)
        half = tcrit * sd / np.sqrt(k)
        rows.append(
            pd.DataFrame(
                {
                    "day": mean.index,
                    "state": state,
                    "mean": mean.values,
                    "ci95_low": (mean - half).values,
                    "ci95_high": (mean + half).values,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def mean_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and 95% t-interval (low, high); the interval is the mean for one value."""
    mean = float(np.mean(values))
    if len(values) < 2:
        return mean, mean, mean
    half = float(stdtrit(len(values) - 1, 0.975)) * float(np.std(values, ddof=1))
    half /= math.sqrt(len(values))
    return mean, mean - half, mean + half
