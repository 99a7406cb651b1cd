"""A hash of the files of each of 139 runs, to show that a change leaves the outputs
byte-identical: run it in two trees (the tree is the folder this script is in, or
``--tree``) and ``diff`` what they print.

The runs: every array rule (the thirteen classic ones and the surrogate) on random mixing,
two Barabasi-Albert graphs (one heard in full, one sampled) and an Erdos-Renyi graph, with
and without every built-in intervention (sequential days too for the surrogate, SIR and the
voter model; 1,500 agents, 8 days, a sampled agent table), then the baseline, hybrid and
suspend-spreaders scenarios. Each line: the run's name and the first 16 hex digits of the
sha256 of every table it writes (daily.csv, agents.csv, engagement.csv, interventions.csv
and any other .csv or .gz). About half a minute here. The interventions are the tests'
(``tests.simulator.test_array_model.EVERY_INTERVENTION``), so it needs the test extras.

    python bench/output_hashes.py [--tree OTHER_CHECKOUT] > hashes.txt
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

CONTACTS = [
    {"type": "random_contacts", "k": 3},
    {"type": "barabasi_albert", "m": 3},
    {"type": "barabasi_albert", "m": 2, "posts_per_day": 3},
    {"type": "erdos_renyi", "p": 0.004},
]
BOTH_ORDERS = ("surrogate", "sir", "voter")
SCENARIOS = (
    "scenarios/baseline.yaml",
    "scenarios/hybrid.yaml",
    "scenarios/interventions/suspend_spreaders.yaml",
)


def runs(tree: Path, rules: list[str]) -> list[tuple[str, dict]]:
    """(name, scenario document) of every run."""
    import yaml

    from tests.simulator.test_array_model import EVERY_INTERVENTION

    out = []
    for rule in rules:
        for c, contacts in enumerate(CONTACTS):
            for interventions in ([], EVERY_INTERVENTION):
                for update in ("synchronous", "sequential")[: 2 if rule in BOTH_ORDERS else 1]:
                    document = {
                        "name": "hashes",
                        "seed": 3,
                        "days": 8,
                        "population": {"size": 1500, "initial_believers": 40},
                        "contacts": contacts,
                        "agents": {"rule": rule, "update": update},
                        "interventions": interventions,
                        "outputs": {"agents_table": "sample", "agents_sample": 200},
                    }
                    out.append((f"{rule}-{c}-{len(interventions)}-{update}", document))
    for path in SCENARIOS:
        out.append((path, yaml.safe_load((tree / path).read_text())))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    tree = args.tree.resolve()
    sys.path.insert(0, str(tree))
    from agents.rules.registry import CLASSIC
    from simulator.config import Scenario
    from simulator.runner import run_scenario

    with tempfile.TemporaryDirectory() as scratch:
        for name, document in runs(tree, [*sorted(CLASSIC), "surrogate"]):
            folder = Path(scratch) / name.replace("/", "_")
            outputs = {**document.get("outputs", {}), "dir": scratch}
            document = {**document, "outputs": {**outputs, "plots": False, "report": False}}
            run_scenario(Scenario.model_validate(document), folder, progress=False)
            digest = hashlib.sha256()
            for file in sorted(folder.iterdir()):
                if file.suffix in (".csv", ".gz"):
                    digest.update(file.name.encode())
                    digest.update(file.read_bytes())
            print(name, digest.hexdigest()[:16], flush=True)


if __name__ == "__main__":
    main()
