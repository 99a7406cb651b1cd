"""The early-warning forecast in every run's summary.

From the first ``observe_days`` days only, predict the believers on the last day (the SIS
curve fitted to those days, extrapolated) and the narrative's total engagement at the end (the
recent daily rate of likes, shares and comments carried on to the last day,
simulator.forecast.runrate, the best of the forecasters on the simulator's own engagement),
then score both against what the run went on to do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator import metrics
from simulator.config import Scenario
from simulator.engagement import EngagementLog
from simulator.forecast.calibration import early_warning_model


def early_warning(
    scenario: Scenario, daily: pd.DataFrame, engagement: EngagementLog | None
) -> dict:
    """Predictions from the first days and, once known, their errors."""
    k = scenario.early_warning.observe_days
    last_day = int(daily["day"].iloc[-1])
    out: dict = {"observe_days": k, "horizon_day": last_day}
    if last_day <= k:
        out["note"] = "the run is not longer than the observation window"
        return out
    n = scenario.population.size
    seen = daily[daily["day"] <= k]
    fit = metrics.fit_sis(seen["day"].tolist(), seen["infected"].tolist(), n)
    actual = int(daily["infected"].iloc[-1])
    if fit["beta"] is not None:
        curve = metrics.sis_curve(
            np.array([float(last_day)]), fit["beta"], fit["gamma"], seen["infected"].iloc[0], n
        )
        predicted = float(curve[0])
        out["final_believers"] = {
            "predicted": round(predicted, 3),
            "actual": actual,
            "abs_error": round(abs(predicted - actual), 3),
        }
    else:
        out["final_believers"] = {"predicted": None, "actual": actual, "abs_error": None}
    if engagement is not None:
        forecast = engagement.forecast_total(24.0 * k, 24.0 * last_day)
        truth = len(engagement.event_hours)
        out["final_engagement"] = {
            "model": early_warning_model().name,
            "observed_until_hour": 24.0 * k,
            "predicted": round(forecast.point, 3),
            "low": round(forecast.low, 3),
            "high": round(forecast.high, 3),
            "actual": truth,
            "ape": round(abs(forecast.point - truth) / truth, 6) if truth else None,
        }
    return out


# A forecast is shown only when it says something: at least this many events seen by the end
# of the observation window, and a 90% interval whose upper end is at most this many times its
# lower end. (Baseline, 30 agents: 317 [248-386] is shown; an interval of 70 to 1,500 is not.)
MIN_OBSERVED_EVENTS = 20
MAX_INTERVAL_RATIO = 4.0
INTERVAL_MEANING = (
    "90% interval: if the forecaster's assumptions hold, 9 runs in 10 end inside it (over 20 "
    "seeds of the baseline, 17 did: bench/bench_early_warning.py)"
)


def why_not_shown(warning: dict, observed_events: float) -> str | None:
    """Why an engagement forecast (``final_engagement`` of the summary) is not worth showing,
    or None when it is."""
    if warning.get("predicted") is None:
        return "no forecast was made"
    if observed_events < MIN_OBSERVED_EVENTS:
        return (
            f"only {observed_events:.0f} engagement events by the end of the observation "
            f"window (fewer than {MIN_OBSERVED_EVENTS}): too few to forecast from"
        )
    low, high = warning["low"], warning["high"]
    if low <= 0 or high / low > MAX_INTERVAL_RATIO:
        return (
            f"its 90% interval, {low:.0f} to {high:.0f}, spans more than a factor of "
            f"{MAX_INTERVAL_RATIO:g}: it says little"
        )
    return None
