"""An example intervention plug-in, outside the built-ins: crowd-sourced notes.

Use it in a scenario by its dotted path (run from the repository root, or put this folder on
PYTHONPATH)::

    interventions:
      - type: examples.plugins.community_notes:CommunityNotes
        raters_needed: 2

Each day, doubting listeners who hear a believing post rate its author (``on_exposure``);
an author rated by ``raters_needed`` different agents in a day finds a note on their next
post if it still repeats the claim (``label_post``), and its listeners hear it discounted.
Cost: ``cost_per_note``.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import Field

from agents.memory import MemoryItem
from interventions import Intervention, InterventionParams, World


class CommunityNotes(Intervention):
    """Readers who doubt a claim attach notes to the posts that repeat it."""

    class Params(InterventionParams):
        raters_needed: int = Field(2, ge=1, le=1000, description="distinct raters per note")
        note: str = Field("Readers added context: there is no evidence for this claim.")
        credibility: float = Field(0.5, ge=0, le=1)
        cost_per_note: float = Field(0.0, ge=0, description="notes are written by volunteers")

    def __init__(self, params: InterventionParams):
        super().__init__(params)
        self.raters: dict[int, set[int]] = defaultdict(set)  # author -> raters, today
        self.authors: dict[int, int] = {}  # id of a post -> its author
        self.doubters: set[int] = set()

    def on_day_start(self, world: World) -> None:
        p = self.params
        for author, raters in self.raters.items():
            if len(raters) >= p.raters_needed and world.post(author).stance > 0:
                world.label_post(author, p.note, p.credibility, cost=p.cost_per_note)
        self.raters.clear()
        # Posts are shared records that live through the day, so identity finds the author.
        self.authors = {id(world.post(a)): a for a in range(world.size)}
        self.doubters = {a for a, belief in enumerate(world.beliefs()) if belief == 0}

    def on_exposure(self, world: World, listener: int, heard: list[MemoryItem]) -> list[MemoryItem]:
        if listener in self.doubters:
            for item in heard:
                author = self.authors.get(id(item))
                if author is not None and item.stance > 0:
                    self.raters[author].add(listener)
        return heard
