"""Accounting wrapper: counts requests, failures, retries, repairs, tokens, latency and cost by
request kind.

Backends that report usage (a real server) are summed exactly. For backends that do not (the
surrogate), tokens are estimated by ratio: the prompts and answers of a fixed subset of agents
(every ``sample_every``-th agent id; the runner picks it from the population size) are rendered
and measured, and the mean per request is scaled to all requests of that kind. Rendering every
prompt would cost more than the surrogate's decisions themselves; keying the subset on agent ids
keeps the estimate the same whatever the batching (synchronous or sequential).

Cost is tokens times the scenario's price table; answers served from the response cache cost
nothing. For the surrogate the cost is that of the estimated tokens: what the same run would
have cost against a real model at those prices (``run.py estimate`` relies on this).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from agents.llm.base import REQUEST_KINDS, LanguageModel, LLMRequest, LLMResponse
from agents.prompts import estimate_tokens


@dataclass(frozen=True, slots=True)
class Prices:
    """USD per million prompt (input) and completion (output) tokens."""

    input_per_million: float = 0.0
    output_per_million: float = 0.0

    def cost(self, prompt_tokens: float, completion_tokens: float) -> float:
        """USD for these token counts."""
        return (
            prompt_tokens * self.input_per_million + completion_tokens * self.output_per_million
        ) / 1e6


@dataclass(slots=True)
class KindStats:
    """Counters for one request kind."""

    requests: int = 0
    failures: int = 0
    cached: int = 0
    retries: int = 0
    repairs: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # tokens of answers replayed from the cache: counted, not paid for
    cached_prompt_tokens: int = 0
    cached_completion_tokens: int = 0
    # seconds per answer that reached a server (not the surrogate's, not cached ones)
    latencies: list[float] = field(default_factory=list)
    # requests without server-reported usage, and the measured subset of them
    unmeasured: int = 0
    sampled: int = 0
    sampled_prompt_tokens: int = 0
    sampled_completion_tokens: int = 0

    def estimated_tokens(self) -> tuple[int, int]:
        """Reported plus estimated (prompt, completion) tokens."""
        if not self.sampled:
            return self.prompt_tokens, self.completion_tokens
        scale = self.unmeasured / self.sampled
        return (
            self.prompt_tokens + round(self.sampled_prompt_tokens * scale),
            self.completion_tokens + round(self.sampled_completion_tokens * scale),
        )


class Accounting:
    """Wraps a backend and keeps per-kind counters (see ``summary()``)."""

    def __init__(self, inner: LanguageModel, prices: Prices | None = None, sample_every: int = 16):
        self.inner = inner
        self.name = inner.name
        self.prices = prices or Prices()
        self.sample_every = sample_every
        self.stats = {kind: KindStats() for kind in REQUEST_KINDS}
        self.last_error: str | None = None  # of the latest failed answer, for messages

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Forward to the wrapped backend and count what came back."""
        responses = await self.inner.complete(requests)
        stats, every = self.stats, self.sample_every
        for req, resp in zip(requests, responses, strict=True):
            st = stats[req.kind]
            st.requests += 1
            # Most answers (all of the surrogate's) have nothing else to count: test before
            # touching the counters, as this runs three times per agent-day.
            if resp.error is not None:
                st.failures += 1
                self.last_error = resp.error
            if resp.retries or resp.repairs:
                st.retries += resp.retries
                st.repairs += resp.repairs
            if resp.latency_s:
                st.latencies.append(resp.latency_s)
            usage = resp.usage
            if resp.cached:
                st.cached += 1
                if usage is not None:
                    st.cached_prompt_tokens += usage.prompt_tokens
                    st.cached_completion_tokens += usage.completion_tokens
            if usage is not None and not usage.estimated:
                st.prompt_tokens += usage.prompt_tokens
                st.completion_tokens += usage.completion_tokens
                continue
            st.unmeasured += 1
            if req.context.agent_id % every == 0:
                st.sampled += 1
                st.sampled_prompt_tokens += estimate_tokens(
                    "".join(m["content"] for m in req.messages())
                )
                st.sampled_completion_tokens += estimate_tokens(resp.raw or json.dumps(resp.fields))
        return responses

    def counts(self) -> tuple[int, int]:
        """Requests and failed requests so far, over every kind."""
        stats = self.stats.values()
        return sum(st.requests for st in stats), sum(st.failures for st in stats)

    def _cost(self, st: KindStats) -> float:
        prompt, completion = st.estimated_tokens()
        return self.prices.cost(
            prompt - st.cached_prompt_tokens, completion - st.cached_completion_tokens
        )

    def cost_usd(self) -> float:
        """What the requests so far cost (cached answers are free)."""
        return sum(self._cost(st) for st in self.stats.values())

    def summary(self) -> dict[str, dict]:
        """Counters by kind plus a total; ``tokens_estimated`` marks estimated figures.

        Latency percentiles (seconds) cover the answers that reached a server; null when none
        did (the surrogate, or a run replayed from the cache).
        """
        out: dict[str, dict] = {}
        for kind, st in self.stats.items():
            prompt, completion = st.estimated_tokens()
            out[kind] = {
                "requests": st.requests,
                "failures": st.failures,
                "cached": st.cached,
                "retries": st.retries,
                "repairs": st.repairs,
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "tokens_estimated": st.unmeasured > 0,
                "cost_usd": round(self._cost(st), 6),
                "latency_s": _percentiles(st.latencies),
            }
        counted = ("requests", "failures", "cached", "retries", "repairs")
        total: dict = {key: sum(out[k][key] for k in REQUEST_KINDS) for key in counted}
        total["prompt_tokens"] = sum(out[k]["prompt_tokens"] for k in REQUEST_KINDS)
        total["completion_tokens"] = sum(out[k]["completion_tokens"] for k in REQUEST_KINDS)
        total["tokens_estimated"] = any(out[k]["tokens_estimated"] for k in REQUEST_KINDS)
        total["cost_usd"] = round(self.cost_usd(), 6)
        total["latency_s"] = _percentiles([x for st in self.stats.values() for x in st.latencies])
        out["total"] = total
        return out

    async def aclose(self) -> None:
        """Close the wrapped backend."""
        await self.inner.aclose()


def _percentiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    p50, p90, p99 = np.percentile(values, [50, 90, 99])
    return {
        "p50": round(float(p50), 4),
        "p90": round(float(p90), 4),
        "p99": round(float(p99), 4),
        "max": round(max(values), 4),
    }
