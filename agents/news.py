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


_OPENING_FOR = (
    "I believe {claim}, because it matches what I have been hearing.",
    "I believe {claim}, because the people reporting it seem to know.",
    "I believe {claim}, because it would explain a lot.",
)
_OPENING_AGAINST = (
    "I don't believe {claim}, because nobody has shown any proof.",
    "I don't believe {claim}, because it sounds made up.",
    "I don't believe {claim}, because I haven't seen it from any reliable outlet.",
)


def opening_post(claim: str, believes: bool, variant: int) -> str:
    """The stance sentence an agent starts with, as in FPS ("I (don't) believe ... because")."""
    pool = _OPENING_FOR if believes else _OPENING_AGAINST
    return pool[variant % len(pool)].format(claim=claim)
