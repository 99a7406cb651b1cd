import pytest

from agents.llm.parsing import AnswerError, parse_answer

GOOD = {"belief": 1, "confidence": 0.8, "post": "It is true.", "reasoning": "Everyone says so."}


@pytest.mark.parametrize(
    "text",
    [
        '{"belief": 1, "confidence": 0.8, "post": "It is true.", "reasoning": "Everyone says so."}',
        '```json\n{"belief": "1", "confidence": 0.8, "post": "It is true.", '
        '"reasoning": "Everyone says so."}\n```',
        'Here you go: {"belief": "yes", "confidence": "0.8", "post": "It is true.", '
        '"reasoning": "Everyone says so."} Hope that helps!',
        "{'belief': 1, 'confidence': 0.8, 'post': 'It is true.', 'reasoning': 'Everyone says so.'}",
        '{"belief": true, "confidence": 0.8, "post": "It is true.", '
        '"reasoning": "Everyone says so."}',
    ],
)
def test_common_damage_is_tolerated(text):
    assert parse_answer("opinion", text) == GOOD


def test_cut_off_answer_keeps_the_decision():
    fields = parse_answer("opinion", '{"belief": 0, "confidence": 0.9, "post": "No way th')
    assert fields["belief"] == 0 and fields["confidence"] == 0.9
    assert fields["post"] == "No way th" and fields["reasoning"] == ""


@pytest.mark.parametrize(
    ("kind", "text", "problem"),
    [
        ("opinion", "", "empty answer"),
        ("opinion", "I believe it, honestly.", "no belief"),
        ("opinion", '{"bel', "no belief"),
        ("opinion", '{"belief": 7, "post": "x"}', "belief must be 0 or 1"),
        ("summarise", '{"summary": ""}', "no summary text"),
        ("reflect", '{"note": "x"}', "no memory text"),
    ],
)
def test_unusable_answers_say_why(kind, text, problem):
    with pytest.raises(AnswerError, match=problem):
        parse_answer(kind, text)


def test_text_kinds():
    assert parse_answer("summarise", '{"summary": " Two believe. "}') == {"summary": "Two believe."}
    assert parse_answer("reflect", '{"memory": "Noted: two believe."} trailing') == {
        "memory": "Noted: two believe."
    }


@pytest.mark.parametrize(
    ("kind", "text", "words"),
    [
        ("summarise", '{"summary": "..."}', "summary is a placeholder"),
        ("reflect", '{"memory": "…"}', "memory is a placeholder"),
        (
            "opinion",
            '{"belief": 1, "confidence": 0.5, "post": "...", "reasoning": "x y z"}',
            "post is",
        ),
        (
            "opinion",
            '{"belief": 0, "confidence": 1, "post": "No, not that.", "reasoning": "string"}',
            "reasoning is",
        ),
        ("opinion", '{"belief": 1, "post": "I agree </INST]", "reasoning": "ok then"}', "markup"),
        ("summarise", '{"summary": "People said <</SYS>> it is true"}', "chat-template markup"),
        # what Gemma 3 270M wrote as posts and notes (docs/PERFORMANCE.md)
        ("opinion", '{"belief": 1, "post": "1952-07-04T13:48:05Z"}', "post is not a sentence"),
        (
            "opinion",
            '{"belief": 1, "post": "not-so-good-looking-old-senator-who-owns-shares"}',
            "at least 3 words",
        ),
    ],
)
def test_answers_that_copy_the_template_are_refused(kind, text, words):
    with pytest.raises(AnswerError, match=words):
        parse_answer(kind, text)


def test_a_note_need_not_be_a_sentence():
    # only posts are held to three words (agents.llm.parsing: notes failed too often)
    assert parse_answer("reflect", '{"memory": "1342570458.6449"}') == {"memory": "1342570458.6449"}


def test_a_real_short_post_is_kept():
    fields = parse_answer("opinion", '{"belief": 0, "post": "Not buying it.", "reasoning": ""}')
    assert fields["post"] == "Not buying it." and fields["reasoning"] == ""


def test_prompts_show_no_template_to_copy():
    from agents.llm.base import RequestContext
    from agents.news import NewsItem
    from agents.persona import generate_personas
    from agents.prompts import render_messages

    ctx = RequestContext(
        agent_id=0,
        day=2,
        persona=generate_personas(1, 0)[0],
        news=NewsItem("political", "a claim", "A story."),
        belief=0,
        confidence=0.5,
        previous_post="Hm.",
        heard=(),
        summary=None,
        memory=(),
    )
    for kind in ("summarise", "reflect", "opinion"):
        prompt = render_messages(kind, ctx)[1]["content"]
        assert '"..."' not in prompt and "Reply as {" not in prompt
