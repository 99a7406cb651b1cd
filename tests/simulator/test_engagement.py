"""Engagement in the simulation, the early-warning forecast, and acting on the forecast."""

import json

import numpy as np
import pandas as pd
import pytest

from agents.persona import PersonaTable, generate_personas
from simulator.engagement import EngagementLog, EngagementRates
from tests.conftest import run_cli, write_scenario


def log_for(n=50, rates=None, seed=1):
    return EngagementLog(generate_personas(n, seed), seed, rates or EngagementRates(), None)


def views(n, stance):
    """Viewer, author, post day and stance of n views: agent v sees the post of v + 1."""
    viewer = np.arange(n)
    return viewer, (viewer + 1) % n, np.zeros(n, dtype=np.int64), np.full(n, stance)


def nobody(sharers):
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)


def test_agreement_drives_likes_and_shares_disagreement_comments():
    n = 2000
    believers = np.ones(n, dtype=np.int64)
    agreeing, disagreeing = log_for(n), log_for(n)
    agreeing.record_day(1, *views(n, +1.0), believers, nobody)
    disagreeing.record_day(1, *views(n, -1.0), believers, nobody)
    a, d = agreeing.summary(1), disagreeing.summary(1)
    assert a["views"] == d["views"] == n
    assert a["likes"] > 3 * d["likes"]
    assert a["shares"] > 0 and d["shares"] == 0
    assert d["comments"] > a["comments"]
    # the rates are the documented ones, about: 0.15 * (0.5 + mean agreeableness) per view
    agreeableness = PersonaTable.of(generate_personas(n, 1)).column("agreeableness")
    expected = 0.15 * (0.5 + np.mean(agreeableness)) * n
    assert abs(a["likes"] - expected) < 4 * np.sqrt(expected)


def test_shares_reach_the_sharers_audience():
    n = 400
    log = log_for(n, EngagementRates(like=0.0, share=1.0, comment=0.0))

    def audience(sharers):  # two later agents see each share
        which = np.repeat(np.arange(sharers.size), 2)
        return which, np.column_stack([(sharers + 2) % n, (sharers + 3) % n]).ravel()

    log.record_day(1, *views(n, +1.0), np.ones(n, dtype=np.int64), audience)
    # every share shows the post to two more agents, who view it but cannot share again
    shares = log.summary(1)["shares"]
    assert shares > n / 2  # share chance 0.5 + extraversion
    assert log.summary(1)["views"] == n + 2 * shares


def test_activity_follows_the_profile():
    night_owls = [0.0] * 24
    night_owls[2] = 1.0
    log = EngagementLog(generate_personas(100, 0), 0, EngagementRates(), None, tuple(night_owls))
    hours = log.active_hours(np.arange(100), 4)
    assert np.all((hours >= 2) & (hours < 3))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("eng")
    doc = {
        "name": "eng",
        "seed": 5,
        "days": 8,
        "population": {"size": 40, "initial_believers": 4},
        "early_warning": {"observe_days": 3},
        "outputs": {"dir": str(tmp / "out")},
    }
    result = run_cli(str(write_scenario(tmp, doc)), "--quiet")
    assert result.returncode == 0, result.stderr
    (folder,) = (tmp / "out").iterdir()
    return folder, json.loads((folder / "summary.json").read_text())


def test_a_run_writes_engagement(run):
    folder, summary = run
    events = pd.read_csv(folder / "engagement.csv")
    assert list(events.columns) == [
        "post", "author", "post_day", "agent", "hour", "event", "likes", "shares", "comments",
    ]  # fmt: skip
    assert set(events["event"]) <= {"like", "share", "comment"}
    assert events["hour"].is_monotonic_increasing or events.groupby("post_day").size().size > 1
    # running totals per post end at the post's totals; the summary adds them up
    last = events.groupby("post").last()
    assert last[["likes", "shares", "comments"]].to_numpy().sum() == summary["engagement"]["total"]
    timeline = pd.read_csv(folder / "engagement_timeline.csv")
    assert len(timeline) in (24 * 8, 24 * 8 + 1)  # a late share reaches the next hour
    assert timeline["engagement"].iloc[-1] == summary["engagement"]["total"]
    assert timeline["engagement"].is_monotonic_increasing
    assert summary["engagement"]["peak_per_hour"] >= 1
    assert (folder / "engagement.png").stat().st_size > 10_000


def test_early_warning_is_scored(run):
    _, summary = run
    warning = summary["early_warning"]
    assert warning["observe_days"] == 3 and warning["horizon_day"] == 8
    eng = warning["final_engagement"]
    assert eng["model"] == "runrate" and eng["observed_until_hour"] == 72
    assert eng["actual"] == summary["engagement"]["total"]
    assert eng["low"] <= eng["predicted"] <= eng["high"]
    assert eng["ape"] == pytest.approx(
        abs(eng["predicted"] - eng["actual"]) / eng["actual"], abs=1e-4
    )
    believers = warning["final_believers"]
    assert believers["actual"] == summary["curve"]["final_believers"]


def test_forecast_trigger_starts_its_intervention(tmp_path):
    base = {
        "name": "trig",
        "seed": 42,
        "days": 10,
        "population": {"size": 30, "initial_believers": 2},
        "outputs": {"dir": str(tmp_path / "out")},
    }
    low = {"type": "forecast_trigger", "threshold": 1, "then": {"type": "official_debunk"}}
    high = {**low, "threshold": 1e9}
    for entry, fires in ((low, True), (high, False)):
        doc = {**base, "interventions": [entry]}
        result = run_cli(str(write_scenario(tmp_path, doc)), "--quiet")
        assert result.returncode == 0, result.stderr
        folder = max((tmp_path / "out").iterdir(), key=lambda p: p.stat().st_mtime_ns)
        log = pd.read_csv(folder / "interventions.csv")
        forecasts = log[log["action"] == "forecast"]
        assert forecasts["day"].min() == 3  # after observe_days (2)
        if fires:
            assert log.loc[log["action"] == "trigger", "day"].tolist() == [3]
            assert set(log.loc[log["action"] == "broadcast", "day"]) == set(range(3, 11))
        else:
            assert "trigger" not in set(log["action"]) and "notice" not in set(log["action"])
            assert len(forecasts) == 8  # checked every day from day 3


def test_trigger_validates_its_intervention(tmp_path, small_scenario):
    entry = {"type": "forecast_trigger", "threshold": 5, "then": {"type": "prebunk", "every": 0}}
    doc = {**small_scenario, "interventions": [entry]}
    result = run_cli("check", str(write_scenario(tmp_path, doc)))
    assert result.returncode == 2
    assert result.stderr.startswith("error: interventions.0.then: every: ")
