"""Calibrate the surrogate's topic profiles against the FPS findings.

Runs every shipped topic scenario over many seeds in memory (no files) and prints the mean
number of believers on chosen days, so the topic ordering FPS reports can be checked:
political spreads fastest, terrorism peaks early, finance rises then falls, natural-disaster
falsehoods are rejected.

    python bench/calibrate_topics.py [--seeds 20] [--set gain=2.0 --set inertia=1.2]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.llm import Accounting
from agents.llm.mock import MockModel
from agents.surrogate import SurrogateParameters
from simulator.config import load_scenario
from simulator.model import OpinionModel
from simulator.world import build_world

ROOT = Path(__file__).resolve().parents[1]
DAYS_SHOWN = (0, 1, 2, 3, 5, 7, 10, 12, 15)


def believer_curve(scenario, params: SurrogateParameters) -> np.ndarray:
    """Believers per day of one run of ``scenario``."""
    personas, contacts = build_world(scenario)
    model = OpinionModel(
        scenario, personas, contacts, Accounting(MockModel(scenario.seed, parameters=params))
    )
    for _ in range(scenario.days):
        model.step()
    model.close()
    return model.daily_table()["infected"].to_numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    params = SurrogateParameters(**{k: float(v) for k, v in (s.split("=") for s in args.set)})
    print("parameters:", dataclasses.asdict(params))
    print(f"{'topic':18s}" + "".join(f"{'d' + str(d):>6s}" for d in DAYS_SHOWN) + "   peak-day")
    for path in sorted((ROOT / "scenarios" / "topics").glob("*.yaml")):
        base = load_scenario(path)
        curves = np.array(
            [believer_curve(base.model_copy(update={"seed": s}), params) for s in range(args.seeds)]
        )
        mean = curves.mean(axis=0)
        print(
            f"{base.news.topic:18s}"
            + "".join(f"{mean[d]:6.1f}" for d in DAYS_SHOWN)
            + f"   {int(np.argmax(mean)):>3d}"
        )


if __name__ == "__main__":
    main()
