import re

import numpy as np
import pytest

from simulator.config import (
    BarabasiAlbert,
    CompleteGraph,
    EdgeList,
    ErdosRenyi,
    RandomContacts,
    WattsStrogatz,
)
from simulator.errors import InputWarning, ScenarioError
from simulator.network import RandomMixing, build_contacts, sample_neighbours
from tests.conftest import run_cli, write_scenario


@pytest.mark.parametrize("n", [4, 30, 1000])
def test_random_mixing_draws_k_distinct_others(n):
    rng = np.random.default_rng(0)
    speakers = RandomMixing(n, 3).todays_speakers(rng)
    assert len(speakers) == n
    for listener, heard in enumerate(speakers):
        assert len(heard) == len(set(heard)) == 3
        assert listener not in heard
        assert all(0 <= j < n for j in heard)


def test_random_mixing_is_uniform_enough():
    rng = np.random.default_rng(1)
    counts = np.zeros(50)
    mixing = RandomMixing(50, 3)
    for _ in range(200):
        for heard in mixing.todays_speakers(rng):
            counts[heard] += 1
    assert counts.min() > 0.8 * counts.mean() and counts.max() < 1.2 * counts.mean()


@pytest.mark.parametrize(
    "spec",
    [
        CompleteGraph(type="complete"),
        ErdosRenyi(type="erdos_renyi", p=0.2),
        WattsStrogatz(type="watts_strogatz", k=4, p=0.2),
        BarabasiAlbert(type="barabasi_albert", m=2),
    ],
)
def test_graphs_are_seeded_and_capped(spec):
    a = build_contacts(spec, 40, seed=3, short_term_capacity=5)
    b = build_contacts(spec, 40, seed=3, short_term_capacity=5)
    c = build_contacts(spec, 40, seed=4, short_term_capacity=5)
    assert a.neighbours == b.neighbours
    if spec.type != "complete":
        assert a.neighbours != c.neighbours
    heard = a.todays_speakers(np.random.default_rng(0))
    for listener, speakers in enumerate(heard):
        assert len(speakers) <= 5
        assert set(speakers) <= set(a.neighbours[listener])


@pytest.mark.parametrize(
    "spec",
    [
        RandomContacts(type="random_contacts", k=3),
        RandomContacts(type="random_contacts", k=30),  # the dense draw
        BarabasiAlbert(type="barabasi_albert", m=3),
    ],
)
def test_speakers_of_named_listeners(spec):
    """A random-sequential day's turns: one row per listener named, drawn afresh for one
    named twice; naming everyone in order is the day's draw."""
    contacts = build_contacts(spec, 60, seed=1, short_term_capacity=4)
    everyone = contacts.speaker_matrix(np.random.default_rng(7))
    named = contacts.speaker_matrix(np.random.default_rng(7), np.arange(60))
    np.testing.assert_array_equal(everyone, named)
    listeners = np.array([5, 5, 5, 5, 0, 59, 5])
    rows = contacts.speaker_matrix(np.random.default_rng(8), listeners)
    assert rows.shape[0] == listeners.size
    allowed = {a: set(range(60)) - {a} for a in range(60)}
    if hasattr(contacts, "neighbours"):
        allowed = {a: set(nb) for a, nb in enumerate(contacts.neighbours)}
    for listener, row in zip(listeners.tolist(), rows.tolist(), strict=True):
        heard = [j for j in row if j >= 0]
        assert len(heard) == len(set(heard)) and set(heard) <= allowed[listener]
    fives = {tuple(r) for r in rows[listeners == 5].tolist()}
    wide = len(allowed[5]) > rows.shape[1]
    assert len(fives) > 1 if wide else len(fives) == 1  # a sample drawn per row


@pytest.mark.parametrize(
    ("degree", "k"), [(5, 2), (4, 3), (40, 1), (12, 6), (11, 10), (65, 4), (90, 10)]
)
def test_a_sample_of_neighbours_is_uniform(degree, k):
    """Every ordered k-tuple of distinct positions equally likely: from a shuffle's first
    steps (up to 64 positions, k = degree - 1 too) and from draws repeated while they repeat
    a position (longer rows)."""
    rows = 60_000
    picked = sample_neighbours(np.random.default_rng(3), np.full(rows, degree), k)
    assert all(len(set(r)) == k for r in picked[:500].tolist())
    assert picked.min() >= 0 and picked.max() < degree
    first = np.bincount(picked[:, 0], minlength=degree) / rows  # each position alike
    np.testing.assert_allclose(first, 1 / degree, atol=4 * np.sqrt(1 / degree / rows))
    if k > 1:
        pairs = np.bincount(picked[:, 0] * degree + picked[:, 1], minlength=degree * degree)
        expected = rows / (degree * (degree - 1))
        off = pairs.reshape(degree, degree)[~np.eye(degree, dtype=bool)]
        assert np.all(np.abs(off - expected) < 5 * np.sqrt(expected)), off


def test_random_contacts_spec():
    mixing = build_contacts(RandomContacts(k=5), 10, 0, 10)
    assert all(len(h) == 5 for h in mixing.todays_speakers(np.random.default_rng(0)))


def test_edge_list(tmp_path):
    path = tmp_path / "e.txt"
    path.write_text("# a comment\n0 1\n1 2  # trailing\n\n2 2\n")
    with pytest.warns(InputWarning, match=r"1 self-loop\(s\) in e.txt ignored .*lines 5\)"):
        contacts = build_contacts(EdgeList(type="edge_list", path=path), 4, 0, 10)
    assert contacts.neighbours == [[1], [0, 2], [1], []]


def test_self_loops_are_one_warning_line_on_the_command_line(tmp_path):
    (tmp_path / "e.txt").write_text("0 1\n1 1\n2 0\n3 3\n")
    path = write_scenario(
        tmp_path,
        {
            "population": {"size": 4, "initial_believers": 1},
            "contacts": {"type": "edge_list", "path": "e.txt"},
        },
    )
    result = run_cli("check", str(path))
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "warning: contacts.path: 2 self-loop(s) in e.txt ignored (an agent does not hear "
        "itself; lines 2, 4)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0 1\n0 9\n", "line 2 of e.txt names agent 9, but the population has agents 0..3"),
        ("0 x\n", "line 1 of e.txt is not two agent indices"),
        ("0 1 2\n", "is not two agent indices"),
        ("-1 2\n", "names agent -1"),
    ],
)
def test_bad_edge_lists(tmp_path, text, expected):
    path = tmp_path / "e.txt"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=re.escape(expected)):
        build_contacts(EdgeList(type="edge_list", path=path), 4, 0, 10)


def test_graph_parameters_must_fit_population():
    with pytest.raises(
        ScenarioError, match=r"contacts\.m: 10 must be less than population\.size 5"
    ):
        build_contacts(BarabasiAlbert(type="barabasi_albert", m=10), 5, 0, 10)
