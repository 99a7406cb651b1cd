"""The ``openai`` backend: any OpenAI-compatible server through the openai package.

Every request of a batch is in flight at once under a semaphore (``concurrency``), spread
over one or more endpoints by least outstanding work. Retries of 429 (honouring
Retry-After), 5xx, connection errors and timeouts, with exponential back-off and jitter, are
the openai client's own (``max_retries``, ``timeout``); optional requests-per-minute and
tokens-per-minute limits hold requests back before they are sent (aiolimiter's leaky buckets
holding about a second's worth; a request is charged its estimated prompt tokens plus its
``max_tokens``). Answers are asked for as JSON-schema constrained output (falling back to
plain JSON mode where a server refuses schemas) and parsed tolerantly (agents.llm.parsing).
An unusable answer is asked for twice more: first a fresh sample of the same prompt (another
seed: a small model's bad answer is usually bad luck, and a conversation about it tends to
confuse it further), then a repair that names the problem. An answer that still fails
becomes an error response, never an exception, so one bad call never stops a day.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx2
import openai
from aiolimiter import AsyncLimiter

from agents.llm.base import LLMRequest, LLMResponse, Usage
from agents.llm.parsing import AnswerError, parse_answer
from agents.prompts import estimate_tokens

_REPAIR = (
    "Your last answer could not be used ({problem}). Reply again with only the JSON object, "
    "complete, with the fields asked for."
)


# The answer, a fresh sample, then a repair conversation.
_ATTEMPTS = 3


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
        requests_per_minute: int | None = None,
        tokens_per_minute: int | None = None,
    ):
        self.seed = seed
        self.model = model
        # aiohttp under the client (the openai package's own option, openai[aiohttp]): at 64
        # requests in flight it cost about a third less CPU per request than httpx (measured
        # with bench/bench_pipeline.py), and the client's CPU is what bounds throughput.
        self.clients = [
            openai.AsyncOpenAI(
                api_key=api_key,
                base_url=url,
                timeout=timeout_s,
                max_retries=max_retries,
                http_client=openai.DefaultAioHttpClient(),
            )
            for url in base_urls
        ]
        self.outstanding = [0] * len(self.clients)
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.requests_per_minute = requests_per_minute
        self.tokens_per_minute = tokens_per_minute
        # created inside the running event loop, on first use
        self._semaphore: asyncio.Semaphore | None = None
        self._rpm: AsyncLimiter | None = None
        self._tpm: AsyncLimiter | None = None
        self.schema_mode = True  # switched off for good when a server refuses json_schema

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Answer all requests concurrently; answers come back in request order."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.concurrency)
            # Per-second buckets (a minute's limit spread evenly), so a full minute's worth is
            # never sent in one burst that a provider's finer-grained limiter would refuse.
            if self.requests_per_minute:
                self._rpm = _even_bucket(self.requests_per_minute)
            if self.tokens_per_minute:
                self._tpm = _even_bucket(self.tokens_per_minute)
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

    async def _throttle(self, messages: list[dict[str, str]], max_tokens: int) -> None:
        if self._rpm is not None:
            await self._rpm.acquire()
        if self._tpm is not None:
            need = estimate_tokens("".join(m["content"] for m in messages)) + max_tokens
            await self._tpm.acquire(min(need, self._tpm.max_rate))

    async def _ask(self, client: openai.AsyncOpenAI, request: LLMRequest) -> LLMResponse:
        started = time.perf_counter()
        messages: list[dict[str, str]] = request.messages()
        prompt_tokens = completion_tokens = 0
        text = ""
        problem = "no answer"
        attempts = retries = 0

        def failed(error: str) -> LLMResponse:
            usage = Usage(prompt_tokens, completion_tokens) if prompt_tokens else None
            return LLMResponse(
                {}, text, usage, error=error, retries=retries, repairs=max(attempts - 1, 0)
            )

        original = messages
        while attempts < _ATTEMPTS:
            asked_schema = self.schema_mode
            await self._throttle(messages, request.sampling.max_tokens)
            try:
                # client.post is the openai client's call for any endpoint (its retries,
                # back-off, timeouts and errors included). The typed chat.completions.create
                # walks every parameter through a TypedDict transform and wraps the reply:
                # together about a quarter of the client's CPU per request (measured with
                # bench/bench_pipeline.py), and the body here is plain JSON already.
                reply_http = await client.post(
                    "/chat/completions",
                    cast_to=httpx2.Response,
                    body={
                        "model": self.model,
                        "messages": messages,
                        "temperature": request.sampling.temperature,
                        "max_tokens": request.sampling.max_tokens,
                        # a fresh sample is the same prompt under the next seed, so it is
                        # as reproducible as the first answer
                        "seed": self.seed + attempts,
                        "response_format": self._response_format(request, asked_schema),
                    },
                )
            except openai.APIStatusError as exc:
                # Servers that do not know json_schema refuse it with 400 (or, llama.cpp's,
                # 500): ask again in plain JSON mode, for good (not counted as an attempt).
                if asked_schema and "response_format" in str(exc):
                    self.schema_mode = False
                    continue
                retries += self.max_retries if _retried(exc.status_code) else 0
                return failed(f"{type(exc).__name__}: {_brief(exc)}")
            except openai.OpenAIError as exc:  # retries exhausted: timeout, connection
                retries += self.max_retries
                return failed(f"{type(exc).__name__}: {_brief(exc)}")
            # The client numbers its attempts in a request header (0 for the first).
            retries += int(reply_http.request.headers.get("x-stainless-retry-count", 0))
            # The reply's JSON is read directly: building the client's pydantic models for it
            # costs more CPU than the rest of the request's handling here.
            try:
                reply = reply_http.json()
            except ValueError:
                reply = {}
            reported = reply.get("usage") if isinstance(reply, dict) else None
            if isinstance(reported, dict):
                prompt_tokens += reported.get("prompt_tokens") or 0
                completion_tokens += reported.get("completion_tokens") or 0
            choices = (reply.get("choices") if isinstance(reply, dict) else None) or []
            text = _content(choices)
            usage = Usage(prompt_tokens, completion_tokens, estimated=not reported)
            attempts += 1
            try:
                fields = parse_answer(request.kind, text)
            except AnswerError as exc:
                problem = str(exc) if choices else "no choices in the reply"
                if attempts == _ATTEMPTS - 1:  # the fresh sample failed too: say what is wrong
                    messages = [
                        *original,
                        {"role": "assistant", "content": text},
                        {"role": "user", "content": _REPAIR.format(problem=problem)},
                    ]
                continue
            return LLMResponse(
                fields,
                text,
                usage,
                latency_s=time.perf_counter() - started,
                retries=retries,
                repairs=attempts - 1,
            )
        return failed(f"unusable answer: {problem}")

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        for client in self.clients:
            await client.close()


# Connecting is quick or the server is not there; an answer may wait behind the generations
# a busy local server is working on, so reading gets the scenario's whole timeout.
PROBE_CONNECT_TIMEOUT_S = 3.0
_KEYLIKE = re.compile(r"\b(sk|key)-[A-Za-z0-9_*.-]+")


@dataclass(frozen=True)
class EndpointProblem:
    """Why an endpoint cannot serve a run: ``what`` is ``base_url``, ``api_key`` or
    ``model``; ``message`` says what the server answered (never the key)."""

    what: str
    message: str


async def probe_endpoint(
    base_url: str | None, api_key: str, model: str, timeout_s: float
) -> EndpointProblem | None:
    """Check once, before a run, that ``base_url`` speaks the OpenAI API, accepts the key and
    serves ``model``: the models list, and, for a model it does not list, one request of one
    token (servers such as llama.cpp's answer for any model name). None when all is well.

    The openai client's own errors tell the cases apart; no retries, and a short timeout for
    connecting, so that a wrong URL is reported in seconds rather than after every retry.
    """
    where = base_url or "the openai package's default endpoint"
    client = openai.AsyncOpenAI(
        api_key=api_key,
        base_url=base_url,
        timeout=httpx2.Timeout(timeout_s, connect=min(timeout_s, PROBE_CONNECT_TIMEOUT_S)),
        max_retries=0,
    )

    def said(exc: Exception) -> str:
        return _KEYLIKE.sub("***", _brief(exc).replace(api_key, "***"))

    try:
        try:
            listed = [m.id async for m in client.models.list()]
        except openai.APIConnectionError as exc:  # refused, unknown host, timeout
            cause = exc.__cause__ or exc
            return EndpointProblem("base_url", f"cannot reach {where} ({said(cause)})")
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            return EndpointProblem(
                "api_key", f"{where} refused the key ({exc.status_code}: {said(exc)})"
            )
        except openai.NotFoundError:
            listed = None  # a server without GET /models: the request below tells
        except openai.APIStatusError as exc:
            return EndpointProblem(
                "base_url", f"{where} answered GET /models with {exc.status_code}: {said(exc)}"
            )
        except (openai.APIResponseValidationError, ValueError, TypeError, AttributeError) as exc:
            return EndpointProblem(
                "base_url",
                f"{where} does not speak the OpenAI API (GET /models gave no model list: "
                f"{said(exc)})",
            )
        if listed is not None and model in listed:
            return None
        try:
            await client.post(
                "/chat/completions",
                cast_to=httpx2.Response,
                body={
                    "model": model,
                    "messages": [{"role": "user", "content": "Reply with OK."}],
                    "max_tokens": 1,
                },
            )
        except openai.APIConnectionError as exc:
            cause = exc.__cause__ or exc
            return EndpointProblem("base_url", f"cannot reach {where} ({said(cause)})")
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            return EndpointProblem(
                "api_key", f"{where} refused the key ({exc.status_code}: {said(exc)})"
            )
        except (openai.NotFoundError, openai.BadRequestError) as exc:
            lists = f"; it lists: {', '.join(listed[:8])}" if listed else ""
            return EndpointProblem(
                "model", f"{where} does not serve {model!r} ({exc.status_code}: {said(exc)}{lists})"
            )
        except openai.APIStatusError as exc:
            return EndpointProblem(
                "base_url",
                f"{where} answered a one-token request with {exc.status_code}: {said(exc)}",
            )
        return None
    finally:
        await client.close()


def _content(choices: list) -> str:
    """The first choice's message text ('' when there is none)."""
    first = choices[0] if choices and isinstance(choices[0], dict) else {}
    message = first.get("message") if isinstance(first.get("message"), dict) else {}
    content = message.get("content")
    return content if isinstance(content, str) else ""


def _even_bucket(per_minute: int) -> AsyncLimiter:
    """A bucket that lets ``per_minute`` through per minute, about a second's worth at a time
    (at least one unit, so limits under 60 a minute still pass whole requests)."""
    capacity = max(1.0, per_minute / 60)
    return AsyncLimiter(capacity, capacity * 60 / per_minute)


def _retried(status: int) -> bool:
    """Whether the openai client retries this status (so a failure used up every retry)."""
    return status in (408, 409, 429) or status >= 500


def _brief(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
