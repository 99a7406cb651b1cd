"""Every built-in intervention moves the surrogate's outcome the expected way: fewer believers
than no intervention, over fixed seeds of the baseline set-up (a paired statistical test)."""

from pathlib import Path

import pytest
import yaml
from scipy import stats

from interventions import BUILTINS
from tests.conftest import ROOT
from tests.interventions.helpers import believer_days

SEEDS = range(100, 112)
BASELINE = yaml.safe_load(Path(ROOT / "scenarios" / "baseline.yaml").read_text())
SETUP = {
    "size": BASELINE["population"]["size"],
    "initial_believers": BASELINE["population"]["initial_believers"],
    "days": BASELINE["days"],
    "agents": BASELINE["agents"],
    "news": BASELINE["news"],
}


@pytest.fixture(scope="module")
def untreated() -> list[int]:
    return [believer_days([], seed, **SETUP) for seed in SEEDS]


# the six measures; forecast_trigger only starts one of them (tests/simulator/test_engagement.py)
MEASURES = sorted(set(BUILTINS) - {"forecast_trigger"})


@pytest.mark.parametrize("kind", MEASURES)
def test_each_builtin_reduces_believers(kind, untreated):
    treated = [believer_days([{"type": kind}], seed, **SETUP) for seed in SEEDS]
    assert sum(treated) < sum(untreated)
    # one-sided Wilcoxon signed-rank test, paired by seed
    result = stats.wilcoxon(untreated, treated, alternative="greater", zero_method="zsplit")
    assert result.pvalue < 0.05, (kind, untreated, treated, result)
