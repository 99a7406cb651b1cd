"""report.html for a run, a comparison, a sweep and replicates: written by default, opened in
headless Chromium (tests/browser.py), checked against the folder's own files.

Every page must load with no console errors, every chart must have drawn on its canvas, and
the figures shown must equal those of summary.json / comparison.csv / sweep.csv. A
screenshot of each page is saved in the test's temporary folder.
"""

import json
import re

import pandas as pd
import pytest

from simulator.results import folder_kind, read_manifest
from tests.browser import CHROMEDRIVER, CHROMIUM, MISSING, inspect_report
from tests.conftest import ROOT, only_folder, run_cli, write_scenario

needs_browser = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=MISSING)


def assert_self_contained(page: str) -> None:
    """Nothing is fetched: no script, style or image from anywhere but the page itself."""
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page), "external resource"
    assert "cdn.bokeh.org" not in page


def assert_page_ok(check, charts: int) -> None:
    assert check.console_errors == []
    assert len(check.charts) == charts
    assert all(c["canvases"] > 0 and c["drawn"] for c in check.charts), check.charts


@pytest.fixture
def base_file(tmp_path, small_scenario):
    return write_scenario(tmp_path, {**small_scenario, "days": 5}, "base.yaml")


@needs_browser
def test_run_report_in_the_browser(tmp_path):
    scenario = (ROOT / "scenarios" / "baseline.yaml").read_text()
    path = write_scenario(tmp_path, scenario, "baseline.yaml")
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    folder = only_folder(tmp_path / "out")
    report = folder / "report.html"
    assert f"report: {report}" in result.stdout  # the CLI says where it is
    assert read_manifest(folder)["kind"] == "run"
    assert_self_contained(report.read_text())
    check = inspect_report(report, tmp_path / "run.png")
    # attitudes, who believes, engagement per day, engagement so far
    assert_page_ok(check, charts=4)
    summary = json.loads((folder / "summary.json").read_text())
    curve = summary["curve"]
    for key in ("final_believer_share", "peak_believers", "peak_day", "auc_believer_share"):
        assert check.metrics[key] == curve[key]
    assert check.metric_texts["final_believer_share"] == f"{curve['final_believer_share']:.0%}"
    assert check.metric_texts["peak_day"] == str(curve["peak_day"])
    # the question, the resolved scenario and the command that reproduces the run
    assert "30 agents over 15 days" in check.text
    assert f"python run.py run {folder / 'scenario.resolved.yaml'}" in check.text
    assert (tmp_path / "run.png").stat().st_size > 50_000


@needs_browser
def test_comparison_report_in_the_browser(tmp_path, base_file):
    spec = {
        "name": "cmp",
        "base": base_file.name,
        "replicates": 3,
        "arms": {
            "none": [],
            "debunk": [{"type": "official_debunk"}],
            "nudge": [{"type": "accuracy_nudge", "every": 2}],
        },
    }
    path = write_scenario(tmp_path, spec, "compare.yaml")
    result = run_cli("compare", str(path), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    folder = only_folder(tmp_path / "out")
    manifest = read_manifest(folder)
    assert manifest["kind"] == "comparison" and len(manifest["runs"]) == 9
    assert manifest["command"].startswith("python run.py compare ")
    # the arms' runs write no report of their own: the comparison's covers them
    assert not list(folder.glob("*/seed-*/report.html"))
    report = folder / "report.html"
    assert_self_contained(report.read_text())
    check = inspect_report(report, tmp_path / "comparison.png")
    # the cost-effect plane, the paired differences, the curves per arm
    assert_page_ok(check, charts=3)
    table = pd.read_csv(folder / "comparison.csv")
    for row in table.itertuples():
        assert check.metrics[f"arm:{row.arm}:auc_reduction"] == pytest.approx(row.auc_reduction)
        assert check.metrics[f"arm:{row.arm}:governance_cost"] == pytest.approx(row.governance_cost)
        assert check.metric_texts[f"arm:{row.arm}:auc_reduction"].startswith(
            f"{row.auc_reduction:.2f} ["
        )
    assert "Every arm ran on the same 3 seeds" in check.text


@needs_browser
def test_sweep_report_in_the_browser(tmp_path, base_file):
    spec = {
        "name": "sw",
        "base": base_file.name,
        "replicates": 2,
        "intervention": {"type": "official_debunk"},
        "grid": {"start_day": [1, 3], "every": [1, 2]},
    }
    path = write_scenario(tmp_path, spec, "sweep.yaml")
    result = run_cli("sweep", str(path), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    folder = only_folder(tmp_path / "out")
    assert folder_kind(folder) == "sweep"
    check = inspect_report(folder / "report.html", tmp_path / "sweep.png")
    assert_page_ok(check, charts=3)  # effect, cost, effect per unit of cost
    table = pd.read_csv(folder / "sweep.csv")
    for row in table.itertuples():
        cell = f"start_day {row.start_day}, every {row.every}"
        assert check.metrics[f"cell:{cell}:auc_reduction"] == pytest.approx(row.auc_reduction)
        assert check.metrics[f"cell:{cell}:governance_cost"] == pytest.approx(row.governance_cost)


def test_report_command_and_turning_it_off(tmp_path, small_scenario):
    path = write_scenario(tmp_path, {**small_scenario, "outputs": {"report": False}})
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    folder = only_folder(tmp_path / "out")
    assert not (folder / "report.html").exists() and "report:" not in result.stdout
    again = run_cli("report", str(folder))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"report: {folder / 'report.html'}"
    page = (folder / "report.html").read_text()
    summary = json.loads((folder / "summary.json").read_text())
    share = summary["curve"]["final_believer_share"]
    assert f"data-metric=\"final_believer_share\" data-value='{json.dumps(share)}'" in page


def test_replicates_report(tmp_path, small_scenario):
    path = write_scenario(tmp_path, small_scenario)
    result = run_cli(
        "run", str(path), "--replicates", "3", "--out", str(tmp_path / "out"), "--quiet"
    )
    assert result.returncode == 0, result.stderr
    folder = only_folder(tmp_path / "out")
    manifest = read_manifest(folder)
    assert manifest["kind"] == "replicates"
    assert manifest["runs"] == ["seed-7", "seed-8", "seed-9"]
    assert manifest["command"].endswith("--replicates 3")
    assert (folder / "report.html").is_file()
    assert not list(folder.glob("seed-*/report.html"))  # each seed keeps its figures only
    assert (folder / "seed-7" / "attitude_curves.png").is_file()


def test_report_of_a_folder_that_is_not_one(tmp_path):
    result = run_cli("report", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: results folder not found")
    (tmp_path / "half").mkdir()
    result = run_cli("report", str(tmp_path / "half"))
    assert result.returncode == 2 and "summary.json is missing" in result.stderr
    assert "Traceback" not in result.stderr
