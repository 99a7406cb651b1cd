"""The decision rules a scenario can name in ``agents.rule``, and their parameter schemas.

``surrogate`` and ``llm`` take their settings from the scenario's ``llm`` section; each
classic rule is one module of this package with a ``Params`` schema (its ``type`` is the
rule's name) and a rule class.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import Field

from agents.news import NewsItem
from agents.population import Population
from agents.rules import (
    daley_kendall,
    deffuant,
    degroot,
    friedkin_johnsen,
    hegselmann_krause,
    independent_cascade,
    linear_threshold,
    majority,
    maki_thompson,
    q_voter,
    sir,
    sis,
    voter,
)
from agents.rules.base import ONCE_A_DAY
from agents.rules.classic import ClassicRule, RuleParams


class SurrogateSpec(RuleParams):
    """The surrogate cognitive model (docs/SURROGATE.md); its settings are in ``llm``."""

    type: Literal["surrogate"]


class LLMSpec(RuleParams):
    """Three requests a day to ``llm.backend``."""

    type: Literal["llm"]


CLASSIC: dict[str, tuple[Any, str]] = {
    module.Params.model_fields["type"].annotation.__args__[0]: (module, cls)
    for module, cls in (
        (degroot, "DeGroot"),
        (friedkin_johnsen, "FriedkinJohnsen"),
        (deffuant, "Deffuant"),
        (hegselmann_krause, "HegselmannKrause"),
        (voter, "Voter"),
        (q_voter, "QVoter"),
        (majority, "Majority"),
        (sir, "SIR"),
        (sis, "SIS"),
        (daley_kendall, "DaleyKendall"),
        (maki_thompson, "MakiThompson"),
        (independent_cascade, "IndependentCascade"),
        (linear_threshold, "LinearThreshold"),
    )
}
"""Classic rules by name: (module, class name)."""

RuleSpec = Annotated[
    Union[SurrogateSpec, LLMSpec, *(module.Params for module, _ in CLASSIC.values())],
    Field(discriminator="type"),
]
"""``agents.rule``: a rule's name and parameters."""

SPECS: dict[str, type[RuleParams]] = {
    "surrogate": SurrogateSpec,
    "llm": LLMSpec,
    **{name: module.Params for name, (module, _) in CLASSIC.items()},
}
"""Each rule's parameter schema by name (for error messages)."""


def rule_updates(name: str) -> tuple[str, ...]:
    """The update orders the rule ``name`` can run in (``agents.update``)."""
    return rule_class(name).updates if name in CLASSIC else ONCE_A_DAY


def rule_class(name: str) -> type[ClassicRule]:
    """The class of the classic rule ``name``."""
    module, cls = CLASSIC[name]
    return getattr(module, cls)


def classic_rule(
    spec: RuleParams,
    seed: int,
    population: Population,
    news: NewsItem,
    members: np.ndarray | None = None,
) -> ClassicRule:
    """The classic rule ``spec`` names, for the ``members`` of ``population`` (all: None)."""
    return rule_class(spec.type)(spec, seed, population, news, members)


__all__ = ["CLASSIC", "SPECS", "RuleSpec", "classic_rule"]
