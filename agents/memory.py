"""Memory as structured records.

Every memory item carries both the text a language model reads and the fields a rule-based
surrogate reads (stance, source, day, importance), so both backends see the same world and
interventions can place items in memory. Both memories are bounded: prompts built from them
stay the same size however many days pass.
"""

from __future__ import annotations

from typing import NamedTuple

REFLECTION = "reflection"
"""Source of the notes an agent writes itself in its daily reflection."""


class MemoryItem(NamedTuple):
    """One remembered thing.

    stance: -1 (against the news item) .. +1 (for it); source: who it came from ("peer" for
    a heard post, "peers" for a day's summary, "reflection", "official", ...); day: when it
    entered memory; importance: how strongly it is retained and weighed, 0..1.
    """

    text: str
    stance: float
    source: str
    day: int
    importance: float


def for_prompt(items: tuple[MemoryItem, ...] | list[MemoryItem]) -> tuple[MemoryItem, ...]:
    """The long-term items a prompt shows: those from outside sources and the latest reflection.

    The latest reflection is the running note the agent rewrites daily, carrying the past
    forward, so showing older reflections too would only repeat it and grow the prompt.
    """
    latest = None
    shown = []
    for item in items:
        if item.source == REFLECTION:
            latest = item
        else:
            shown.append(item)
    if latest is not None:
        shown.append(latest)
    return tuple(shown)


def to_records(items: tuple[MemoryItem, ...] | list[MemoryItem]) -> list[tuple]:
    """Memory items as plain tuples, for checkpoints: pickle calls back into Python for every
    NamedTuple, which made it four times slower per item (measured at 100,000 items)."""
    return [tuple(item) for item in items]


def from_records(records: list[tuple]) -> tuple[MemoryItem, ...]:
    """The memory items ``to_records`` saved."""
    return tuple(MemoryItem._make(record) for record in records)


def clip_text(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters, marking the cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


class ShortTermMemory:
    """What an agent heard today: at most ``capacity`` items, emptied every morning."""

    __slots__ = ("capacity", "items", "max_chars", "summary")

    def __init__(self, capacity: int, max_chars: int):
        self.capacity = capacity
        self.max_chars = max_chars
        # A tuple, replaced when items arrive, so a request context can share it (a snapshot).
        self.items: tuple[MemoryItem, ...] = ()
        self.summary: MemoryItem | None = None

    def start_day(self) -> None:
        """Forget yesterday's posts and summary."""
        self.items = ()
        self.summary = None

    def hear(self, items: list[MemoryItem]) -> int:
        """Remember heard items until today's memory is full; returns how many were kept.

        Items are shared between listeners, so they arrive already clipped to ``max_chars``.
        """
        room = self.capacity - len(self.items)
        kept = items[:room] if len(items) > room else items
        self.items = (*self.items, *kept) if self.items else tuple(kept)
        return len(kept)

    def net_stance(self) -> float:
        """Importance-weighted stance per item heard today (0 when nothing was heard).

        A plain post has importance 1; a post carrying a fact-check label is heard with less
        (its weight discounted by the label's credibility), a trusted correction with more.
        """
        items = self.items
        if not items:
            return 0.0
        total = 0.0
        for item in items:
            total += item.importance * item.stance
        return total / len(items)


class LongTermMemory:
    """A bounded store of reflections and notices, oldest and least important forgotten first.

    When full, the item with the lowest retention ``importance * decay ** age`` goes, so an
    official notice (high importance) outlives an ordinary day's reflection.

    A language model is shown ``for_prompt(items)``: the latest reflection, which is the running
    note it rewrites every day (as in FPS, it carries the past forward), plus the items that
    came from elsewhere (notices). The surrogate reads all items with their days and stances.
    """

    __slots__ = ("capacity", "decay", "items", "max_chars")

    def __init__(self, capacity: int, max_chars: int, decay: float = 0.85):
        self.capacity = capacity
        self.max_chars = max_chars
        self.decay = decay
        # A tuple, replaced on every change, so a request context can share it (a snapshot).
        self.items: tuple[MemoryItem, ...] = ()

    def add(self, item: MemoryItem) -> None:
        """Store ``item`` (text clipped to ``max_chars``); forget the weakest if over capacity."""
        if len(item.text) > self.max_chars:
            item = MemoryItem(
                clip_text(item.text, self.max_chars),
                item.stance,
                item.source,
                item.day,
                item.importance,
            )
        items = (*self.items, item)
        if len(items) > self.capacity:
            today, decay = item.day, self.decay
            weakest, lowest = 0, float("inf")
            for i in range(len(items) - 1):  # never forget what was just learned
                retention = items[i].importance * decay ** (today - items[i].day)
                if retention < lowest:
                    weakest, lowest = i, retention
            items = items[:weakest] + items[weakest + 1 :]
        self.items = items

    def get_state(self) -> dict:
        """State for checkpoints."""
        return {"items": to_records(self.items)}

    def set_state(self, state: dict) -> None:
        """Restore what get_state returned."""
        self.items = from_records(state["items"])
