"""Turning a model's text into the fields of a request kind, tolerating common damage.

Small and local models wrap JSON in code fences, add chatter after it, use single quotes,
write the belief as "1" or "yes", or run out of tokens mid-object. A strict JSON parser would
throw such answers away; json.loads and ast.literal_eval cover the well-formed cases and the
salvage below covers the rest, because no library repairs a cut-off object field by field.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)
_BELIEF_WORDS = {
    "1": 1,
    "0": 0,
    "true": 1,
    "false": 0,
    "yes": 1,
    "no": 0,
    "believe": 1,
    "disbelieve": 0,
    "believes": 1,
    "not believe": 0,
}
_STRING_FIELD = r'["\']{name}["\']\s*:\s*"((?:[^"\\]|\\.)*)'


class AnswerError(ValueError):
    """The text holds no usable answer; the message says what was wrong."""


# Markup of chat templates that small models echo into their answers (Llama 2, Gemma, ChatML).
TEMPLATE_DEBRIS = ("[INST]", "[/INST]", "</INST]", "<<SYS>>", "<</SYS>>", "<start_of_turn>",
                   "<end_of_turn>", "<|im_start|>", "<|im_end|>")  # fmt: skip
_PLACEHOLDER = re.compile(r"[\s.…_-]+|string|text|your (post|summary|note|reasoning)", re.I)


_LETTER = re.compile(r"[^\W\d_]")
MIN_WORDS = 3  # a post that others read: a sentence, not a token


def words(text: str) -> int:
    """Words in ``text``: whitespace-separated pieces holding at least one letter."""
    return sum(1 for piece in text.split() if _LETTER.search(piece))


def _substance(name: str, value: str, sentence: bool = False) -> str:
    """``value`` stripped; an AnswerError when it only copies the reply template (a bare
    "...", a type name) or carries chat-template markup, or, for a ``sentence`` (a post),
    holds fewer than MIN_WORDS words: Gemma 3 270M writes timestamps, URLs and
    hyphenated run-ons there ("1952-07-04T13:48:05Z"), which the JSON schema cannot stop
    (llama.cpp's server does not enforce ``pattern``). Such answers are asked for again
    (agents.llm.openai_backend)."""
    text = value.strip()
    if text and _PLACEHOLDER.fullmatch(text):  # missing text is allowed (a cut-off answer)
        raise AnswerError(f"{name} is a placeholder ({text[:20]!r}), not your own words")
    if any(mark in text for mark in TEMPLATE_DEBRIS):
        raise AnswerError(f"{name} holds chat-template markup; write plain text")
    if sentence and text and words(text) < MIN_WORDS:
        raise AnswerError(
            f"{name} is not a sentence ({text[:30]!r}): write at least {MIN_WORDS} words "
            "in your own voice"
        )
    return text


def _first_object(text: str) -> str | None:
    """The first balanced {...} in ``text`` (quotes respected), or None."""
    start = text.find("{")
    if start < 0:
        return None
    depth, in_string, quote, escaped = 0, False, "", False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                in_string = False
        elif ch in "\"'":
            in_string, quote = True, ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return None


def _load_object(text: str) -> dict[str, Any] | None:
    fenced = _FENCE.search(text)
    candidates = [fenced.group(1)] if fenced else []
    candidates.append(text)
    for candidate in candidates:
        obj_text = _first_object(candidate)
        if obj_text is None:
            continue
        for loader in (json.loads, ast.literal_eval):
            try:
                value = loader(obj_text)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                continue
            if isinstance(value, dict):
                return value
    return None


def _salvage(text: str, names: tuple[str, ...]) -> dict[str, Any]:
    """Fields recoverable from a cut-off object: complete or partial string values, belief."""
    found: dict[str, Any] = {}
    for name in names:
        if name == "belief":
            m = re.search(r'["\']belief["\']\s*:\s*"?([A-Za-z0-9 ]+?)"?\s*[,}\n]', text + "\n")
            if m:
                found["belief"] = m.group(1)
        elif name == "confidence":
            m = re.search(r'["\']confidence["\']\s*:\s*"?([0-9.]+)', text)
            if m:
                found["confidence"] = m.group(1)
        else:
            m = re.search(_STRING_FIELD.format(name=name), text, re.DOTALL)
            if m:
                try:
                    found[name] = json.loads(f'"{m.group(1)}"')
                except json.JSONDecodeError:
                    found[name] = m.group(1)
    return found


def _belief(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) and value in (0, 1):
        return int(value)
    word = str(value).strip().lower()
    if word in _BELIEF_WORDS:
        return _BELIEF_WORDS[word]
    raise AnswerError(f"belief must be 0 or 1, got {str(value)[:40]!r}")


def _confidence(value: Any) -> float:
    try:
        return min(1.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return 0.5


def parse_answer(kind: str, text: str | None) -> dict[str, Any]:
    """The fields of a ``kind`` answer found in ``text``; raises AnswerError if none usable."""
    if not text or not text.strip():
        raise AnswerError("empty answer")
    names = {
        "summarise": ("summary",),
        "reflect": ("memory",),
        "opinion": ("belief", "confidence", "post", "reasoning"),
    }[kind]
    data = _load_object(text)
    if data is None:
        data = _salvage(text, names)
    if kind == "opinion":
        if "belief" not in data:
            raise AnswerError("no belief in the answer")
        return {
            "belief": _belief(data["belief"]),
            "confidence": _confidence(data.get("confidence", 0.5)),
            "post": _substance("post", str(data.get("post") or ""), sentence=True),
            "reasoning": _substance("reasoning", str(data.get("reasoning") or "")),
        }
    (name,) = names
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise AnswerError(f"no {name} text in the answer")
    # Notes are not held to a sentence: Gemma 3 270M failed two thirds of them that way,
    # enough to mark whole runs unreliable though every belief was decided
    # (docs/PERFORMANCE.md); a post is what other agents read.
    return {name: _substance(name, value)}
