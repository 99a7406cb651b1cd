"""Finding and configuring interventions named in a scenario.

``type`` is a built-in name (``BUILTINS``), an entry point in the ``murmur.interventions``
group of an installed package, or a dotted path ``package.module:Class``. The dotted path is
the only place where a scenario causes code to be imported. Parameters are validated by the
plug-in's own pydantic ``Params``; every problem becomes an ``InterventionSpecError`` naming
the field within the entry and what is allowed.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterator, Mapping
from importlib import metadata
from typing import Any

from pydantic import ValidationError

from interventions.base import Intervention

_BUILTIN_CLASSES = {
    "official_debunk": "interventions.notices:OfficialDebunk",
    "prebunk": "interventions.notices:Prebunk",
    "fact_check_label": "interventions.labels:FactCheckLabel",
    "suspend_spreaders": "interventions.moderation:SuspendSpreaders",
    "accuracy_nudge": "interventions.nudges:AccuracyNudge",
    "counter_messaging": "interventions.counter_messaging:CounterMessaging",
    "forecast_trigger": "interventions.trigger:ForecastTrigger",
}


class _Builtins(Mapping[str, type[Intervention]]):
    """The built-in interventions by name, each imported when first looked up: the forecast
    trigger builds the intervention it wraps through this module, so this module imports
    none of them (no import cycle)."""

    def __getitem__(self, name: str) -> type[Intervention]:
        module, cls = _BUILTIN_CLASSES[name].split(":")
        return getattr(importlib.import_module(module), cls)

    def __iter__(self) -> Iterator[str]:
        return iter(_BUILTIN_CLASSES)

    def __len__(self) -> int:
        return len(_BUILTIN_CLASSES)


BUILTINS: Mapping[str, type[Intervention]] = _Builtins()
ENTRY_POINT_GROUP = "murmur.interventions"
_DOTTED = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


class InterventionSpecError(ValueError):
    """A bad intervention entry. ``field`` is the key within the entry (or "")."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _allowed_types() -> str:
    plugins = sorted(ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP))
    return ", ".join([*BUILTINS, *plugins, "or 'package.module:Class'"])


def resolve(type_name: Any) -> type[Intervention]:
    """The intervention class ``type_name`` names."""
    if not isinstance(type_name, str) or not type_name:
        raise InterventionSpecError(
            "type", f"expected a name; got {type_name!r} (allowed: {_allowed_types()})"
        )
    if type_name in BUILTINS:
        return BUILTINS[type_name]
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP, name=type_name):
        return _checked(ep.load(), type_name)
    if not _DOTTED.match(type_name):
        raise InterventionSpecError(
            "type", f"unknown intervention {type_name!r} (allowed: {_allowed_types()})"
        )
    module_name, class_name = type_name.split(":")
    if os.getcwd() not in sys.path:  # `python run.py` puts run.py's folder there, not the cwd
        sys.path.append(os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # any import failure of user code is a bad scenario entry
        raise InterventionSpecError(
            "type",
            f"cannot import {module_name!r} for {type_name!r} ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''})",
        ) from None
    cls = getattr(module, class_name, None)
    if cls is None:
        raise InterventionSpecError("type", f"module {module_name!r} has no {class_name!r}")
    return _checked(cls, type_name)


def _checked(cls: Any, type_name: str) -> type[Intervention]:
    if not (isinstance(cls, type) and issubclass(cls, Intervention)):
        raise InterventionSpecError(
            "type", f"{type_name!r} is not an Intervention subclass (see docs/INTERVENTIONS.md)"
        )
    return cls


def build(spec: Any) -> Intervention:
    """An intervention from one scenario entry (a mapping with ``type`` and parameters)."""
    if not isinstance(spec, dict):
        raise InterventionSpecError(
            "", f"expected a mapping with a 'type' key; got {type(spec).__name__}"
        )
    cls = resolve(spec.get("type"))
    try:
        params = cls.Params.model_validate(spec)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(cls.Params.model_fields)
            raise InterventionSpecError(
                field, f"unknown field for {spec['type']!r} (allowed: {allowed})"
            ) from None
        if err["type"] == "missing":
            raise InterventionSpecError(field, "required field is missing") from None
        shown = repr(err.get("input"))
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise InterventionSpecError(
            field, f"{err['msg'].removeprefix('Value error, ')}; got {shown}"
        ) from None
    return cls(params)


def build_all(specs: list[Any], days: int | None = None) -> list[Intervention]:
    """Every entry of a scenario's ``interventions`` list; errors name the entry's index.
    With ``days``, an intervention that could never act in a run that long is an error."""
    built = []
    for i, spec in enumerate(specs):
        try:
            intervention = build(spec)
            problem = intervention.schedule_problem(days) if days is not None else None
            if problem is not None:
                raise InterventionSpecError(*problem)
            built.append(intervention)
        except InterventionSpecError as exc:
            path = f"interventions.{i}" + (f".{exc.field}" if exc.field else "")
            raise InterventionSpecError(path, exc.message) from None
    labels = [iv.label for iv in built]
    for label in labels:
        if labels.count(label) > 1:
            index = len(labels) - 1 - labels[::-1].index(label)
            raise InterventionSpecError(
                f"interventions.{index}.name",
                f"two interventions are called {label!r}; give each a distinct name",
            )
    return built
