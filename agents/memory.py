"""Memory as structured records.

Every memory item carries both the text a language model reads and the fields a rule-based
surrogate reads (stance, source, day, importance), so both backends see the same world and
interventions can place items in memory. Both memories are bounded: prompts built from them
stay the same size however many days pass.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class MemoryItem:
    """One remembered thing.

    stance: -1 (against the news item) .. +1 (for it); source: who it came from ("peer",
    "peers", "self", "official", ...); day: when it entered memory; importance: how strongly
    it is retained and weighed, 0..1.
    """

    text: str
    stance: float
    source: str
    day: int
    importance: float


def clip_text(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters, marking the cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


class ShortTermMemory:
    """What an agent heard today: at most ``capacity`` items, emptied every morning."""

    __slots__ = ("capacity", "items", "max_chars", "summary")

    def __init__(self, capacity: int, max_chars: int):
        self.capacity = capacity
        self.max_chars = max_chars
        self.items: list[MemoryItem] = []
        self.summary: MemoryItem | None = None

    def start_day(self) -> None:
        """Forget yesterday's posts and summary."""
        self.items = []
        self.summary = None

    def hear(self, item: MemoryItem) -> bool:
        """Remember a heard item; returns False when today's memory is already full."""
        if len(self.items) >= self.capacity:
            return False
        if len(item.text) > self.max_chars:
            item = MemoryItem(
                clip_text(item.text, self.max_chars), item.stance, item.source, item.day,
                item.importance,
            )
        self.items.append(item)
        return True

    def net_stance(self) -> float:
        """Mean stance of what was heard today (0 when nothing was heard)."""
        if not self.items:
            return 0.0
        return sum(i.stance for i in self.items) / len(self.items)

    def get_state(self) -> dict:
        """State for checkpoints."""
        return {"items": list(self.items), "summary": self.summary}

    def set_state(self, state: dict) -> None:
        """Restore what get_state returned."""
        self.items = list(state["items"])
        self.summary = state["summary"]


class LongTermMemory:
    """A bounded store of reflections and notices, oldest and least important forgotten first.

    When full, the item with the lowest retention ``importance * decay ** age`` goes, so an
    official notice (high importance) outlives an ordinary day's reflection.
    """

    __slots__ = ("capacity", "decay", "items", "max_chars")

    def __init__(self, capacity: int, max_chars: int, decay: float = 0.85):
        self.capacity = capacity
        self.max_chars = max_chars
        self.decay = decay
        self.items: list[MemoryItem] = []

    def add(self, item: MemoryItem) -> None:
        """Store ``item`` (text clipped to ``max_chars``) and forget the weakest if over capacity."""
        if len(item.text) > self.max_chars:
            item = MemoryItem(
                clip_text(item.text, self.max_chars), item.stance, item.source, item.day,
                item.importance,
            )
        self.items.append(item)
        if len(self.items) > self.capacity:
            today = item.day
            weakest = min(
                range(len(self.items) - 1),  # never forget what was just learned
                key=lambda i: self.items[i].importance
                * self.decay ** (today - self.items[i].day),
            )
            del self.items[weakest]

    def get_state(self) -> dict:
        """State for checkpoints."""
        return {"items": list(self.items)}

    def set_state(self, state: dict) -> None:
        """Restore what get_state returned."""
        self.items = list(state["items"])
