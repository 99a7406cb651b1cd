"""The forecasters on 50 real retweet cascades (../shared/data/seismic-dev), cross-validated."""

import numpy as np
import pytest

from simulator.forecast.data import Cascade, read_seismic_dir
from simulator.forecast.evaluate import cross_validate
from tests.conftest import SEISMIC_DATA

pytestmark = pytest.mark.skipif(
    not SEISMIC_DATA.is_dir(), reason=f"real cascades not found at {SEISMIC_DATA}"
)


@pytest.fixture(scope="module")
def one_hour():
    cascades = read_seismic_dir(SEISMIC_DATA)
    assert len(cascades) == 50
    # statespace and auto are cross-validated by forecast-eval (docs/PERFORMANCE.md): their
    # nested fits take minutes, too long for the test run
    table = cross_validate(cascades, {"1h": 3600.0}, ["naive", "seismic", "regression"])
    return table.set_index("model")


def test_best_model_beats_the_naive_baseline_at_one_hour(one_hour):
    naive = one_hour.loc["naive", "median_ape"]
    assert naive == pytest.approx(0.644, abs=0.01)  # the count so far, on these cascades
    best = one_hour["median_ape"].drop("naive").min()
    assert best < naive
    # calibrated SEISMIC, fitted to the growth, its point chosen for the APE measure (0.169,
    # docs/PERFORMANCE.md): the goal for the best model is 0.20
    assert one_hour.loc["seismic", "median_ape"] <= 0.18
    assert one_hour.loc["seismic", "rmse_log"] < one_hour.loc["naive", "rmse_log"]


def test_intervals_cover_about_ninety_percent_of_held_out_cascades(one_hour):
    # conformal ends of out-of-fold errors: the goal is 0.85-0.95; with 50 cascades one
    # cascade is 0.02 and the coverage's own sd about 0.04 (seismic: 48 of 50 on this split)
    assert (one_hour["coverage_90"] >= 0.85).all(), one_hour["coverage_90"]
    assert (one_hour["coverage_90"] <= 0.96).all(), one_hour["coverage_90"]


def test_statespace_fitted_on_forty_cascades_covers_ten_others():
    # One fit (the cross-validated figures are forecast-eval's, docs/PERFORMANCE.md): its 90%
    # intervals hold most of the held-out cascades, and from 6 h it is closer than the count
    # so far. (At 1 h it is not, on these ten: it forecasts about 3-4 times the count.)
    from simulator.forecast.statespace import StateSpaceForecaster, fit_dynamics

    cascades = read_seismic_dir(SEISMIC_DATA)
    model = StateSpaceForecaster(fit_dynamics(cascades[:40]))
    held = cascades[40:]
    truth = np.array([c.final for c in held], float)
    for window in (3600.0, 6 * 3600.0):
        forecasts = [model.predict(c.observe(window)) for c in held]
        inside = [f.low <= t <= f.high for f, t in zip(forecasts, truth, strict=True)]
        assert sum(inside) >= 8, window
    points = np.array([f.point for f in forecasts])
    naive = np.array([c.count_at(6 * 3600.0) for c in held], float)
    assert np.mean(np.abs(np.log1p(points) - np.log1p(truth))) < np.mean(
        np.abs(np.log1p(naive) - np.log1p(truth))
    )


def test_auto_uses_seismic_inside_its_calibration_and_statespace_outside():
    from simulator.forecast.calibration import shipped_model

    cascade = read_seismic_dir(SEISMIC_DATA)[0]
    auto = shipped_model("auto", 3600.0, None, followers=True)
    seismic = shipped_model("seismic", 3600.0, None, followers=True)
    inside = cascade.observe(3600.0)
    assert auto.predict(inside) == seismic.predict(inside)
    tiny = Cascade("tiny", cascade.times[:3] / 10.0)
    forecast = auto.predict(tiny.observe(3600.0))
    assert forecast.note.startswith("by statespace: 3 event(s) is outside the ")
    assert 3 <= forecast.low <= forecast.point <= forecast.high < 500
