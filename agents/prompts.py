"""Prompt templates and response schemas for the three daily requests.

No reply template with placeholders: a small model copies a shown ``{"post": "..."}`` word
for word. The instruction names the fields, and the response schema (sent with every
request) gives their types and demands text of some length.

Layout puts the parts that never change for an agent first (who it is, the news item), then
long-term memory, then today's material, so servers with prefix caching reuse the most.
Every memory shown is bounded (see agents.memory), so prompts do not grow with the days.
"""

from __future__ import annotations

from typing import Any

from agents.context import RequestContext, RequestKind
from agents.memory import REFLECTION, MemoryItem, for_prompt

# Texts must have substance: servers that enforce the schema as a grammar (llama.cpp) then
# cannot end a string after "..." or a word, which small models otherwise copy from a prompt.
# (A ``pattern`` of words without markup characters was tried as well: llama-cpp-python's
# server then enforced neither it nor the length, and Gemma 3 270M wrote notes of one letter.)
_TEXT = {"type": "string", "minLength": 12}

RESPONSE_SCHEMAS: dict[RequestKind, dict[str, Any]] = {
    "summarise": {
        "type": "object",
        "properties": {"summary": _TEXT},
        "required": ["summary"],
        "additionalProperties": False,
    },
    "reflect": {
        "type": "object",
        "properties": {"memory": _TEXT},
        "required": ["memory"],
        "additionalProperties": False,
    },
    # Belief comes first: small models that run out of tokens still give the decision.
    "opinion": {
        "type": "object",
        "properties": {
            "belief": {"type": "integer", "enum": [0, 1]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "post": _TEXT,
            "reasoning": _TEXT,
        },
        "required": ["belief", "confidence", "post", "reasoning"],
        "additionalProperties": False,
    },
}


def _system(ctx: RequestContext) -> str:
    p = ctx.persona
    return (
        f"You are {p.describe()}. You use a social network like millions of ordinary "
        "people do, and you react to what you read the way someone with your character and "
        "background would: people tend to favour what they already think, and to trust some "
        "sources more than others. Stay in character. Answer only with the JSON object asked "
        "for.\n\n"
        f"A story is going around ({ctx.news.topic}): {ctx.news.text}"
    )


def _stance_word(stance: float) -> str:
    if stance > 0.33:
        return "believes it"
    if stance < -0.33:
        return "doubts it"
    return "is undecided"


def _render_memory(items: tuple[MemoryItem, ...]) -> str:
    shown = for_prompt(items)
    if not shown:
        return "(nothing yet)"
    return "\n".join(
        f"- your note from day {m.day}: {m.text}"
        if m.source == REFLECTION
        else f"- day {m.day}, from {m.source}: {m.text}"
        for m in shown
    )


def _render_heard(items: tuple[MemoryItem, ...]) -> str:
    if not items:
        return "(you saw no posts about it today)"
    return "\n".join(f"- someone who {_stance_word(m.stance)}: {m.text}" for m in items)


def _summarise_user(ctx: RequestContext) -> str:
    return (
        f"Day {ctx.day}. These are the posts about the story you saw today:\n"
        f"{_render_heard(ctx.heard)}\n\n"
        "In two or three sentences, sum up what people said and whether each of them "
        'believes the story. Answer with a JSON object whose "summary" holds those sentences.'
    )


def _reflect_user(ctx: RequestContext) -> str:
    summary = ctx.summary.text if ctx.summary else "(nothing new today)"
    return (
        f"What you remember from earlier days:\n{_render_memory(ctx.memory)}\n\n"
        f"Day {ctx.day}, what you heard today: {summary}\n\n"
        "Rewrite your note so that it keeps what still matters from before and adds what is "
        "new today, in at most three sentences; this note replaces the old one. Answer with a "
        'JSON object whose "memory" holds the new note.'
    )


def _opinion_user(ctx: RequestContext) -> str:
    own = "believed" if ctx.belief else "did not believe"
    summary = ctx.summary.text if ctx.summary else "(nothing new today)"
    nudges = "".join(f"Before you decide: {n.text}\n" for n in ctx.nudges)
    return (
        f"What you remember:\n{_render_memory(ctx.memory)}\n\n"
        f"Day {ctx.day}. Today: {summary}\n"
        f'Until now you {own} the story. Your last post was: "{ctx.previous_post}"\n\n'
        f"{nudges}"
        "Decide whether you believe the story now, then write today's short post about it "
        "(one or two sentences, in your own voice) and say briefly why. Answer with a JSON "
        'object: "belief" is 1 if you believe the story and 0 if you do not; "confidence" is '
        'how sure you are, from 0 to 1; "post" is your post; "reasoning" says why, in words '
        "that agree with the belief."
    )


_USER_TEMPLATES = {"summarise": _summarise_user, "reflect": _reflect_user, "opinion": _opinion_user}


def render_messages(kind: RequestKind, ctx: RequestContext) -> list[dict[str, str]]:
    """Chat messages for one request of ``kind`` built from ``ctx``."""
    return [
        {"role": "system", "content": _system(ctx)},
        {"role": "user", "content": _USER_TEMPLATES[kind](ctx)},
    ]


def estimate_tokens(text: str) -> int:
    """A tokenizer-free token estimate (about four characters per token for English)."""
    return max(1, (len(text) + 3) // 4)
