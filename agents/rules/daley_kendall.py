"""``daley_kendall``: the Daley-Kendall rumour model (Daley & Kendall, Nature 204, 1964).

Ignorants (S), spreaders (I) and stiflers (R). Each post an agent hears today is a meeting
between listener and speaker with probability ``p`` (times the post's importance), and a
meeting acts on both: a spreader tells an ignorant, who becomes a spreader; two spreaders
both become stiflers; a spreader who meets a stifler becomes one. With a vanishing share of
first spreaders, the share who never hear the rumour tends to 0.2032 as N grows (the root
of x = exp(-2 (1 - x))).

Synchronous updates only: a meeting changes the speaker too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import numpy as np
from pydantic import Field

from agents.population import INFECTED, RECOVERED, SUSCEPTIBLE, Population
from agents.rules.base import Decisions, Exposures
from agents.rules.classic import Compartmental, RuleParams, resistance


class Params(RuleParams):
    """Daley-Kendall parameters."""

    type: Literal["daley_kendall"]
    p: float = Field(0.1, gt=0, le=1, description="probability that a post heard is a meeting")


class Meetings:
    """The day's meetings in the order they happen: each post heard is a meeting of listener
    and speaker with probability p x importance, and the meetings happen in a random order
    (keyed on the seed), each seeing the states the ones before it left. That is the model's
    own sequence of pairwise meetings, not a day of simultaneous ones: meeting all at once by
    the morning's states (two spreaders telling the same ignorant both go on spreading) left
    about 15% (Daley-Kendall) and 17% (Maki-Thompson) never hearing the rumour at p = 0.1
    instead of 20.3% (measured at N = 100,000). Meetings that share no agent commute, so
    they run in rounds (``meeting_rounds``), each one vectorised pass."""

    def __init__(
        self, rule, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ):
        width = heard.speaker.shape[1]
        # Draws: width resists a nudge, width + 1 takes up a correction, width + 2 + c orders
        # the meeting in slot c; which posts are meetings, c < width for slot c's post, or
        # 2 width + 2 + j for a row's j-th gap between meetings (``meeting_slots``). Each is
        # drawn only where it can decide something (the numbers are the same either way).
        p = rule.params.p
        if heard.plain and not heard.corrections:  # every slot heard a peer's, weighing 1
            row, column = meeting_slots(rule, agents, day, heard.count, p, 2 * width + 2)
            listener, speaker = agents[row], heard.speaker[row, column]
        else:
            row, column = np.nonzero(heard.speaker >= 0)  # the peers' posts, row by row
            listener, speaker = agents[row], heard.speaker[row, column]
            chance = np.minimum(1.0, p * heard.importance[row, column])
            met = np.flatnonzero(rule.draws_each(listener, day, column) < chance)
            column, listener, speaker = column[met], listener[met], speaker[met]
        # a stifler stays one all day, so a meeting the rule calls inert for a stifler (or
        # two) changes nothing: left out (the others keep their order: the day ends the same)
        stifler = population.state == RECOVERED
        if stifler.any():
            live = np.flatnonzero(~rule.inert(stifler[listener], stifler[speaker]))
            column, listener, speaker = column[live], listener[live], speaker[live]
        order = in_order_of(rule.draws_each(listener, day, width + 2 + column))
        self.listener, self.speaker = listener[order], speaker[order]
        self.now = population.state.copy()  # the states as the day's meetings change them
        self.resist = np.zeros(population.n, dtype=bool)
        nudge = population.take_nudges(agents)
        if np.isfinite(nudge).any():
            self.resist[agents] = rule.draws(agents, day, [width])[:, 0] < resistance(nudge)
        self.corrected = rule.corrected(agents, day, heard, width + 1)

    def rounds(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The (listener, speaker) pairs of each round, in turn."""
        for meetings in meeting_rounds(self.listener, self.speaker):
            yield self.listener[meetings], self.speaker[meetings]

    def tell(self, ignorants: np.ndarray) -> None:
        """``ignorants`` hear the rumour and spread it (unless a nudge holds them back)."""
        self.now[ignorants[~self.resist[ignorants]]] = INFECTED

    def decisions(self, agents: np.ndarray, population: Population) -> Decisions:
        """Beliefs of ``agents`` (everyone: synchronous) after the day's meetings and the
        corrections taken up. Stiflers are R at once: an ignorant told and stifled the same
        day never stated a belief, so the end of the day would keep it S."""
        now = self.now[agents]
        now[self.corrected] = RECOVERED
        population.state[agents[now == RECOVERED]] = RECOVERED
        return Decisions((now == INFECTED).astype(np.int8), np.ones(agents.size))


def meeting_slots(
    rule, agents: np.ndarray, day: int, count: np.ndarray, p: float, first_draw: int
) -> tuple[np.ndarray, np.ndarray]:
    """(row, slot) of each post heard that is a meeting, each of a row's first ``count``
    slots independently with probability ``p``. Rather than a draw for every post, a row
    draws the gap to its next meeting, its j-th by draw ``first_draw + j``: geometric,
    P(gap >= g) = (1 - p)^g, read off a table of the powers by comparisons alone (so every
    machine finds the same gaps; a logarithm's last bit may differ). A row heard in full by
    k posts costs 1 + p k draws instead of k. The meetings come in the order found: each
    row's first, then each row's second, ..."""
    width = int(count.max()) if count.size else 0
    power = np.cumprod(np.concatenate([[1.0], np.full(width, 1.0 - p)]))  # (1 - p)^g
    ascending = power[1:][::-1]  # (1 - p)^width .. (1 - p)^1: the gap is how many exceed u
    rows, slots = [], []
    following = np.zeros(agents.size, dtype=np.int64)  # each row's first slot not yet drawn
    active = np.flatnonzero(count > 0)
    for j in range(width + 1):  # a row meets at most width times, then misses once
        if not active.size:
            break
        u = rule.draws(agents[active], day, [first_draw + j])[:, 0]
        start = following[active]
        # a meeting before the row's end: the gap is below the slots left, u >= (1 - p)^left
        hit = np.flatnonzero(u >= power[count[active] - start])
        active, u, start = active[hit], u[hit], start[hit]
        slot = start + (width - np.searchsorted(ascending, u, side="right"))
        rows.append(active)
        slots.append(slot)
        following[active] = slot + 1
        active = active[following[active] < count[active]]
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(slots)


def in_order_of(when: np.ndarray) -> np.ndarray:
    """The positions of ``when`` (uniforms in [0, 1)) in increasing order of its leading bits,
    ties by position: one sort of integer keys, the leading bits of each uniform above its
    position's, several times faster than an argsort of the floats (two uniforms of 53 bits
    agree in the 40 or so leading bits kept about once in a trillion pairs)."""
    bits = max(1, (when.size - 1).bit_length())  # enough for every position
    leading = (when * float(2 ** (63 - bits))).astype(np.int64)  # below 2^(63 - bits)
    return np.sort((leading << bits) | np.arange(when.size)) & ((1 << bits) - 1)


_FEW_MEETINGS = 2000  # below this many, a pass costs more than a Python step per meeting


def meeting_rounds(first: np.ndarray, second: np.ndarray) -> list[np.ndarray]:
    """Meetings (``first[m]`` with ``second[m]``, in order of m) grouped into rounds in which
    no agent meets twice: a meeting's round is one more than the latest round of the
    meetings before it that share one of its agents, so running the rounds in turn gives
    the states that running the meetings one at a time gives. Found as ``day_waves`` finds
    waves: each meeting's predecessor through each of its agents, then relaxed until no
    round moves."""
    # scipy.sparse takes about 0.14 s to import: only the rumour models' days need it
    from scipy.sparse import coo_array

    m = first.size
    if m == 0:
        return []
    # each agent's meetings in order: the ends (meeting i's at 2i and 2i + 1) grouped by
    # agent, each group in order of end, by the counting sort that builds a sparse matrix's
    # rows (agent x end; a row's column indices ascending, as CSR keeps them): linear, 2x
    # faster than sorting the keys agent x 2m + end, and the same groups
    ends = np.stack([first, second], axis=1).ravel()
    by_agent = coo_array(
        (np.ones(2 * m, dtype=np.int8), (ends, np.arange(2 * m))),
        shape=(int(ends.max()) + 1, 2 * m),
    ).tocsr()
    end, starts = by_agent.indices, by_agent.indptr[:-1]
    later = np.ones(2 * m, dtype=bool)  # an end after another of the same agent's
    later[starts[starts < 2 * m]] = False
    k = np.flatnonzero(later)
    previous = np.full(2 * m, m)  # m: no meeting before it
    previous[end[k]] = end[k - 1] // 2
    # per meeting, the one before it through its first agent and through its second
    through_first, through_second = previous[0::2].copy(), previous[1::2].copy()
    level = np.zeros(m + 1, dtype=np.int64)
    level[m] = -1  # the round of "no meeting", so that a first meeting's is 0 with no test
    active = np.flatnonzero((through_first < m) | (through_second < m))
    while active.size > _FEW_MEETINGS:
        relaxed = np.maximum(level[through_first[active]], level[through_second[active]]) + 1
        moved = relaxed > level[active]
        active = active[moved]
        level[active] = relaxed[moved]
    # The meetings still moving (after pass t: those whose round is above t, at t now) are
    # few but may chain long (a hub's meetings, one after another): a pass each would cost
    # more than taking them one at a time in meeting order, where each one's predecessors
    # are settled when it comes.
    late: dict[int, int] = {}

    def after(j: int) -> int:  # meeting j's round (-1 for m: no meeting)
        return late[j] if j in late else int(level[j])

    pairs = zip(through_first[active].tolist(), through_second[active].tolist(), strict=True)
    for i, (a, b) in zip(active.tolist(), pairs, strict=True):
        late[i] = max(after(a), after(b)) + 1
    level[list(late)] = list(late.values())
    level = level[:m]
    # by round, each in meeting order (a stable sort of small integers: numpy sorts 16-bit
    # keys by radix)
    small = level.astype(np.int16) if level.max() < 2**15 else level
    order = np.argsort(small, kind="stable")
    return np.split(order, np.cumsum(np.bincount(level))[:-1])


class Rumour(Compartmental):
    """What the rumour models share: synchronous days (a meeting changes the speaker too)
    and their states' names."""

    updates = ("synchronous",)

    def inert(self, listener_stifles: np.ndarray, speaker_stifles: np.ndarray) -> np.ndarray:
        """Which meetings change nothing, whatever the day brings, given which of the two
        are stiflers when the day starts (they stay stiflers all day)."""
        raise NotImplementedError

    def describe(self, agents: np.ndarray, population: Population) -> list[str]:
        names = {SUSCEPTIBLE: "ignorant", INFECTED: "spreader", RECOVERED: "stifler"}
        return [names[s] for s in population.state[agents].tolist()]


class DaleyKendall(Rumour):
    """Ignorant, spreader, stifler; meetings act both ways."""

    name = "daley_kendall"
    key = 0x55

    def inert(self, listener_stifles, speaker_stifles):
        # a stifler stifles a spreader it meets, either way: only two stiflers do nothing
        return listener_stifles & speaker_stifles

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        m = Meetings(self, day, agents, heard, population)
        for listener, speaker in m.rounds():
            a, b = m.now[listener], m.now[speaker]
            told = np.concatenate(
                [
                    listener[(a == SUSCEPTIBLE) & (b == INFECTED)],
                    speaker[(a == INFECTED) & (b == SUSCEPTIBLE)],
                ]
            )
            both = (a == INFECTED) & (b == INFECTED)
            m.now[listener[both | ((a == INFECTED) & (b == RECOVERED))]] = RECOVERED
            m.now[speaker[both | ((a == RECOVERED) & (b == INFECTED))]] = RECOVERED
            m.tell(told)
        return m.decisions(agents, population)
