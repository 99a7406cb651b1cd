"""The calibration shipped with the package, so that a first forecast is a calibrated one.

``calibration.json`` (next to this file) holds what every forecaster learned from 50 public
retweet cascades (the development split of the SEISMIC data set, Zhao et al., KDD 2015, as
redistributed under the MIT licence by NII-Kobayashi/TiDeH; the file names both): per
observation window, the coefficients and out-of-fold interval ends of ``seismic``,
``regression``, ``seismic_raw`` and ``naive``, for the final size, in two variants (with the
resharers' follower counts, as in cascade files, and without, as in snapshot files); and the
window-free parameters of ``statespace``. ``run.py forecast`` uses it when no ``--train`` is
given; ``--train DIR`` replaces it. Rebuild it with

    python -m simulator.forecast.calibration --data ../shared/data/seismic-dev
"""

from __future__ import annotations

import argparse
import json
from functools import cache
from pathlib import Path

from simulator.errors import UserError
from simulator.forecast import MODELS, AutoForecaster
from simulator.forecast.data import Cascade, read_seismic_dir
from simulator.forecast.runrate import RunRateForecaster
from simulator.forecast.statespace import (
    StateSpaceForecaster,
    StateSpaceParameters,
    fit_dynamics,
    interval_scale,
)

PATH = Path(__file__).with_name("calibration.json")
WINDOWS = {
    "10m": 600.0,
    "30m": 1800.0,
    "1h": 3600.0,
    "2h": 7200.0,
    "6h": 21600.0,
    "12h": 43200.0,
    "24h": 86400.0,
}
WINDOWED = ("seismic", "seismic_raw", "regression", "naive")
SOURCE = (
    "50 Twitter retweet cascades (Oct-Nov 2011), the development split of the SEISMIC data "
    "set (Zhao, Erdogdu, He, Rajaraman, Leskovec, KDD 2015) as redistributed in "
    "github.com/NII-Kobayashi/TiDeH data/training (commit 23bc22f8)"
)
LICENCE = "MIT (Copyright (c) 2018 NII-Kobayashi); research use"


def variant(followers: bool) -> str:
    return "followers" if followers else "no_followers"


def build(cascades: list[Cascade]) -> dict:
    """Fit every model on ``cascades`` as ``--train`` would, for each shipped window (auto
    is made of seismic and statespace)."""
    bare = [Cascade(c.name, c.times) for c in cascades]
    out: dict = {"source": SOURCE, "licence": LICENCE, "cascades": len(cascades), "windowed": {}}
    for name in WINDOWED:
        out["windowed"][name] = {}
        for followers, data in ((True, cascades), (False, bare)):
            states = {}
            for label, window in WINDOWS.items():
                model = MODELS[name]()
                model.fit(data, window, None)
                states[label] = model.state()
            out["windowed"][name][variant(followers)] = states
    params = fit_dynamics(bare)
    scale = interval_scale(bare, list(WINDOWS.values()), None)
    out["statespace"] = StateSpaceParameters.from_dict(
        {**params.to_dict(), "interval_scale": scale}
    ).to_dict()
    return out


@cache
def _shipped() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8"))


def shipped_model(name: str, observe: float, horizon: float | None, followers: bool):
    """The model ``name`` with the shipped calibration for this window, or a UserError saying
    which windows have one."""
    if name == "runrate":
        return RunRateForecaster()  # nothing to calibrate
    data = _shipped()
    label = next((k for k, w in WINDOWS.items() if w == observe), None)
    if name in ("statespace", "auto"):
        statespace = StateSpaceForecaster(StateSpaceParameters.from_dict(data["statespace"]))
        if name == "statespace":
            return statespace
        seismic = None
        if horizon is None and label is not None:
            seismic = shipped_model("seismic", observe, horizon, followers)
        return AutoForecaster(seismic, statespace)
    if horizon is not None or label is None:
        raise UserError(
            f"--model {name}: the shipped calibration covers --observe "
            f"{', '.join(WINDOWS)} with --horizon final; for --observe/--horizon other than "
            "those, give --train DIR (cascades to calibrate on) or use --model statespace "
            "or auto (calibrated for any window and horizon)"
        )
    model = MODELS[name]()
    model.load_state(data["windowed"][name][variant(followers)][label])
    return model


def early_warning_model() -> RunRateForecaster:
    """The forecaster every run's early warning and ``forecast_trigger`` use: the one that
    did best on the simulator's own engagement over many seeds (bench/bench_early_warning.py,
    docs/FORECAST.md); the models calibrated on retweet cascades forecast a third of it."""
    return RunRateForecaster()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="rebuild the shipped forecast calibration")
    parser.add_argument("--data", type=Path, required=True, help="folder of RT*.txt cascades")
    args = parser.parse_args(argv)
    table = build(read_seismic_dir(args.data))
    PATH.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {PATH} from {table['cascades']} cascades")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
