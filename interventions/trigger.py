"""Acting on the forecast: start an intervention when the predicted engagement crosses a
threshold, instead of waiting for the spread to show."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from agents.memory import MemoryItem
from interventions.base import Intervention, InterventionParams, World
from interventions.registry import InterventionSpecError, build


class ForecastTrigger(Intervention):
    """From day ``observe_days + 1``, each morning the narrative's engagement so far (likes,
    shares, comments) is fed to the early-warning forecaster (simulator.forecast); once the forecast
    of the total by the end of the run reaches ``threshold``, the intervention ``then`` starts
    that day and runs for the rest of the run. Cost: ``cost_per_check`` per daily forecast,
    plus whatever ``then`` costs."""

    class Params(InterventionParams):
        threshold: float = Field(gt=0, description="forecast final engagement that triggers")
        observe_days: int = Field(2, ge=1, le=3650, description="days seen before forecasting")
        then: dict[str, Any] = Field(description="the intervention to start (an entry)")
        cost_per_check: float = Field(0.0, ge=0)

        @field_validator("then")
        @classmethod
        def _valid_entry(cls, entry: dict[str, Any]) -> dict[str, Any]:
            try:
                build(entry)
            except InterventionSpecError as exc:
                where = f"{exc.field}: " if exc.field else ""
                raise ValueError(f"{where}{exc.message}") from None
            return entry

    def __init__(self, params: InterventionParams):
        super().__init__(params)
        self.inner = build(params.then)
        self.triggered_on: int | None = None
        self.forecasts: list[tuple[int, float]] = []

    def schedule_problem(self, days: int) -> tuple[str, str] | None:
        if self.params.observe_days >= days:
            return "observe_days", (
                f"{self.params.observe_days} leaves no day to forecast and act on in a run of "
                f"{days} days (allowed: at most {days - 1})"
            )
        return None

    def on_day_start(self, world: World) -> None:
        p = self.params
        if self.triggered_on is None and world.day > p.observe_days:
            predicted = world.forecast_engagement()
            self.forecasts.append((world.day, predicted))
            world.record("forecast", (), p.cost_per_check, f"final engagement {predicted:.1f}")
            if predicted >= p.threshold:
                self.triggered_on = world.day
                world.record("trigger", (), 0.0, f"starts {self.inner.label}")
        if self.triggered_on is not None:
            self.inner.on_day_start(world)

    def on_exposure(self, world: World, listener: int, heard: list[MemoryItem]) -> list[MemoryItem]:
        if self.triggered_on is None:
            return heard
        return self.inner.on_exposure(world, listener, heard)

    def on_day_end(self, world: World) -> None:
        if self.triggered_on is not None:
            self.inner.on_day_end(world)
