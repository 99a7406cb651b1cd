import mesa
import pytest

from agents.citizen import INFECTED, RECOVERED, SUSCEPTIBLE, Citizen
from agents.llm.base import LLMResponse, Sampling
from agents.memory import LongTermMemory, ShortTermMemory
from agents.news import NewsItem, opening_post
from agents.persona import generate_personas

NEWS = NewsItem("finance", "the bank will freeze savings", "The bank will freeze savings.")


def make(believes=False, n=1):
    model = mesa.Model(rng=1)
    personas = generate_personas(n, 1)
    return [
        Citizen(model, i, p, NEWS, believes, ShortTermMemory(5, 100), LongTermMemory(3, 100))
        for i, p in enumerate(personas)
    ]


def opinion(belief):
    return LLMResponse(
        {"belief": belief, "confidence": 0.9, "post": f"post {belief}", "reasoning": "because"}, ""
    )


def test_opening_posts_state_the_initial_belief():
    believer, skeptic = make(True)[0], make(False)[0]
    assert believer.post.startswith("I believe") and "because" in believer.post
    assert skeptic.post.startswith("I don't believe")
    assert believer.state == INFECTED and skeptic.state == SUSCEPTIBLE
    assert opening_post("x", True, 0) != opening_post("x", True, 1)


def test_sir_transitions_allow_reinfection():
    (c,) = make(False)
    states = []
    for day, belief in enumerate([1, 0, 0, 1, 0], start=1):
        c.apply("opinion", opinion(belief), day)
        c.end_day()
        states.append(c.state)
    assert states == [INFECTED, RECOVERED, RECOVERED, INFECTED, RECOVERED]


def test_failed_answers_keep_yesterday_and_are_counted():
    (c,) = make(True)
    before = (c.belief, c.post)
    c.start_day()
    for kind in ("summarise", "reflect", "opinion"):
        c.apply(kind, LLMResponse({}, "garbage", error="unparseable"), 1)
    assert (c.belief, c.post) == before
    assert c.failed_today == 3
    assert c.stm.summary is not None  # replaced by a plain tally
    assert c.ltm.items == ()


def test_hearing_shares_the_speakers_post_and_stance():
    a, b = make(False, n=2)
    b.apply("opinion", opinion(1), 1)
    a.start_day()
    a.hear([b.post_item])
    assert a.stm.items[0].text == "post 1" and a.stm.items[0].stance == 1.0


def test_requests_snapshot_state():
    (c,) = make(True)
    req = c.request("opinion", 2, Sampling(1.0, 50))
    assert req.context.belief == 1 and req.context.previous_post == c.post
    assert req.kind == "opinion" and req.sampling.max_tokens == 50


@pytest.mark.parametrize("believes", [True, False])
def test_state_round_trip(believes):
    a, b = make(believes, n=2)
    a.start_day()
    a.hear([b.post_item])
    a.apply("summarise", LLMResponse({"summary": "s"}, ""), 1)
    a.apply("reflect", LLMResponse({"memory": "m"}, ""), 1)
    a.apply("opinion", opinion(0), 1)
    a.end_day()
    b.set_state(a.get_state())
    assert b.get_state() == a.get_state()
