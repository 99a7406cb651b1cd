from agents.llm.base import RequestContext
from agents.memory import LongTermMemory, MemoryItem, ShortTermMemory
from agents.news import NewsItem
from agents.persona import generate_personas
from agents.prompts import RESPONSE_SCHEMAS, estimate_tokens, render_messages

NEWS = NewsItem(
    "science", "cold water causes cancer", "A viral post says cold water causes cancer."
)
PERSONA = generate_personas(1, 2)[0]


def context_on(day, ltm, stm):
    return RequestContext(
        0,
        day,
        PERSONA,
        NEWS,
        1,
        0.7,
        "I think it's true.",
        tuple(stm.items),
        MemoryItem("heard three posts", 0.3, "peers", day, 1.0),
        tuple(ltm.items),
    )


def test_prompts_carry_persona_news_memory_and_today():
    ltm = LongTermMemory(4, 200)
    ltm.add(MemoryItem("Officials said it is false.", -1.0, "official", 1, 1.0))
    stm = ShortTermMemory(5, 200)
    stm.hear([MemoryItem("It's real, my aunt said so!", 1.0, "peer", 2, 1.0)])
    ctx = context_on(3, ltm, stm)
    summarise = render_messages("summarise", ctx)
    assert summarise[0]["role"] == "system" and PERSONA.name in summarise[0]["content"]
    assert NEWS.text in summarise[0]["content"]
    assert "my aunt said so" in summarise[1]["content"] and "believes it" in summarise[1]["content"]
    reflect = render_messages("reflect", ctx)[1]["content"]
    assert "Officials said it is false." in reflect and "from official" in reflect
    opinion = render_messages("opinion", ctx)[1]["content"]
    assert "heard three posts" in opinion and "you believed" in opinion
    assert '"belief"' in opinion


def test_stable_parts_come_first():
    a = render_messages("opinion", context_on(2, LongTermMemory(4, 200), ShortTermMemory(5, 200)))
    b = render_messages("summarise", context_on(9, LongTermMemory(4, 200), ShortTermMemory(5, 200)))
    assert a[0] == b[0]  # the system message does not change with day or request kind


def test_prompt_size_is_bounded_over_days():
    ltm, stm = LongTermMemory(6, 280), ShortTermMemory(10, 280)
    sizes = []
    for day in range(1, 60):
        stm.start_day()
        stm.hear([MemoryItem("x" * 500, 1.0, "peer", day, 1.0)] * 20)
        ltm.add(MemoryItem("y" * 500, 0.5, "peers", day, 0.7))
        text = "".join(m["content"] for m in render_messages("opinion", context_on(day, ltm, stm)))
        sizes.append(estimate_tokens(text))
    assert max(sizes[10:]) <= sizes[6] * 1.05


def test_opinion_schema_puts_belief_first():
    assert next(iter(RESPONSE_SCHEMAS["opinion"]["properties"])) == "belief"


def test_the_schema_demands_text_of_some_length():
    from agents.prompts import RESPONSE_SCHEMAS

    texts = [
        spec
        for schema in RESPONSE_SCHEMAS.values()
        for spec in schema["properties"].values()
        if spec["type"] == "string"
    ]
    assert len(texts) == 4  # summary, memory, post, reasoning
    assert all(spec["minLength"] >= 12 for spec in texts)  # longer than "..." or a word
