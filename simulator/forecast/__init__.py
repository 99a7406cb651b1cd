"""Engagement forecasting from early, interval-censored observations (docs/FORECAST.md)."""

from simulator.forecast.base import Forecast, Forecaster, NaiveForecaster
from simulator.forecast.data import Cascade, Observation, Snapshots
from simulator.forecast.hawkes import HawkesForecaster
from simulator.forecast.regression import LogLinearForecaster
from simulator.forecast.seismic import RawSeismicForecaster, SeismicForecaster

MODELS: dict[str, type] = {
    "naive": NaiveForecaster,
    "seismic": SeismicForecaster,
    "seismic_raw": RawSeismicForecaster,
    "hawkes": HawkesForecaster,
    "regression": LogLinearForecaster,
}

__all__ = [
    "MODELS",
    "Cascade",
    "Forecast",
    "Forecaster",
    "HawkesForecaster",
    "LogLinearForecaster",
    "NaiveForecaster",
    "Observation",
    "RawSeismicForecaster",
    "SeismicForecaster",
    "Snapshots",
]
