"""Population metrics: the daily tally, curve statistics and the SIS fit.

Plain functions over plain data, so they serve the Mesa DataCollector, the summary and the
replicate aggregation alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.optimize import least_squares

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


def fit_sis(days: Sequence[int], infected: Sequence[float], population: int) -> dict:
    """Least-squares fit of the SIS curve to the daily count of believers.

    Recovered agents can believe again, so S and R together are the susceptible pool, as in
    the FPS analysis. Returns beta, gamma, the implied R0 = beta/gamma, RMSE and R^2; all None
    when the curve cannot be fitted (no believers at the start).
    """
    t = np.asarray(days, dtype=float) - days[0]
    y = np.asarray(infected, dtype=float)
    i0 = y[0]
    if i0 <= 0 or len(y) < 3:
        return {"beta": None, "gamma": None, "r0": None, "rmse": None, "r2": None}

    def residuals(theta: np.ndarray) -> np.ndarray:
        return sis_curve(t, theta[0], theta[1], i0, population) - y

    best = None
    for beta0, gamma0 in ((0.5, 0.2), (1.0, 0.5), (0.2, 0.4), (2.0, 1.0)):
        fit = least_squares(residuals, x0=[beta0, gamma0], bounds=([0, 0], [20, 20]))
        if best is None or fit.cost < best.cost:
            best = fit
    beta, gamma = (float(v) for v in best.x)
    res = residuals(best.x)
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    rmse = float(math.sqrt(np.mean(res**2)))
    r2 = 1 - float(np.sum(res**2)) / ss_tot if ss_tot > 0 else None
    return {
        "beta": round(beta, 6),
        "gamma": round(gamma, 6),
        "r0": round(beta / gamma, 6) if gamma > 1e-9 else None,
        "rmse": round(rmse, 6),
        "r2": round(r2, 6) if r2 is not None else None,
    }
