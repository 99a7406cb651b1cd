import asyncio

from agents.llm.accounting import Accounting
from agents.llm.base import LLMRequest, LLMResponse, RequestContext, Sampling, Usage
from agents.llm.mock import MockModel
from agents.news import NewsItem
from agents.persona import generate_personas

NEWS = NewsItem("political", "x is y", "x is y, they say")


def requests(n, kind="opinion"):
    return [
        LLMRequest(kind, RequestContext(i, 1, p, NEWS, 0, 1.0, "post"), Sampling(1.0, 64))
        for i, p in enumerate(generate_personas(n, 0))
    ]


class Reporting:
    """A backend that reports usage and fails every third request."""

    name = "reporting"

    async def complete(self, reqs):
        return [
            LLMResponse({}, "", error="bad")
            if i % 3 == 2
            else LLMResponse({"belief": 1}, "{}", Usage(100, 10))
            for i in range(len(reqs))
        ]

    async def aclose(self):
        pass


def test_reported_usage_is_summed_exactly():
    acc = Accounting(Reporting())
    asyncio.run(acc.complete(requests(9)))
    s = acc.summary()
    assert s["opinion"]["requests"] == 9 and s["opinion"]["failures"] == 3
    # failures report no usage: their tokens are estimated from the sampled request (id 0 ok)
    assert s["opinion"]["prompt_tokens"] >= 600
    assert s["total"]["requests"] == 9


def test_surrogate_tokens_are_estimated_from_a_sample():
    acc = Accounting(MockModel(seed=1), sample_every=4)
    asyncio.run(acc.complete(requests(40)))
    s = acc.summary()["opinion"]
    assert s["tokens_estimated"] is True
    per_request = s["prompt_tokens"] / s["requests"]
    assert 100 < per_request < 1000
    full = Accounting(MockModel(seed=1), sample_every=1)
    asyncio.run(full.complete(requests(40)))
    exact = full.summary()["opinion"]["prompt_tokens"]
    assert abs(s["prompt_tokens"] - exact) / exact < 0.1
