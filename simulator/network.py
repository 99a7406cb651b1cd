"""Contact structures: who hears whom each day.

A contact structure answers one question per day: for each agent (by index 0..n-1), whose
latest posts does it hear today? FPS uses ``random_contacts`` (k random others a day, uniform
mixing); the network structures come from networkx generators, seeded from the scenario.
A new structure is one more builder in ``build_contacts``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Protocol

import networkx as nx
import numpy as np

from agents.keyed_random import keyed_uniforms
from agents.rows import row_any, row_count
from simulator.config import (
    BarabasiAlbert,
    CompleteGraph,
    EdgeList,
    ErdosRenyi,
    RandomContacts,
    WattsStrogatz,
)
from simulator.errors import InputWarning, ScenarioError

_AUDIENCE_KIND = 0xE1  # the audience's part of the random keys


class ContactStructure(Protocol):
    """Who hears whom."""

    def todays_speakers(self, rng: np.random.Generator) -> list[list[int]]:
        """For each listener index, the indices of the agents it hears today."""
        ...

    def speaker_matrix(
        self, rng: np.random.Generator, listeners: np.ndarray | None = None
    ) -> np.ndarray:
        """The same draw as ``todays_speakers``, as an (agents x most speakers) array, each
        row's speakers first and -1 after them (the engine relies on it); with
        ``listeners``, one row for each of them (a listener named twice draws twice: the
        turns of a random-sequential day)."""
        ...

    def share_audiences(
        self, sharers: np.ndarray, seed: int, day: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Who sees the posts ``sharers`` share on ``day`` (simulator/engagement.py), as
        (index into ``sharers``, agent) pairs."""
        ...

    def speaker_counts(self) -> np.ndarray:
        """How many speakers each agent's row of ``speaker_matrix`` holds (the same every
        day)."""
        ...

    def loud_heard(self, speakers: np.ndarray, loud: np.ndarray) -> np.ndarray:
        """How many of the agents ``loud`` marks each listener (row of today's ``speakers``,
        as ``speaker_matrix`` drew it) hears (int64)."""
        ...


def loud_in_rows(speakers: np.ndarray, loud: np.ndarray) -> np.ndarray:
    """``ContactStructure.loud_heard`` read off the matrix itself: a padded slot (-1) reads
    a quiet agent appended after the last, so no mask is built."""
    return row_count(np.append(loud, False)[speakers])


class RandomMixing:
    """Each listener hears ``k`` distinct random others (never itself)."""

    def __init__(self, n: int, k: int):
        self.n = n
        self.k = min(k, n - 1)

    def todays_speakers(self, rng: np.random.Generator) -> list[list[int]]:
        """Draw today's speakers for all listeners at once."""
        # plain ints: indexing lists with numpy scalars is slow
        return self.speaker_matrix(rng).tolist()

    def speaker_matrix(
        self, rng: np.random.Generator, listeners: np.ndarray | None = None
    ) -> np.ndarray:
        """Today's speakers of every listener (or of each of ``listeners``), one row each."""
        n, k = self.n, self.k
        listeners = np.arange(n) if listeners is None else np.asarray(listeners, np.int64)
        if k * k > 2 * n:
            return self._dense_draw(rng, listeners)
        # Draw from the n-1 others by shifting values at or above the listener's own index;
        # redraw the (few) rows that repeat a speaker until all rows are distinct.
        draws = _without_repeats(
            rng.integers(0, n - 1, size=(listeners.size, k)),
            lambda bad: rng.integers(0, n - 1, size=(bad.size, k)),
        )
        draws += draws >= listeners[:, None]
        return draws

    def _dense_draw(self, rng: np.random.Generator, listeners: np.ndarray) -> np.ndarray:
        """k of the n-1 others for each listener when k is large beside n: a row of k
        distinct draws then rarely comes at once (the chance is about exp(-k^2 / 2n)), so
        each row takes the k smallest of n-1 random keys instead, a block of rows at a time
        to bound memory."""
        n, k = self.n, self.k
        out = np.empty((listeners.size, k), dtype=np.int64)
        block = max(1, 2_000_000 // n)
        for start in range(0, listeners.size, block):
            rows = listeners[start : start + block]
            keys = rng.random((rows.size, n - 1))
            chosen = np.argpartition(keys, k - 1, axis=1)[:, :k] if k < n - 1 else keys.argsort(1)
            out[start : start + rows.size] = chosen + (chosen >= rows[:, None])
        return out

    def speaker_counts(self) -> np.ndarray:
        return np.full(self.n, self.k)

    def loud_heard(self, speakers: np.ndarray, loud: np.ndarray) -> np.ndarray:
        return loud_in_rows(speakers, loud)

    def share_audiences(
        self, sharers: np.ndarray, seed: int, day: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """``k`` distinct random others for each sharer, keyed by (seed, day, sharer) so that
        engagement never touches the model's draws and a sharer's audience is the same for
        every post it shares that day."""
        m, k, pool = sharers.size, self.k, self.n - 1
        spare = 4  # candidates beyond k: enough for nearly every row even in small populations
        u = keyed_uniforms(seed, sharers, day, _AUDIENCE_KIND, k + spare)
        candidates = (u * pool).astype(np.int64)
        chosen = np.full((m, k), -1, dtype=np.int64)
        filled = np.zeros(m, dtype=np.int64)
        rows = np.arange(m)
        for c in range(k + spare):  # take each candidate not chosen yet, until k are
            candidate = candidates[:, c]
            fresh = (filled < k) & ~row_any(chosen == candidate[:, None])
            chosen[rows[fresh], filled[fresh]] = candidate[fresh]
            filled += fresh
        for r in np.flatnonzero(filled < k):  # rare: a stream of its own for the row
            rng = np.random.default_rng([seed, day, int(sharers[r]), _AUDIENCE_KIND])
            chosen[r] = rng.choice(pool, size=k, replace=False)
        chosen += chosen >= sharers[:, None]
        return np.repeat(rows, k), chosen.ravel()


def sample_neighbours(rng: np.random.Generator, degree: np.ndarray, k: int) -> np.ndarray:
    """For each row, k distinct positions in 0..degree-1 (degree > k), a uniform random
    sample in random order, all rows at once (rng.choice a row at a time cost 10-20 µs a
    row: most of a day on a graph heard one post a day). Rows of up to ``_SHUFFLED``
    positions take the first k steps of a Fisher-Yates shuffle of their positions; longer
    rows, where a repeat is unlikely, draw column by column and draw again while a position
    repeats one of the row's earlier columns (which leaves it uniform over the positions not
    yet taken). Both are sampling without replacement, in order."""
    out = np.empty((degree.size, k), dtype=np.int64)
    short = degree <= _SHUFFLED
    rows = np.flatnonzero(short)
    if rows.size:
        out[rows] = _shuffled_start(rng, degree[rows], k)
    rows = np.flatnonzero(~short)
    if rows.size:
        out[rows] = _drawn_apart(rng, degree[rows], k)
    return out


_SHUFFLED = 64  # the most neighbours shuffled (positions as int8, a row of them a node)


def _shuffled_start(rng: np.random.Generator, degree: np.ndarray, k: int) -> np.ndarray:
    """The first k positions of a Fisher-Yates shuffle of each row's 0..degree-1: step c swaps
    position c with one drawn uniformly from c..degree-1."""
    m, width = degree.size, int(degree.max())
    positions = np.tile(np.arange(width, dtype=np.int8), m)  # row r at r * width
    base = np.arange(m) * width
    for c in range(k):
        other = base + c + (rng.random(m) * (degree - c)).astype(np.int64)  # floor(u d) < d
        here = base + c
        swapped = positions[other]
        positions[other] = positions[here]
        positions[here] = swapped
    return positions.reshape(m, width)[:, :k].astype(np.int64)


def _drawn_apart(rng: np.random.Generator, degree: np.ndarray, k: int) -> np.ndarray:
    """k distinct positions per row, column by column, a position drawn again while it
    repeats one of the row's earlier columns."""
    out = np.empty((degree.size, k), dtype=np.int64)
    everyone = np.arange(degree.size)
    for c in range(k):
        rows = everyone
        while rows.size:
            draw = (rng.random(rows.size) * degree[rows]).astype(np.int64)
            out[rows, c] = draw
            if not c:
                break
            rows = rows[row_any(out[rows, :c] == draw[:, None])]
    return out


def _without_repeats(draws: np.ndarray, redraw) -> np.ndarray:
    """``draws`` with each row that holds a value twice replaced by ``redraw(rows)`` until
    none does (given uniform draws, every row of distinct values is then equally likely)."""
    while True:
        bad = np.flatnonzero(_repeats(draws))
        if not bad.size:
            return draws
        draws[bad] = redraw(bad)


def _repeats(rows: np.ndarray) -> np.ndarray:
    """Whether each row holds a value twice. For a few columns, comparing every pair of
    columns is several times faster than sorting the rows (the same answer)."""
    k = rows.shape[1]
    if k > 6:
        ordered = np.sort(rows, axis=1)
        return row_any(ordered[:, 1:] == ordered[:, :-1])
    out = np.zeros(rows.shape[0], dtype=bool)
    for i in range(k):
        for j in range(i + 1, k):
            out |= rows[:, i] == rows[:, j]
    return out


class GraphContacts:
    """Listeners hear their neighbours on a fixed graph, up to ``per_day`` sampled a day."""

    def __init__(self, graph: nx.Graph, per_day: int):
        self.graph = graph
        self.per_day = per_day
        self.neighbours = [sorted(graph.neighbors(i)) for i in range(graph.number_of_nodes())]
        degree = np.array([len(nb) for nb in self.neighbours], dtype=np.int64)
        self._indptr = np.concatenate([[0], np.cumsum(degree)])
        self._indices = np.fromiter(
            (j for nb in self.neighbours for j in nb), dtype=np.int64, count=int(degree.sum())
        )
        # The rows of the nodes heard in full never change: the whole population's matrix is
        # built once with them (read-only), and a day copies it and draws only the rows of
        # the nodes with more neighbours than ``per_day`` (none: the matrix itself serves).
        self._wide = np.flatnonzero(degree > per_day)
        self._fixed = self._rows(np.arange(degree.size))
        self._fixed.flags.writeable = False

    def todays_speakers(self, rng: np.random.Generator) -> list[list[int]]:
        """All neighbours, or a random sample of ``per_day`` of them for high-degree nodes
        (``speaker_matrix``'s draw, as lists)."""
        heard = np.minimum(self.degrees(), self.per_day).tolist()
        rows = self.speaker_matrix(rng).tolist()
        return [row[:k] for row, k in zip(rows, heard, strict=True)]

    def speaker_matrix(
        self, rng: np.random.Generator, listeners: np.ndarray | None = None
    ) -> np.ndarray:
        """Each listener's neighbours, padded with -1 into one array, or for a listener with
        more than ``per_day`` a uniform random sample of ``per_day`` of them, in random
        order (``sample_neighbours``); with ``listeners``, one row for each of them."""
        if listeners is None:
            if not self._wide.size:
                return self._fixed
            out, wide, nodes = self._fixed.copy(), self._wide, self._wide
        else:
            rows = np.asarray(listeners, np.int64)
            out = self._rows(rows)
            wide = np.flatnonzero(self._indptr[rows + 1] - self._indptr[rows] > self.per_day)
            nodes = rows[wide]
        if wide.size:
            start = self._indptr[nodes]
            picked = sample_neighbours(rng, self._indptr[nodes + 1] - start, self.per_day)
            out[wide] = self._indices[start[:, None] + picked]
        return out

    def _rows(self, rows: np.ndarray) -> np.ndarray:
        """The speaker rows of ``rows`` as far as they draw nothing: every neighbour of a node
        with at most ``per_day``, -1 padded; -1 throughout for the others."""
        limit = self.per_day
        all_degrees = np.diff(self._indptr)
        width = int(min(limit, all_degrees.max())) if all_degrees.size else 0
        degree = all_degrees[rows]
        out = np.full((rows.size, width), -1, dtype=np.int64)
        row = np.repeat(np.arange(rows.size), degree)
        keep = degree[row] <= limit
        column = np.arange(row.size) - np.repeat(np.cumsum(degree) - degree, degree)
        start = self._indptr[rows][row]
        out[row[keep], column[keep]] = self._indices[start[keep] + column[keep]]
        return out

    def speaker_counts(self) -> np.ndarray:
        """All neighbours, or ``per_day`` of them."""
        return np.minimum(self.degrees(), self.per_day)

    def degrees(self) -> np.ndarray:
        """Each agent's number of neighbours."""
        return np.diff(self._indptr)

    def loud_heard(self, speakers: np.ndarray, loud: np.ndarray) -> np.ndarray:
        """Counted from the loud agents' neighbours (a node that hears all its neighbours
        hears each loud one among them once), and the wide nodes' rows read for the others:
        a day of few loud agents costs what they and the wide nodes do, not a pass over
        every listener's row."""
        if self.graph.is_directed():  # a successor's post is not heard back
            return loud_in_rows(speakers, loud)
        agents = np.flatnonzero(loud)
        degree = self._indptr[agents + 1] - self._indptr[agents]
        out = np.bincount(self._neighbour_list(agents, degree), minlength=speakers.shape[0])
        if self._wide.size:  # a wide node hears the sample in its row
            out[self._wide] = loud_in_rows(speakers[self._wide], loud)
        return out

    def share_audiences(
        self, sharers: np.ndarray, seed: int, day: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The sharers' neighbours."""
        return self._neighbours(sharers)

    def _neighbours(self, agents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The neighbours of ``agents``, as (index into ``agents``, neighbour) pairs."""
        degree = self._indptr[agents + 1] - self._indptr[agents]
        return np.repeat(np.arange(agents.size), degree), self._neighbour_list(agents, degree)

    def _neighbour_list(self, agents: np.ndarray, degree: np.ndarray) -> np.ndarray:
        """The neighbours of ``agents`` (of ``degree``), agent by agent: the k-th entry of
        an agent's run is at its place in the run plus the shift from where the run starts
        to where its neighbours are stored (one repeat, not one per term)."""
        shift = self._indptr[agents] - (np.cumsum(degree) - degree)
        return self._indices[np.repeat(shift, degree) + np.arange(int(degree.sum()))]


def read_edge_list(path: Path, n: int) -> nx.Graph:
    """An undirected graph on nodes 0..n-1 from a file of 'a b' lines ('#' starts a comment).
    Self-loops ('a a') are dropped with one InputWarning naming their lines."""
    graph = nx.empty_graph(n)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"contacts.path: cannot read edge list {str(path)!r} ({exc})") from None
    self_loops: list[int] = []
    for lineno, line in enumerate(lines, start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        try:
            if len(fields) != 2:
                raise ValueError
            a, b = int(fields[0]), int(fields[1])
        except ValueError:
            raise ScenarioError(
                f"contacts.path: line {lineno} of {path.name} is not two agent indices: "
                f"{line.strip()[:60]!r}"
            ) from None
        for node in (a, b):
            if not 0 <= node < n:
                raise ScenarioError(
                    f"contacts.path: line {lineno} of {path.name} names agent {node}, but the "
                    f"population has agents 0..{n - 1}"
                )
        if a == b:
            self_loops.append(lineno)
        else:
            graph.add_edge(a, b)
    if self_loops:
        lines_named = ", ".join(map(str, self_loops[:5])) + (", ..." if len(self_loops) > 5 else "")
        warnings.warn(
            f"contacts.path: {len(self_loops)} self-loop(s) in {path.name} ignored (an agent "
            f"does not hear itself; lines {lines_named})",
            InputWarning,
            stacklevel=2,
        )
    return graph


def build_contacts(spec, n: int, seed: int, short_term_capacity: int) -> ContactStructure:
    """The contact structure a scenario's ``contacts`` section describes."""
    if isinstance(spec, RandomContacts):
        return RandomMixing(n, spec.k)
    graph_seed = int(np.random.default_rng([seed, 0xC0DE]).integers(2**31))
    if isinstance(spec, CompleteGraph):
        graph = nx.complete_graph(n)
    elif isinstance(spec, ErdosRenyi):
        graph = nx.fast_gnp_random_graph(n, spec.p, seed=graph_seed)
    elif isinstance(spec, WattsStrogatz):
        if spec.k >= n:
            raise ScenarioError(f"contacts.k: {spec.k} must be less than population.size {n}")
        graph = nx.watts_strogatz_graph(n, spec.k, spec.p, seed=graph_seed)
    elif isinstance(spec, BarabasiAlbert):
        if spec.m >= n:
            raise ScenarioError(f"contacts.m: {spec.m} must be less than population.size {n}")
        graph = nx.barabasi_albert_graph(n, spec.m, seed=graph_seed)
    elif isinstance(spec, EdgeList):
        graph = read_edge_list(spec.path, n)
    else:  # pragma: no cover - the schema admits nothing else
        raise TypeError(f"unknown contacts spec {spec!r}")
    per_day = spec.posts_per_day or short_term_capacity
    return GraphContacts(graph, min(per_day, short_term_capacity))
