import json

import pytest

from agents.persona import (
    EDUCATION_LEVELS,
    TRAIT_ADJECTIVES,
    TRAITS,
    PersonaFileError,
    generate_personas,
    load_personas,
)


def test_generation_is_reproducible_and_seed_dependent():
    assert list(generate_personas(50, 3)) == list(generate_personas(50, 3))
    assert list(generate_personas(50, 3)) != list(generate_personas(50, 4))


def test_generated_personas_cover_fields_and_ranges():
    personas = generate_personas(3000, 1)
    assert {p.education for p in personas} == set(EDUCATION_LEVELS)
    assert {p.gender for p in personas} == {"female", "male", "non-binary"}
    for p in personas[:500]:
        assert 18 <= p.age <= 64
        assert p.name and p.occupation
        for trait in TRAITS:
            assert 0.0 <= p.trait(trait) <= 1.0


def test_adjectives_follow_trait_values():
    for p in generate_personas(200, 2):
        for trait, word in zip(TRAITS, p.adjectives(), strict=True):
            low, high = TRAIT_ADJECTIVES[trait]
            assert word in (high if p.trait(trait) >= 0.5 else low)
        assert p.name in p.describe()


def _row(**overrides):
    row = {
        "name": "Ada",
        "age": 40,
        "gender": "female",
        "education": "phd",
        "occupation": "engineer",
        "agreeableness": 0.2,
        "conscientiousness": 0.9,
        "extraversion": 0.4,
        "emotional_stability": 0.7,
        "openness": 0.95,
    }
    row.update(overrides)
    return row


def test_load_personas_from_csv_and_jsonl(tmp_path):
    csv_path = tmp_path / "p.csv"
    header = ",".join(_row())
    csv_path.write_text(header + "\n" + ",".join(str(v) for v in _row().values()) + "\n")
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text(json.dumps(_row()) + "\n\n" + json.dumps(_row(name="Bo")) + "\n")
    (from_csv,) = load_personas(csv_path)
    from_jsonl = load_personas(jsonl)
    assert from_csv == from_jsonl[0]
    assert from_csv.openness == 0.95 and from_csv.education == "phd"
    assert [p.name for p in from_jsonl] == ["Ada", "Bo"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (json.dumps(_row(education="kindergarten")), "row 1, field 'education'"),
        (json.dumps(_row(openness=1.5)), "row 1, field 'openness'"),
        (json.dumps(_row(age="old")), "row 1, field 'age'"),
        (json.dumps(_row()) + "\n{not json", "line 2 is not valid JSON"),
        ("", "holds no personas"),
        ("[1, 2]", "row 1 is not an object"),
    ],
)
def test_bad_persona_files_name_row_and_field(tmp_path, content, expected):
    path = tmp_path / "p.jsonl"
    path.write_text(content)
    with pytest.raises(PersonaFileError, match=expected.replace("(", r"\(")):
        load_personas(path)


def test_unknown_persona_file_type(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("x")
    with pytest.raises(PersonaFileError, match="unknown persona file type"):
        load_personas(path)


def test_csv_header_without_a_column_is_named_as_the_header(tmp_path):
    row = _row()
    del row["age"], row["openness"]
    path = tmp_path / "p.csv"
    path.write_text(",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n")
    with pytest.raises(PersonaFileError) as info:
        load_personas(path)
    message = str(info.value)
    assert "the header row lacks the column(s) age, openness" in message
    assert "row 1" not in message


def test_a_file_that_is_not_utf8_names_the_line_and_the_fix(tmp_path):
    path = tmp_path / "p.csv"
    header = ",".join(_row())
    good = ",".join(str(v) for v in _row().values())
    latin1 = ",".join(str(v) for v in _row(name="José").values()).encode("latin-1")
    path.write_bytes(f"{header}\n{good}\n".encode() + latin1 + b"\n")
    with pytest.raises(PersonaFileError) as info:
        load_personas(path)
    message = str(info.value)
    assert "line 3 is not UTF-8 text" in message and "save the file as UTF-8" in message
    assert "position" not in message


def test_a_utf8_file_with_a_byte_order_mark_reads(tmp_path):
    path = tmp_path / "p.csv"
    text = ",".join(_row()) + "\n" + ",".join(str(v) for v in _row().values()) + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_personas(path)[0].name == "Ada"
