"""The surrogate reacts to what the agent heard and who it is, deterministically."""

import asyncio
import dataclasses

import numpy as np
import pytest

from agents.keyed_random import keyed_uniforms
from agents.llm.base import LLMRequest, RequestContext, Sampling
from agents.llm.mock import MockModel
from agents.memory import MemoryItem
from agents.news import NewsItem
from agents.persona import generate_personas
from agents.prompts import RESPONSE_SCHEMAS
from agents.surrogate import TOPIC_PROFILES

NEWS = NewsItem("political", "the mayor stole the election", "Posts say the mayor stole it.")
PERSONA = generate_personas(1, 0)[0]


def ctx(agent=0, day=3, belief=0, persona=PERSONA, heard=(), summary=None, memory=(), news=NEWS):
    return RequestContext(
        agent, day, persona, news, belief, 0.8, "my last post", tuple(heard), summary, tuple(memory)
    )


def peers(stance, n=3, day=3):
    return [MemoryItem(f"post {i}", stance, "peer", day, 1.0) for i in range(n)]


def summary(stance, day=3):
    return MemoryItem("today's summary", stance, "peers", day, 1.0)


def ask(model, kind, contexts):
    requests = [LLMRequest(kind, c, Sampling(1.0, 100)) for c in contexts]
    return asyncio.run(model.complete(requests))


def p_believe(model, context):
    return model.belief_probability([context])[0]


def logit(p):
    return float(np.log(p / (1 - p)))


def test_keyed_uniforms_are_deterministic_and_order_free():
    ids = np.arange(100)
    a = keyed_uniforms(5, ids, 3, 1, 4)
    b = keyed_uniforms(5, ids[::-1], 3, 1, 4)[::-1]
    assert np.array_equal(a, b)
    assert a.min() >= 0 and a.max() < 1
    assert not np.array_equal(a, keyed_uniforms(6, ids, 3, 1, 4))
    assert not np.array_equal(a, keyed_uniforms(5, ids, 4, 1, 4))
    assert not np.array_equal(a, keyed_uniforms(5, ids, 3, 2, 4))
    big = keyed_uniforms(1, np.arange(200_000), 1, 3, 1).ravel()
    assert abs(big.mean() - 0.5) < 0.005  # roughly uniform
    # the draws named are the same numbers as in the full set, in the order named
    np.testing.assert_array_equal(keyed_uniforms(5, ids, 3, 1, [3, 0, 2]), a[:, [3, 0, 2]])
    assert keyed_uniforms(5, ids, 3, 1, []).shape == (100, 0)


def test_answers_do_not_depend_on_batch_order_or_size():
    model = MockModel(seed=11)
    personas = generate_personas(40, 1)
    contexts = [
        ctx(agent=i, persona=p, heard=peers((-1) ** i), summary=summary((-1) ** i))
        for i, p in enumerate(personas)
    ]
    together = ask(model, "opinion", contexts)
    alone = [ask(model, "opinion", [c])[0] for c in reversed(contexts)][::-1]
    assert [r.fields for r in together] == [r.fields for r in alone]


def test_answers_follow_the_response_schema():
    model = MockModel(seed=1)
    contexts = [ctx(agent=i, heard=peers(1.0), summary=summary(1.0)) for i in range(30)]
    for kind in ("summarise", "reflect", "opinion"):
        for response in ask(model, kind, contexts):
            assert response.ok
            assert set(response.fields) == set(RESPONSE_SCHEMAS[kind]["required"])
    for response in ask(model, "opinion", contexts):
        assert response.fields["belief"] in (0, 1)
        assert 0 <= response.fields["confidence"] <= 1


def test_hearing_believers_raises_belief():
    model = MockModel(seed=1)
    pro = p_believe(model, ctx(heard=peers(1.0), summary=summary(1.0)))
    con = p_believe(model, ctx(heard=peers(-1.0), summary=summary(-1.0)))
    assert pro > con + 0.2


def test_confirmation_bias_discounts_contradicting_evidence():
    model = MockModel(seed=1)
    # The same mixed evidence moves a believer less than it moves a skeptic.
    believer_shift = p_believe(model, ctx(belief=1, summary=summary(-1.0))) - p_believe(
        model, ctx(belief=1)
    )
    skeptic_shift = p_believe(model, ctx(belief=0, summary=summary(-1.0))) - p_believe(
        model, ctx(belief=0)
    )
    # Discounted: the believer loses less than it would without confirmation bias.
    assert believer_shift < 0 and skeptic_shift < 0
    model_no_bias = MockModel(
        seed=1, parameters=dataclasses.replace(model.params, bias_floor=0.0, bias_span=0.0)
    )
    unbiased_shift = p_believe(model_no_bias, ctx(belief=1, summary=summary(-1.0))) - p_believe(
        model_no_bias, ctx(belief=1)
    )
    assert believer_shift > unbiased_shift  # less negative with confirmation bias
    # Inertia: a believer is more likely to keep believing than a skeptic is to start.
    assert p_believe(model, ctx(belief=1)) > p_believe(model, ctx(belief=0))


@pytest.mark.parametrize(
    ("trait", "direction"),
    [("agreeableness", +1), ("openness", -1), ("conscientiousness", -1)],
)
def test_susceptibility_follows_traits(trait, direction):
    model = MockModel(seed=1)
    low = dataclasses.replace(PERSONA, **{trait: 0.1})
    high = dataclasses.replace(PERSONA, **{trait: 0.9})
    diff = p_believe(model, ctx(agent=1, persona=high)) - p_believe(
        model, ctx(agent=2, persona=low)
    )
    assert diff * direction > 0.02


def test_education_lowers_susceptibility():
    model = MockModel(seed=1)
    none = dataclasses.replace(PERSONA, education="none")
    phd = dataclasses.replace(PERSONA, education="phd")
    assert p_believe(model, ctx(agent=1, persona=none)) > p_believe(
        model, ctx(agent=2, persona=phd)
    )


def test_official_notice_is_trusted_more_by_agreeable_people():
    model = MockModel(seed=1)
    notice = MemoryItem("Officials: the claim is false.", -1.0, "official", 2, 1.0)
    for agreeableness in (0.1, 0.9):
        persona = dataclasses.replace(PERSONA, agreeableness=agreeableness)
        with_notice = p_believe(
            model, ctx(agent=int(agreeableness * 10), persona=persona, belief=1, memory=[notice])
        )
        without = p_believe(model, ctx(agent=int(agreeableness * 10), persona=persona, belief=1))
        assert with_notice < without
    cold = dataclasses.replace(PERSONA, agreeableness=0.1)
    warm = dataclasses.replace(PERSONA, agreeableness=0.9)
    # compared on the logit scale, where the surrogate adds evidence
    drop_cold = logit(p_believe(model, ctx(agent=1, persona=cold, belief=1))) - logit(
        p_believe(model, ctx(agent=1, persona=cold, belief=1, memory=[notice]))
    )
    drop_warm = logit(p_believe(model, ctx(agent=2, persona=warm, belief=1))) - logit(
        p_believe(model, ctx(agent=2, persona=warm, belief=1, memory=[notice]))
    )
    assert drop_warm > drop_cold


def test_topic_appeal_orders_topics_as_fps_reports():
    model = MockModel(seed=1)
    probs = {}
    for topic in TOPIC_PROFILES:
        news = dataclasses.replace(NEWS, topic=topic)
        probs[topic] = p_believe(model, ctx(day=10, news=news))
    assert max(probs, key=probs.get) == "political"
    assert min(probs, key=probs.get) == "natural_disaster"
    # novelty: terrorism and finance pull harder on day 1 than on day 10
    for topic in ("terrorism", "finance"):
        assert TOPIC_PROFILES[topic].at(1) > TOPIC_PROFILES[topic].at(10)


def test_posts_vary_with_persona_and_stance_and_match_belief():
    model = MockModel(seed=3)
    personas = generate_personas(60, 5)
    contexts = [
        ctx(
            agent=i,
            persona=p,
            heard=peers(1.0 if i % 2 else -1.0),
            summary=summary(1.0 if i % 2 else -1.0),
        )
        for i, p in enumerate(personas)
    ]
    answers = [r.fields for r in ask(model, "opinion", contexts)]
    posts = {a["post"] for a in answers}
    assert len(posts) > 20
    for a in answers:
        if a["belief"]:
            assert "convinced" in a["post"] and "believe" in a["reasoning"]
            assert "no longer" not in a["reasoning"] and "doubt" not in a["reasoning"]
        else:
            assert "don't buy" in a["post"]
            assert "still doubt" in a["reasoning"] or "no longer believe" in a["reasoning"]


def test_summary_tallies_what_was_heard():
    model = MockModel(seed=1)
    heard = peers(1.0, 2) + peers(-1.0, 1)
    (answer,) = ask(model, "summarise", [ctx(heard=heard)])
    assert "2 from people who believe" in answer.fields["summary"]
    assert "1 from people who doubt" in answer.fields["summary"]
