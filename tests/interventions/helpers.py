"""Building small models with interventions for the tests."""

from __future__ import annotations

from pathlib import Path

from simulator.config import parse_scenario
from simulator.intervening import InterventionLog
from simulator.model import OpinionModel
from simulator.runner import engagement_log
from simulator.world import build_interventions, build_world, surrogate_backend


def scenario(interventions: list[dict], **changes):
    doc = {
        "name": "iv",
        "seed": changes.pop("seed", 3),
        "days": changes.pop("days", 6),
        "population": {
            "size": changes.pop("size", 20),
            "initial_believers": changes.pop("initial_believers", 4),
        },
        "contacts": changes.pop("contacts", {"type": "random_contacts", "k": 3}),
        "interventions": interventions,
        **changes,
    }
    return parse_scenario(doc, Path("."))


def model(
    interventions: list[dict],
    folder: Path | None = None,
    engagement: bool = False,
    **changes,
) -> OpinionModel:
    """An OpinionModel with the surrogate and these interventions (log in ``folder``), with
    the engagement simulation if asked for."""
    sc = scenario(interventions, **changes)
    personas, contacts = build_world(sc)
    return OpinionModel(
        sc,
        personas,
        contacts,
        surrogate_backend(sc),
        build_interventions(sc),
        InterventionLog(folder),
        engagement_log(sc, personas, folder) if engagement else None,
    )


def believer_days(interventions: list[dict], seed: int, **changes) -> int:
    """Sum over days of the number of believers (area under the believer curve)."""
    m = model(interventions, seed=seed, **changes)
    total = 0
    for _ in range(m.config.days):
        m.step()
        total += m.today["infected"]
    m.close()
    return total
