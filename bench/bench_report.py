"""How heavy report.html is and how fast it opens, for a 10k-agent run and a 100-arm sweep.

    python bench/bench_report.py [--opens 5] [--keep DIR]

Makes the two folders (a 10,000-agent x 15-day surrogate run, synchronous; a 10 x 10 sweep of
official_debunk over the baseline, 2 seeds per cell, 12 days), then opens each report in
headless Chromium (tests/browser.py) ``--opens`` times and prints its size and the median
time from navigation to every chart drawn. The anchor, opened in the same invocation, is a
page with one chart and the same inlined BokehJS: the ratio says what the report's own
content costs. Targets (issue: report): under 5 MB and under 2 s. Figures go to
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import inspect_report  # noqa: E402


def run_cli(*args: str) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "run.py"), *args], check=True, cwd=ROOT)
    print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)


def only_folder(root: Path) -> Path:
    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    return folder


def make_run(work: Path) -> Path:
    scenario = yaml.safe_load((ROOT / "scenarios" / "baseline.yaml").read_text())
    scenario.update(name="report-10k", population={"size": 10_000, "initial_believers": 600})
    scenario["agents"] = {**scenario.get("agents", {}), "update": "synchronous"}
    path = work / "run10k.yaml"
    path.write_text(yaml.safe_dump(scenario))
    print("10k-agent run:", flush=True)
    run_cli("run", str(path), "--out", str(work / "run"), "--quiet")
    return only_folder(work / "run")


def make_sweep(work: Path) -> Path:
    spec = {
        "name": "report-sweep-100",
        "base": str(ROOT / "scenarios" / "baseline.yaml"),
        "replicates": 2,
        "days": 12,  # every start day of the grid acts
        "intervention": {"type": "official_debunk"},
        "grid": {"start_day": list(range(1, 11)), "every": list(range(1, 11))},
    }
    path = work / "sweep100.yaml"
    path.write_text(yaml.safe_dump(spec))
    print("100-cell sweep:", flush=True)
    run_cli("sweep", str(path), "--out", str(work / "sweep"), "--quiet")
    return only_folder(work / "sweep")


def anchor_page(work: Path) -> Path:
    """One chart on an otherwise empty page, rendered as reports are (same inlined BokehJS)."""
    from bokeh.plotting import figure

    from simulator.report import page
    from simulator.report.sections import Page, Section

    fig = figure(height=300, sizing_mode="stretch_width")
    fig.line([0, 1, 2], [0, 1, 0])
    anchor = Page("anchor", "run", "", [], [], [Section("one chart", charts=[fig])])
    return page.write(anchor, work / "anchor.html")


def measure(path: Path, opens: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(opens):
        check = inspect_report(path)
        assert not check.console_errors, check.console_errors
        assert all(c["drawn"] for c in check.charts), check.charts
        times.append(check.seconds_to_drawn)
    return path.stat().st_size / 1e6, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="make the folders here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        pages = {
            "anchor (one chart)": anchor_page(work),
            "10k-agent run": make_run(work) / "report.html",
            "100-cell sweep": make_sweep(work) / "report.html",
        }
        results = {name: measure(path, args.opens) for name, path in pages.items()}
    anchor = statistics.median(results["anchor (one chart)"][1])
    print(f"\n{'page':<20}{'size MB':>9}{'open s (median)':>17}{'vs anchor':>11}  all opens")
    for name, (size, times) in results.items():
        median = statistics.median(times)
        shown = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name:<20}{size:>9.2f}{median:>17.2f}{median / anchor:>11.2f}  {shown}")


if __name__ == "__main__":
    main()
