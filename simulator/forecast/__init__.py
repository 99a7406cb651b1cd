"""Engagement forecasting from early, interval-censored observations (docs/FORECAST.md)."""

from simulator.forecast.auto import AutoForecaster
from simulator.forecast.base import Forecast, Forecaster, NaiveForecaster
from simulator.forecast.data import Cascade, Observation, Snapshots
from simulator.forecast.regression import LogLinearForecaster
from simulator.forecast.runrate import RunRateForecaster
from simulator.forecast.seismic import RawSeismicForecaster, SeismicForecaster
from simulator.forecast.statespace import StateSpaceForecaster

MODELS: dict[str, type] = {
    "auto": AutoForecaster,
    "seismic": SeismicForecaster,
    "statespace": StateSpaceForecaster,
    "regression": LogLinearForecaster,
    "seismic_raw": RawSeismicForecaster,
    "runrate": RunRateForecaster,
    "naive": NaiveForecaster,
}
# Removed models, with the reason a user who names one is given.
REMOVED = {
    "hawkes": "the exponential-kernel Hawkes forecaster was removed: fitted to an hour of "
    "retweets it put the branching ratio at its bound and forgot the past within a minute, "
    "so it forecast little more than the count so far (docs/FORECAST.md); use seismic (a "
    "Hawkes process with a power-law memory), statespace or auto, the default",
}

__all__ = [
    "MODELS",
    "REMOVED",
    "AutoForecaster",
    "Cascade",
    "Forecast",
    "Forecaster",
    "LogLinearForecaster",
    "NaiveForecaster",
    "Observation",
    "RawSeismicForecaster",
    "RunRateForecaster",
    "SeismicForecaster",
    "Snapshots",
    "StateSpaceForecaster",
]
