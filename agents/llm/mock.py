"""The mock backend: a deterministic surrogate cognitive model.

It answers the same requests in the same schema as a language model, but reads the structured
context (persona traits, own belief, stances and sources of what was heard and remembered,
the topic) instead of prose. docs/SURROGATE.md explains the model; in short, the chance that an
agent believes the item today is

    p = sigmoid(appeal(topic, day) + susceptibility(persona) + inertia * s + gain * evidence)

with s = +1 for a current believer and -1 otherwise (less a nudge's pull when an intervention
asked the agent to weigh accuracy first), and evidence the trust- and
recency-weighted stance of today's summary and the long-term memory, where items that contradict
the current belief are discounted (confirmation bias), more so for less open minds.

Every random draw is a hash of (run seed, agent, day, request kind, draw number), so answers do
not depend on the order, batching or concurrency of calls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from agents.keyed_random import keyed_uniforms
from agents.llm.base import LLMRequest, LLMResponse, RequestContext
from agents.memory import MemoryItem
from agents.persona import Persona


@dataclass(frozen=True, slots=True)
class TopicProfile:
    """How attractive a false item on a topic is, as a logit offset.

    ``appeal`` is the lasting pull; ``novelty`` an extra early pull that halves every
    ``novelty_half_life`` days (a story that is exciting at first and then goes stale).
    """

    appeal: float
    novelty: float = 0.0
    novelty_half_life: float = 3.0

    def at(self, day: int) -> float:
        """Logit offset on ``day`` (day 1 is the first day of the run)."""
        return self.appeal + self.novelty * 0.5 ** ((day - 1) / self.novelty_half_life)


# Ordered to reproduce the FPS findings: political falsehoods spread fastest; terrorism peaks
# early and then fluctuates; finance rises then falls; urban legends hover; natural-disaster
# falsehoods are steadily rejected. Values were set by the calibration in bench/calibrate_topics.py.
TOPIC_PROFILES: dict[str, TopicProfile] = {
    "political": TopicProfile(appeal=0.6),
    "terrorism": TopicProfile(appeal=-0.1, novelty=1.2, novelty_half_life=2.0),
    "finance": TopicProfile(appeal=-0.4, novelty=1.1, novelty_half_life=4.0),
    "urban_legend": TopicProfile(appeal=0.0),
    "science": TopicProfile(appeal=-0.3),
    "natural_disaster": TopicProfile(appeal=-1.6),
}

# How much a memory from each source is weighed (trust); unknown sources count as a peer.
# Officials, fact checkers and prebunks are weighed by SurrogateParameters (fitted to a model
# by fit-surrogate), officials in proportion to agreeableness (see _profile).
SOURCE_TRUST: dict[str, float] = {
    "peer": 1.0,
    "peers": 1.0,
    "reflection": 1.0,
    "self": 0.6,
}

_KIND_CODE = {"summarise": 1, "reflect": 2, "opinion": 3}


def summary_text(heard: Sequence[MemoryItem]) -> str:
    """The surrogate's summary of the day's posts: a tally by stance, noting an official."""
    if not heard:
        return "I saw nothing about the story today."
    pro = con = official = 0
    for m in heard:
        pro += m.stance > 0
        con += m.stance < 0
        official += m.source == "official"
    text = (
        f"Today I saw {len(heard)} posts about the story: {pro} from people who "
        f"believe it and {con} from people who doubt it."
    )
    return text + " An official source addressed it too." if official else text


def day_mood(stance: float) -> str:
    """How the day's voices leaned, as the surrogate's notes say it."""
    if stance > 0.2:
        return "most voices backed the story"
    if stance < -0.2:
        return "most voices doubted the story"
    return "opinions were split or absent"


@dataclass(frozen=True, slots=True)
class SurrogateParameters:
    """Weights of the surrogate model (see docs/SURROGATE.md)."""

    inertia: float = 1.5
    gain: float = 2.4
    w_agreeableness: float = 1.4
    w_openness: float = -1.2
    w_conscientiousness: float = -1.0
    w_education: float = -0.9
    w_instability: float = 0.6
    memory_decay: float = 0.8
    bias_floor: float = 0.3
    bias_span: float = 0.5
    nudge_gain: float = 1.5
    trust_official: float = 1.5  # times 0.4 + 1.2 * agreeableness
    trust_fact_checker: float = 1.2
    trust_prebunk: float = 1.2


_OPENERS_LOUD = (
    "Everyone needs to hear this:",
    "Okay, I have to say it.",
    "Can't stay quiet on this one.",
    "Heads up, friends!",
    "Sharing this because it matters:",
)
_OPENERS_QUIET = (
    "Just a quiet thought.",
    "For what it's worth,",
    "Not one to post much, but",
    "Thinking it over,",
    "My two cents:",
)
_REASONS_FOR = (
    "It fits everything I have noticed lately.",
    "Too many people are talking about it for it to be nothing.",
    "Nobody has given me a good reason to doubt it.",
    "The people I trust are saying the same thing.",
    "It is exactly the kind of thing that gets covered up.",
    "I have a gut feeling about this one.",
)
_REASONS_AGAINST = (
    "There is no credible source behind it.",
    "It sounds too sensational to be true.",
    "I looked for confirmation and found none.",
    "Stories like this usually fall apart within a week.",
    "The details do not add up.",
    "I would want real evidence before sharing something like that.",
)
_REASON_OFFICIAL = "The official statement settled it for me."
_SOCIAL_FOR = "{n} people I follow see it the same way."
_SOCIAL_AGAINST = "Even the people pushing it could not back it up."


class _PersonaProfile(NamedTuple):
    """The surrogate's reading of one persona (cached per agent)."""

    persona: Persona
    susceptibility: float
    bias: float  # confirmation bias: the discount on contradicting evidence
    official_trust: float
    openers: tuple[str, ...]  # loud or quiet, by extraversion
    occupation: str  # "As a nurse, "
    character: str  # "being trusting and curious"


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
        self._persona_cache: dict[int, _PersonaProfile] = {}
        pr = self.params
        self._trust = {
            **SOURCE_TRUST,
            "official": pr.trust_official,
            "fact_checker": pr.trust_fact_checker,
            "prebunk": pr.trust_prebunk,
        }
        # memory_decay ** age for ages 0..63, looked up per memory item instead of computed
        # (older items weigh nothing: 0.8 ** 64 is below 1e-6)
        self._decay_by_age = [self.params.memory_decay**age for age in range(64)]

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
        # A batch holds one day; sequential mode sends single requests, so read the day per row.
        days = {c.day for c in contexts}
        if len(days) == 1:
            return keyed_uniforms(self.seed, ids, days.pop(), _KIND_CODE[kind], draws)
        return np.vstack(
            [
                keyed_uniforms(self.seed, ids[i : i + 1], c.day, _KIND_CODE[kind], draws)
                for i, c in enumerate(contexts)
            ]
        )

    # --- summarise: tally what was heard -------------------------------------------------
    def _summarise(self, contexts: Sequence[RequestContext]) -> list[LLMResponse]:
        return [LLMResponse(fields={"summary": summary_text(c.heard)}, raw="") for c in contexts]

    # --- reflect: a note for long-term memory ------------------------------------------
    def _reflect(self, contexts: Sequence[RequestContext]) -> list[LLMResponse]:
        responses = []
        for c in contexts:
            today = c.summary.stance if c.summary else 0.0
            past = 0.0
            for m in c.memory:
                past += m.stance
            lean = "towards believing" if past > 0 else "against" if past < 0 else "nowhere yet"
            text = f"On day {c.day} {day_mood(today)}. What I remember so far leans {lean}."
            responses.append(LLMResponse(fields={"memory": text}, raw=""))
        return responses

    # --- opinion: the decision ------------------------------------------------------------
    def _profile(self, c: RequestContext) -> _PersonaProfile:
        """What the surrogate derives from a persona, worked out once per agent."""
        cached = self._persona_cache.get(c.agent_id)
        if cached is not None and cached.persona is c.persona:
            return cached
        pr, p = self.params, c.persona
        susceptibility = (
            pr.w_agreeableness * (p.agreeableness - 0.5)
            + pr.w_openness * (p.openness - 0.5)
            + pr.w_conscientiousness * (p.conscientiousness - 0.5)
            + pr.w_education * (p.education_score - 0.5)
            - pr.w_instability * (p.emotional_stability - 0.5)
        )
        adjectives = p.adjectives()
        profile = self._persona_cache[c.agent_id] = _PersonaProfile(
            p,
            susceptibility,
            bias=pr.bias_floor + pr.bias_span * (1.0 - p.openness),
            # Trust in institutions rises with agreeableness: a suspicious mind discounts them.
            official_trust=self._trust["official"] * (0.4 + 1.2 * p.agreeableness),
            openers=_OPENERS_LOUD if p.extraversion >= 0.5 else _OPENERS_QUIET,
            occupation=f"As a {p.occupation}, ",
            character=f"being {adjectives[4]} and {adjectives[0]}",
        )
        return profile

    def belief_probability(self, contexts: Sequence[RequestContext]) -> list[float]:
        """P(believe) for each context: the core of the surrogate."""
        pr = self.params
        inertia, gain = pr.inertia, pr.gain
        appeal_cache: dict[tuple[str, int], float] = {}
        decay = self._decay_by_age
        trust_of = self._trust.get
        out = []
        for c in contexts:
            profile = self._profile(c)
            bias, official_trust = profile.bias, profile.official_trust
            own = 1.0 if c.belief else -1.0
            key = (c.news.topic, c.day)
            appeal = appeal_cache.get(key)
            if appeal is None:
                topic = self.topics.get(c.news.topic)
                appeal = appeal_cache[key] = topic.at(c.day) if topic else 0.0
            # Evidence: trust- and recency-weighted mean stance of memory and today's summary,
            # with a prior of one unit of weight at stance 0 so that a lone item cannot rule,
            # and items that contradict the current belief discounted (confirmation bias).
            total, weight, day = 0.0, 1.0, c.day
            items = c.memory if c.summary is None else (*c.memory, c.summary)
            for m in items:
                source = m.source
                trust = official_trust if source == "official" else trust_of(source, 1.0)
                age = day - m.day
                w = m.importance * trust * (decay[age] if age < 64 else 0.0)
                contribution = w * m.stance
                if contribution * own < 0:
                    contribution *= 1.0 - bias
                total += contribution
                weight += w
            z = appeal + profile.susceptibility + inertia * own + gain * total / weight
            if c.nudges:  # a prompt to weigh accuracy pulls away from an unverified claim
                strength = 0.0
                for n in c.nudges:
                    strength += n.importance
                z -= pr.nudge_gain * min(strength, 1.0)
            out.append(1.0 / (1.0 + math.exp(-z)))
        return out

    def _opinion(self, contexts: Sequence[RequestContext]) -> list[LLMResponse]:
        p = self.belief_probability(contexts)
        u = self._uniforms(contexts, "opinion", 5).tolist()
        write = self._write
        responses = []
        for c, p_i, u_i in zip(contexts, p, u, strict=True):
            belief = int(u_i[0] < p_i)
            post, reasoning = write(c, belief, u_i)
            fields = {
                "belief": belief,
                "confidence": round(p_i if belief else 1.0 - p_i, 3),
                "post": post,
                "reasoning": reasoning,
            }
            responses.append(LLMResponse(fields, ""))
        return responses

    def _write(self, c: RequestContext, belief: int, u: list[float]) -> tuple[str, str]:
        """Post and reasoning whose wording follows persona, stance and what was heard."""
        profile = self._profile(c)
        openers = profile.openers
        opener = openers[int(u[1] * len(openers))]
        heard_for = 0
        for m in c.heard:
            heard_for += m.stance > 0
        if belief:
            core = f"I'm convinced that {c.news.claim}."
            reason = _REASONS_FOR[int(u[2] * len(_REASONS_FOR))]
            social = _SOCIAL_FOR.format(n=heard_for) if heard_for >= 2 else ""
        else:
            core = f"I don't buy that {c.news.claim}."
            official = False
            if u[2] < 0.5:  # only then would an official source be the reason
                for m in (*c.heard, *c.memory):
                    if m.source == "official":
                        official = True
                        break
            reason = (
                _REASON_OFFICIAL
                if official
                else _REASONS_AGAINST[int(u[2] * len(_REASONS_AGAINST))]
            )
            social = _SOCIAL_AGAINST if heard_for and u[3] < 0.3 else ""
        if u[4] < 0.25:
            core = f"{profile.occupation}{core[0].lower()}{core[1:]}"
        post = f"{opener} {core} {reason} {social}" if social else f"{opener} {core} {reason}"
        if belief != c.belief:
            verb = "now believe" if belief else "no longer believe"
        else:
            verb = "still believe" if belief else "still doubt"
        lean = c.summary.stance if c.summary else 0.0
        direction = "for" if lean > 0 else "against" if lean < 0 else "neither way on"
        reasoning = f"Today's posts leaned {direction} the story; {profile.character}, I {verb} it."
        return post, reasoning
