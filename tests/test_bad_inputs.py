"""A corpus of malformed and hostile scenario files (tests/bad_inputs/): each is refused with
exit code 2 and one line that names the field, without a traceback or a results folder."""

import re
from pathlib import Path

import pytest

from simulator import resources
from simulator.cli import main
from tests.conftest import run_cli

CORPUS = sorted((Path(__file__).parent / "bad_inputs").glob("*.yaml"))


def expected_field(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode()
    return re.fullmatch(r"# expect: (\S+)", first).group(1)


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_bad_scenario_is_refused_cleanly(path, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MURMUR_SURELY_UNSET_VARIABLE", raising=False)
    monkeypatch.setattr(resources, "available_memory", lambda: 24 * 2**30)  # this machine
    for command in (["check", str(path)], ["run", str(path), "--out", str(tmp_path / "out")]):
        assert main(command) == 2, command
        err = capsys.readouterr().err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        field = expected_field(path)
        assert lines[0].startswith("error: "), err
        message = lines[0].removeprefix("error: ")
        assert (
            message.startswith(f"{field}:")
            or message.startswith(field)
            or (field == "scenario" and "scenario" in message)
        ), (field, message)
    assert not (tmp_path / "out").exists()


def test_no_traceback_as_a_user_runs_it():
    for path in CORPUS[:: max(1, len(CORPUS) // 8)]:
        result = run_cli("check", str(path))
        assert result.returncode == 2
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


GOOD_SUMMARY = '{"scenario": "s", "population": 5, "seed": 1, "topic": "political", "sis_fit": {}}'
GOOD_DAILY = (
    "day,susceptible,infected,recovered,believer_share,new_believers,mean_attitude,"
    "failed_requests\n0,4,1,0,0.2,0,0,0\n"
)


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({}, "not a finished run folder"),
        ({"summary.json": "{not json", "daily.csv": GOOD_DAILY}, "cannot read run files"),
        ({"summary.json": '{"scenario": 1}', "daily.csv": GOOD_DAILY}, "not a run summary"),
        ({"summary.json": "[1, 2]", "daily.csv": GOOD_DAILY}, "not a run summary"),
        ({"summary.json": GOOD_SUMMARY, "daily.csv": "a,b\n1,2\n"}, "missing column(s)"),
        ({"summary.json": GOOD_SUMMARY, "daily.csv": GOOD_DAILY.replace("0.2", "x")}, "non-num"),
        ({"summary.json": GOOD_SUMMARY, "daily.csv": ""}, "cannot read run files"),
        (
            {"summary.json": GOOD_SUMMARY, "daily.csv": GOOD_DAILY, "agents.csv": "day\n1\n"},
            "cannot read run files",
        ),
        ({"summary.json": b"\xff\xfe\x00", "daily.csv": GOOD_DAILY}, "cannot read run files"),
    ],
)
def test_plot_refuses_malformed_run_files(tmp_path, capsys, files, words):
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["plot", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err
