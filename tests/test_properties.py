"""Property-based: scenario documents generated around the schema are either accepted and run
a short simulation, or refused with one line; none crashes."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.config import parse_scenario
from simulator.errors import ScenarioError
from simulator.runner import run_scenario

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)

# plausible values per field, mixed with anything at all
FIELDS = {
    "seed": st.integers(-5, 2**64),
    "days": st.integers(-2, 40),
    "population": st.fixed_dictionaries(
        {}, optional={"size": st.integers(-1, 60), "initial_believers": st.integers(-1, 70)}
    ),
    "news": st.fixed_dictionaries(
        {},
        optional={
            "topic": st.sampled_from(["political", "science", "custom", "gossip"]),
            "appeal": st.floats(-20, 20),
        },
    ),
    "contacts": st.one_of(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["random_contacts", "complete", "erdos_renyi"])},
            optional={"k": st.integers(-1, 50), "p": st.floats(-1, 2)},
        ),
        st.fixed_dictionaries(
            {"type": st.just("watts_strogatz")},
            optional={"k": st.integers(0, 80), "p": st.floats(0, 1)},
        ),
    ),
    "agents": st.fixed_dictionaries(
        {}, optional={"update": st.sampled_from(["synchronous", "sequential", "random"])}
    ),
    "interventions": st.lists(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["official_debunk", "prebunk", "accuracy_nudge", "bogus"])},
            optional={"every": st.integers(-1, 5), "reach": st.floats(-0.5, 1.5)},
        ),
        max_size=2,
    ),
    "engagement": st.fixed_dictionaries({}, optional={"like_rate": st.floats(-1, 2)}),
}
documents = st.fixed_dictionaries(
    {},
    optional={
        **{key: st.one_of(strategy, values) for key, strategy in FIELDS.items()},
        "extra_key": values,
    },
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents)
def test_generated_scenarios_run_or_are_refused_in_one_line(document, tmp_path_factory):
    try:
        scenario = parse_scenario(document, Path("."))
    except ScenarioError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return
    # accepted: run a short simulation of it (few agents and days keep the test quick)
    size = min(scenario.population.size, 25)
    population = scenario.population.model_copy(
        update={"size": size, "initial_believers": min(scenario.population.initial_believers, size)}
    )
    out = tmp_path_factory.mktemp("prop")
    scenario = scenario.model_copy(
        update={
            "days": min(scenario.days, 3),
            "population": population,
            "outputs": scenario.outputs.model_copy(update={"dir": out, "plots": False}),
        }
    )
    try:
        result = run_scenario(scenario, progress=False)
    except ScenarioError as exc:  # e.g. a network that does not fit the shrunk population
        assert "\n" not in str(exc)
        return
    assert (result.folder / "daily.csv").is_file()
