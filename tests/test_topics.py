"""The six FPS topics differ in the direction FPS reports, over replicates with fixed seeds."""

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from simulator.config import load_scenario
from simulator.model import OpinionModel
from simulator.world import build_backend, build_world
from tests.conftest import ROOT

SEEDS = range(100, 112)
TOPICS = ("political", "science", "terrorism", "urban_legend", "natural_disaster", "finance")


def believer_curve(scenario):
    personas, contacts = build_world(scenario)
    model = OpinionModel(scenario, personas, contacts, build_backend(scenario))
    for _ in range(scenario.days):
        model.step()
    model.close()
    return model.daily_table()["infected"].to_numpy()


@pytest.fixture(scope="module")
def curves():
    out = {}
    for topic in TOPICS:
        base = load_scenario(ROOT / "scenarios" / "topics" / f"{topic}.yaml")
        assert base.news.topic == topic
        out[topic] = np.array([believer_curve(base.model_copy(update={"seed": s})) for s in SEEDS])
    return out


def test_political_spreads_most(curves):
    final = {t: c[:, -1] for t, c in curves.items()}
    for topic in TOPICS:
        if topic != "political":
            assert final["political"].mean() > final[topic].mean(), topic
    assert (
        mannwhitneyu(final["political"], final["urban_legend"], alternative="greater").pvalue < 0.01
    )


def test_natural_disaster_falsehood_is_rejected(curves):
    disaster = curves["natural_disaster"]
    assert disaster[:, -1].mean() < 1.0  # below the 2 believers it started with
    for topic in TOPICS:
        if topic != "natural_disaster":
            assert (
                mannwhitneyu(curves[topic][:, -1], disaster[:, -1], alternative="greater").pvalue
                < 0.01
            ), topic


def test_terrorism_peaks_early_and_finance_rises_then_falls(curves):
    terrorism = curves["terrorism"].mean(axis=0)
    political = curves["political"].mean(axis=0)
    assert np.argmax(terrorism) < np.argmax(political)
    assert terrorism[3] > political[3]  # early lead
    assert terrorism[-1] < terrorism.max() - 1  # then falls back
    finance = curves["finance"].mean(axis=0)
    peak = int(np.argmax(finance))
    assert 2 <= peak <= 10
    assert finance[-1] < finance[peak] - 1
    assert finance[peak] > finance[0] + 3
