"""The results folder of a run: what is written, in which format, and how safely.

Small files are written whole to a temporary name and renamed into place, so a reader never
sees half a file. ``agents.csv`` is streamed day by day (a big run never holds it in memory)
into ``agents.csv.partial`` and renamed when the run completes; a folder without
``summary.json`` is a run that did not finish.
"""

from __future__ import annotations

import csv
import gzip
import io
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

    With ``compress``, every ``write_rows`` call is one gzip member (a valid .gz file is any
    sequence of members), so the file can still be cut back at a checkpoint.
    """

    def __init__(
        self,
        path: Path,
        header: Sequence[str],
        resume_at: int | None = None,
        compress: bool = False,
    ):
        self.final = path
        self.partial = path.with_name(f"{path.name}.partial")
        self.compress = compress
        if compress:
            if resume_at is None:
                self._file = self.partial.open("wb")
                self.write_rows([header])
            else:
                self._reopen(resume_at, "ab")
            return
        if resume_at is None:
            self._file = self.partial.open("w", newline="", encoding="utf-8")
            self.writer = csv.writer(self._file, lineterminator="\n")
            self.writer.writerow(header)
        else:
            self._reopen(resume_at, "a")
            self.writer = csv.writer(self._file, lineterminator="\n")

    def _reopen(self, resume_at: int, mode: str) -> None:
        """Cut the partial file back to ``resume_at`` bytes and open it for appending."""
        if not self.partial.exists() and self.final.exists():
            os.replace(self.final, self.partial)  # completed, but the run's end failed
        try:
            with self.partial.open("r+b") as f:
                f.truncate(resume_at)
        except OSError as exc:
            raise UserError(f"cannot resume {self.partial}: {exc.strerror or exc}") from None
        if "b" in mode:
            self._file = self.partial.open(mode)
        else:
            self._file = self.partial.open(mode, newline="", encoding="utf-8")

    def write_rows(self, rows: Iterable[Sequence]) -> None:
        """Append rows (one gzip member when compressing)."""
        if not self.compress:
            self.writer.writerows(rows)
            return
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        self._file.write(gzip.compress(buffer.getvalue().encode("utf-8"), compresslevel=6))

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

    def __init__(self, folder: Path, resume_at: int | None = None, compress: bool = False):
        name = "agents.csv.gz" if compress else "agents.csv"
        self.out = StreamedCsv(folder / name, AGENT_COLUMNS, resume_at, compress)
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
        self.out.write_rows(rows)

    def close(self, complete: bool) -> None:
        """Close the file; rename it to agents.csv when the run completed."""
        self.out.close(complete)
