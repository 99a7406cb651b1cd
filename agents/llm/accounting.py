"""Accounting wrapper: counts requests, failures and tokens by request kind.

Backends that report usage (a real server) are summed exactly. For backends that do not (the
surrogate), prompt and completion tokens are estimated from a fixed-size sample of each batch,
rendered and measured, then scaled to the batch: rendering every prompt would cost more than
the surrogate's decisions themselves.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from agents.llm.base import REQUEST_KINDS, LanguageModel, LLMRequest, LLMResponse
from agents.prompts import estimate_tokens


@dataclass(slots=True)
class KindStats:
    """Counters for one request kind."""

    requests: int = 0
    failures: int = 0
    cached: int = 0
    prompt_tokens: float = 0.0
    completion_tokens: float = 0.0
    tokens_estimated: bool = False


class Accounting:
    """Wraps a backend and keeps per-kind counters (see ``summary()``)."""

    def __init__(self, inner: LanguageModel, sample_per_batch: int = 16):
        self.inner = inner
        self.name = inner.name
        self.sample_per_batch = sample_per_batch
        self.stats = {kind: KindStats() for kind in REQUEST_KINDS}

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Forward to the wrapped backend and count what came back."""
        responses = await self.inner.complete(requests)
        unmeasured: dict[str, list[int]] = {}
        for i, (req, resp) in enumerate(zip(requests, responses, strict=True)):
            st = self.stats[req.kind]
            st.requests += 1
            st.failures += not resp.ok
            st.cached += resp.cached
            if resp.usage is not None and not resp.usage.estimated:
                st.prompt_tokens += resp.usage.prompt_tokens
                st.completion_tokens += resp.usage.completion_tokens
            else:
                unmeasured.setdefault(req.kind, []).append(i)
        for kind, idx in unmeasured.items():
            self._estimate(kind, [requests[i] for i in idx], [responses[i] for i in idx])
        return responses

    def _estimate(
        self, kind: str, requests: list[LLMRequest], responses: list[LLMResponse]
    ) -> None:
        sample = range(min(len(requests), self.sample_per_batch))
        prompt = sum(
            estimate_tokens("".join(m["content"] for m in requests[i].messages())) for i in sample
        )
        completion = sum(
            estimate_tokens(responses[i].raw or json.dumps(responses[i].fields)) for i in sample
        )
        scale = len(requests) / len(sample)
        st = self.stats[kind]
        st.prompt_tokens += prompt * scale
        st.completion_tokens += completion * scale
        st.tokens_estimated = True

    def summary(self) -> dict[str, dict]:
        """Counters by kind plus a total, tokens rounded to whole numbers."""
        out: dict[str, dict] = {}
        for kind, st in self.stats.items():
            d = asdict(st)
            d["prompt_tokens"] = round(st.prompt_tokens)
            d["completion_tokens"] = round(st.completion_tokens)
            out[kind] = d
        out["total"] = {
            key: sum(out[k][key] for k in REQUEST_KINDS)
            for key in ("requests", "failures", "cached", "prompt_tokens", "completion_tokens")
        }
        return out

    async def aclose(self) -> None:
        """Close the wrapped backend."""
        await self.inner.aclose()
