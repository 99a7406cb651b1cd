"""Transcript wrapper: one JSON line per request and its answer.

Holds the messages, the structured context they were rendered from (so that a surrogate can be
fitted to the model's decisions: ``python run.py fit-surrogate``), the answer's fields and raw
text, usage, whether it was cached and any error. Nothing else is written: the API key lives
only inside the HTTP client.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

from agents.llm.base import LanguageModel, LLMRequest, LLMResponse, RequestContext
from agents.memory import MemoryItem
from agents.news import NewsItem
from agents.persona import Persona

# What a Persona is made from (its adjectives are derived from these).
_PERSONA_FIELDS = tuple(f.name for f in dataclasses.fields(Persona) if f.init)


def context_record(ctx: RequestContext) -> dict:
    """The request context as plain JSON data (memory items as [text, stance, source, day,
    importance] lists); ``context_from_record`` reads it back."""
    return {
        "persona": {name: getattr(ctx.persona, name) for name in _PERSONA_FIELDS},
        "news": dataclasses.asdict(ctx.news),
        "belief": ctx.belief,
        "confidence": ctx.confidence,
        "previous_post": ctx.previous_post,
        "heard": [list(m) for m in ctx.heard],
        "summary": None if ctx.summary is None else list(ctx.summary),
        "memory": [list(m) for m in ctx.memory],
        "nudges": [list(m) for m in ctx.nudges],
    }


def context_from_record(agent_id: int, day: int, record: dict) -> RequestContext:
    """The request context written by ``context_record``."""

    def items(rows: list) -> tuple[MemoryItem, ...]:
        return tuple(MemoryItem(*row) for row in rows)

    return RequestContext(
        agent_id=agent_id,
        day=day,
        persona=Persona(**record["persona"]),
        news=NewsItem(**record["news"]),
        belief=record["belief"],
        confidence=record["confidence"],
        previous_post=record["previous_post"],
        heard=items(record["heard"]),
        summary=None if record["summary"] is None else MemoryItem(*record["summary"]),
        memory=items(record["memory"]),
        nudges=items(record["nudges"]),
    )


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
                "context": context_record(ctx),
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
