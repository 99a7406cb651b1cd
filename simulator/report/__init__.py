"""report.html: one self-contained page per results folder (a run, replicates, a comparison
or a sweep), read through simulator.results.

    from simulator.report import write_report
    write_report(Path("results/baseline-s42-..."))   # -> .../report.html
"""

from __future__ import annotations

from pathlib import Path

from simulator.report import page
from simulator.report.sections import page_for
from simulator.results import open_results

REPORT = "report.html"


def write_report(folder: Path) -> Path:
    """Write ``folder/report.html`` from the folder's files; returns its path."""
    return page.write(page_for(open_results(folder)), folder / REPORT)
