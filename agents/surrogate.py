"""The surrogate cognitive model (docs/SURROGATE.md): its parameters, its decision equation on
arrays and the texts it writes.

One set of equations serves both ways the surrogate is used: the ``surrogate`` decision rule
computes it for the whole population on arrays (agents/rules/surrogate.py), and the ``mock``
backend answers language-model requests with it (agents/llm/mock.py), turning each batch of
request contexts into the same arrays. In short, the chance that an agent believes the item
today is

    p = sigmoid(appeal(topic, day) + susceptibility(persona) + inertia * s + gain * evidence)

with s = +1 for a current believer and -1 otherwise (less a nudge's pull when an intervention
asked the agent to weigh accuracy first), and evidence the trust- and recency-weighted stance
of today's summary and the long-term memory, where items that contradict the current belief
are discounted (confirmation bias), more so for less open minds.

The arithmetic is written out operation by operation in the order docs/SURROGATE.md gives, so
a row's probability is the same float whichever batch it is computed in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from agents.memory import MemoryItem
from agents.persona import Persona, PersonaTable

OFFICIAL = "official"
MEMORY_HORIZON = 64
"""Days after which a memory weighs nothing in a decision (0.8 ** 64 is below 1e-6)."""


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
# by fit-surrogate), officials in proportion to agreeableness (see ``Traits``).
SOURCE_TRUST: dict[str, float] = {
    "peer": 1.0,
    "peers": 1.0,
    "reflection": 1.0,
    "self": 0.6,
}


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

    def trust(self, source: str) -> float:
        """The trust in a memory from ``source``, except officials (scaled per agent)."""
        if source == "fact_checker":
            return self.trust_fact_checker
        if source == "prebunk":
            return self.trust_prebunk
        return SOURCE_TRUST.get(source, 1.0)

    def decay_table(self) -> np.ndarray:
        """``memory_decay ** age`` for ages 0..MEMORY_HORIZON-1 (Python's power, looked up)."""
        return np.array([self.memory_decay**age for age in range(MEMORY_HORIZON)])


class Traits(NamedTuple):
    """What the surrogate reads from personas, one entry per agent (arrays)."""

    susceptibility: np.ndarray  # logit offset
    bias: np.ndarray  # confirmation bias: the discount on contradicting evidence
    official_trust: np.ndarray  # trust in an official source


def persona_traits(params: SurrogateParameters, personas: Sequence[Persona]) -> Traits:
    """The surrogate's reading of ``personas``."""
    table = PersonaTable.of(personas)
    agreeable, openness = table.column("agreeableness"), table.column("openness")
    conscientious, stability = (
        table.column("conscientiousness"),
        table.column("emotional_stability"),
    )
    education = table.column("education_score")
    pr = params
    susceptibility = (
        pr.w_agreeableness * (agreeable - 0.5)
        + pr.w_openness * (openness - 0.5)
        + pr.w_conscientiousness * (conscientious - 0.5)
        + pr.w_education * (education - 0.5)
        - pr.w_instability * (stability - 0.5)
    )
    return Traits(
        susceptibility,
        pr.bias_floor + pr.bias_span * (1.0 - openness),
        # Trust in institutions rises with agreeableness: a suspicious mind discounts them.
        pr.trust_official * (0.4 + 1.2 * agreeable),
    )


class Evidence(NamedTuple):
    """The memory items a decision weighs, one row per deciding agent, in memory order with
    today's summary last, padded with importance 0: each field a sequence of columns (item
    j of every row).

    ``trust`` is already per row (an official's trust depends on the agent), ``age`` is the
    decision day less the item's day.
    """

    stance: Sequence[np.ndarray]
    importance: Sequence[np.ndarray]
    trust: Sequence[np.ndarray]
    age: Sequence[np.ndarray]


def belief_probability(
    params: SurrogateParameters,
    decay: np.ndarray,
    appeal: float,
    traits: Traits,
    believes: np.ndarray,
    evidence: Evidence,
    nudge: np.ndarray | None = None,
    weighed: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """P(believe) for each row: the core of the surrogate.

    ``traits`` are the rows' own, ``believes`` their current beliefs (0/1), ``evidence`` what
    they remember and today's summary, ``nudge`` the summed strength of the nudges before
    today's decision (None, or NaN in a row: not nudged). ``decay`` is
    ``params.decay_table()``. ``weighed``: what ``weigh_evidence`` gave for the items before
    ``evidence`` (the rest of the items).
    """
    own = np.where(believes > 0, 1.0, -1.0)
    total, weight = weigh_evidence(decay, traits.bias, own, evidence, weighed)
    z = appeal + traits.susceptibility + params.inertia * own + params.gain * total / weight
    if nudge is not None:  # a prompt to weigh accuracy pulls away from an unverified claim
        z = np.where(np.isnan(nudge), z, z - params.nudge_gain * np.minimum(nudge, 1.0))
    return 1.0 / (1.0 + np.exp(-z))


PASS_ROWS = 65_536
"""Rows the elementwise passes over a population take at a time: a pass's temporaries then
stay in the cache. Weighing ten memories of a million agents took 0.17-0.30 s in one pass
and 0.12 s in passes of 65,536 rows (measured); the floats are the same (each is
elementwise)."""


def passes(n: int) -> Iterator[slice]:
    """The row slices of ``n`` rows taken PASS_ROWS at a time."""
    return (slice(lo, lo + PASS_ROWS) for lo in range(0, n, PASS_ROWS))


def weigh_evidence(
    decay: np.ndarray,
    bias: np.ndarray,
    own: np.ndarray,
    evidence: Evidence,
    weighed: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(total, weight) of the rows' evidence: trust- and recency-weighted stances summed, and
    their weights with a prior of one unit of weight at stance 0 (so that a lone item cannot
    rule); items that contradict the current belief (``own``: +1 or -1) are discounted by
    ``bias`` (confirmation bias). Summed item by item, so a row's float is the same in any
    batch (padding adds exact zeros), and the same whether all items are weighed at once or
    the first ones earlier (``weighed``: their total and weight) and the rest later."""
    n = own.shape[0]
    if n > PASS_ROWS:
        total, weight = np.empty(n), np.empty(n)
        for part in passes(n):
            weighed_part = None if weighed is None else (weighed[0][part], weighed[1][part])
            column = Evidence(*([item[part] for item in field] for field in evidence))
            total[part], weight[part] = weigh_evidence(
                decay, bias[part], own[part], column, weighed_part
            )
        return total, weight
    keep = 1.0 - bias
    if weighed is None:
        total, weight = np.zeros(own.shape), np.ones(own.shape)
    else:
        total, weight = weighed[0].copy(), weighed[1].copy()
    faded = np.append(decay, 0.0)  # an item past the horizon weighs nothing
    for stance, importance, trust, age in zip(*evidence, strict=True):
        recency = faded[np.minimum(age, MEMORY_HORIZON)]
        w = importance * trust * recency
        contribution = w * stance
        # (x * 1.0 is x exactly: the same floats as discounting only the contradicting items)
        contribution *= np.where(contribution * own < 0, keep, 1.0)
        total += contribution
        weight += w
    return total, weight


def stated_confidence(p: np.ndarray, belief: np.ndarray) -> np.ndarray:
    """The probability of the stated answer, rounded to 3 decimals as Python's ``round`` does
    (numpy's rounding of x * 1000 differs from it next to a half; those few are redone)."""
    stated = np.where(belief > 0, p, 1.0 - p)
    scaled = stated * 1000.0
    rounded = np.round(scaled) / 1000.0
    near_half = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    for i in near_half:
        rounded[i] = round(float(stated[i]), 3)
    return rounded


# --- texts --------------------------------------------------------------------------------------
def summary_text(heard: Sequence[MemoryItem]) -> str:
    """The surrogate's summary of the day's posts: a tally by stance, noting an official."""
    if not heard:
        return "I saw nothing about the story today."
    pro = con = official = 0
    for m in heard:
        pro += m.stance > 0
        con += m.stance < 0
        official += m.source == OFFICIAL
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


def reflection_text(day: int, today: float, remembered: float) -> str:
    """The surrogate's note for long-term memory: the day's mood and where memory leans."""
    lean = "towards believing" if remembered > 0 else "against" if remembered < 0 else "nowhere yet"
    return f"On day {day} {day_mood(today)}. What I remember so far leans {lean}."


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

WRITING_DRAWS = 4
"""Uniform draws the writing of one post and reasoning uses (after the decision's own)."""


class PostFacts(NamedTuple):
    """What a post's wording depends on besides the persona and the claim."""

    belief: int  # the stated belief
    was_believer: int  # the belief before today's decision
    heard_for: int  # believing posts heard today
    official_seen: bool  # an official source among what was heard or remembered
    lean: float  # the stance of today's summary


def needs_official(belief: int, u: Sequence[float]) -> bool:
    """Whether the wording could cite an official source (only then is it looked for)."""
    return not belief and u[1] < 0.5


def write_post(
    persona: Persona, claim: str, facts: PostFacts, u: Sequence[float]
) -> tuple[str, str]:
    """Post and reasoning whose wording follows persona, stance and what was heard.

    ``u`` holds WRITING_DRAWS uniforms: the opener, the reason, the social remark and whether
    the occupation is named.
    """
    openers = _OPENERS_LOUD if persona.extraversion >= 0.5 else _OPENERS_QUIET
    opener = openers[int(u[0] * len(openers))]
    heard_for = facts.heard_for
    if facts.belief:
        core = f"I'm convinced that {claim}."
        reason = _REASONS_FOR[int(u[1] * len(_REASONS_FOR))]
        social = _SOCIAL_FOR.format(n=heard_for) if heard_for >= 2 else ""
    else:
        core = f"I don't buy that {claim}."
        official = facts.official_seen and needs_official(facts.belief, u)
        against = _REASONS_AGAINST[int(u[1] * len(_REASONS_AGAINST))]
        reason = _REASON_OFFICIAL if official else against
        social = _SOCIAL_AGAINST if heard_for and u[2] < 0.3 else ""
    if u[3] < 0.25:
        core = f"As a {persona.occupation}, {core[0].lower()}{core[1:]}"
    post = f"{opener} {core} {reason} {social}" if social else f"{opener} {core} {reason}"
    if facts.belief != facts.was_believer:
        verb = "now believe" if facts.belief else "no longer believe"
    else:
        verb = "still believe" if facts.belief else "still doubt"
    lean = facts.lean
    direction = "for" if lean > 0 else "against" if lean < 0 else "neither way on"
    adjectives = persona.adjectives()
    reasoning = (
        f"Today's posts leaned {direction} the story; being {adjectives[4]} and "
        f"{adjectives[0]}, I {verb} it."
    )
    return post, reasoning
