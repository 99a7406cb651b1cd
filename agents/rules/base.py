"""The decision-rule plug-in interface.

A decision rule governs agents that live as columns of a ``Population`` (agents/population.py)
rather than as one Python object each. Each day the engine hands it the agents that may decide
together (all of them under synchronous updates; a wave of the random order under sequential
ones) with what each of them heard, and the rule returns their beliefs and confidences. The
engine then publishes their posts and switches S/I/R states; the rule may write the memories
its cognition keeps (the surrogate stores its daily reflection) through ``population.memory``.

A post's wording is the rule's business: ``texts`` renders it only when something reads it
(a written row of the agent table, an intervention asking for the post), so a million agents
cost no strings.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

import numpy as np

from agents.memory import MemoryItem
from agents.population import Population
from agents.rows import row_count

UPDATE_ORDERS = ("synchronous", "sequential", "random_sequential")
"""The orders of a day's decisions (``agents.update``; docs/SCENARIOS.md): all at once on the
morning's posts; every agent once in a random order (FPS), reading the latest posts; n turns
of agents drawn with replacement, reading the latest posts (simulator/turns.py)."""

ONCE_A_DAY = UPDATE_ORDERS[:2]
"""The orders of the surrogate and llm rules: they keep a day of their own (the day's
summary, reflection and memory), so every agent decides once a day."""


class Exposures:
    """What each deciding agent heard today, one row each, items in the order heard and
    padded past ``count`` with stance 0, importance 0 and speaker -1 (so a padded slot weighs
    nothing without a mask): the items' stances (+1 for a believing post, -1 for a doubting
    one; a continuous opinion x in 0..1 posts 2x - 1), the importance they are heard with (1
    for a plain post, less with a fact-check label, more for a trusted correction) and who
    said them (``speaker``: the author's index, -1 for a correction an intervention sent).
    ``official`` says whether an official source was among them. ``items``, for rules that
    read posts as text (the ``llm`` rule), holds per row the records heard, as a citizen
    hears them (an object array of lists, None in the rows of agents that do not read text;
    None itself where no deciding agent does).

    Two facts the engine knows without looking, so that rules need not look either:
    ``plain`` is True when every item heard weighs 1 (no label, no correction of another
    weight; False: some may not), ``corrections`` False when no row holds a correction
    (True: some may).

    Where every slot is a peer's post, the engine may give ``posted`` (each agent's post
    stance, a 0 appended for padding: ``speaker`` indexes it) in place of ``stance``, and no
    ``importance`` when plain: the matrices are then built only if a rule reads them (at a
    million agents each is a pass over ten million slots), and ``believing``,
    ``believing_at``, ``stance_at`` and ``mapped`` read only what they need. It may give
    the day's whole speaker matrix with ``speaker_rows``, the rows of the deciding agents,
    gathered only if read. And where it counted them on its way (a synchronous day of a rule
    that says who is settled), it gives ``loud``: per row, how many posts heard are of the
    agents the rule calls loud (``Settled.loud``; believing posts where that is None), which
    ``loud_heard`` reads in place of counting.
    """

    __slots__ = (
        "_importance",
        "_posted",
        "_speaker",
        "_speaker_rows",
        "_stance",
        "corrections",
        "count",
        "items",
        "loud",
        "official",
        "plain",
    )

    def __init__(
        self,
        stance: np.ndarray | None,
        importance: np.ndarray | None,
        count: np.ndarray,
        official: np.ndarray,
        speaker: np.ndarray,
        items: np.ndarray | None = None,
        *,
        plain: bool = False,
        corrections: bool = True,
        posted: np.ndarray | None = None,
        speaker_rows: np.ndarray | None = None,
        loud: np.ndarray | None = None,
    ):
        if (stance is None and posted is None) or (importance is None and not plain):
            raise ValueError("exposures need stances (or posted) and importances (or plain)")
        self._stance, self._importance, self._posted = stance, importance, posted
        self._speaker, self._speaker_rows = speaker, speaker_rows
        self.count, self.official, self.items = count, official, items
        self.plain, self.corrections, self.loud = plain, corrections, loud

    @property
    def speaker(self) -> np.ndarray:
        if self._speaker_rows is not None:
            self._speaker, self._speaker_rows = self._speaker[self._speaker_rows], None
        return self._speaker

    def loud_heard(self, carries) -> np.ndarray:
        """Per row, how many of the items ``carries()`` marks were heard, where those are
        the posts of the agents the rule calls loud (``Settled.loud``): the engine's count
        where it gave one, ``carries`` built and counted otherwise."""
        return self.loud if self.loud is not None else row_count(carries())

    @property
    def stance(self) -> np.ndarray:
        if self._stance is None:
            self._stance = self._posted[self.speaker]
        return self._stance

    @property
    def importance(self) -> np.ndarray:
        if self._importance is None:  # plain: 1 for every item heard, 0 for padding
            self._importance = self.heard().astype(float)
        return self._importance

    def heard(self) -> np.ndarray:
        """Which slots of each row hold an item heard (read-only)."""
        width = self.speaker.shape[1]
        if self.count.size and self.count.min() >= width:  # every row full (random mixing)
            return np.broadcast_to(np.True_, self.speaker.shape)
        return np.arange(width)[None, :] < self.count[:, None]

    def believing(self) -> np.ndarray:
        """Which slots hold a believing post (stance > 0; never a padded slot)."""
        if self._stance is None:  # one byte a slot read, not eight
            return (self._posted > 0)[self.speaker]
        return self._stance > 0

    def signs(self) -> np.ndarray:
        """The sign of each slot's stance as int8 (+1 believing, -1 doubting, 0 neutral or
        padded)."""
        if self._stance is None:
            return np.sign(self._posted).astype(np.int8)[self.speaker]
        return np.sign(self._stance).astype(np.int8)

    def believing_at(self, slot: np.ndarray) -> np.ndarray:
        """Whether the item in ``slot`` (>= 0) of each row is a believing post; with ``slot``
        of shape (rows, draws), one per draw."""
        at = self._at(slot)
        if self._stance is None:  # one byte an agent looked up, not eight
            return (self._posted > 0)[self.speaker.ravel()[at]]
        return self._stance.ravel()[at] > 0

    def stance_at(self, slot: np.ndarray) -> np.ndarray:
        """The stance of the item in ``slot`` (>= 0) of each row, shaped as ``slot``."""
        at = self._at(slot)
        if self._stance is None:
            return self._posted[self.speaker.ravel()[at]]
        return self._stance.ravel()[at]

    def _at(self, slot: np.ndarray) -> np.ndarray:
        """The flat positions of each row's ``slot`` (one, or one per column of ``slot``)."""
        rows, width = self.speaker.shape
        return (np.arange(rows) * width).reshape((rows,) + (1,) * (slot.ndim - 1)) + slot

    def mapped(self, f, pad: float, out: np.ndarray | None = None) -> np.ndarray:
        """``f`` (elementwise) of each item's stance, ``pad`` in the padded slots: computed
        once a speaker where the stances are given so (``posted``), once a slot otherwise;
        written into ``out`` (float, the shape of ``speaker``) when given."""
        if self._posted is None:
            values = np.where(self.heard(), f(self.stance), pad)
            if out is None:
                return values
            out[...] = values
            return out
        table = f(self._posted)
        table[-1] = pad
        if out is None:
            return table[self.speaker]
        # 'wrap' reads speaker -1 as the pad in the last entry; take's default ('raise')
        # would gather into a buffer of its own and copy it into ``out``
        return np.take(table, self.speaker, out=out, mode="wrap")

    def rows(self, rows: np.ndarray) -> Exposures:
        """The exposures of ``rows`` only (the same facts hold of them, but for ``loud``:
        the count belongs to the rule that said who is loud, and a group's rule of a hybrid
        population may call others loud)."""

        def pick(f):
            return None if f is None else f[rows]

        if self._speaker_rows is None:
            speaker, speaker_rows = self._speaker[rows], None
        else:  # still to gather: only these rows' will be
            speaker, speaker_rows = self._speaker, self._speaker_rows[rows]
        return Exposures(
            pick(self._stance), pick(self._importance), self.count[rows], self.official[rows],
            speaker, pick(self.items), plain=self.plain, corrections=self.corrections,
            posted=self._posted, speaker_rows=speaker_rows,
        )  # fmt: skip


class Decisions(NamedTuple):
    """The day's stated beliefs (0/1) and confidences of the deciding agents, and the stance
    of the posts they publish (None: +1 for believers, -1 for the others)."""

    belief: np.ndarray
    confidence: np.ndarray
    stance: np.ndarray | None = None


class Settled(NamedTuple):
    """Masks over the population: ``agents`` that, unless a believing post moves them, a
    correction reaches them or a nudge waits, stay as they are (believe if and only if
    infected, state I, with confidence 1, post the default stance, and leave the rule's own
    state unchanged); of them, those a believing post heard can move (``movable``), and the
    agents whose posts can (``loud``; None: every believing post)."""

    agents: np.ndarray
    movable: np.ndarray
    loud: np.ndarray | None = None


class DecisionRule(Protocol):
    """How a group of array-governed agents decides."""

    name: str
    columns: tuple[str, ...]
    """Columns the rule adds to ``daily.csv`` (``tally`` gives their values)."""
    updates: tuple[str, ...]
    """The ``agents.update`` orders the rule supports."""

    def decide(
        self, day: int, agents: np.ndarray, heard: Exposures, population: Population
    ) -> Decisions:
        """Today's decisions of ``agents`` (their current beliefs are still in ``population``)."""
        ...

    def start_day(self, day: int, agents: np.ndarray, population: Population) -> None:
        """The day's decisions of ``agents`` are about to begin, and nothing but they will
        change the rule's state until they are all made (no plug-in watches exposures): a
        rule may prepare for all of them at once."""
        ...

    def settled(self, day: int, population: Population) -> Settled | None:
        """Who a synchronous day need not ask the rule about (``Settled``), so that the
        classic contagions' days cost what their active agents do, as NDlib's loops over
        active nodes; None where the rule cannot tell: every agent is asked."""
        ...

    def remember(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        """An intervention puts ``item`` (a notice, a prebunk) into the agents' long-term
        memory: what that does is the rule's to say (docs/INTERVENTIONS.md)."""
        ...

    def nudge(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        """An intervention places ``item`` before the agents' next decision (array rules keep
        its strength in ``population.nudge``)."""
        ...

    def tally(self, population: Population) -> dict[str, float]:
        """Today's values of ``columns``."""
        ...

    def texts(self, agents: np.ndarray, population: Population) -> list[tuple[str, str]]:
        """The latest post and reasoning of each of ``agents``."""
        ...

    def get_state(self) -> dict[str, Any]:
        """What the rule keeps that changes during a run (for checkpoints)."""
        ...

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what ``get_state`` returned."""
        ...

    def close(self) -> None:
        """Release what the rule holds (a backend's connections)."""
        ...


def net_stance(heard: Exposures) -> np.ndarray:
    """Importance-weighted stance per item heard (0 when nothing was heard), summed item by
    item as ``ShortTermMemory.net_stance`` does."""
    total = np.zeros(heard.count.shape)
    for j in range(heard.stance.shape[1]):
        total += heard.importance[:, j] * heard.stance[:, j]
    return np.where(heard.count > 0, total / np.maximum(heard.count, 1), 0.0)


class ArrayAgents:
    """What rules whose agents are only columns share: a nudge is kept as its strength in the
    population (the rule reads it with ``population.take_nudges``), and nothing to close."""

    def start_day(self, day: int, agents: np.ndarray, population: Population) -> None:
        pass

    def settled(self, day: int, population: Population) -> Settled | None:
        return None

    def nudge(self, agents: np.ndarray, item: MemoryItem, population: Population) -> None:
        population.add_nudge(agents, item.importance)

    def close(self) -> None:
        pass
