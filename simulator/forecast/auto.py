"""The default forecaster: the best calibrated model for each post.

Calibrated SEISMIC (``seismic``) is the most accurate model on cascades like the ones it was
calibrated on, but its calibration is a regression on those cascades: for a post whose count
at the window lies outside theirs it would forecast the size of a typical calibration cascade
(docs/FORECAST.md). ``auto`` forecasts such posts, and every post at a window or horizon
seismic has no calibration for, with the state-space model (``statespace``), which learns
dynamics rather than sizes; each forecast's note says when it did.
"""

from __future__ import annotations

from simulator.forecast.base import Forecast
from simulator.forecast.data import Cascade, Observation
from simulator.forecast.seismic import SeismicForecaster
from simulator.forecast.statespace import StateSpaceForecaster


class AutoForecaster:
    """``seismic`` where its calibration holds, else ``statespace``."""

    name = "auto"

    def __init__(
        self,
        seismic: SeismicForecaster | None = None,
        statespace: StateSpaceForecaster | None = None,
    ):
        self.seismic = seismic
        self.statespace = statespace or StateSpaceForecaster()

    def fit(
        self,
        cascades: list[Cascade],
        observe: float,
        horizon: float | None = None,
        intervals: bool = True,
    ) -> None:
        self.seismic = SeismicForecaster()
        self.seismic.fit(cascades, observe, horizon, intervals)
        self.statespace.fit(cascades, observe, horizon, intervals)

    def predict(self, observation: Observation, horizon: float | None = None) -> Forecast:
        if self.seismic is None:
            why = "seismic has no calibration for this window and horizon"
        else:
            why = self.seismic.outside_calibration(observation)
            if not why:
                return self.seismic.predict(observation, horizon)
        forecast = self.statespace.predict(observation, horizon)
        return Forecast(forecast.point, forecast.low, forecast.high, f"by statespace: {why}")
