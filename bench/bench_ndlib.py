"""Our classic rules against NDlib 6.0.1: outcome distributions and time per sweep.

Part 1 (``--runs``, default 200): for every case of bench/ndlib_compare.py, the outcome of
each run on both engines, from the same graph, parameters and initial state, and a
two-sample Kolmogorov-Smirnov test of the two distributions (agreement: p > 0.01).

Part 2 (``--speed-nodes``, default 10,000): seconds per sweep (one of our days; n NDlib
iterations for the one-node-at-a-time models, one for the others) on a graph of that size,
measured over the first ``--sweeps`` sweeps of each engine in the same invocation (0: over
each case's whole run, its ``days``: a contagion's later sweeps have more recovered nodes,
which NDlib's loop visits and ours does not ask), and their ratio.

    python bench/bench_ndlib.py [--runs 200] [--nodes 300] [--cases sir voter ...]
                                [--speed-nodes 10000] [--sweeps 3] [--skip-speed]
                                [--skip-distributions] [--reference]

Part 3 (``--reference``): the majority rule written plainly in three update orders, to tell
a difference of definition from one of implementation.

Needs the ``compare`` extra (``pip install -e '.[compare]'``, part of ``make setup-test``).
Record the figures in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.ndlib_compare import CASES, compare, ndlib_model, ours  # noqa: E402


def distributions(args: argparse.Namespace) -> None:
    print(f"outcomes over {args.runs} runs, {args.nodes} nodes (mean ± sd; KS two-sample)")
    print(f"{'case':<22}{'outcome':<15}{'ours':>16}{'NDlib':>16}{'KS D':>8}{'p':>9}  agree")
    for name in args.cases:
        started = time.perf_counter()
        case = CASES[name]
        c = compare(case, min(args.nodes, case.max_nodes or args.nodes), args.runs)
        d, p = c.ks()
        nodes = f" ({c.n} nodes)" if c.n != args.nodes else ""
        print(f"{name + nodes:<22}{c.case.outcome:<15}"
              f"{np.mean(c.ours):>9.3f} ± {np.std(c.ours):.3f}"
              f"{np.mean(c.theirs):>9.3f} ± {np.std(c.theirs):.3f}"
              f"{d:>8.3f}{p:>9.3g}  {'yes' if p > 0.01 else 'NO'}"
              f"   ({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip


def speed(args: argparse.Namespace) -> None:
    import tempfile

    from bench.ndlib_compare import write_edges

    n = args.speed_nodes
    timed = f"{args.sweeps} sweeps each" if args.sweeps else "each case's whole run"
    print(f"\nseconds per sweep at {n:,} nodes ({timed}, same invocation)")
    print(f"{'case':<22}{'ours':>12}{'NDlib':>12}{'NDlib / ours':>14}")
    for name in args.cases:
        case = CASES[name]
        graph = case.graph(n)
        sweeps = args.sweeps or case.days  # the first sweeps, or the whole run's average
        quick = dataclasses.replace(case, days=sweeps)
        with tempfile.TemporaryDirectory() as folder:
            edges = write_edges(graph, Path(folder))
            _, initial, our_seconds = ours(quick, n, 0, edges)
        model = ndlib_model(case, graph, initial, seed=0)
        model.iteration(node_status=False)  # the first reports the start
        total = sweeps * case.iterations_per_day(n)
        start, done = time.perf_counter(), 0
        # NDlib's HK iteration costs n node updates (n^2 a sweep, hours at 10k): past a
        # minute, the iterations' time is carried on at the rate measured (each costs alike)
        while done < total and time.perf_counter() - start < 60.0:
            model.iteration(node_status=False)
            done += 1
        their_seconds = (time.perf_counter() - start) * total / done
        note = "" if done == total else f"   (NDlib: {done} of {total} iterations, scaled)"
        a, b = our_seconds / sweeps, their_seconds / sweeps
        print(f"{name:<22}{a:>12.4f}{b:>12.4f}{b / a:>14.1f}{note}", flush=True)


def majority_reference(args: argparse.Namespace) -> None:
    """The majority rule of three (an agent and two random others) written plainly, from the
    majority case's start, in the three orders a sweep can have: a random permutation (our
    sequential day), n picks with replacement, and NDlib's n / 3 triples that all take their
    majority. Says which of the two engines' definitions each figure is."""
    case = CASES["majority"]
    n, days, runs = args.nodes, case.days, args.runs
    start = round(case.initial_believers * n)
    rng = np.random.default_rng(1)

    def sweep_of_agents(order, s):
        for a in order:
            others = rng.choice(n - 1, 2, replace=False)
            others += others >= a
            s[a] = int(s[a] + s[others].sum() >= 2)

    def run(kind: str) -> float:
        s = np.zeros(n, dtype=np.int64)
        s[rng.choice(n, start, replace=False)] = 1
        for _ in range(days):
            if kind == "triples":
                for _ in range(n // 3):
                    group = rng.integers(0, n, 3)
                    s[group] = int(s[group].sum() >= 2)
            else:
                sweep_of_agents(rng.permutation(n) if kind == "permutation" else
                                rng.integers(0, n, n), s)  # fmt: skip
        return float(s.mean())

    print(f"\nmajority of three, plain reference ({runs} runs, {n} nodes, {days} sweeps "
          f"from {start} believers): mean share of believers")  # fmt: skip
    for kind in ("permutation", "with replacement", "triples"):
        print(f"{kind:>18}: {np.mean([run(kind) for _ in range(runs)]):.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--nodes", type=int, default=300)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--speed-nodes", type=int, default=10_000)
    parser.add_argument(
        "--sweeps",
        type=int,
        default=3,
        help="sweeps timed from the start (0: each case's whole run, its days)",
    )
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-distributions", action="store_true")
    parser.add_argument(
        "--reference",
        action="store_true",
        help="also the plain majority-rule reference in three update orders",
    )
    args = parser.parse_args()
    if not args.skip_distributions:
        distributions(args)
    if args.reference:
        majority_reference(args)
    if not args.skip_speed:
        speed(args)


if __name__ == "__main__":
    main()
