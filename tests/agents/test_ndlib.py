"""The classic rules side by side with NDlib 6.0.1 (small: few runs, small graphs, fixed
seeds; bench/bench_ndlib.py runs 200): the same graph, parameters and initial state give
the same distribution of outcomes (two-sample Kolmogorov-Smirnov, p > 0.01)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ndlib", reason="NDlib is the compare extra (make setup-test installs it)")

from bench.ndlib_compare import CASES, compare


def test_the_threshold_model_is_ndlibs_run_for_run():
    """Deterministic once the thresholds are drawn: given ours, NDlib ends in the same state."""
    c = compare(CASES["linear_threshold"], 200, 10)
    assert c.ours == c.theirs
    assert len(set(c.ours)) > 3  # the runs differ: the thresholds and seeds matter


@pytest.mark.parametrize(
    ("name", "nodes", "runs"),
    [
        ("sir", 200, 30),
        ("sis", 200, 30),
        ("independent_cascade", 200, 30),
        ("voter", 200, 30),
        ("q_voter", 200, 30),
        ("majority", 200, 30),
        ("hegselmann_krause", 60, 12),  # NDlib's HK iteration costs n node updates
    ],
)
def test_outcomes_are_distributed_as_ndlibs(name, nodes, runs):
    c = compare(CASES[name], nodes, runs)
    _, p = c.ks()
    assert p > 0.01, (name, np.mean(c.ours), np.mean(c.theirs))
    # and not trivially: the outcome varies from run to run on both engines
    assert np.std(c.ours) > 0 and np.std(c.theirs) > 0
    spread = 3 * np.std(c.theirs) / np.sqrt(runs)
    assert abs(np.mean(c.ours) - np.mean(c.theirs)) < spread + 0.02 * max(1, np.mean(c.theirs))
