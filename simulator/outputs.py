"""The results folder of a run: what is written, in which format, and how safely.

Small files are written whole to a temporary name and renamed into place, so a reader never
sees half a file. ``agents.csv`` is streamed day by day (a big run never holds it in memory)
into ``agents.csv.partial`` and renamed when the run completes; a folder without
``summary.json`` is a run that did not finish.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from agents.citizen import Citizen
from agents.persona import TRAITS
from simulator.errors import UserError

AGENT_COLUMNS = (
    "day",
    "agent",
    "name",
    "age",
    "gender",
    "education",
    "occupation",
    *TRAITS,
    "belief",
    "confidence",
    "state",
    "post",
    "reasoning",
)


def new_run_id(name: str, seed: int | None = None) -> str:
    """A unique, sortable folder name: scenario, seed, UTC time and a random suffix."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    seed_part = f"-s{seed}" if seed is not None else ""
    return f"{name}{seed_part}-{stamp}-{secrets.token_hex(3)}"


def make_folder(path: Path) -> Path:
    """Create a new results folder; refuses to reuse one (runs never clobber each other)."""
    try:
        path.mkdir(parents=True, exist_ok=False)
    except FileExistsError:
        raise UserError(f"results folder already exists: {str(path)!r}") from None
    except OSError as exc:
        raise UserError(f"cannot create results folder {str(path)!r}: {exc.strerror}") from None
    return path


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_yaml(path: Path, data: Any) -> None:
    """Write YAML atomically (keys in schema order)."""
    write_atomic(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def write_json(path: Path, data: Any) -> None:
    """Write pretty JSON atomically."""
    write_atomic(path, json.dumps(data, indent=2, sort_keys=False) + "\n")


def write_table(path: Path, frame: pd.DataFrame) -> None:
    """Write a CSV atomically with a fixed float format (byte-identical reruns)."""
    write_atomic(path, frame.to_csv(index=False, float_format="%.6g", lineterminator="\n"))


class StreamedCsv:
    """A CSV written row by row into NAME.partial and renamed to NAME when the run completes.

    ``position()`` flushes and returns the length written, which a checkpoint saves; resuming
    (``resume_at``) cuts the partial file back to that length, dropping rows of a day that did
    not finish, and appends from there.
    """

    def __init__(self, path: Path, header: Sequence[str], resume_at: int | None = None):
        self.final = path
        self.partial = path.with_name(f"{path.name}.partial")
        if resume_at is None:
            self._file = self.partial.open("w", newline="", encoding="utf-8")
            self.writer = csv.writer(self._file, lineterminator="\n")
            self.writer.writerow(header)
        else:
            try:
                with self.partial.open("r+b") as f:
                    f.truncate(resume_at)
            except OSError as exc:
                raise UserError(f"cannot resume {self.partial}: {exc.strerror or exc}") from None
            self._file = self.partial.open("a", newline="", encoding="utf-8")
            self.writer = csv.writer(self._file, lineterminator="\n")

    def position(self) -> int:
        """Flush and return the number of bytes written so far."""
        self._file.flush()
        return self._file.tell()

    def close(self, complete: bool) -> None:
        """Close the file; rename it into place when the run completed."""
        self._file.close()
        if complete:
            os.replace(self.partial, self.final)


class AgentDayWriter:
    """Streams one row per agent-day into agents.csv."""

    def __init__(self, folder: Path, resume_at: int | None = None):
        self.out = StreamedCsv(folder / "agents.csv", AGENT_COLUMNS, resume_at)
        self._csv = self.out.writer
        self._static: dict[int, tuple[str, ...]] = {}

    def write_day(self, day: int, citizens: Iterable[Citizen]) -> None:
        """Append the rows of ``day``."""
        static_of = self._static
        rows = []
        for c in citizens:
            static = static_of.get(c.index)
            if static is None:
                # Formatted once: converting the persona's numbers every day dominated the
                # cost of writing big runs.
                p = c.persona
                static = static_of[c.index] = tuple(
                    str(v)
                    for v in (
                        c.index,
                        p.name,
                        p.age,
                        p.gender,
                        p.education,
                        p.occupation,
                        *(p.trait(t) for t in TRAITS),
                    )
                )
            rows.append((day, *static, c.belief, c.confidence, c.state, c.post, c.reasoning))
        self._csv.writerows(rows)

    def close(self, complete: bool) -> None:
        """Close the file; rename it to agents.csv when the run completed."""
        self.out.close(complete)
