"""The classic rules against what theory says they do (docs/RULES.md), run through the engine
with fixed seeds, and the plumbing every rule shares: scenarios, interventions, resume."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from agents.rules.base import Exposures
from agents.rules.classic import pick_items, transmission
from agents.rules.continuous import opinion_clusters
from agents.rules.daley_kendall import in_order_of, meeting_rounds, meeting_slots
from agents.rules.registry import CLASSIC
from simulator.array_model import ArrayModel
from simulator.config import Scenario, load_scenario
from simulator.runner import run_scenario
from simulator.world import array_rule, build_world
from simulator.yaml_reader import read_yaml
from tests.simulator.test_array_model import EVERY_INTERVENTION

CLASSIC_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "classic"
LEAN = {
    "engagement": {"enabled": False},
    "early_warning": {"enabled": False},
}


def lean_run(tmp_path: Path, document: dict, seed: int | None = None) -> pd.DataFrame:
    """daily.csv of ``document`` run with only the tables (no engagement, plots, report)."""
    doc = {**document, **LEAN}
    if seed is not None:
        doc["seed"] = seed
    doc["outputs"] = {"plots": False, "report": False, "agents_table": "none"}
    folder = tmp_path / f"run-{doc.get('seed', 0)}"
    run_scenario(Scenario.model_validate(doc), folder, progress=False)
    return pd.read_csv(folder / "daily.csv")


def model_of(document: dict) -> ArrayModel:
    """The engine's model of ``document``, to step by hand."""
    scenario = Scenario.model_validate({**document, **LEAN})
    personas, contacts = build_world(scenario)
    return ArrayModel(scenario, personas, contacts, array_rule(scenario, personas, contacts))


def classic(name: str) -> dict:
    return read_yaml(CLASSIC_DIR / f"{name}.yaml")


def never_reached(daily: pd.DataFrame) -> float:
    last = daily.iloc[-1]
    return last.susceptible / (last.susceptible + last.infected + last.recovered)


def test_there_is_a_scenario_for_every_classic_rule():
    names = {p.stem for p in CLASSIC_DIR.glob("*.yaml")}
    assert set(CLASSIC) <= names
    for name in CLASSIC:
        assert load_scenario(CLASSIC_DIR / f"{name}.yaml").agents.rule.type == name


def test_sir_with_homogeneous_mixing_reaches_the_final_size_of_theory(tmp_path):
    """N = 100k, R0 = 2: the final size solves z = 1 - exp(-2 z), z = 0.7968."""
    daily = lean_run(tmp_path, classic("sir"))
    assert daily.infected.iloc[-1] == 0  # the epidemic is over
    final_size = 1 - never_reached(daily)
    assert final_size == pytest.approx(0.7968, rel=0.01)


@pytest.mark.parametrize(("rule", "seeds"), [("daley_kendall", (0,)), ("maki_thompson", (0, 1))])
def test_rumour_models_leave_the_share_of_theory_never_hearing(tmp_path, rule, seeds):
    """N = 100k: the share never hearing the rumour tends to 0.2032 (the root of
    x = exp(-2 (1 - x))), within 1% (the mean of the seeds; Daley-Kendall's scenario has 30
    contacts a day and runs 160 days: one seed)."""
    shares = []
    for seed in seeds:
        daily = lean_run(tmp_path, classic(rule), seed)
        assert daily.infected.iloc[-1] == 0  # no spreader is left
        shares.append(never_reached(daily))
    assert np.mean(shares) == pytest.approx(0.2032, rel=0.01)


def test_degroot_converges_to_the_left_eigenvector_average():
    """On a connected graph with self-weights (aperiodic), x(t) -> pi^T x0, pi the left unit
    eigenvector of W = (I + A) / (degree + 1)."""
    document = {
        "seed": 3,
        "days": 120,
        "population": {"size": 200, "initial_believers": 0},
        "contacts": {"type": "erdos_renyi", "p": 0.05, "posts_per_day": 100},
        "agents": {"rule": "degroot", "memory": {"short_term_capacity": 100}},
    }
    model = model_of(document)
    graph = model.contacts.graph
    assert nx.is_connected(graph)
    assert max(d for _, d in graph.degree) <= 100  # every neighbour is heard every day
    a = nx.to_numpy_array(graph, nodelist=range(200)) + np.eye(200)
    w = a / a.sum(axis=1, keepdims=True)
    values, vectors = np.linalg.eig(w.T)
    pi = np.real(vectors[:, np.argmax(np.real(values))])
    pi /= pi.sum()
    x0 = model.rule.opinion.copy()
    for _ in range(document["days"]):
        model.step()
    assert np.abs(model.rule.opinion - pi @ x0).max() < 1e-6
    assert np.abs(model.rule.opinion - x0.mean()).max() > 1e-3  # not merely the plain mean


@pytest.mark.parametrize(("epsilon", "clusters"), [(0.1, 5), (0.2, 2), (0.3, 1), (0.4, 1)])
def test_deffuant_freezes_into_one_cluster_per_two_epsilon(epsilon, clusters):
    """Uniform initial opinions, every agent meeting a random other each day (the complete
    graph's pairs, drawn as random contacts with k = 1): floor(1 / (2 epsilon)) large
    clusters, consensus from epsilon = 0.3."""
    document = {
        "seed": 1,
        "days": 1,
        "population": {"size": 2000, "initial_believers": 0},
        "contacts": {"type": "random_contacts", "k": 1},
        "agents": {"rule": {"type": "deffuant", "epsilon": epsilon, "mu": 0.5}},
    }
    model = model_of(document)
    for _ in range(300):
        model.step()
    assert opinion_clusters(model.rule.opinion, gap=0.02, min_share=0.02) == clusters


def test_voter_model_reaches_consensus_on_believing_as_often_as_the_initial_share():
    """Complete graph of 20 agents, 6 believing: P(consensus on 1) = 0.3, checked against
    the 95% interval of 200 replicates."""
    runs, ones = 200, 0
    for seed in range(runs):
        model = model_of(
            {
                "seed": seed,
                "days": 1,
                "population": {"size": 20, "initial_believers": 6},
                "contacts": {"type": "complete", "posts_per_day": 1},
                "agents": {"rule": "voter"},
            }
        )
        belief = model.population.belief
        while 0 < belief.sum() < belief.size:
            model.step()
            belief = model.population.belief
        ones += int(belief.sum() == belief.size)
    share = ones / runs
    half_width = 1.96 * np.sqrt(0.3 * 0.7 / runs)
    assert abs(share - 0.3) <= half_width, share


@pytest.mark.parametrize("few", [0, 2000])
def test_meeting_rounds_give_the_one_at_a_time_result(monkeypatch, few):
    """Rounds in which no agent meets twice, run in turn, change states as running the
    meetings one by one does (here: Maki-Thompson's transitions), whether the rounds are
    found in vectorised passes (``few`` 0) or the last meetings one at a time."""
    from agents.rules import daley_kendall

    monkeypatch.setattr(daley_kendall, "_FEW_MEETINGS", few)
    rng = np.random.default_rng(0)
    for _ in range(200):
        n, m = int(rng.integers(2, 30)), int(rng.integers(1, 60))
        first = rng.integers(0, n, m)
        second = (first + rng.integers(1, n, m)) % n
        start = rng.integers(0, 3, n)
        one_by_one = start.copy()
        for a, b in zip(first.tolist(), second.tolist(), strict=True):
            if one_by_one[a] == 1:
                if one_by_one[b] == 0:
                    one_by_one[b] = 1
                else:
                    one_by_one[a] = 2
        rounds = start.copy()
        for r in meeting_rounds(first, second):
            agents = np.concatenate([first[r], second[r]])
            assert np.unique(agents).size == agents.size
            a, b = first[r], second[r]
            telling, knows = rounds[a] == 1, rounds[b] != 0
            rounds[a[telling & knows]] = 2
            rounds[b[telling & ~knows]] = 1
        assert (rounds == one_by_one).all()


def test_meetings_from_gaps_are_independent_posts_met_with_probability_p():
    """The gaps between a row's meetings make each post heard a meeting with probability p,
    independently: every slot alike, a row's number of meetings binomial (mean and variance),
    and a pair of slots met together as often as independence says."""
    from agents.rules.daley_kendall import DaleyKendall

    rows, width, p = 60_000, 10, 0.3
    rule = DaleyKendall.__new__(DaleyKendall)
    rule.seed, rule._turn = 7, None
    count = np.random.default_rng(1).integers(0, width + 1, rows)
    row, slot = meeting_slots(rule, np.arange(rows), 3, count, p, 100)
    assert (slot < count[row]).all() and (slot >= 0).all()
    assert np.unique(row * width + slot).size == row.size  # each slot once
    met = np.zeros((rows, width), dtype=bool)
    met[row, slot] = True
    full = count == width
    share = met[full].mean(axis=0)
    assert np.all(np.abs(share - p) < 4 * np.sqrt(p * (1 - p) / full.sum())), share
    per_row = met[full].sum(axis=1)
    assert per_row.mean() == pytest.approx(width * p, rel=0.02)
    assert per_row.var() == pytest.approx(width * p * (1 - p), rel=0.05)
    both = (met[full][:, 2] & met[full][:, 7]).mean()
    assert both == pytest.approx(p * p, abs=4 * np.sqrt(p * p / full.sum()))
    always, _ = meeting_slots(rule, np.arange(5), 3, np.full(5, 4), 1.0, 100)
    assert always.size == 20  # p = 1: every post is a meeting


def test_meetings_in_order_of_their_draws():
    """Positions in increasing order of their uniforms, ties by position."""
    when = np.random.default_rng(2).random(10_000)
    assert np.array_equal(in_order_of(when), np.argsort(when, kind="stable"))
    assert in_order_of(np.array([0.3, 0.1, 0.3])).tolist() == [1, 0, 2]
    assert in_order_of(np.zeros(0)).size == 0


def small(name: str, **changes) -> dict:
    """The rule's scenario, made small: 300 agents, 12 days."""
    doc = classic(name)
    doc["population"] = {**doc["population"], "size": 300}
    doc["population"]["initial_believers"] = min(doc["population"]["initial_believers"], 60)
    if doc["contacts"]["type"] == "complete":
        doc["contacts"] = {"type": "random_contacts", "k": doc["contacts"]["posts_per_day"]}
    return {**doc, "days": 12, **changes}


@pytest.mark.parametrize("name", sorted(CLASSIC))
def test_every_rule_runs_with_every_intervention_and_repeats_itself(tmp_path, name):
    document = small(name, interventions=EVERY_INTERVENTION)
    first = lean_run(tmp_path / "a", document)
    again = lean_run(tmp_path / "b", document)
    pd.testing.assert_frame_equal(first, again)
    counts = first[["susceptible", "infected", "recovered"]].sum(axis=1)
    assert (counts == 300).all()
    if "opinion_mean" in first:
        assert first.opinion_variance.ge(0).all() and first.opinion_clusters.ge(0).all()


SETTLING = ["sir", "sis", "independent_cascade", "linear_threshold"]


@pytest.mark.parametrize("name", SETTLING)
@pytest.mark.parametrize("contacts", [{"type": "random_contacts", "k": 3},
                                      {"type": "barabasi_albert", "m": 2}])  # fmt: skip
def test_skipping_settled_agents_changes_nothing(monkeypatch, name, contacts):
    """A synchronous day asks the rule only about agents that a believing post, a correction
    or a nudge can move (``DecisionRule.settled``): the states, beliefs, confidences and
    posts of every agent, each day, are those of a day that asks everyone, with every
    intervention acting."""
    document = {**small(name, interventions=EVERY_INTERVENTION), "contacts": contacts}
    asked = []

    def days(skip: bool) -> list[tuple[np.ndarray, ...]]:
        model = model_of(document)
        rule = model.rule
        if not skip:
            monkeypatch.setattr(rule, "settled", lambda day, population: None)
        decide = rule.decide
        monkeypatch.setattr(
            rule, "decide", lambda d, agents, *a: asked.append(agents.size) or decide(d, agents, *a)
        )
        pop, out = model.population, []
        for _ in range(document["days"]):
            model.step()
            out.append(tuple(c.copy() for c in (pop.state, pop.belief, pop.confidence,
                                                 pop.post_stance, pop.post_weight)))  # fmt: skip
        return out

    skipped = days(skip=True)
    fewer = list(asked)
    asked.clear()
    for today, everyone in zip(skipped, days(skip=False), strict=True):
        for column, expected in zip(today, everyone, strict=True):
            np.testing.assert_array_equal(column, expected)
    assert asked == [300] * document["days"]  # without the shortcut, everyone decides daily
    assert sum(fewer) < sum(asked)  # with it, fewer did (the shortcut is taken)


def test_settled_agents_are_heard_out_on_a_graph_heard_in_part():
    """A graph whose hubs hear a sample of their neighbours draws the sample daily: how many
    believers each agent hears is read off the day's matrix for them, and counted from the
    believers' edges for the others, as the rows would count them."""
    document = {
        **small("sir"),
        "contacts": {"type": "barabasi_albert", "m": 3, "posts_per_day": 2},
    }
    model = model_of(document)
    speakers = model.contacts.speaker_matrix(model.rng)
    loud = np.random.default_rng(3).random(model.population.n) < 0.3
    expected = np.array([loud[row[row >= 0]].sum() for row in speakers])
    assert expected.max() > 1  # some hear more than one
    np.testing.assert_array_equal(model.contacts.loud_heard(speakers, loud), expected)
    full = model_of({**document, "contacts": {"type": "barabasi_albert", "m": 3}}).contacts
    matrix = full.speaker_matrix(model.rng)
    expected = np.array([loud[row[row >= 0]].sum() for row in matrix])
    np.testing.assert_array_equal(full.loud_heard(matrix, loud), expected)


@pytest.mark.parametrize("name", ["sir", "daley_kendall", "voter", "deffuant"])
def test_an_official_debunk_holds_the_story_back(tmp_path, name):
    document = small(name, days=20)
    debunk = [{"type": "official_debunk", "start_day": 1, "every": 1, "reach": 0.3}]
    without = lean_run(tmp_path / "without", document)
    with_debunk = lean_run(tmp_path / "with", {**document, "interventions": debunk})
    assert with_debunk.infected.sum() < without.infected.sum()


# --- hybrid populations ------------------------------------------------------------------------
def test_one_group_of_everyone_is_the_plain_rule(tmp_path):
    """The hybrid machinery is transparent: one group holding every agent gives the plain
    rule's tally, in both update orders."""
    for update in ("synchronous", "sequential"):
        document = small("sir", days=15)
        document["agents"] = {**document["agents"], "update": update}
        plain = lean_run(tmp_path / f"plain-{update}", document)
        grouped = {**document, "agents": {**document["agents"]}}
        grouped["agents"]["groups"] = [
            {"name": "all", "rule": document["agents"]["rule"], "share": 1.0}
        ]
        hybrid = lean_run(tmp_path / f"grouped-{update}", grouped)
        pd.testing.assert_frame_equal(plain, hybrid.drop(columns=["all.believers"]))
        assert (hybrid["all.believers"] == hybrid.infected).all()


def test_a_surrogate_group_and_a_classic_rule_share_one_population(tmp_path):
    """scenarios/hybrid.yaml: the 500 best-connected agents by the surrogate, the rest by the
    q-voter rule, on one network; each group's believers are counted, and both move."""
    document = read_yaml(CLASSIC_DIR.parent / "hybrid.yaml")
    daily = lean_run(tmp_path, document)
    assert (daily["hubs.believers"] + daily["rest.believers"] == daily.infected).all()
    for column in ("hubs.believers", "rest.believers"):
        assert daily[column].nunique() > 3, column
    scenario = Scenario.model_validate(document)
    _, contacts = build_world(scenario)
    from simulator.world import group_members

    hubs = group_members(scenario, contacts)["hubs"]
    degree = contacts.degrees()
    assert hubs.size == 500
    assert degree[hubs].min() >= np.delete(degree, hubs).max()


def test_groups_hear_each_other(tmp_path):
    """Deffuant agents alone draw together (their opinions' variance falls); beside a
    surrogate group and a few SIR agents, whose posts are opinions of 0 or 1, those near
    either end are drawn out to it and the variance rises. Each group has its columns."""
    document = small("deffuant", days=8)
    alone = lean_run(tmp_path / "alone", document)
    document["agents"]["groups"] = [
        {"name": "core", "rule": "surrogate", "share": 0.2},
        {"name": "seeds", "rule": "sir", "select": "listed", "agents": [0, 1, 2]},
    ]
    mixed = lean_run(tmp_path / "mixed", document)
    for column in ("core.believers", "seeds.believers", "rest.believers", "rest.opinion_mean"):
        assert column in mixed
    assert alone.opinion_variance.iloc[-1] < alone.opinion_variance.iloc[0]
    assert mixed["rest.opinion_variance"].iloc[-1] > mixed["rest.opinion_variance"].iloc[0]


def exposures(count: np.ndarray, importance: np.ndarray) -> Exposures:
    """Exposures padded past ``count`` as the engine pads them."""
    heard = np.arange(importance.shape[1])[None, :] < count[:, None]
    weight = np.where(heard, importance, 0.0)
    stance = np.where(heard, 1.0, 0.0)
    speaker = np.where(heard, 7, -1)
    return Exposures(stance, weight, count, np.zeros(count.size, bool), speaker)


def test_picking_a_plain_item_is_the_weighted_pick_and_draws_pick_column_by_column():
    """With every item plain, the slot floor(u x count) is the one the cumulative weights
    pick; labelled items are picked by weight; many draws at once pick as one at a time."""
    rng = np.random.default_rng(5)
    count = rng.integers(0, 11, size=2000)
    plain = exposures(count, np.ones((2000, 10)))
    u = rng.random((2000, 4))
    u[:5] = 1 - 2.0**-53  # the largest uniform the keyed draws give
    for c in range(4):
        total = np.cumsum(plain.importance, axis=1)
        expected = (total <= (u[:, c] * total[:, -1])[:, None]).sum(axis=1)
        expected = np.where(total[:, -1] > 0, expected, -1)
        np.testing.assert_array_equal(pick_items(plain, u[:, c]), expected)
    np.testing.assert_array_equal(pick_items(plain, u), np.stack(
        [pick_items(plain, u[:, c]) for c in range(4)], axis=1))  # fmt: skip
    labelled = exposures(count, rng.choice([1.0, 0.3], size=(2000, 10)))
    slots = pick_items(labelled, u)
    for c in range(4):
        np.testing.assert_array_equal(slots[:, c], pick_items(labelled, u[:, c]))
    picked = slots[slots[:, 0] >= 0, 0]
    rows = np.flatnonzero(slots[:, 0] >= 0)
    assert (labelled.importance[rows, picked] > 0).all() and (picked < count[rows]).all()
    assert (slots[count == 0] == -1).all()


def test_opinion_clusters_are_the_gaps_of_the_sorted_opinions():
    """Counted from buckets, the clusters are those the sorted opinions' gaps give."""
    rng = np.random.default_rng(11)

    def sorted_count(x, gap, share):
        ordered = np.sort(x)
        bounds = np.concatenate([[0], np.flatnonzero(np.diff(ordered) > gap) + 1, [x.size]])
        return int((np.diff(bounds) >= share * x.size).sum())

    for _ in range(200):
        n, k = int(rng.integers(1, 2000)), int(rng.integers(1, 8))
        spread = float(rng.choice([0.001, 0.005, 0.01, 0.03]))
        x = np.clip(rng.choice(rng.random(k), n) + rng.normal(0, spread, n), 0, 1)
        gap, share = float(rng.choice([0.01, 0.02, 0.05])), float(rng.choice([0.01, 0.1]))
        assert opinion_clusters(x, gap, share) == sorted_count(x, gap, share)
    assert opinion_clusters(np.array([0.0, 1e9])) == 2  # far apart: the sorted count


@pytest.mark.parametrize("p", [0.01, 0.1, 0.15, 0.2, 1 / 3, 1.0])
def test_transmission_of_plain_posts_is_the_product_of_their_chances(p):
    """With every post plain and nobody nudged, the chance read off the table of powers is
    the product over the believing posts heard, bit for bit; labelled posts and nudges take
    the product itself."""
    rng = np.random.default_rng(7)
    for width in (3, 10, 17, 30):
        count = rng.integers(0, width + 1, 3000)
        plain = exposures(count, np.ones((3000, width)))
        carries = plain.speaker >= 0
        carries &= rng.random(carries.shape) < 0.6
        expected = 1.0 - np.where(carries, 1.0 - min(1.0, p), 1.0).prod(axis=1)
        got = transmission(plain, lambda c=carries: c, p, np.zeros(3000))
        assert np.array_equal(got, expected)
        plain.loud = carries.sum(axis=1)  # the engine's count: the mask is not built
        got = transmission(plain, lambda: pytest.fail("mask built"), p, np.zeros(3000))
        assert np.array_equal(got, expected)
        plain.loud = None
        nudged = np.where(rng.random(3000) < 0.1, 0.5, 0.0)
        each = min(1.0, p) * (1.0 - nudged)[:, None]
        expected = 1.0 - np.where(carries, 1.0 - each, 1.0).prod(axis=1)
        assert np.array_equal(transmission(plain, lambda c=carries: c, p, nudged), expected)
