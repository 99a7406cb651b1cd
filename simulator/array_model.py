"""The population on arrays: agents governed by a decision rule (agents/rules/), days in waves.

Mesa still schedules the days (``DayModel``: one step is one day, the DataCollector records
the tally), but the agents are columns of a ``Population`` rather than Mesa agents, and a day
is a handful of vectorised passes:

- **synchronous**: everyone hears yesterday's posts, so the whole population decides in one
  pass;
- **sequential** (FPS): agents act one at a time in a random order (Mesa's ``shuffle_do``
  order, drawn from the model's ``random``), each reading its speakers' latest posts, today's
  for those who acted before it. An agent depends only on the speakers who act before it, so
  the day splits into waves: an agent's wave is one more than the latest wave among those
  speakers (0 when there are none), and each wave decides in one pass after the waves before
  it. The result is the one-at-a-time result, exactly: a listener reads a speaker's post of
  today only if the speaker acted earlier, and from the day's first snapshot otherwise;
- **random sequential** (the classic opinion rules): n turns by agents drawn with
  replacement, each hearing contacts drawn for the turn, in levels of turns that read
  nothing another of the level writes (simulator/turns.py), every turn's post kept so that
  a turn reads the version its place in the day gives it.

Interventions act through the same ``World`` as on the citizens of ``OpinionModel``: this
model implements ``simulator.intervening.Members``. Posts are rendered into text (by the
rule) only when read: a written row of the agent table, or a plug-in asking for a post.
With plug-ins that watch every exposure (``on_exposure``), listeners hear ``MemoryItem``
records one at a time, as citizens do, and under sequential updates they act one at a time
too: such a hook may keep state whose order shows (community notes rate posts in the order
raters hear them), so it must see the exposures in the acting order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from agents.citizen import Citizen
from agents.memory import MemoryItem, clip_text
from agents.persona import Persona
from agents.population import INFECTED, RECOVERED, STATE_LETTERS, SUSCEPTIBLE, Population
from agents.rows import row_any, row_count, row_max
from agents.rules.base import DecisionRule, Exposures
from agents.surrogate import OFFICIAL
from interventions.base import Intervention
from simulator.acting_order import shuffled, stable_order
from simulator.config import Scenario
from simulator.engagement import EngagementLog
from simulator.intervening import InterventionHost, InterventionLog
from simulator.model import DayModel
from simulator.network import ContactStructure
from simulator.turns import TurnPlan

_NO_AGENTS = np.zeros(0, dtype=np.int64)


class ArrayModel(DayModel):
    """A population on arrays, hearing a false news item and each other's posts, day after
    day, deciding by ``rule``."""

    def __init__(
        self,
        scenario: Scenario,
        personas: Sequence[Persona],
        contacts: ContactStructure,
        make_rule: Callable[[ArrayModel], DecisionRule],
        interventions: Sequence[Intervention] = (),
        intervention_log: InterventionLog | None = None,
        engagement: EngagementLog | None = None,
        restore: dict | None = None,
    ):
        """``make_rule(model)`` builds the decision rule for ``model.population``, whose
        initial believers are drawn (the rule may give them opinions of its own); rules whose
        agents are Mesa agents (the ``llm`` rule's citizens) make them in ``model``."""
        super().__init__(scenario, contacts, engagement)
        n = len(personas)
        believers = self.rng.choice(n, size=scenario.population.initial_believers, replace=False)
        memory = scenario.agents.memory
        self.personas = personas
        turns = scenario.agents.update == "random_sequential"
        self.population = Population(n, believers, memory.long_term_capacity, turns)
        self.rule = make_rule(self)
        # citizens (an llm group) read posts as text; the others hear stances only
        self.citizens: dict[int, Citizen] = getattr(self.rule, "citizens", {})
        self.reads_text = np.zeros(n, dtype=bool)
        self.reads_text[list(self.citizens)] = True
        self._collect(self.rule.columns)
        self.heard_capacity = memory.short_term_capacity
        self._speaker_counts = contacts.speaker_counts()
        self.max_chars = memory.max_item_chars
        self._items: dict[int, tuple[int, MemoryItem]] = {}  # agent -> (post version, record)
        self.interventions = InterventionHost(
            self, interventions, scenario.seed, intervention_log or InterventionLog(None)
        )
        if restore is None:
            self.interventions.run_start()
            self._record_day()
        else:
            self.set_state(restore)

    # --- what interventions act on (simulator.intervening.Members) ----------------------------
    @property
    def size(self) -> int:
        return self.population.n

    def persona(self, agent: int) -> Persona:
        return self.personas[agent]

    def beliefs(self) -> list[int]:
        return self.population.belief.tolist()

    def states(self) -> list[str]:
        return [STATE_LETTERS[s] for s in self.population.state.tolist()]

    def post_item(self, agent: int) -> MemoryItem:
        cached = self._items.get(agent)
        if cached is not None and cached[0] == self.population.post_version[agent]:
            return cached[1]
        return self.post_items(np.array([agent], dtype=np.int64))[0]

    def post_items(self, agents: np.ndarray) -> list[MemoryItem]:
        """The latest posts of ``agents`` as records, one record per post version: the rule
        renders the texts of those not yet rendered in one call."""
        pop = self.population
        versions = pop.post_version[agents].tolist()
        cached = self._items
        stale = [
            a for a, v in zip(agents.tolist(), versions, strict=True)
            if (hit := cached.get(a)) is None or hit[0] != v
        ]  # fmt: skip
        if stale:
            texts = self.rule.texts(np.array(stale, dtype=np.int64), pop)
            for a, (post, _) in zip(stale, texts, strict=True):
                text = clip_text(post, self.max_chars)
                label = pop.labels.get(a)
                if label is not None:
                    text = self.labelled_text(text, label)
                item = MemoryItem(
                    text,
                    float(pop.post_stance[a]),
                    "peer",
                    int(pop.post_day[a]),
                    float(pop.post_weight[a]),
                )
                cached[a] = (int(pop.post_version[a]), item)
        return [cached[a][1] for a in agents.tolist()]

    def remember(self, agents: Sequence[int], item: MemoryItem) -> None:
        if len(agents):
            self.rule.remember(np.asarray(agents, dtype=np.int64), item, self.population)

    def add_nudge(self, agents: Sequence[int], item: MemoryItem) -> None:
        if len(agents):
            self.rule.nudge(np.asarray(agents, dtype=np.int64), item, self.population)

    def label_post(self, agent: int, label: str, credibility: float) -> None:
        pop = self.population
        pop.post_weight[agent] = pop.post_weight[agent] * (1.0 - credibility)
        pop.labels[agent] = label
        pop.post_version[agent] += 1

    def believing_posts_today(self) -> list[int]:
        pop = self.population
        return np.flatnonzero((pop.belief > 0) & (pop.post_day == self.day)).tolist()

    # --- the day -----------------------------------------------------------------------------
    def simulate_day(self) -> None:
        """Simulate one day."""
        host, pop, day = self.interventions, self.population, self.day
        host.day_start()
        n = pop.n
        update = self.config.agents.update
        position, plan, settled, loud = None, None, None, None
        if update == "random_sequential":  # n turns, each hearing speakers of its own
            actors = self.rng.integers(n, size=n)
            speakers = self.contacts.speaker_matrix(self.rng, actors)
        else:
            speakers = self.contacts.speaker_matrix(self.rng)
        if update == "sequential":
            order = shuffled(self.random, np.arange(n))  # the order Mesa's shuffle_do gives
            position = np.empty(n, dtype=np.int64)
            position[order] = np.arange(n)
            if host.listening:  # their hooks see every exposure in acting order, as citizens'
                waves = [np.array([a]) for a in order.tolist()]
            else:
                waves = day_waves(speakers, position)
        elif update == "random_sequential":
            plan = TurnPlan(actors, speakers)
            # watched exposures: one turn at a time, in turn order
            waves = [np.array([t]) for t in range(n)] if host.listening else plan.levels
        else:
            asked, settled, loud = self._asked(speakers)
            waves = [asked]
        if len(waves) == 1:  # one pass reads every post before any is published
            morning = _Posts(pop.post_stance, pop.post_weight, pop.post_day)
        else:
            morning = _Posts(pop.post_stance.copy(), pop.post_weight.copy(), pop.post_day.copy())
        silenced, deaf = host.muted() if host.active else (None, None)
        # Plug-ins that watch exposures, and citizens, read posts as records, the same
        # record all day: the morning's of every speaker they may hear.
        if host.listening:
            morning_items = self.post_items(np.arange(n))
        elif self.citizens:
            readers = speakers[self.reads_text]
            heard = np.unique(readers[readers >= 0])
            morning_items = dict(zip(heard.tolist(), self.post_items(heard), strict=True))
        else:
            morning_items = None
        if not host.listening:  # only the decisions change the rules' state until they end
            self.rule.start_day(day, np.arange(n), pop)
        seen: list[tuple[np.ndarray, ...]] = []
        turn_posts = _Posts(np.empty(n), np.empty(n), np.full(n, day)) if plan else None
        for wave in waves:
            if plan is None:
                agents, reading = wave, position
            else:  # a level of turns: its actors, the versions they read, their draws' key
                agents, reading = plan.actors[wave], (plan.reads[wave], turn_posts)
                pop.turn[agents] = plan.occurrence[wave]
            # a synchronous day's one wave is in agent order: all of them, the rows as drawn
            rows = None if update == "synchronous" and wave.size == n else wave
            heard, views = self._hear(
                agents, speakers, rows, reading, morning, silenced, deaf, morning_items,
                None if loud is None else loud[agents],
            )  # fmt: skip
            decided = self.rule.decide(day, agents, heard, pop)
            pop.belief[agents] = decided.belief
            pop.confidence[agents] = decided.confidence
            if settled is None:
                pop.publish(agents, decided.belief, day, decided.stance)
            else:  # the settled agents post with them: everyone at once
                self._settled_post_too(settled, agents, decided.stance, day)
            if plan is not None:
                turn_posts.stance[wave] = pop.post_stance[agents]
                turn_posts.weight[wave] = pop.post_weight[agents]
            seen.append(views)
        if plan is not None:
            pop.turn[:] = 0
        if self.engagement is not None:
            self._engage(day, seen)
        pop.end_day()
        host.day_end()
        self._record_day()

    def _asked(
        self, speakers: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """(asked, settled, loud): the agents a synchronous day asks the rule about, a mask
        of those it need not (``DecisionRule.settled``: who hear no believing post that could
        move them, no correction, and have no nudge waiting), and how many loud posts each
        agent hears (``Exposures.loud``). Everyone is asked, and None returned for the
        other two, where the rule cannot tell, where plug-ins watch every exposure, or where
        engagement counts every view."""
        host, pop = self.interventions, self.population
        settled = None
        if not (host.listening or self.citizens or self.engagement is not None):
            settled = self.rule.settled(self.day, pop)
        if settled is None:
            return np.arange(pop.n), None, None
        moved = ~settled.agents | np.isfinite(pop.nudge)
        loud = pop.post_stance > 0 if settled.loud is None else settled.loud
        hears_loud = self.contacts.loud_heard(speakers, loud)
        moved |= settled.movable & (hears_loud > 0)
        if host.corrections:
            moved[list(host.corrections)] = True
        return np.flatnonzero(moved), ~moved, hears_loud

    def _settled_post_too(
        self, settled: np.ndarray, asked: np.ndarray, stance: np.ndarray | None, day: int
    ) -> None:
        """The ``settled`` agents (a mask) decide as the rule would have them: believe if
        infected, with confidence 1; then every agent posts, the ``asked`` ones (decided
        already) with their ``stance``. Together: at 10k agents on random mixing, 31 us of
        whole-array writes against 85 us for the settled and the asked written apart by
        index, of a SIR day of about 480 us (interleaved in one process, medians of 200)."""
        pop = self.population
        np.copyto(pop.belief, pop.state == INFECTED, where=settled)
        np.copyto(pop.confidence, 1.0, where=settled)
        posted = None
        if stance is not None:
            posted = np.where(pop.belief > 0, 1.0, -1.0)
            posted[asked] = stance
        pop.publish(None, pop.belief, day, posted)

    def _hear(
        self,
        agents: np.ndarray,
        speakers: np.ndarray,
        rows: np.ndarray | None,
        reading: np.ndarray | tuple[np.ndarray, _Posts] | None,
        morning: _Posts,
        silenced: np.ndarray | None,
        deaf: np.ndarray | None,
        morning_items: list[MemoryItem] | None,
        loud: np.ndarray | None,
    ) -> tuple[Exposures, tuple[np.ndarray, ...]]:
        """What ``agents`` hear today from their speakers (the day's ``speakers``, -1
        padded: the rows ``rows``, or all in order with None), and the views of their posts
        (listener, speaker, post day, stance; None without engagement to count them), with
        ``loud`` the count ``_asked`` made for them (``Exposures.loud``; None: none made).
        ``reading`` says which post of each speaker is read: None, the
        morning's (synchronous); every agent's place in the acting order (sequential: today's
        post of a speaker who acted earlier); or the turn each row reads (-1: the morning's)
        and the turns' posts (random sequential)."""
        pop, host = self.population, self.interventions
        viewed = self.engagement is not None  # the views (and posts' days) only for it
        # the morning's stances and weights are all a day needs that counts no views, mutes
        # nobody, and has no plug-in watching or citizen reading the posts as records
        stances_only = not (viewed or silenced is not None or host.listening or self.citizens)
        if reading is None and stances_only:
            return self._hear_morning(agents, speakers, rows, morning, loud), None
        if rows is not None:
            speakers = speakers[rows]
        valid = speakers >= 0
        who = speakers if valid.all() else np.where(valid, speakers, 0)
        if reading is None:  # synchronous: everyone is heard with the morning's post
            fresh = np.zeros(valid.shape, dtype=bool)
            stance, weight = morning.stance[who], morning.weight[who]
            day = morning.day[who] if viewed else None
        else:
            if isinstance(reading, tuple):  # the version of the turn each row reads
                version, today = reading
                fresh, version = version >= 0, np.maximum(version, 0)
            else:  # a speaker who acted earlier today is heard with today's post
                fresh = valid & (reading[who] < reading[agents][:, None])
                version, today = who, _Posts(pop.post_stance, pop.post_weight, pop.post_day)
            stance = np.where(fresh, today.stance[version], morning.stance[who])
            weight = np.where(fresh, today.weight[version], morning.weight[who])
            day = np.where(fresh, today.day[version], morning.day[who])
        audible = valid
        if silenced is not None:
            audible = audible & ~silenced[who] & ~deaf[agents][:, None]
        everyone_heard = bool(audible.all())
        if not viewed:
            views = None
        elif everyone_heard:  # every row full (random mixing, nobody muted): no index needed
            views = (np.repeat(agents, who.shape[1]), who.ravel(), day.ravel(), stance.ravel())
        else:
            rows, columns = np.nonzero(audible)
            posts = (who[rows, columns], day[rows, columns], stance[rows, columns])
            views = (agents[rows], *posts)
        if host.listening:
            return self._hear_items(agents, who, audible, fresh, morning_items), views
        items = None
        readers = np.flatnonzero(self.reads_text[agents]) if self.citizens else _NO_AGENTS
        if readers.size:
            items = self._records(agents, who, audible, fresh, morning_items, readers)
        # the audible posts first, in speaker order, then today's corrections, up to capacity
        if everyone_heard:
            count, speaker = np.full(agents.size, who.shape[1]), who
        else:
            count, speaker = row_count(audible), np.where(audible, who, -1)
            stance, weight = np.where(audible, stance, 0.0), np.where(audible, weight, 0.0)
            if silenced is not None:  # muted posts leave gaps: move the heard ones first
                keep = np.argsort(~audible, axis=1, kind="stable")
                stance = np.take_along_axis(stance, keep, axis=1)
                weight = np.take_along_axis(weight, keep, axis=1)
                speaker = np.take_along_axis(speaker, keep, axis=1)
            # (otherwise each row's speakers come first and its padding after, as
            # speaker_matrix pads them: the heard items are in place already)
        return self._heard(agents, stance, weight, count, speaker, deaf, items), views

    def _hear_morning(
        self,
        agents: np.ndarray,
        speakers: np.ndarray,
        rows: np.ndarray | None,
        morning: _Posts,
        loud: np.ndarray | None,
    ) -> Exposures:
        """``_hear`` on a synchronous day with nobody muted, no views counted and no
        records read, the common case: a slot reads its speaker's morning post, a padded
        slot (-1) a neutral post appended after the last agent's (stance 0, importance 0, as
        ``_hear`` pads), so no mask is built or applied; each row holds as many as the
        contact structure gives the agent. With no label and no correction either, the
        stances are gathered only if the rule reads them (``Exposures.posted``), and the
        agents' rows of the speaker matrix too."""
        posted = np.append(morning.stance, 0.0)
        counts = self._speaker_counts
        count = counts if rows is None else counts[agents]
        labelled = bool(self.population.labels)
        if labelled or self.interventions.corrections:
            if rows is not None:
                speakers = speakers[rows]
            if labelled:
                weight = np.append(morning.weight, 0.0)[speakers]
            else:  # no post is labelled: every post weighs 1 (Population.publish)
                weight = (speakers >= 0).astype(np.float64)
            return self._heard(agents, posted[speakers], weight, count, speakers, None, None)
        cap = self.heard_capacity
        if speakers.shape[1] > cap:  # rows cut at the capacity: ``loud`` counted past it
            speakers, loud = speakers[:, :cap], None
        return Exposures(
            None, None, np.minimum(count, cap), np.zeros(agents.size, dtype=bool),
            speakers, plain=True, corrections=False, posted=posted, speaker_rows=rows,
            loud=loud,
        )  # fmt: skip

    def _heard(self, agents, stance, weight, count, speaker, deaf, items) -> Exposures:
        """The exposures of the posts heard (each row's first ``count``), today's
        corrections after them, up to the short-term memory's capacity."""
        official = np.zeros(agents.size, dtype=bool)
        corrections = bool(self.interventions.corrections)
        if corrections:
            stance, weight, count, official, speaker = self._add_corrections(
                agents, stance, weight, count, deaf, speaker
            )
        cap = self.heard_capacity
        count = np.minimum(count, cap)
        # every post weighs 1 but a labelled one (Population.publish), and a correction its own
        plain = not (self.population.labels or corrections)
        return Exposures(
            stance[:, :cap], weight[:, :cap], count, official, speaker[:, :cap], items,
            plain=plain, corrections=corrections,
        )  # fmt: skip

    def _add_corrections(self, agents, stance, weight, count, deaf, speaker):
        corrections = self.interventions.corrections
        extra = max(len(items) for items in corrections.values())
        stance = np.pad(stance, ((0, 0), (0, extra)))
        weight = np.pad(weight, ((0, 0), (0, extra)))
        speaker = np.pad(speaker, ((0, 0), (0, extra)), constant_values=-1)
        count = count.copy()
        official = np.zeros(agents.size, dtype=bool)
        cap = self.heard_capacity
        for row, listener in enumerate(agents.tolist()):
            items = corrections.get(listener)
            if not items or (deaf is not None and deaf[listener]):
                continue
            start = count[row]
            for i, item in enumerate(items):
                stance[row, start + i] = item.stance
                weight[row, start + i] = item.importance
            official[row] = any(m.source == OFFICIAL for m in items[: max(cap - start, 0)])
            count[row] = start + len(items)
        return stance, weight, count, official, speaker

    def _records(self, agents, who, audible, fresh, morning_items, rows) -> np.ndarray:
        """The records ``agents[rows]`` hear today (None for the other rows)."""
        out = np.empty(agents.size, dtype=object)
        for row in rows.tolist():
            _, _, out[row] = self._heard_records(
                agents[row], who[row], audible[row], fresh[row], morning_items
            )
        return out

    def _heard_records(self, listener, who, audible, fresh, morning_items):
        """(authors, posts, heard): the posts ``listener`` hears, by the audible authors
        (today's post of one who acted earlier, the morning's otherwise), and what it hears
        of them with today's corrections, through the plug-ins' ``on_exposure``."""
        host = self.interventions
        authors = who[audible].tolist()
        posts = [
            self.post_item(j) if today else morning_items[j]
            for j, today in zip(authors, fresh[audible].tolist(), strict=True)
        ]
        heard = host.heard_by(int(listener), posts) if host.active else posts
        return authors, posts, heard

    def _hear_items(self, agents, who, audible, fresh, morning_items) -> Exposures:
        """Listeners hear records one at a time, through the plug-ins' ``on_exposure``."""
        cap = self.heard_capacity
        stance = np.zeros((agents.size, cap))
        weight = np.zeros((agents.size, cap))
        count = np.zeros(agents.size, dtype=np.int64)
        official = np.zeros(agents.size, dtype=bool)
        speaker = np.full((agents.size, cap), -1, dtype=np.int64)
        items = np.empty(agents.size, dtype=object) if self.citizens else None
        for row, listener in enumerate(agents.tolist()):
            authors, posts, heard = self._heard_records(
                listener, who[row], audible[row], fresh[row], morning_items
            )
            if items is not None:
                items[row] = heard
            # a plug-in may drop, reorder or replace records: a record heard is by its author
            # only if it is the author's own record (by identity), a correction otherwise
            author_of = {id(item): j for item, j in zip(posts, authors, strict=True)}
            heard = heard[:cap]
            count[row] = len(heard)
            for i, item in enumerate(heard):
                stance[row, i], weight[row, i] = item.stance, item.importance
                speaker[row, i] = author_of.get(id(item), -1)
            official[row] = any(item.source == OFFICIAL for item in heard)
        return Exposures(stance, weight, count, official, speaker, items)

    def _engage(self, day, seen) -> None:
        # the views in wave order: engagement counts them, the same in any order
        columns = zip(*seen, strict=True)
        listener, speaker, post_day, stance = (
            c[0] if len(c) == 1 else np.concatenate(c) for c in columns
        )
        pop = self.population
        self.engagement.record_day(
            day, listener, speaker, post_day, stance, pop.belief, self._audience
        )
        self.engagement.forget_old_posts(pop.post_day)

    def _audience(self, sharers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Who sees the posts ``sharers`` share today."""
        return self.contacts.share_audiences(sharers, self.config.seed, self.day)

    def tally(self) -> dict[str, float]:
        pop = self.population
        n = pop.n
        state = pop.state
        infected = state == INFECTED
        # (count_nonzero: a third of what a bool sum costs at 10k agents, the same counts)
        i = int(np.count_nonzero(infected))
        attitude = pop.attitude_sum()
        return {
            "susceptible": int(np.count_nonzero(state == SUSCEPTIBLE)),
            "infected": i,
            "recovered": int(np.count_nonzero(state == RECOVERED)),
            "believer_share": i / n,
            "new_believers": int(np.count_nonzero(infected & (pop.believed_yesterday == 0))),
            "mean_attitude": attitude / n,
            "failed_requests": sum(c.failed_today for c in self.citizens.values()),
            **self.rule.tally(pop),
        }

    # --- outputs and checkpoints ----------------------------------------------------------------
    def agent_rows(self, agents: np.ndarray) -> Iterator[tuple]:
        """(agent, belief, confidence, state, post, reasoning) of ``agents``."""
        pop = self.population
        texts = self.rule.texts(agents, pop)
        letters = [STATE_LETTERS[s] for s in pop.state[agents].tolist()]
        belief = pop.belief[agents].tolist()
        confidence = pop.confidence[agents].tolist()
        posts, reasonings = zip(*texts, strict=True) if texts else ((), ())
        return zip(agents.tolist(), belief, confidence, letters, posts, reasonings, strict=True)

    def get_state(self) -> dict:
        """Everything that changes during a run, at the end of a day (for checkpoints)."""
        return {
            **self._common_state(),
            "population": self.population.get_state(),
            "rule": self.rule.get_state(),
        }

    def set_state(self, state: dict) -> None:
        """Continue from what ``get_state`` returned: the next step is day ``state['day'] + 1``."""
        self.population.set_state(state["population"])
        self.rule.set_state(state["rule"])
        self._items.clear()
        self._set_common_state(state)

    def close(self) -> None:
        """Release what the rule holds (an llm group's backend and event loop)."""
        self.rule.close()


class _Posts:
    """The posts as they stood when the day began."""

    __slots__ = ("day", "stance", "weight")

    def __init__(self, stance: np.ndarray, weight: np.ndarray, day: np.ndarray):
        self.stance, self.weight, self.day = stance, weight, day


def day_waves(speakers: np.ndarray, position: np.ndarray) -> list[np.ndarray]:
    """The sequential day's waves: groups of agents that can decide together, in turn.

    ``speakers`` holds each agent's speakers (-1 padded), ``position`` each agent's place in
    the day's acting order. An agent's wave is one more than the latest wave among the
    speakers who act before it (0 with none), the longest path to it in the day's dependency
    graph. Found by relaxing all agents at once: after pass t every agent's wave is the
    smaller of its own and t, so pass t + 1 need only look at the agents still at t, and the
    passes end when none moves (one pass per link of the longest chain, each smaller than the
    last). Each wave lists its agents in acting order.
    """
    n = position.size
    valid = speakers >= 0
    if valid.all():  # every row full (random mixing): no padding to mask
        who, earlier = speakers, position[speakers] < position[:, None]
    else:
        who = np.where(valid, speakers, 0)
        earlier = valid & (position[who] < position[:, None])
    wave = np.zeros(n, dtype=np.int64)
    active = np.flatnonzero(row_any(earlier))
    wave[active] = 1
    while active.size:
        links, sources = earlier[active], who[active]
        relaxed = row_max(np.where(links, wave[sources] + 1, 0))
        moved = relaxed > wave[active]
        active = active[moved]
        wave[active] = relaxed[moved]
    acting = np.empty(n, dtype=np.int64)
    acting[position] = np.arange(n)  # the agents in acting order
    order = acting[stable_order(wave[acting])]  # by wave, each in acting order
    sizes = np.bincount(wave, minlength=int(wave.max()) + 1 if n else 0)
    return [w for w in np.split(order, np.cumsum(sizes)[:-1]) if w.size]
