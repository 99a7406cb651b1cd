"""Transcript wrapper: one JSON line per request and its answer.

Holds the messages, the answer's fields and raw text, usage, whether it was cached and any
error. Nothing else is written: the API key lives only inside the HTTP client.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from agents.llm.base import LanguageModel, LLMRequest, LLMResponse


class Transcript:
    """Wraps a backend and appends every exchange to a JSON Lines file."""

    def __init__(self, inner: LanguageModel, path: Path):
        self.inner = inner
        self.name = inner.name
        self._file = path.open("a", encoding="utf-8")

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Forward, then record each request with its answer."""
        answers = await self.inner.complete(requests)
        for request, answer in zip(requests, answers, strict=True):
            ctx = request.context
            record = {
                "agent": ctx.agent_id,
                "day": ctx.day,
                "kind": request.kind,
                "messages": request.messages(),
                "temperature": request.sampling.temperature,
                "max_tokens": request.sampling.max_tokens,
                "fields": answer.fields,
                "raw": answer.raw,
                "cached": answer.cached,
                "error": answer.error,
                "usage": None
                if answer.usage is None
                else {
                    "prompt_tokens": answer.usage.prompt_tokens,
                    "completion_tokens": answer.usage.completion_tokens,
                },
            }
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()
        return answers

    async def aclose(self) -> None:
        """Close the file and the wrapped backend."""
        self._file.close()
        await self.inner.aclose()
