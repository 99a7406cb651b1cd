"""The language-model boundary: requests, responses and the backend interface.

A request carries its kind, the structured context it was built from (persona, belief, what
was heard, what is remembered, the news item) and its sampling settings. Chat messages are
rendered from the context only when a backend needs them, so the surrogate never pays for
prompt rendering. A response carries the parsed fields, the raw text and token usage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from agents.context import REQUEST_KINDS, RequestContext, RequestKind
from agents.prompts import RESPONSE_SCHEMAS, render_messages


@dataclass(slots=True, frozen=True)
class Sampling:
    """Sampling settings of one request."""

    temperature: float
    max_tokens: int


@dataclass(slots=True)
class LLMRequest:
    """One request to a language model."""

    kind: RequestKind
    context: RequestContext
    sampling: Sampling

    def messages(self) -> list[dict[str, str]]:
        """The chat messages for this request (rendered on demand)."""
        return render_messages(self.kind, self.context)

    @property
    def schema(self) -> dict[str, Any]:
        """JSON schema the answer must follow."""
        return RESPONSE_SCHEMAS[self.kind]


@dataclass(slots=True)
class Usage:
    """Token usage of one response; ``estimated`` when counted by us rather than the server."""

    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False


@dataclass(slots=True)
class LLMResponse:
    """A parsed answer. ``error`` is set (and ``fields`` empty) when no usable answer came.

    ``latency_s`` is the wall time from sending to the usable answer (retries and repair
    included; 0 for the surrogate and for cached answers), ``retries`` the HTTP attempts the
    client repeated after 429/5xx/timeouts, ``repairs`` the requests that asked again because
    the answer could not be parsed.
    """

    fields: dict[str, Any]
    raw: str
    usage: Usage | None = None
    cached: bool = False
    error: str | None = None
    latency_s: float = 0.0
    retries: int = 0
    repairs: int = 0

    @property
    def ok(self) -> bool:
        """True when the answer was usable."""
        return self.error is None


class LanguageModel(Protocol):
    """What every backend implements: answer a batch of independent requests.

    All independent requests of a simulation phase arrive in one call, so a backend may run
    them concurrently; the answers come back in request order.
    """

    name: str

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Answer ``requests`` in order. Must not raise for a single bad answer."""
        ...

    async def aclose(self) -> None:
        """Release connections and files."""
        ...


__all__ = [
    "REQUEST_KINDS",
    "LLMRequest",
    "LLMResponse",
    "LanguageModel",
    "RequestContext",
    "RequestKind",
    "Sampling",
    "Usage",
]
