"""A designed set of opinion requests, to study what a model's decisions depend on.

``python run.py situations SCENARIO --count 400 --out DIR`` builds ``count`` situations an
agent can be in on the day it decides, sends their opinion requests through the scenario's
own backend (cache, retries, accounting as in a run) and writes every exchange, with the
structured context, to ``DIR/transcript.jsonl``: the input of ``python run.py fit-surrogate``.

Each situation draws, independently and reproducibly from the seed, the factors a decision may
depend on: the persona (Big Five traits and education, from the persona generator), the news
item (the scenario's, or one of several given), the day (1-10), the current belief (even
odds), what was heard today (0-4 posts from believers or doubters, in a lean of mostly for,
mixed or mostly against) and its summary, what is remembered (0-2 earlier notes of the
agent's own, leaning for, against or neither way) and the notices of interventions (an
official debunk, a prebunk, a fact-checker's note, an accuracy nudge). The texts are those
the simulator itself would show: notices in the interventions' default wording, summaries and
notes as the surrogate writes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from agents.llm.base import LLMRequest, RequestContext, Sampling
from agents.memory import REFLECTION, MemoryItem
from agents.news import NewsItem, opening_post
from agents.persona import generate_personas
from agents.surrogate import day_mood, summary_text
from interventions.notices import OfficialDebunk, Prebunk
from interventions.nudges import AccuracyNudge
from simulator.config import Scenario
from simulator.world import build_backend

# Shares of the design: how often each notice is in memory (or a nudge before the decision).
NOTICE_SHARE = {"official": 0.25, "prebunk": 0.12, "fact_checker": 0.12, "nudge": 0.15}
FACT_CHECK_NOTE = "Independent fact-checkers rated the claim that {claim} as false."
LEANS = (0.1, 0.5, 0.9)  # chance that a heard post is a believer's


def design(count: int, seed: int, news: Sequence[NewsItem]) -> list[RequestContext]:
    """``count`` opinion-request contexts drawn from ``seed`` (see the module's docstring)."""
    rng = np.random.default_rng([seed, 0x5174])
    personas = generate_personas(count, seed)
    debunk = OfficialDebunk.Params(type="official_debunk").message
    prebunk = Prebunk.Params(type="prebunk").message
    nudge = AccuracyNudge.Params(type="accuracy_nudge")
    contexts = []
    for i, persona in enumerate(personas):
        item = news[int(rng.integers(len(news)))]
        day = int(rng.integers(1, 11))
        belief = int(rng.random() < 0.5)
        lean = LEANS[int(rng.integers(len(LEANS)))]
        heard = tuple(
            _heard_post(item, rng.random() < lean, day, int(rng.integers(3)))
            for _ in range(int(rng.integers(0, 5)))
        )
        summary = _summary(heard, day) if heard else None
        memory: list[MemoryItem] = []
        for _ in range(int(rng.integers(0, 3))):
            stance = float(rng.choice([-1.0, 0.0, 1.0]))
            memory.append(_note(int(rng.integers(max(0, day - 4), day)), stance))
        if rng.random() < NOTICE_SHARE["official"]:
            text = debunk.format(claim=item.claim)
            memory.append(MemoryItem(text, -1.0, "official", int(rng.integers(0, day)), 1.0))
        if rng.random() < NOTICE_SHARE["prebunk"]:
            memory.append(MemoryItem(prebunk, -1.0, "prebunk", 0, 1.0))
        if rng.random() < NOTICE_SHARE["fact_checker"]:
            text = FACT_CHECK_NOTE.format(claim=item.claim)
            memory.append(MemoryItem(text, -1.0, "fact_checker", int(rng.integers(0, day)), 1.0))
        nudges = ()
        if rng.random() < NOTICE_SHARE["nudge"]:
            nudges = (MemoryItem(nudge.message, -1.0, "nudge", day, nudge.strength),)
        contexts.append(
            RequestContext(
                agent_id=i,
                day=day,
                persona=persona,
                news=item,
                belief=belief,
                confidence=0.7,  # prompts do not show it; the surrogate does not read it
                previous_post=opening_post(item.claim, bool(belief), int(rng.integers(3))),
                heard=heard,
                summary=summary,
                memory=tuple(sorted(memory, key=lambda m: m.day)),
                nudges=nudges,
            )
        )
    return contexts


def _heard_post(item: NewsItem, believes: bool, day: int, variant: int) -> MemoryItem:
    text = opening_post(item.claim, believes, variant)
    return MemoryItem(text, 1.0 if believes else -1.0, "peer", day, 1.0)


def _summary(heard: tuple[MemoryItem, ...], day: int) -> MemoryItem:
    # The mean stance is ShortTermMemory.net_stance for posts heard at importance 1.
    stance = sum(m.stance for m in heard) / len(heard)
    return MemoryItem(summary_text(heard), stance, "peers", day, 1.0)


def _note(day: int, stance: float) -> MemoryItem:
    text = f"On day {day} {day_mood(stance)}."
    return MemoryItem(text, stance, REFLECTION, day, 0.5 + 0.5 * abs(stance))


def ask(
    scenario: Scenario,
    contexts: Sequence[RequestContext],
    folder: Path,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Send the opinion requests of ``contexts`` through the scenario's backend, writing
    ``folder/transcript.jsonl``. Returns (answers parsed, of them believing)."""
    folder.mkdir(parents=True, exist_ok=True)
    backend = build_backend(scenario, folder / "transcript.jsonl")
    sampling = Sampling(scenario.llm.temperature.opinion, scenario.llm.max_tokens.opinion)
    # As many at once as the backend sends at once: each batch is cached and written as it
    # ends, so an interrupted study loses at most one batch and a rerun asks only the rest.
    batch_size = scenario.llm.concurrency

    async def run() -> tuple[int, int]:
        parsed = believing = 0
        try:
            for start in range(0, len(contexts), batch_size):
                batch = contexts[start : start + batch_size]
                answers = await backend.complete(
                    [LLMRequest("opinion", c, sampling) for c in batch]
                )
                for answer in answers:
                    if answer.ok:
                        parsed += 1
                        believing += int(answer.fields["belief"]) == 1
                if progress is not None:
                    progress(len(batch))
        finally:
            await backend.aclose()
        return parsed, believing

    return asyncio.run(run())
