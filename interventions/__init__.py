"""Intervention plug-ins: the interface (``base``), the built-ins and the registry.

See docs/INTERVENTIONS.md for the built-ins, their parameters and costs, and how to write a
plug-in of your own.
"""

from interventions.base import Intervention, InterventionParams, ScheduledParams, World
from interventions.registry import BUILTINS, InterventionSpecError, build, build_all, resolve

__all__ = [
    "BUILTINS",
    "Intervention",
    "InterventionParams",
    "InterventionSpecError",
    "ScheduledParams",
    "World",
    "build",
    "build_all",
    "resolve",
]
