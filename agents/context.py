"""What an agent's requests are built from: the request kinds and the structured context.

Kept apart from the model boundary (agents/llm/base.py) because prompts are rendered from it
and the boundary renders prompts: both import this module, neither the other's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agents.memory import MemoryItem
from agents.news import NewsItem
from agents.persona import Persona

RequestKind = Literal["summarise", "reflect", "opinion"]
REQUEST_KINDS: tuple[RequestKind, ...] = ("summarise", "reflect", "opinion")


@dataclass(slots=True)
class RequestContext:
    """Everything a decision may depend on, as structured fields.

    ``heard`` is today's short-term memory, ``summary`` today's summary of it (once made),
    ``memory`` the long-term memory, ``belief``/``confidence``/``previous_post`` the agent's
    own latest stance, ``nudges`` prompts placed before today's decision by an intervention
    (source "nudge"; importance is their strength; only the opinion request reads them).
    """

    agent_id: int
    day: int
    persona: Persona
    news: NewsItem
    belief: int
    confidence: float
    previous_post: str
    heard: tuple[MemoryItem, ...] = ()
    summary: MemoryItem | None = None
    memory: tuple[MemoryItem, ...] = ()
    nudges: tuple[MemoryItem, ...] = ()
