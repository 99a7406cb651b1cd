"""The Citizen: a Mesa agent with a persona, two memories and a stated belief.

A citizen turns its state into requests (summarise, reflect, opinion) and folds the answers
back in. It never talks to a backend itself, so a model can gather the requests of all
citizens and send them together.
"""

from __future__ import annotations

import mesa

from agents.llm.base import LLMRequest, LLMResponse, RequestContext, RequestKind, Sampling
from agents.memory import (
    REFLECTION,
    LongTermMemory,
    MemoryItem,
    ShortTermMemory,
    clip_text,
    from_records,
    to_records,
)
from agents.news import NewsItem, opening_post
from agents.persona import Persona

SUSCEPTIBLE, INFECTED, RECOVERED = "S", "I", "R"


class Citizen(mesa.Agent):
    """One member of the population.

    ``index`` is the citizen's position in the population (0..n-1), the id used in outputs,
    edge lists and random keys. ``belief``/``confidence``/``post``/``reasoning`` are the
    latest stated opinion; ``state`` is the S/I/R state, switched only at the end of a day
    (``end_day``).
    """

    def __init__(
        self,
        model: mesa.Model,
        index: int,
        persona: Persona,
        news: NewsItem,
        believes: bool,
        short_term: ShortTermMemory,
        long_term: LongTermMemory,
    ):
        super().__init__(model)
        self.index = index  # position in the population, 0..n-1: the id used in outputs
        self.persona = persona
        self.news = news
        self.belief = int(believes)
        self.confidence = 1.0
        self.reasoning = ""
        self.state = INFECTED if believes else SUSCEPTIBLE
        self.believed_yesterday = self.belief
        self.stm = short_term
        self.ltm = long_term
        self.failed_today = 0
        self.nudges: tuple[MemoryItem, ...] = ()  # for the next opinion only
        self.publish(opening_post(news.claim, believes, index), day=0)

    # --- the day's phases ---------------------------------------------------------------
    def start_day(self) -> None:
        """Forget yesterday's posts."""
        self.stm.start_day()
        self.failed_today = 0

    def publish(self, post: str, day: int) -> None:
        """Make ``post`` this citizen's latest post, with the belief it states."""
        self.post = post
        # One shared record per post: every listener's memory points at the same item.
        self.post_item = MemoryItem(
            clip_text(post, self.stm.max_chars), 1.0 if self.belief else -1.0, "peer", day, 1.0
        )

    def hear(self, items: list[MemoryItem]) -> None:
        """Put ``items`` (posts as they reach this citizen) into today's short-term memory."""
        self.stm.hear(items)

    def remember(self, item: MemoryItem) -> None:
        """Store an item from outside (a notice) in long-term memory."""
        self.ltm.add(item)

    def add_nudge(self, item: MemoryItem) -> None:
        """Place a prompt before this citizen's next decision."""
        self.nudges = (*self.nudges, item)

    def request(self, kind: RequestKind, day: int, sampling: Sampling) -> LLMRequest:
        """Build today's request of ``kind`` from the current state.

        The context is a snapshot: the memories hold their items in tuples, replaced (never
        changed) when something is added, so it can share them without copying.
        """
        # Positional arguments: this runs three times per agent-day.
        ctx = RequestContext(
            self.index,
            day,
            self.persona,
            self.news,
            self.belief,
            self.confidence,
            self.post,
            self.stm.items,
            self.stm.summary,
            self.ltm.items,
            self.nudges if kind == "opinion" else (),
        )
        return LLMRequest(kind, ctx, sampling)

    def apply(self, kind: RequestKind, response: LLMResponse, day: int) -> None:
        """Fold an answer of ``kind`` into memory or opinion.

        A failed answer never stops the day: a missing summary is replaced by a plain tally,
        a missing reflection adds nothing, a missing opinion keeps yesterday's.
        """
        failed = response.error is not None
        self.failed_today += failed
        fields = response.fields
        # The stance of a summary or reflection is computed from what was heard, not read
        # from the model's prose, so both backends keep the same structured memory.
        if kind == "summarise":
            stance = self.stm.net_stance()
            text = None if failed else fields.get("summary")
            if not text:
                text = f"Heard {len(self.stm.items)} posts; net stance {stance:+.2f}."
            self.stm.summary = MemoryItem(text, stance, "peers", day, 1.0)
        elif kind == "reflect":
            text = None if failed else fields.get("memory")
            if text:
                stance = self.stm.summary.stance if self.stm.summary else 0.0
                self.ltm.add(MemoryItem(text, stance, REFLECTION, day, 0.5 + 0.5 * abs(stance)))
        else:
            self.nudges = ()  # a nudge is for one decision
            if failed:
                return
            self.belief = int(fields["belief"])
            self.confidence = float(fields.get("confidence", 1.0))
            self.reasoning = str(fields.get("reasoning", ""))
            self.publish(str(fields.get("post", "")) or self.post, day)

    def end_day(self) -> None:
        """Switch the S/I/R state: believers are Infected; a believer who stops is Recovered."""
        self.believed_yesterday = int(self.state == INFECTED)
        if self.belief:
            self.state = INFECTED
        elif self.state == INFECTED:
            self.state = RECOVERED

    @property
    def attitude(self) -> float:
        """Signed certainty: +confidence when believing, -confidence when not (-1..1)."""
        return self.confidence if self.belief else -self.confidence

    # --- checkpoints ------------------------------------------------------------------------
    def get_state(self) -> dict:
        """Everything that changes during a run and outlives the day (checkpoints are taken at
        the end of a day; today's short-term memory is emptied before it is read again)."""
        return {
            "belief": self.belief,
            "confidence": self.confidence,
            "post": self.post,
            "post_item": tuple(self.post_item),
            "reasoning": self.reasoning,
            "nudges": to_records(self.nudges),
            "state": self.state,
            "believed_yesterday": self.believed_yesterday,
            "ltm": self.ltm.get_state(),
        }

    def set_state(self, state: dict) -> None:
        """Restore what get_state returned."""
        for key in ("belief", "confidence", "reasoning", "state", "believed_yesterday", "post"):
            setattr(self, key, state[key])
        self.post_item = MemoryItem._make(state["post_item"])
        self.nudges = from_records(state["nudges"])
        self.ltm.set_state(state["ltm"])
