"""The mock backend: the surrogate cognitive model answering language-model requests.

It answers the same requests in the same schema as a language model, but reads the structured
context (persona traits, own belief, stances and sources of what was heard and remembered,
the topic) instead of prose, and decides by the equations of agents/surrogate.py, the same
ones the ``surrogate`` decision rule computes on arrays for a whole population. It serves
tests of the request path (``agents.rule: llm`` with ``backend: mock``), cost estimates and
the designed situations.

Every random draw is a hash of (run seed, agent, day, request kind, draw number), so answers do
not depend on the order, batching or concurrency of calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from agents.keyed_random import keyed_uniforms
from agents.llm.base import LLMRequest, LLMResponse, RequestContext
from agents.surrogate import (
    OFFICIAL,
    TOPIC_PROFILES,
    Evidence,
    PostFacts,
    SurrogateParameters,
    TopicProfile,
    belief_probability,
    persona_traits,
    reflection_text,
    stated_confidence,
    summary_text,
    write_post,
)

KIND_CODE = {"summarise": 1, "reflect": 2, "opinion": 3}
"""The request kind's part of the surrogate's random keys."""


class MockModel:
    """Deterministic surrogate for a language model (backend name ``mock``)."""

    name = "mock"

    def __init__(
        self,
        seed: int,
        topics: dict[str, TopicProfile] | None = None,
        parameters: SurrogateParameters | None = None,
    ):
        self.seed = seed
        self.topics = dict(TOPIC_PROFILES if topics is None else topics)
        self.params = parameters or SurrogateParameters()
        self._decay = self.params.decay_table()

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Answer a batch; requests of different kinds may be mixed."""
        handlers = {
            "summarise": self._summarise,
            "reflect": self._reflect,
            "opinion": self._opinion,
        }
        kinds = {r.kind for r in requests}
        if len(kinds) == 1:  # the usual case: one phase of the day
            return handlers[kinds.pop()]([r.context for r in requests])
        out: list[LLMResponse | None] = [None] * len(requests)
        for kind, handler in handlers.items():
            idx = [i for i, r in enumerate(requests) if r.kind == kind]
            if idx:
                for i, resp in zip(idx, handler([requests[i].context for i in idx]), strict=True):
                    out[i] = resp
        return out  # type: ignore[return-value]

    async def aclose(self) -> None:
        """Nothing to release."""

    def _uniforms(self, contexts: Sequence[RequestContext], kind: str, draws: int) -> np.ndarray:
        ids = np.fromiter((c.agent_id for c in contexts), dtype=np.int64, count=len(contexts))
        out = np.empty((len(contexts), draws))
        days = np.fromiter((c.day for c in contexts), dtype=np.int64, count=len(contexts))
        for day in np.unique(days):  # a batch usually holds one day
            rows = np.flatnonzero(days == day)
            out[rows] = keyed_uniforms(self.seed, ids[rows], int(day), KIND_CODE[kind], draws)
        return out

    # --- summarise: tally what was heard -------------------------------------------------
    def _summarise(self, contexts: Sequence[RequestContext]) -> list[LLMResponse]:
        return [LLMResponse(fields={"summary": summary_text(c.heard)}, raw="") for c in contexts]

    # --- reflect: a note for long-term memory ------------------------------------------
    def _reflect(self, contexts: Sequence[RequestContext]) -> list[LLMResponse]:
        responses = []
        for c in contexts:
            past = 0.0
            for m in c.memory:
                past += m.stance
            text = reflection_text(c.day, c.summary.stance if c.summary else 0.0, past)
            responses.append(LLMResponse(fields={"memory": text}, raw=""))
        return responses

    # --- opinion: the decision ------------------------------------------------------------
    def belief_probability(self, contexts: Sequence[RequestContext]) -> np.ndarray:
        """P(believe) for each context, by agents/surrogate.py on the batch's arrays."""
        traits = persona_traits(self.params, [c.persona for c in contexts])
        rows = [(*c.memory, c.summary) if c.summary is not None else c.memory for c in contexts]
        shape = (len(contexts), max((len(r) for r in rows), default=0))
        stance, importance, trust = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        age = np.zeros(shape, dtype=np.int64)
        params = self.params
        for i, (c, items) in enumerate(zip(contexts, rows, strict=True)):
            for j, m in enumerate(items):
                stance[i, j], importance[i, j], age[i, j] = m.stance, m.importance, c.day - m.day
                source = m.source
                official = source == OFFICIAL
                trust[i, j] = traits.official_trust[i] if official else params.trust(source)
        nudge = np.array(
            [sum(n.importance for n in c.nudges) if c.nudges else np.nan for c in contexts]
        )
        believes = np.fromiter((c.belief for c in contexts), dtype=np.int64, count=len(contexts))
        p = np.empty(len(contexts))
        topic_days = [(c.news.topic, c.day) for c in contexts]
        for key in dict.fromkeys(topic_days):  # one appeal per topic and day
            at = np.array([k == key for k in topic_days])
            p[at] = belief_probability(
                params,
                self._decay,
                self._appeal(*key),
                type(traits)(*(t[at] for t in traits)),
                believes[at],
                Evidence(*(list(column[at].T) for column in (stance, importance, trust, age))),
                nudge[at],
            )
        return p

    def _appeal(self, topic: str, day: int) -> float:
        profile = self.topics.get(topic)
        return profile.at(day) if profile else 0.0

    def _opinion(self, contexts: Sequence[RequestContext]) -> list[LLMResponse]:
        p = self.belief_probability(contexts)
        u = self._uniforms(contexts, "opinion", 5)
        belief = (u[:, 0] < p).astype(np.int64)
        confidence = stated_confidence(p, belief).tolist()
        responses = []
        for c, b, conf, u_i in zip(contexts, belief.tolist(), confidence, u.tolist(), strict=True):
            heard_for = sum(m.stance > 0 for m in c.heard)
            official = any(m.source == OFFICIAL for m in (*c.heard, *c.memory))
            lean = c.summary.stance if c.summary else 0.0
            facts = PostFacts(b, c.belief, heard_for, official, lean)
            post, reasoning = write_post(c.persona, c.news.claim, facts, u_i[1:])
            fields = {"belief": b, "confidence": conf, "post": post, "reasoning": reasoning}
            responses.append(LLMResponse(fields, ""))
        return responses
