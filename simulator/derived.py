"""Tables derived from saved results, shared by the PNG figures and the HTML report so that
both show the same numbers: who believes by persona group (with n and an interval), the days
each intervention acted, engagement per day, the early-warning forecast worth showing, and
each arm's believer share and paired difference from the reference arm with their bands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from agents.persona import EDUCATION_LEVELS, TRAITS
from simulator import early_warning
from simulator.metrics import mean_interval

# A group with fewer agents than this is shown greyed out: its share says next to nothing
# (with 4 agents the 95% interval of a share of 1/2 runs from 0.15 to 0.85).
MIN_GROUP = 5


def belief_groups(last_day: pd.DataFrame) -> pd.DataFrame:
    """Share believing on the last day by education level and by low/high Big Five trait:
    columns facet, group, n, believers, share, low, high (Wilson 95%), too_small."""
    rows = []

    def add(facet: str, group: str, beliefs: pd.Series) -> None:
        n, k = len(beliefs), int(beliefs.sum())
        if n == 0:
            return
        ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
        rows.append(
            {
                "facet": facet,
                "group": group,
                "n": n,
                "believers": k,
                "share": k / n,
                "low": float(ci.low),
                "high": float(ci.high),
                "too_small": n < MIN_GROUP,
            }
        )

    for level in EDUCATION_LEVELS:
        add(
            "education",
            level.replace("_", " "),
            last_day.loc[last_day["education"] == level, "belief"],
        )
    for trait in TRAITS:
        name = trait.replace("_", " ")
        add(trait, f"{name} < 0.5", last_day.loc[last_day[trait] < 0.5, "belief"])
        add(trait, f"{name} ≥ 0.5", last_day.loc[last_day[trait] >= 0.5, "belief"])
    return pd.DataFrame(rows)


def intervention_days(log: pd.DataFrame | None) -> dict[str, list[int]]:
    """The days each intervention acted (from interventions.csv), in order."""
    if log is None or log.empty:
        return {}
    return {
        str(name): sorted(int(d) for d in days.unique())
        for name, days in log.groupby("intervention", sort=False)["day"]
    }


def engagement_per_day(timeline: pd.DataFrame) -> pd.DataFrame:
    """Likes, shares and comments per day (day 1 is hours 0-24) from the cumulative hourly
    timeline; columns day, likes, shares, comments, engagement."""
    hours = timeline["hour"].to_numpy()
    day = np.ceil(hours / 24.0).astype(int)
    cumulative = timeline[["likes", "shares", "comments", "engagement"]]
    per_hour = cumulative.diff().fillna(cumulative.iloc[:1])  # the first hour counts itself
    frame = per_hour.assign(day=day).groupby("day", as_index=False).sum()
    return frame[["day", "likes", "shares", "comments", "engagement"]]


def _day_bands(days: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """Per day (a column of ``values``, one row per seed): mean and 95% t-interval."""
    bands = [mean_interval(values[:, j].tolist()) for j in range(values.shape[1])]
    return pd.DataFrame(
        {
            "day": days,
            "mean": [b[0] for b in bands],
            "low": [b[1] for b in bands],
            "high": [b[2] for b in bands],
        }
    )


def _shares(dailies: list[pd.DataFrame], population: int) -> np.ndarray:
    return np.array([d["infected"].to_numpy() for d in dailies]) / population


def share_bands(curves: dict[str, list[pd.DataFrame]], population: int) -> dict[str, pd.DataFrame]:
    """Per arm: the believer share per day as mean and 95% t-interval over seeds (columns
    day, mean, low, high)."""
    return {
        arm: _day_bands(dailies[0]["day"].to_numpy(), _shares(dailies, population))
        for arm, dailies in curves.items()
    }


def paired_differences(
    curves: dict[str, list[pd.DataFrame]], reference: str, population: int
) -> dict[str, pd.DataFrame]:
    """Per arm other than the reference: the believer share minus the reference's on the same
    seed, per day, as mean and 95% t-interval over seeds (columns day, mean, low, high).
    Arms share seeds, so the difference cancels what the seeds have in common."""
    ref = _shares(curves[reference], population)
    days = curves[reference][0]["day"].to_numpy()
    return {
        arm: _day_bands(days, _shares(dailies, population) - ref)
        for arm, dailies in curves.items()
        if arm != reference
    }


def forecast_to_show(summary: dict, timeline: pd.DataFrame) -> tuple[dict | None, str | None]:
    """The run's early-warning engagement forecast if it is worth showing, else None and why
    not (early_warning.why_not_shown); (None, None) when the run made none."""
    warning = summary.get("early_warning", {})
    forecast = warning.get("final_engagement")
    if not forecast:
        return None, None
    seen = timeline.loc[timeline["hour"] <= 24 * warning["observe_days"], "engagement"]
    why_not = early_warning.why_not_shown(forecast, float(seen.iloc[-1]) if len(seen) else 0.0)
    return (forecast, None) if why_not is None else (None, why_not)
