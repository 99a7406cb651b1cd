"""``maki_thompson``: the Maki-Thompson rumour model (Maki & Thompson, *Mathematical Models
and Applications*, 1973).

As ``daley_kendall`` (agents/rules/daley_kendall.py), but only spreaders act: a spreader
who reads a post tells its author, with probability ``p`` (times the post's importance); an
ignorant author becomes a spreader, and a spreader who tells someone who already knows (a
spreader or a stifler) becomes a stifler. The share who never hear the rumour tends to
0.2032 as N grows, as in Daley-Kendall. The spreader is the reader, not the author, so that
each spreader starts at most k tellings a day, as often as any other: with the author
telling its readers (a Poisson number a day) the share left ignorant was 0.197 at
N = 10,000 over 16 seeds against the model's 0.204 (measured with the model's own
one-contact-at-a-time chain).

Synchronous updates only: telling changes the speaker too.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from agents.population import INFECTED, RECOVERED, SUSCEPTIBLE, Population
from agents.rules.base import Decisions, Exposures
from agents.rules.classic import RuleParams
from agents.rules.daley_kendall import Meetings, Rumour


class Params(RuleParams):
    """Maki-Thompson parameters."""

    type: Literal["maki_thompson"]
    p: float = Field(
        0.1,
        gt=0,
        le=1,
        description="probability that a spreader tells the author of a post it reads",
    )


class MakiThompson(Rumour):
    """Ignorant, spreader, stifler; the spreader acts."""

    name = "maki_thompson"
    key = 0x56

    def inert(self, listener_stifles, speaker_stifles):
        # only a spreading listener acts: a stifler reading a post does nothing
        return np.broadcast_to(listener_stifles, speaker_stifles.shape)

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        m = Meetings(self, day, agents, heard, population)
        for listener, speaker in m.rounds():
            telling = m.now[listener] == INFECTED  # a spreader answers the post it read
            knows = m.now[speaker] != SUSCEPTIBLE
            m.now[listener[telling & knows]] = RECOVERED
            m.tell(speaker[telling & ~knows])
        return m.decisions(agents, population)
