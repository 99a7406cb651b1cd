"""The news item the population hears about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class NewsItem:
    """A (false) news item: its topic, a short claim and the full text as first reported.

    ``claim`` is the bare proposition ("the city's water supply was poisoned"), used inside
    posts and prompts; ``text`` is the item as it circulated.
    """

    topic: str
    claim: str
    text: str
