"""How many evaluations the search needs: hypervolume of the front against trials spent.

    python bench/bench_search.py [--spec scenarios/search_debunk.yaml] [--factor 10]

Runs the spec's search with ``factor`` times its ``trials`` (the front re-run and the compare
arms skipped: only the search stage is measured). Trials depend only on the spec seed and
their number (simulator/search.py), so the first ``trials`` of this long search are exactly
the spec's own search: one run gives the whole curve. Prints, after every generation, the
hypervolume of the feasible front found so far (both objectives minimised; reference point:
the largest spread of any candidate and the budget, or the largest cost seen), and the number of
evaluations after which it is within 5% of the hypervolume found with the whole budget.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.executors import ExecutorSettings  # noqa: E402


def hypervolume(points: np.ndarray, reference: tuple[float, float]) -> float:
    """The area dominated by ``points`` (both objectives minimised) up to ``reference``.
    Two objectives only: sort by the first and add up the rectangles (a few lines, where a
    general hypervolume library would be a dependency for one benchmark)."""
    rx, ry = reference
    inside = points[(points[:, 0] < rx) & (points[:, 1] < ry)]
    if not len(inside):
        return 0.0
    inside = inside[np.lexsort((inside[:, 1], inside[:, 0]))]  # by cost, then spread
    staircase: list[tuple[float, float]] = []  # the non-dominated points, cost ascending
    for x, y in inside:
        if not staircase or y < staircase[-1][1]:
            staircase.append((x, y))
    area = 0.0
    for i, (x, y) in enumerate(staircase):
        right = staircase[i + 1][0] if i + 1 < len(staircase) else rx
        area += (right - x) * (ry - y)
    return float(area)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "scenarios" / "search_debunk.yaml")
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from simulator import search

    document = yaml.safe_load(args.spec.read_text())
    budget = int(document.get("trials", 48))
    generation = int(document.get("generation", 12))
    document.update(trials=budget * args.factor, front_size=1, final_replicates=2)
    document.pop("compare", None)
    document["base"] = str((args.spec.parent / document["base"]).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        spec_path = Path(tmp) / "long.yaml"
        spec_path.write_text(yaml.safe_dump(document))
        result = search.run_search(
            spec_path, ExecutorSettings("local", args.workers), True, Path(tmp) / "out"
        )
        trials = result.trials
    none = trials["spread"].max()
    cost_cap = document.get("budget") or trials["governance_cost"].max()
    reference = (float(cost_cap), float(none))
    ok = trials["feasible"].astype(bool).to_numpy()
    points = trials[["governance_cost", "spread"]].to_numpy()
    final = hypervolume(points[ok], reference)
    print(f"reference point (cost, spread) = {reference}; {len(trials)} trials")
    reached = None
    for n in range(generation, len(trials) + 1, generation):
        hv = hypervolume(points[:n][ok[:n]], reference)
        mark = ""
        if reached is None and hv >= 0.95 * final:
            reached, mark = n, "  <- within 5% of the final hypervolume"
        print(f"  {n:>5} evaluations: hypervolume {hv:.3f} ({hv / final:.1%}){mark}")
    at_budget = hypervolume(points[:budget][ok[:budget]], reference)
    print(
        f"the spec's own budget ({budget} evaluations) reaches {at_budget / final:.1%} of the "
        f"hypervolume of {len(trials)}; within 5% after {reached} evaluations"
    )


if __name__ == "__main__":
    main()
