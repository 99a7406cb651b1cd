"""Forecasting the posts in a file: what ``run.py forecast`` does.

The input is a snapshots CSV (post_id, time in seconds, likes, shares, comments[, followers])
or a folder of timestamped cascades (SEISMIC's RT*.txt). Each post is cut at ``observe``
seconds; each engagement type is forecast at ``horizon`` (None: the final size). Where the
file goes on past the observation window, the truth is known and the errors are reported.
Without training cascades every model uses the calibration shipped with the package
(simulator.forecast.calibration).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import UserError
from simulator.forecast import MODELS, REMOVED
from simulator.forecast.calibration import shipped_model
from simulator.forecast.data import (
    ENGAGEMENT_TYPES,
    Cascade,
    read_seismic_dir,
    read_snapshots,
)


def choose_model(
    name: str,
    training: list[Cascade] | None,
    observe: float,
    horizon: float | None,
    followers: bool,
):
    """The forecaster ``name``, fitted on ``training`` or else with the shipped calibration,
    and a few words on which."""
    if name in REMOVED:
        raise UserError(f"--model {name}: {REMOVED[name]}")
    if name not in MODELS:
        raise UserError(f"--model: {name!r} (allowed: {', '.join(MODELS)})")
    if name == "runrate" and horizon is None:
        raise UserError("--model runrate forecasts to a time: give --horizon, e.g. 7d")
    if training:
        # statespace (and auto, which holds one) refits its dynamics six times to measure
        # its interval: a minute or so for 50 cascades, so say what is happening
        print(f"calibrating {name} on {len(training)} cascades ...", file=sys.stderr, flush=True)
        model = MODELS[name]()
        model.fit(training, observe, horizon)
        return model, f"trained on {len(training)} cascades"
    return shipped_model(name, observe, horizon, followers), "shipped calibration"


def forecast_file(
    source: Path,
    observe: float,
    horizon: float | None,
    model_name: str,
    train: Path | None = None,
) -> pd.DataFrame:
    """One row per post and engagement type: what was forecast (model, calibration, window,
    horizon), the observed count, the forecast and its 90% interval, and the truth where the
    file goes on past the window."""
    training = read_seismic_dir(train) if train is not None else None
    if training and not source.is_dir():
        # Snapshots carry no per-event follower counts: train on the cascades without them
        # too, so the model is calibrated on what it will see.
        training = [Cascade(c.name, c.times) for c in training]
    if horizon is not None and horizon <= observe:
        raise UserError("--horizon must be later than --observe (or 'final')")
    model, calibration = choose_model(model_name, training, observe, horizon, source.is_dir())
    what = {
        "model": model_name,
        "calibration": calibration,
        "observe_s": observe,
        "horizon": "final" if horizon is None else horizon,
    }
    rows = []
    if source.is_dir():
        for cascade in read_seismic_dir(source):
            obs = cascade.observe(observe)
            truth = cascade.final if horizon is None else cascade.count_at(horizon)
            known = horizon is None or (cascade.times.size and cascade.times[-1] >= horizon)
            rows.append(
                _row(what, cascade.name, "shares", obs, model.predict(obs, horizon), truth, known)
            )
    else:
        for post in read_snapshots(source):
            for kind in ENGAGEMENT_TYPES:
                obs = post.observe(kind, observe)
                last = float(post.times[-1])
                if horizon is None:
                    truth, known = int(post.counts[kind][-1]), last > observe
                else:
                    truth, known = post.count_at(kind, horizon), last >= horizon
                rows.append(
                    _row(what, post.post_id, kind, obs, model.predict(obs, horizon), truth, known)
                )
    return pd.DataFrame(rows)


def _row(what, post, kind, obs, forecast, truth, known) -> dict:
    row = {
        **what,
        "post_id": post,
        "engagement": kind,
        "observed": obs.count,
        "forecast": round(forecast.point, 3),
        "low": round(forecast.low, 3),
        "high": round(forecast.high, 3),
        "note": forecast.note,
        "truth": truth if known else None,
    }
    if known and truth:
        row["ape"] = round(abs(forecast.point - truth) / truth, 6)
        row["abs_log_error"] = round(abs(np.log1p(forecast.point) - np.log1p(truth)), 6)
    return row
