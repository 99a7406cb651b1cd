"""Scenario YAML is read as the docs write it: YAML 1.2 booleans and numbers, and no key
twice."""

from pathlib import Path

import pytest

from simulator.config import load_scenario
from simulator.errors import ScenarioError
from simulator.experiments import check_spec
from simulator.yaml_reader import parse_yaml
from tests.conftest import write_scenario


@pytest.mark.parametrize("word", ["off", "on", "yes", "no", "Off", "NO", "y", "n"])
def test_yaml_1_1_boolean_words_stay_words(word):
    assert parse_yaml(f"mode: {word}") == {"mode": word}


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("false", False), ("True", True), ("FALSE", False), ("null", None)],
)
def test_real_booleans_and_null_still_parse(text, value):
    assert parse_yaml(f"x: {text}") == {"x": value}


@pytest.mark.parametrize(
    ("text", "value"), [("1e9", 1e9), ("2E-3", 0.002), ("-1e3", -1000.0), ("1.5e2", 150.0)]
)
def test_exponent_numbers_are_numbers(text, value):
    assert parse_yaml(f"x: {text}") == {"x": value}


def test_integers_stay_integers():
    assert parse_yaml("x: 10\ny: 0\nz: -3") == {"x": 10, "y": 0, "z": -3}


def test_documented_cache_mode_off_works_as_written(tmp_path):
    path = write_scenario(tmp_path, "llm:\n  cache: {mode: off}\n")
    assert load_scenario(path).llm.cache.mode == "off"


def test_duplicate_top_level_key_names_both_lines(tmp_path):
    path = write_scenario(
        tmp_path, "population: {size: 40}\ndays: 5\npopulation: {initial_believers: 5}\n"
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith("population: duplicate key on lines 1 and 3")


def test_duplicate_nested_key_names_its_path():
    with pytest.raises(ScenarioError) as info:
        parse_yaml("llm:\n  cache:\n    mode: read\n    mode: off\n")
    assert str(info.value).startswith("llm.cache.mode: duplicate key on lines 3 and 4")


def test_duplicate_inside_a_list_names_the_entry():
    with pytest.raises(ScenarioError) as info:
        parse_yaml("interventions:\n  - {type: prebunk, every: 2, every: 3}\n")
    assert str(info.value).startswith("interventions[0].every: duplicate key")


def test_compare_spec_with_an_arm_twice_is_refused(tmp_path):
    base = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"
    spec = write_scenario(
        tmp_path,
        f"base: {base}\nreplicates: 2\narms:\n  none: []\n  debunk: [{{type: official_debunk}}]\n"
        "  debunk: [{type: prebunk}]\n",
        "spec.yaml",
    )
    with pytest.raises(ScenarioError) as info:
        check_spec(spec)
    assert str(info.value).startswith("arms.debunk: duplicate key on lines 5 and 6")
