"""What each built-in intervention does to the world, and that both backends can see it."""

import copy
import csv

import pytest

from agents.llm.base import Sampling
from agents.prompts import render_messages
from tests.interventions.helpers import model


def log_rows(folder):
    with (folder / "interventions.csv").open() as f:
        return list(csv.DictReader(f))


def finish(m, days=None):
    for _ in range(days or m.config.days):
        m.step()
    m.interventions.log.close(True)
    m.close()


def test_official_debunk_follows_its_schedule_and_reach(tmp_path):
    m = model(
        [{"type": "official_debunk", "start_day": 2, "every": 2, "until_day": 5, "reach": 0.5}],
        tmp_path,
    )
    finish(m)
    rows = log_rows(tmp_path)
    notices = [r for r in rows if r["action"] == "notice"]
    assert sorted({int(r["day"]) for r in notices}) == [2, 4]  # until_day 5 stops day 6
    assert all(sum(int(r["day"]) == d for r in notices) == 10 for d in (2, 4))
    reached = {int(r["agent"]) for r in notices if r["day"] == "2"}
    for c in m.citizens:
        has_notice = any(i.source == "official" and i.day == 2 for i in c.ltm.items)
        # a notice may be forgotten later, but never given to someone not reached
        assert not has_notice or c.index in reached
    total = sum(float(r["cost"]) for r in rows)
    assert total == pytest.approx(2 * 10.0 + 20 * 0.1)
    assert m.interventions.log.cost() == pytest.approx(total)


def test_notice_is_memory_for_the_surrogate_and_text_for_a_model():
    m = model([{"type": "official_debunk", "message": "Officials say: {claim} is untrue."}])
    m.step()
    citizen = m.citizens[0]
    notice = next(i for i in citizen.ltm.items if i.source == "official")
    assert notice.stance == -1.0 and notice.day == 1
    request = citizen.request("opinion", 2, Sampling(1.0, 100))
    assert notice in request.context.memory
    prompt = render_messages("opinion", request.context)[1]["content"]
    assert f"from official: Officials say: {m.news.claim} is untrue." in prompt
    m.close()


def test_prebunk_reaches_everyone_before_day_one_and_is_boosted():
    m = model([{"type": "prebunk", "every": 3}])
    assert all(any(i.source == "prebunk" and i.day == 0 for i in c.ltm.items) for c in m.citizens)
    finish(m, 3)
    assert all(any(i.source == "prebunk" and i.day == 3 for i in c.ltm.items) for c in m.citizens)


def test_labels_reach_listeners_discounted():
    m = model([{"type": "fact_check_label", "credibility": 0.8, "label": "FALSE per checkers"}])
    initial = {(c.index, 0) for c in m.citizens if c.belief}
    m.step()  # day 1: the opening posts (day 0) that repeat the claim are labelled
    assert m.interventions.labelled == initial  # (author, day of the post)
    believing = {(c.index, 1) for c in m.citizens if c.belief}
    m.step()  # day 2: and the believing posts of day 1
    assert m.interventions.labelled == initial | believing
    heard = [i for c in m.citizens for i in c.stm.items if "FALSE per checkers" in i.text]
    assert heard, "nobody heard a labelled post"
    assert all(i.stance > 0 and i.importance == pytest.approx(0.2) for i in heard)
    request = m.citizens[0].request("summarise", 2, Sampling(0.5, 100))
    if any("FALSE per checkers" in i.text for i in request.context.heard):
        assert "FALSE per checkers" in render_messages("summarise", request.context)[1]["content"]
    m.close()


def test_suspended_spreaders_are_not_heard():
    m = model([{"type": "suspend_spreaders", "start_day": 2, "k": 3, "mode": "suspend"}])
    m.step()
    posts = m.interventions.believing_posts
    m.step()
    chosen = m.interventions.views[0][0].chosen
    assert len(chosen) == 3
    # the most prolific believers were chosen
    assert min(posts[a] for a in chosen) >= sorted(posts, reverse=True)[2]
    silenced_posts = {id(m.citizens[a].post_item) for a in chosen}
    for c in m.citizens:
        assert not any(id(i) in silenced_posts for i in c.stm.items)
        if c.index in chosen:
            assert c.stm.items == ()  # suspended accounts hear nothing either
    m.close()


def spy(m) -> list:
    """Capture every request the model sends."""
    sent = []
    complete = m.backend.complete

    async def recording(requests):
        sent.extend(requests)
        return await complete(requests)

    m.backend.complete = recording
    return sent


def test_nudge_goes_before_the_next_decision_only():
    m = model([{"type": "accuracy_nudge", "start_day": 2, "every": 10, "message": "Is it true?"}])
    sent = spy(m)
    m.step()
    m.step()
    nudged = {(r.context.day, r.kind) for r in sent if r.context.nudges}
    assert nudged == {(2, "opinion")}  # only day 2's decision, nothing else
    ctx = next(r.context for r in sent if r.context.nudges)
    assert [n.text for n in ctx.nudges] == ["Is it true?"]
    assert "Before you decide: Is it true?" in render_messages("opinion", ctx)[1]["content"]
    assert all(c.nudges == () for c in m.citizens)  # used up by the decision
    m.close()


def test_nudges_lower_the_surrogates_belief_probability():
    from agents.llm.mock import MockModel

    m = model([{"type": "accuracy_nudge", "strength": 1.0}])
    sent = spy(m)
    m.step()
    nudged = [r.context for r in sent if r.kind == "opinion"]
    assert all(c.nudges for c in nudged)
    plain = [copy.copy(c) for c in nudged]
    for c in plain:
        c.nudges = ()
    surrogate = MockModel(seed=1)
    p_nudged = surrogate.belief_probability(nudged)
    p_plain = surrogate.belief_probability(plain)
    assert all(a < b for a, b in zip(p_nudged, p_plain, strict=True))
    m.close()


def test_counter_messages_reach_their_audience():
    m = model(
        [{"type": "counter_messaging", "start_day": 1, "k": 2, "audience_size": 4}],
        contacts={"type": "random_contacts", "k": 2},
    )
    m.step()
    messengers = m.interventions.views[0][0].messengers
    assert len(messengers) == 2
    corrections = [i for c in m.citizens for i in c.stm.items if i.importance == 1.5]
    assert len(corrections) == 8  # 2 messengers x 4 listeners
    assert all(i.stance == -1.0 and "no evidence" in i.text for i in corrections)
    m.close()


def test_counter_messages_use_network_neighbours():
    m = model(
        [{"type": "counter_messaging", "start_day": 1, "k": 1}],
        contacts={"type": "watts_strogatz", "k": 4, "p": 0.0},
    )
    m.step()
    (messenger,) = m.interventions.views[0][0].messengers
    got = {c.index for c in m.citizens if any(i.importance == 1.5 for i in c.stm.items)}
    assert got == set(m.contacts.neighbours[messenger])
    m.close()


def test_example_plugin_labels_posts_its_raters_flag(tmp_path):
    m = model(
        [{"type": "examples.plugins.community_notes:CommunityNotes", "raters_needed": 1}],
        tmp_path,
    )
    finish(m)
    labels = [r for r in log_rows(tmp_path) if r["action"] == "label"]
    assert labels, "no post was noted"
    assert all(int(r["day"]) >= 2 for r in labels)
