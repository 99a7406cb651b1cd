"""Every bad scenario gets one line naming the field, the value and what is allowed."""

from pathlib import Path

import pytest
import yaml

from simulator.config import Scenario, load_scenario, parse_scenario
from simulator.errors import ScenarioError
from tests.conftest import write_scenario


def test_defaults_are_the_fps_set_up():
    s = Scenario()
    assert (s.population.size, s.population.initial_believers, s.days) == (30, 2, 15)
    assert s.contacts.type == "random_contacts" and s.contacts.k == 3
    assert s.llm.backend == "mock"
    assert (s.llm.temperature.summarise, s.llm.temperature.reflect, s.llm.temperature.opinion) == (
        0.5,
        1.0,
        1.0,
    )


def test_shipped_scenarios_are_valid():
    root = Path(__file__).resolve().parents[2] / "scenarios"
    files = sorted(root.rglob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        if "base" not in yaml.safe_load(path.read_text()):  # compare and sweep specs
            load_scenario(path)


def error_for(document) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(document, Path("."))
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"dayz": 3}, "dayz: unknown field (allowed here: name,"),
        ({"population": {"sise": 3}}, "population.sise: unknown field (allowed here: size,"),
        ({"contacts": {"type": "erdos_renyi", "q": 1}}, "contacts.q: unknown field (allowed here:"),
        ({"days": "many"}, "days: Input should be a valid integer"),
        ({"days": 0}, "days: Input should be greater than or equal to 1; got 0"),
        ({"days": -5}, "got -5"),
        (
            {"population": {"size": 3, "initial_believers": 5}},
            "population: initial_believers 5 is more than size 3 (allowed: 0..3)",
        ),
        ({"contacts": {"type": "smoke_signals"}}, "contacts.type: unknown type 'smoke_signals'"),
        ({"contacts": {"type": "erdos_renyi", "p": 2}}, "contacts.p: Input should be less than"),
        ({"llm": {"backend": "gpt"}}, "llm.backend: Input should be 'mock' or 'openai'; got 'gpt'"),
        ({"llm": {"backend": "openai"}}, "llm: backend 'openai' needs llm.model"),
        ({"llm": {"api_key_env": "sk-123 secret"}}, "llm.api_key_env: String should match"),
        ({"news": {"topic": "custom"}}, "news: topic 'custom' needs news.appeal"),
        ({"news": {"topic": "sports"}}, "news.topic: Input should be"),
        (
            {"agents": {"update": "async"}},
            "agents.update: Input should be 'synchronous', 'sequential' or 'random_sequential'",
        ),
        (
            {"agents": {"memory": {"long_term_capacity": 0}}},
            "agents.memory.long_term_capacity: Input should be greater than or equal to 1",
        ),
        ({"name": "has spaces/and slashes"}, "name: String should match pattern"),
        ({"population": {"personas": {"source": "file"}}}, "population.personas.path: required"),
        (
            {"population": {"personas": {"source": "file", "path": "nope.csv"}}},
            "population.personas.path: file not found: 'nope.csv'",
        ),
        (
            {"contacts": {"type": "edge_list", "path": "missing.txt"}},
            "contacts.path: file not found",
        ),
        ([1, 2], "scenario: expected a mapping of fields at the top level, got list"),
        (None, "scenario: the file is empty"),
        ({"seed": -1}, "seed: Input should be greater than or equal to 0"),
    ],
)
def test_bad_documents(document, expected):
    assert expected in error_for(document)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("days: [1, 2\n", "scenario: invalid YAML at line"),
        ("", "scenario: the file is empty"),
        ("just a string", "expected a mapping of fields at the top level, got str"),
        ("a: 1\n\tb: 2\n", "scenario: invalid YAML"),
    ],
)
def test_bad_files(tmp_path, text, expected):
    path = write_scenario(tmp_path, text)
    with pytest.raises(ScenarioError, match=expected.replace("[", r"\[")):
        load_scenario(path)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.yaml")
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(binary)


def test_relative_files_resolve_against_the_scenario(tmp_path):
    (tmp_path / "edges.txt").write_text("0 1\n1 2\n")
    path = write_scenario(tmp_path, {"contacts": {"type": "edge_list", "path": "edges.txt"}})
    assert load_scenario(path).contacts.path == (tmp_path / "edges.txt").resolve()


def test_an_unknown_key_that_cannot_be_printed_is_named_on_one_line():
    """Found by tests/test_properties.py: a key holding a newline split the error in two."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"agents": {"\n": None}}, Path("."))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("agents.'\\n': unknown field (allowed here: update, rule")
