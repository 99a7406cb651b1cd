"""Finding intervention types and validating their parameters."""

from importlib import metadata

import pytest

from interventions import BUILTINS, Intervention, InterventionSpecError, build, build_all, resolve
from interventions.notices import OfficialDebunk
from tests.conftest import run_cli, write_scenario


def test_builtins_by_name():
    assert set(BUILTINS) == {
        "official_debunk",
        "prebunk",
        "fact_check_label",
        "suspend_spreaders",
        "accuracy_nudge",
        "counter_messaging",
        "forecast_trigger",
    }
    iv = build({"type": "official_debunk", "every": 3, "name": "weekly"})
    assert isinstance(iv, OfficialDebunk)
    assert iv.params.every == 3 and iv.label == "weekly"


@pytest.mark.parametrize(
    ("entries", "field", "words"),
    [
        ([{"type": "nonsense"}], "interventions.0.type", "unknown intervention 'nonsense'"),
        ([{"every": 2}], "interventions.0.type", "expected a name"),
        ([{"type": "official_debunk", "every": 0}], "interventions.0.every", "greater than"),
        ([{"type": "prebunk", "colour": "red"}], "interventions.0.colour", "unknown field"),
        ([{}, 3], "interventions.0.type", "expected a name"),
        (["official_debunk"], "interventions.0", "expected a mapping"),
        (
            [{"type": "official_debunk"}, {"type": "official_debunk"}],
            "interventions.1.name",
            "two interventions are called 'official_debunk'",
        ),
        ([{"type": "no_such_module_xyz:Thing"}], "interventions.0.type", "cannot import"),
        ([{"type": "json:JSONDecoder"}], "interventions.0.type", "not an Intervention"),
        ([{"type": "json:Nope"}], "interventions.0.type", "has no 'Nope'"),
        ([{"type": "os.system('x')"}], "interventions.0.type", "unknown intervention"),
    ],
)
def test_bad_entries_name_the_field(entries, field, words):
    with pytest.raises(InterventionSpecError) as caught:
        build_all(entries)
    assert caught.value.field == field
    assert words in caught.value.message


def test_dotted_path_loads_a_users_plugin():
    cls = resolve("examples.plugins.community_notes:CommunityNotes")
    assert issubclass(cls, Intervention)
    iv = build({"type": "examples.plugins.community_notes:CommunityNotes", "raters_needed": 3})
    assert iv.params.raters_needed == 3


def test_entry_points_are_found(monkeypatch):
    class Custom(Intervention):
        pass

    class FakeEntryPoint:
        name = "custom_thing"

        def load(self):
            return Custom

    def entry_points(group, name=None):
        assert group == "murmur.interventions"
        return [FakeEntryPoint()] if name in (None, "custom_thing") else []

    monkeypatch.setattr(metadata, "entry_points", entry_points)
    assert resolve("custom_thing") is Custom


def test_check_gives_one_line_for_a_bad_intervention(tmp_path, small_scenario):
    doc = {**small_scenario, "interventions": [{"type": "official_debunk", "reach": 2}]}
    result = run_cli("check", str(write_scenario(tmp_path, doc)))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("error: interventions.0.reach: ")
    assert "less than or equal to 1" in lines[0] and "got 2" in lines[0]
