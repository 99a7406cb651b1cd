"""Accounting wrapper: counts requests, failures and tokens by request kind.

Backends that report usage (a real server) are summed exactly. For backends that do not (the
surrogate), tokens are estimated by ratio: the prompts and answers of a fixed subset of agents
(every ``sample_every``-th agent id) are rendered and measured, and the mean per request is
scaled to all requests of that kind. Rendering every prompt would cost more than the
surrogate's decisions themselves; keying the subset on agent ids keeps the estimate the same
whatever the batching (synchronous or sequential).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from agents.llm.base import REQUEST_KINDS, LanguageModel, LLMRequest, LLMResponse
from agents.prompts import estimate_tokens


@dataclass(slots=True)
class KindStats:
    """Counters for one request kind."""

    requests: int = 0
    failures: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
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

    def __init__(self, inner: LanguageModel, sample_every: int = 16):
        self.inner = inner
        self.name = inner.name
        self.sample_every = sample_every
        self.stats = {kind: KindStats() for kind in REQUEST_KINDS}

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Forward to the wrapped backend and count what came back."""
        responses = await self.inner.complete(requests)
        stats, every = self.stats, self.sample_every
        for req, resp in zip(requests, responses, strict=True):
            st = stats[req.kind]
            st.requests += 1
            if resp.error is not None:
                st.failures += 1
            if resp.cached:
                st.cached += 1
            usage = resp.usage
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

    def summary(self) -> dict[str, dict]:
        """Counters by kind plus a total; ``tokens_estimated`` marks estimated figures."""
        out: dict[str, dict] = {}
        for kind, st in self.stats.items():
            prompt, completion = st.estimated_tokens()
            out[kind] = {
                "requests": st.requests,
                "failures": st.failures,
                "cached": st.cached,
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "tokens_estimated": st.unmeasured > 0,
            }
        out["total"] = {
            key: sum(out[k][key] for k in REQUEST_KINDS)
            for key in ("requests", "failures", "cached", "prompt_tokens", "completion_tokens")
        }
        return out

    async def aclose(self) -> None:
        """Close the wrapped backend."""
        await self.inner.aclose()
