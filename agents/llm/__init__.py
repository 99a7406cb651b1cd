"""Language-model backends, looked up by name.

A new backend is one module here plus one entry in ``create_backend``.
"""

from __future__ import annotations

from agents.llm.accounting import Accounting
from agents.llm.base import LanguageModel, LLMRequest, LLMResponse, RequestContext, Sampling

BACKENDS = ("mock", "openai")


class BackendUnavailable(RuntimeError):
    """The chosen backend cannot be used on this installation."""


def create_backend(name: str, seed: int, **settings) -> LanguageModel:
    """Build the backend called ``name`` (one of BACKENDS)."""
    if name == "mock":
        from agents.llm.mock import MockModel

        return MockModel(seed=seed, **settings)
    if name == "openai":
        from agents.llm.openai_backend import OpenAIModel

        return OpenAIModel(seed=seed, **settings)
    raise BackendUnavailable(f"unknown backend {name!r} (allowed: {', '.join(BACKENDS)})")


__all__ = [
    "BACKENDS",
    "Accounting",
    "BackendUnavailable",
    "LLMRequest",
    "LLMResponse",
    "LanguageModel",
    "RequestContext",
    "Sampling",
    "create_backend",
]
