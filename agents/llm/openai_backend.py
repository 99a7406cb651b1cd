"""The ``openai`` backend: any OpenAI-compatible server through the openai package.

Every request of a batch is in flight at once under a semaphore (``concurrency``), spread
over one or more endpoints by least outstanding work. Retries of 429 (honouring
Retry-After), 5xx, connection errors and timeouts, with exponential back-off and jitter, are
the openai client's own (``max_retries``, ``timeout``). Answers are asked for as JSON-schema
constrained output (falling back to plain JSON mode where a server refuses schemas), parsed
tolerantly (agents.llm.parsing), and repaired once by asking again; an answer that still
fails becomes an error response, never an exception, so one bad call never stops a day.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import openai

from agents.llm.base import LLMRequest, LLMResponse, Usage
from agents.llm.parsing import AnswerError, parse_answer

_REPAIR = (
    "Your last answer could not be used ({problem}). Reply again with only the JSON object, "
    "complete, with the fields asked for."
)


class OpenAIModel:
    """Backend name ``openai``."""

    name = "openai"

    def __init__(
        self,
        seed: int,
        model: str,
        api_key: str,
        base_urls: Sequence[str | None] = (None,),
        concurrency: int = 32,
        timeout_s: float = 60.0,
        max_retries: int = 4,
    ):
        self.seed = seed
        self.model = model
        self.clients = [
            openai.AsyncOpenAI(
                api_key=api_key, base_url=url, timeout=timeout_s, max_retries=max_retries
            )
            for url in base_urls
        ]
        self.outstanding = [0] * len(self.clients)
        self.concurrency = concurrency
        self._semaphore: asyncio.Semaphore | None = None
        self.schema_mode = True  # switched off for good when a server refuses json_schema

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Answer all requests concurrently; answers come back in request order."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.concurrency)
        return list(await asyncio.gather(*(self._one(r) for r in requests)))

    async def _one(self, request: LLMRequest) -> LLMResponse:
        assert self._semaphore is not None
        async with self._semaphore:
            i = min(range(len(self.clients)), key=self.outstanding.__getitem__)
            self.outstanding[i] += 1
            try:
                return await self._ask(self.clients[i], request)
            finally:
                self.outstanding[i] -= 1

    @staticmethod
    def _response_format(request: LLMRequest, schema_mode: bool) -> dict[str, Any]:
        if schema_mode:
            return {
                "type": "json_schema",
                "json_schema": {"name": request.kind, "schema": request.schema, "strict": True},
            }
        # JSON mode; llama.cpp's server still constrains the output by a "schema" given here
        return {"type": "json_object", "schema": request.schema}

    async def _ask(self, client: openai.AsyncOpenAI, request: LLMRequest) -> LLMResponse:
        messages: list[dict[str, str]] = request.messages()
        prompt_tokens = completion_tokens = 0
        text = ""
        problem = "no answer"
        attempts = 0
        while attempts < 2:  # the answer, then one repair
            asked_schema = self.schema_mode
            try:
                reply = await client.chat.completions.create(
                    model=self.model,
                    messages=messages,  # type: ignore[arg-type]
                    temperature=request.sampling.temperature,
                    max_tokens=request.sampling.max_tokens,
                    seed=self.seed,
                    response_format=self._response_format(request, asked_schema),  # type: ignore[arg-type]
                )
            except openai.APIStatusError as exc:
                # Servers that do not know json_schema refuse it with 400 (or, llama.cpp's,
                # 500): ask again in plain JSON mode, for good (not counted as an attempt).
                if asked_schema and "response_format" in str(exc):
                    self.schema_mode = False
                    continue
                return LLMResponse({}, text, None, error=f"{type(exc).__name__}: {_brief(exc)}")
            except openai.OpenAIError as exc:  # retries exhausted, timeout, connection
                return LLMResponse({}, text, None, error=f"{type(exc).__name__}: {_brief(exc)}")
            if reply.usage is not None:
                prompt_tokens += reply.usage.prompt_tokens or 0
                completion_tokens += reply.usage.completion_tokens or 0
            text = (reply.choices[0].message.content or "") if reply.choices else ""
            usage = Usage(prompt_tokens, completion_tokens, estimated=reply.usage is None)
            try:
                fields = parse_answer(request.kind, text)
            except AnswerError as exc:
                problem = str(exc) if reply.choices else "no choices in the reply"
                attempts += 1
                if attempts == 1:
                    messages = [
                        *messages,
                        {"role": "assistant", "content": text},
                        {"role": "user", "content": _REPAIR.format(problem=problem)},
                    ]
                continue
            return LLMResponse(fields, text, usage)
        usage = Usage(prompt_tokens, completion_tokens) if prompt_tokens else None
        return LLMResponse({}, text, usage, error=f"unusable answer: {problem}")

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        for client in self.clients:
            await client.close()


def _brief(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
