"""The tables the figures and the report share (simulator.derived), and when an early-warning
forecast is worth showing."""

import numpy as np
import pandas as pd
import pytest

from agents.persona import TRAITS
from simulator import derived
from simulator.early_warning import why_not_shown
from simulator.experiments import pareto_efficient


def last_day(beliefs, education):
    rows = {"day": 15, "belief": beliefs, "education": education}
    rows |= {t: [0.2, 0.8] * (len(beliefs) // 2) for t in TRAITS}
    return pd.DataFrame(rows)


def test_belief_groups_have_n_an_interval_and_a_small_flag():
    frame = last_day([1, 0, 1, 1, 0, 1, 1, 0], ["bachelor"] * 6 + ["phd"] * 2)
    groups = derived.belief_groups(frame).set_index("group")
    bachelor, phd = groups.loc["bachelor"], groups.loc["phd"]
    assert (bachelor["n"], bachelor["believers"]) == (6, 4)
    assert bachelor["share"] == pytest.approx(4 / 6)
    assert bachelor["low"] < 4 / 6 < bachelor["high"]
    # Wilson's 95% interval for 4 of 6 (e.g. Agresti & Coull 1998): 0.300 to 0.903
    assert (bachelor["low"], bachelor["high"]) == pytest.approx((0.300, 0.903), abs=1e-3)
    assert not bachelor["too_small"] and phd["too_small"]
    # low and high trait groups split the population
    assert groups.loc["openness < 0.5", "n"] + groups.loc["openness ≥ 0.5", "n"] == 8


def test_engagement_per_day_adds_up_to_the_total():
    hours = np.arange(1, 73)
    likes = np.cumsum(hours % 3 == 0)
    shares = np.cumsum(hours % 5 == 0)
    comments = np.cumsum(hours % 7 == 0)
    timeline = pd.DataFrame(
        {
            "hour": hours,
            "likes": likes,
            "shares": shares,
            "comments": comments,
            "engagement": likes + shares + comments,
        }
    )
    per_day = derived.engagement_per_day(timeline)
    assert per_day["day"].tolist() == [1, 2, 3]
    assert per_day["engagement"].sum() == timeline["engagement"].iloc[-1]
    assert per_day["likes"].tolist() == [8, 8, 8]  # hours divisible by 3 in each 24


def test_paired_differences_cancel_what_seeds_share():
    def daily(values):
        return pd.DataFrame({"day": range(len(values)), "infected": values})

    curves = {
        "none": [daily([2, 6, 9]), daily([2, 3, 4])],
        "arm": [daily([2, 5, 8]), daily([2, 2, 3])],  # one fewer than its seed's reference
    }
    (diff,) = derived.paired_differences(curves, "none", 10).values()
    assert diff["mean"].tolist() == pytest.approx([0.0, -0.1, -0.1])
    # the same difference on every seed: no spread, so the band is the mean itself
    assert diff["low"].tolist() == pytest.approx(diff["high"].tolist())


def test_intervention_days_from_the_log():
    log = pd.DataFrame(
        {"day": [1, 1, 4, 2], "intervention": ["debunk", "debunk", "debunk", "nudge"]}
    )
    assert derived.intervention_days(log) == {"debunk": [1, 4], "nudge": [2]}
    assert derived.intervention_days(None) == {}


def test_forecasts_worth_showing():
    shown = {"predicted": 317, "low": 248, "high": 386}
    assert why_not_shown(shown, observed_events=70) is None
    wide = {"predicted": 110, "low": 70, "high": 1500}  # the baseline's old forecast
    assert "spans more than a factor" in why_not_shown(wide, observed_events=70)
    assert "too few" in why_not_shown(shown, observed_events=5)
    assert why_not_shown({"predicted": None}, 70) == "no forecast was made"


def test_the_reference_is_never_pareto_efficient():
    # reference (0 cost, 0 effect), a helpful arm, and a costly arm that does nothing
    assert pareto_efficient([0, 10, 20], [0.0, 1.0, 0.0], reference=0) == [False, True, False]
    # without a reference every undominated arm counts
    assert pareto_efficient([0, 10], [0.0, 1.0]) == [True, True]
