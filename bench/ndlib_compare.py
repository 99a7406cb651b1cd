"""Our classic rules side by side with NDlib 6.0.1: the same graph, parameters and initial
state, one outcome per run, many runs of each.

NDlib (Rossetti et al., Int. J. Data Sci. Anal. 2018) is a test and benchmark dependency
only (the ``compare`` extra). For each case, run ``r`` builds our population with seed ``r``
on a graph written once as an edge list (every listener hears all its neighbours:
``posts_per_day`` null and a short-term memory larger than the largest degree), reads the
initial state our engine drew (the initial believers, a continuous rule's opinions, the
threshold rule's thresholds) and gives NDlib exactly that state, seeded with ``r`` too (its
constructor's seed, and Python's ``random``, which one NDlib model draws from). The
outcome of a run is one number (a final size, a share of believers, a number of opinion
clusters); ``tests/agents/test_ndlib.py`` compares few runs on small graphs and
``bench/bench_ndlib.py`` compares 200 with a two-sample Kolmogorov-Smirnov test.

Where NDlib's definitions differ from ours, each case matches them as well as they can be
matched and says how (``Case.note``); docs/RULES.md lists the differences.
"""

from __future__ import annotations

import random
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np

from agents.population import INFECTED, SUSCEPTIBLE
from agents.rules.continuous import opinion_clusters
from simulator.array_model import ArrayModel
from simulator.config import Scenario
from simulator.world import array_rule, build_world


@dataclass(frozen=True)
class Case:
    """One rule against one NDlib model."""

    name: str
    rule: dict  # our agents.rule
    ndlib: str  # module path:class of the NDlib model
    parameters: dict  # NDlib model parameters
    days: int  # our days
    graph: Callable[[int], nx.Graph]  # the graph for n nodes (fixed seed)
    outcome: str  # "ever_infected", "infected", "believers", "clusters"
    iterations_per_day: Callable[[int], int] = lambda n: 1  # NDlib iterations per our day
    update: str = "synchronous"
    initial_believers: float = 0.05  # share
    contacts: dict | None = None  # our contacts when not the graph (NDlib's is mean-field)
    max_nodes: int | None = None  # the distributions' graph size at most (NDlib's cost)
    note: str = ""
    options: dict = field(default_factory=dict)


def er_graph(mean_degree: float) -> Callable[[int], nx.Graph]:
    """Erdos-Renyi graphs of the mean degree, each isolated node tied to a random other (a
    voter with no neighbour is an error in NDlib)."""

    def make(n: int) -> nx.Graph:
        graph = nx.gnp_random_graph(n, mean_degree / (n - 1), seed=12345)
        rng = np.random.default_rng(12345)
        for node in [v for v in graph if graph.degree(v) == 0]:
            graph.add_edge(node, int((node + 1 + rng.integers(n - 1)) % n))
        return graph

    return make


CASES = {
    c.name: c
    for c in (
        Case(
            "sir",
            {"type": "sir", "beta": 0.1, "gamma": 0.2},
            "epidemics.SIRModel:SIRModel",
            {"beta": 0.1, "gamma": 0.2},
            80,
            er_graph(6),
            "ever_infected",
            initial_believers=0.02,
            note="the same discrete-time model: each infected neighbour infects with beta, "
            "an infected node recovers with gamma, both on the day's starting states",
        ),
        Case(
            "sis",
            {"type": "sis", "beta": 0.1, "gamma": 0.3},
            "epidemics.SISModel:SISModel",
            {"beta": 0.1, "lambda": 0.3, "tp_rate": 1},
            30,
            er_graph(6),
            "infected",
            initial_believers=0.05,
            note="NDlib's lambda is our gamma; tp_rate 1 gives 1 - (1 - beta)^(infected "
            "neighbours), ours",
        ),
        Case(
            "independent_cascade",
            {"type": "independent_cascade", "p": 0.15},
            "epidemics.IndependentCascadesModel:IndependentCascadesModel",
            {},
            40,
            er_graph(6),
            "ever_infected",
            initial_believers=0.01,
            options={"edge_threshold": 0.15},
            note="NDlib's edge threshold (default 1/degree) set to p on every edge",
        ),
        Case(
            "linear_threshold",
            {"type": "linear_threshold"},
            "epidemics.ThresholdModel:ThresholdModel",
            {},
            40,
            er_graph(6),
            "ever_infected",
            initial_believers=0.05,
            options={"thresholds": True},
            note="NDlib reads each node's threshold from its configuration: given ours, "
            "drawn uniformly from the seed (the model is then deterministic)",
        ),
        Case(
            "voter",
            {"type": "voter"},
            "opinions.VoterModel:VoterModel",
            {},
            10,
            er_graph(6),
            "believers",
            iterations_per_day=lambda n: n,
            update="random_sequential",
            initial_believers=0.4,
            note="NDlib updates one random node per iteration, drawn with replacement: n "
            "iterations for one of our random-sequential days (n turns, drawn alike)",
        ),
        Case(
            "q_voter",
            {"type": "q_voter", "q": 2, "independence": 0.0},
            "opinions.QVoterModel:QVoterModel",
            {"q": 2},
            10,
            er_graph(6),
            "believers",
            iterations_per_day=lambda n: n,
            update="random_sequential",
            initial_believers=0.4,
            note="NDlib's q-voter has no independence: ours with independence 0; q "
            "neighbours with repetition in both; one random node per iteration, n for one "
            "of our random-sequential days",
        ),
        Case(
            "majority",
            {"type": "majority"},
            "opinions.MajorityRuleModel:MajorityRuleModel",
            {"q": 3},
            4,
            nx.empty_graph,  # NDlib's majority rule ignores edges
            "believers",
            iterations_per_day=lambda n: n // 3,
            update="random_sequential",
            initial_believers=0.45,
            contacts={"type": "random_contacts", "k": 2},
            note="NDlib's majority rule is mean-field (q random nodes of the whole graph "
            "all take their majority); ours on random contacts with k = q - 1, one agent "
            "a turn taking the majority of itself and two random others: a group's "
            "minority member flips in both, once per NDlib iteration and with chance 1/3 "
            "per turn of ours, so n / q NDlib iterations make one of our days (n turns)",
        ),
        Case(
            "hegselmann_krause",
            {"type": "hegselmann_krause", "epsilon": 0.2, "self_weight": 0.0},
            "opinions.HKModel:HKModel",
            {"epsilon": 0.2},
            20,
            er_graph(12),
            "clusters",
            iterations_per_day=lambda n: n,
            update="random_sequential",
            max_nodes=100,  # NDlib's iteration costs n node updates: n^2 a day (30 s a run at 300)
            note="NDlib 6.0.1's HK computes n random nodes an iteration but applies only "
            "the last (the assignment is outside its loop): one random node an iteration, "
            "moved to the mean of its neighbours strictly within epsilon, itself left out "
            "(kept when none is): ours with self_weight 0, n iterations a random-"
            "sequential day (a tie at exactly epsilon has probability 0)",
        ),
        Case(
            "deffuant",
            {"type": "deffuant", "epsilon": 0.2, "mu": 0.5},
            "opinions.AlgorithmicBiasModel:AlgorithmicBiasModel",
            {"epsilon": 0.2, "gamma": 0.0},
            60,
            er_graph(12),
            "clusters",
            iterations_per_day=lambda n: 1,
            update="synchronous",
            options={"posts_per_day": 1},
            note="NDlib's algorithmic bias with gamma 0 is Deffuant with mu 1/2 where both "
            "partners move, n meetings per iteration; ours: each agent hears one random "
            "neighbour a day and only the listener moves, so two of our days make about "
            "one NDlib iteration",
        ),
    )
}


def scenario_for(case: Case, n: int, seed: int, edges: Path) -> Scenario:
    """Our scenario for one run of ``case``: on the graph (the ``edges`` file) unless the
    case names contacts of its own."""
    contacts = case.contacts or {"type": "edge_list", "path": str(edges),
                                 "posts_per_day": case.options.get("posts_per_day")}  # fmt: skip
    return Scenario.model_validate(
        {
            "name": f"ndlib-{case.name}",
            "seed": seed,
            "days": case.days,
            "population": {"size": n, "initial_believers": round(case.initial_believers * n)},
            "contacts": contacts,
            "agents": {
                "update": case.update,
                "rule": case.rule,
                "memory": {"short_term_capacity": 200},
            },
            "outputs": {"plots": False, "report": False, "checkpoint": False},
        }
    )


def write_edges(graph: nx.Graph, folder: Path) -> Path:
    path = folder / "graph.edges"
    path.write_text("".join(f"{a} {b}\n" for a, b in graph.edges()))
    return path


def ours(case: Case, n: int, seed: int, edges: Path) -> tuple[float, dict, float]:
    """(outcome, initial state for NDlib, seconds of the days) of one run of ours."""
    scenario = scenario_for(case, n, seed, edges)
    personas, contacts = build_world(scenario)
    model = ArrayModel(scenario, personas, contacts, array_rule(scenario, personas, contacts))
    pop, rule = model.population, model.rule
    initial = {"believers": np.flatnonzero(pop.belief > 0).tolist()}
    if hasattr(rule, "opinion"):
        initial["opinions"] = rule.opinion.copy()
    if case.options.get("thresholds"):
        initial["thresholds"] = rule.threshold.copy()
    start = time.perf_counter()
    for _ in range(case.days):
        model.step()
    seconds = time.perf_counter() - start
    value = outcome(case, rule.opinion if case.outcome == "clusters" else pop.state)
    model.close()
    return value, initial, seconds


def outcome(case: Case, status: np.ndarray) -> float:
    """The outcome of a run from the final status of every node: the S/I/R code, which is
    NDlib's (0 susceptible or doubting, 1 infected or believing, 2 recovered), or for a
    continuous rule the opinion."""
    if case.outcome == "ever_infected":
        return float((status != SUSCEPTIBLE).mean())
    if case.outcome in ("infected", "believers"):
        return float((status == INFECTED).mean())
    return float(opinion_clusters(status))


def ndlib_model(case: Case, graph: nx.Graph, initial: dict, seed: int):
    """NDlib's model of ``case`` on ``graph``, in the state ours started from, its draws
    seeded with ``seed``. NDlib draws from numpy's global generator, which its constructor
    seeds (from the OS without a seed): a seed set before the constructor does not hold."""
    import importlib

    import ndlib.models.ModelConfig as mc

    module, cls = case.ndlib.split(":")
    model = getattr(importlib.import_module(f"ndlib.models.{module}"), cls)(graph)
    np.random.seed(seed)  # after the constructor, which reseeds numpy (HK's takes no seed)
    random.seed(seed)  # the algorithmic bias model picks its first node with random.choice
    config = mc.Configuration()
    for key, value in case.parameters.items():
        config.add_model_parameter(key, value)
    if "opinions" not in initial:
        config.add_model_initial_configuration("Infected", initial["believers"])
    if "edge_threshold" in case.options:
        for a, b in graph.edges():
            config.add_edge_configuration("threshold", (a, b), case.options["edge_threshold"])
    if "thresholds" in initial:
        for node, theta in enumerate(initial["thresholds"].tolist()):
            config.add_node_configuration("threshold", node, theta)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_initial_status(config)
    if "opinions" in initial:
        for node, x in enumerate(initial["opinions"].tolist()):
            model.status[node] = x
        model.initial_status = model.status.copy()
        if getattr(model, "sts", None) is not None:  # the algorithmic bias model's array
            model.sts = np.array([model.status[i] for i in model.ids], dtype=object)
    return model


def theirs(case: Case, graph: nx.Graph, n: int, seed: int, initial: dict) -> tuple[float, float]:
    """(outcome, seconds of the iterations) of one NDlib run from ``initial``."""
    model = ndlib_model(case, graph, initial, seed)
    iterations = case.days * case.iterations_per_day(n)
    start = time.perf_counter()
    for _ in range(iterations + 1):  # NDlib's first iteration only reports the start
        model.iteration(node_status=False)
    seconds = time.perf_counter() - start
    return outcome(case, np.array([model.status[i] for i in range(n)], dtype=float)), seconds


@dataclass
class Comparison:
    """Outcomes and day-loop times of both engines over the same runs."""

    case: Case
    n: int
    ours: list[float] = field(default_factory=list)
    theirs: list[float] = field(default_factory=list)
    our_seconds: float = 0.0
    their_seconds: float = 0.0

    def ks(self):
        from scipy.stats import ks_2samp

        if len(set(self.ours) | set(self.theirs)) == 1:  # both all the same value
            return 0.0, 1.0
        result = ks_2samp(self.ours, self.theirs)
        return float(result.statistic), float(result.pvalue)


def compare(case: Case, n: int, runs: int, first_seed: int = 0) -> Comparison:
    """Run ``case`` ``runs`` times on both engines."""
    graph = case.graph(n)
    out = Comparison(case, n)
    with tempfile.TemporaryDirectory() as folder:
        edges = write_edges(graph, Path(folder))
        for seed in range(first_seed, first_seed + runs):
            value, initial, seconds = ours(case, n, seed, edges)
            out.ours.append(value)
            out.our_seconds += seconds
            value, seconds = theirs(case, graph, n, seed, initial)
            out.theirs.append(value)
            out.their_seconds += seconds
    return out
