"""Response cache wrapper: a persistent SQLite store of answers.

The key is a hash of everything that decides an answer: backend, model, messages, schema,
sampling settings, run seed and the request's identity (agent, day, kind), so that two
agents sending the same prompt still get their own samples. Rerunning a scenario replays
from the cache without any request reaching the server. Only usable answers are stored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from agents.llm.base import LanguageModel, LLMRequest, LLMResponse, Usage

MODES = ("off", "read", "write", "readwrite")


def cache_key(backend: str, model: str, seed: int, request: LLMRequest) -> str:
    """Stable hash identifying one request's answer."""
    ctx = request.context
    material = {
        "backend": backend,
        "model": model,
        "seed": seed,
        "sample": [ctx.agent_id, ctx.day, request.kind],
        "messages": request.messages(),
        "schema": request.schema,
        "temperature": request.sampling.temperature,
        "max_tokens": request.sampling.max_tokens,
    }
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


class ResponseCache:
    """Wraps a backend; answers found in the cache never reach it."""

    def __init__(self, inner: LanguageModel, path: Path, mode: str, model: str, seed: int):
        if mode not in MODES:
            raise ValueError(f"cache mode {mode!r} (allowed: {', '.join(MODES)})")
        self.inner = inner
        self.name = inner.name
        self.mode = mode
        self.model = model
        self.seed = seed
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, fields TEXT, raw TEXT,"
            " prompt_tokens INTEGER, completion_tokens INTEGER)"
        )
        self.hits = self.misses = 0

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Serve what the cache holds; send the rest to the wrapped backend."""
        keys = [cache_key(self.name, self.model, self.seed, r) for r in requests]
        answers: list[LLMResponse | None] = [None] * len(requests)
        if self.mode in ("read", "readwrite"):
            for i, key in enumerate(keys):
                row = self.db.execute(
                    "SELECT fields, raw, prompt_tokens, completion_tokens FROM answers"
                    " WHERE key = ?",
                    (key,),
                ).fetchone()
                if row:
                    answers[i] = LLMResponse(
                        json.loads(row[0]), row[1], Usage(row[2], row[3]), cached=True
                    )
        missing = [i for i, a in enumerate(answers) if a is None]
        self.hits += len(requests) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = await self.inner.complete([requests[i] for i in missing])
            for i, answer in zip(missing, fresh, strict=True):
                answers[i] = answer
            if self.mode in ("write", "readwrite"):
                with self.db:  # one transaction per batch
                    self.db.executemany(
                        "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                        [
                            (
                                keys[i],
                                json.dumps(a.fields),
                                a.raw,
                                a.usage.prompt_tokens if a.usage else 0,
                                a.usage.completion_tokens if a.usage else 0,
                            )
                            for i, a in zip(missing, fresh, strict=True)
                            if a.ok
                        ],
                    )
        return answers  # type: ignore[return-value]

    async def aclose(self) -> None:
        """Close the database and the wrapped backend."""
        self.db.close()
        await self.inner.aclose()
