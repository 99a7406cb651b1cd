"""Reading engagement data, imputing events between snapshots, durations."""

import re

import numpy as np
import pytest

from simulator.errors import InputWarning, UserError
from simulator.forecast.data import (
    events_from_snapshots,
    parse_duration,
    read_snapshots,
)


def test_imputed_events_are_exact_at_snapshots():
    times = np.array([60.0, 600.0, 3600.0])
    counts = np.array([3, 3, 10])
    events = events_from_snapshots(times, counts)
    assert events.size == 10
    for t, c in zip(times, counts, strict=True):
        assert np.sum(events <= t) == c
    assert np.all(np.diff(events) >= 0)


def test_snapshots_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "post_id,time,likes,shares,comments,followers\n"
        "a,3600,10,2,1,500\na,60,3,1,0,500\nb,120,5,5,5,\n"
    )
    with pytest.warns(InputWarning, match=r"rows of 1 post\(s\) were not in time order \(a\)"):
        posts = {p.post_id: p for p in read_snapshots(path)}
    assert list(posts["a"].times) == [60.0, 3600.0]  # sorted by time
    assert posts["a"].followers == 500 and posts["b"].followers is None
    obs = posts["a"].observe("likes", 1800.0)
    assert obs.count == 3 and not obs.exact


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("post_id,time,likes\na,1,2\n", "missing column(s) shares, comments"),
        ("post_id,time,likes,shares,comments\na,-5,1,1,1\n", "line 2, column time"),
        ("post_id,time,likes,shares,comments\na,5,x,1,1\n", "line 2, column likes"),
        ("post_id,time,likes,shares,comments\n", "no rows"),
        # a number as written, never numpy's repr (np.int64(-5))
        ("post_id,time,likes,shares,comments\na,5,-5,1,1\n", "line 2, column likes: -5 (allowed"),
        (
            "post_id,time,likes,shares,comments\na,60,5,0,0\na,90,4,1,0\n",
            "line 3, column likes: 4 at time 90 is less than 5 at time 60 (line 2) for post a",
        ),
        (  # found after sorting by time
            "post_id,time,likes,shares,comments\na,90,0,9,0\na,30,0,2,0\na,60,0,1,0\n",
            "line 4, column shares: 1 at time 60 is less than 2 at time 30 (line 3)",
        ),
    ],
)
def test_bad_snapshots_say_where(tmp_path, text, words):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(UserError, match=re.escape(words)):
        read_snapshots(path)


def test_durations():
    assert parse_duration("1h") == 3600 and parse_duration("30m") == 1800
    assert parse_duration("90") == 90 and parse_duration("1.5d") == 1.5 * 86400
    for bad in ("", "1x", "-1h", "0"):
        with pytest.raises(UserError):
            parse_duration(bad)


def test_forecast_command(tmp_path):
    from tests.conftest import run_cli

    rows = ["post_id,time,likes,shares,comments"]
    for post, rate in (("p1", 1.0), ("p2", 3.0)):
        for t in (300, 900, 2400, 3600, 20000, 90000):
            n = int(rate * 40 * np.log1p(t / 300))
            rows.append(f"{post},{t},{2 * n},{n},{n // 4}")
    path = tmp_path / "snap.csv"
    path.write_text("\n".join(rows) + "\n")
    # a new user's first forecast: no --model, no --train: the shipped calibration
    result = run_cli("forecast", str(path), "--observe", "1h", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "model auto (shipped calibration), observed 1h, forecast the final size, 90% intervals"
    )
    assert "median APE" in result.stdout  # the truth is known past the window
    (out,) = tmp_path.glob("forecast-*/forecasts.csv")
    table = __import__("pandas").read_csv(out, keep_default_na=False)
    assert len(table) == 2 * 3
    assert set(table["model"]) == {"auto"} and set(table["horizon"]) == {"final"}
    assert set(table["observe_s"]) == {3600.0}
    assert set(table["calibration"]) == {"shipped calibration"}
    assert (table["forecast"] >= table["observed"]).all()
    assert (table["low"] <= table["forecast"]).all() and (table["forecast"] <= table["high"]).all()
    bad = run_cli("forecast", str(path), "--observe", "2 hours")
    assert bad.returncode == 2 and bad.stderr.startswith("error: duration '2 hours'")
    bad = run_cli("forecast", str(path), "--model", "regression", "--observe", "3h")
    assert bad.returncode == 2 and "--model regression: the shipped calibration covers" in (
        bad.stderr
    )
    bad = run_cli("forecast", str(path), "--model", "hawkes")
    assert bad.returncode == 2 and "Hawkes forecaster was removed" in bad.stderr
