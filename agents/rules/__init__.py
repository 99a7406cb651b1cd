"""Decision rules for agents that live on arrays (base.py says what a rule is).

Built in: ``surrogate`` (surrogate.py). The ``llm`` rule is not one of these: its agents stay
Mesa agents with their memories and ask a language model (agents/citizen.py).
"""

from agents.rules.base import DecisionRule, Decisions, Exposures

__all__ = ["DecisionRule", "Decisions", "Exposures"]
