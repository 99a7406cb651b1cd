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

from agents.persona import TRAITS, Persona
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


AgentRow = tuple[int, int, float, str, str, str]
"""One agent-day: agent, belief, confidence, state, post, reasoning (the writer holds the
personas)."""


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


MANIFEST = "manifest.json"


def write_manifest(folder: Path, kind: str, command: str, runs: Sequence[Path] = ()) -> None:
    """Say what a results folder is (``kind``: run, replicates, comparison, sweep), which run
    folders it holds (relative paths) and the command that makes it again."""
    write_json(
        folder / MANIFEST,
        {
            "kind": kind,
            "command": command,
            "runs": [str(run.relative_to(folder)) for run in runs],
        },
    )


def write_table(path: Path, frame: pd.DataFrame) -> None:
    """Write a CSV atomically with a fixed float format (byte-identical reruns)."""
    write_atomic(path, frame.to_csv(index=False, float_format="%.6g", lineterminator="\n"))


class StreamedCsv:
    """A CSV written row by row into NAME.partial and renamed to NAME when the run completes.

    ``position()`` flushes and returns the length written, which a checkpoint saves; resuming
    (``resume_at``) cuts the partial file back to that length, dropping rows of a day that did
    not finish, and appends from there.

    With ``compress``, every ``write_rows`` or ``write_lines`` call is one gzip member (a valid
    .gz file is any sequence of members), so the file can still be cut back at a checkpoint.
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
        if resume_at is not None:
            if not self.partial.exists() and self.final.exists():
                os.replace(self.final, self.partial)  # completed, but the run's end failed
            try:
                with self.partial.open("r+b") as f:
                    f.truncate(resume_at)
            except OSError as exc:
                raise UserError(f"cannot resume {self.partial}: {exc.strerror or exc}") from None
        mode = "w" if resume_at is None else "a"
        if compress:
            self._file = self.partial.open(mode + "b")
        else:
            self._file = self.partial.open(mode, newline="", encoding="utf-8")
            self.writer = csv.writer(self._file, lineterminator="\n")
        if resume_at is None:
            self.write_rows([header])

    def write_rows(self, rows: Iterable[Sequence]) -> None:
        """Append rows (one gzip member when compressing)."""
        if not self.compress:
            self.writer.writerows(rows)
            return
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        self.write_lines(buffer.getvalue())

    def write_lines(self, text: str) -> None:
        """Append lines already formatted as CSV (see ``csv_field``); one gzip member when
        compressing."""
        if self.compress:
            self._file.write(gzip.compress(text.encode("utf-8"), compresslevel=6))
        else:
            self._file.write(text)

    def position(self) -> int:
        """Flush and return the number of bytes written so far."""
        self._file.flush()
        return self._file.tell()

    def close(self, complete: bool) -> None:
        """Close the file; rename it into place when the run completed."""
        self._file.close()
        if complete:
            os.replace(self.partial, self.final)


def csv_field(text: str) -> str:
    """``text`` as one field of a CSV row, quoted as the csv module's QUOTE_MINIMAL would."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


class AgentDayWriter:
    """Streams one row per agent-day into agents.csv.

    Rows are formatted here rather than by the csv module: at 10,000 agents its writer spent
    about 10 µs per row scanning the long post and reasoning texts character by character,
    a sixth of the whole simulation (measured); the persona columns, which never change,
    are formatted once per agent. ``csv_field`` quotes exactly as the csv module would.
    """

    def __init__(
        self,
        folder: Path,
        personas: Sequence[Persona],
        resume_at: int | None = None,
        compress: bool = False,
    ):
        name = "agents.csv.gz" if compress else "agents.csv"
        self.out = StreamedCsv(folder / name, AGENT_COLUMNS, resume_at, compress)
        self.personas = personas
        self._persona_columns: dict[int, str] = {}

    def _persona_part(self, agent: int) -> str:
        p = self.personas[agent]
        values = (agent, p.name, p.age, p.gender, p.education, p.occupation)
        part = ",".join(csv_field(str(v)) for v in (*values, *(p.trait(t) for t in TRAITS)))
        self._persona_columns[agent] = part
        return part

    def write_day(self, day: int, rows: Iterable[AgentRow]) -> None:
        """Append the rows of ``day``."""
        persona_of = self._persona_columns.get
        field = csv_field
        lines = [
            f"{day},{persona_of(a) or self._persona_part(a)},{belief},{confidence},"
            f"{state},{field(post)},{field(reasoning)}\n"
            for a, belief, confidence, state, post, reasoning in rows
        ]
        self.out.write_lines("".join(lines))

    def position(self) -> int:
        """Bytes written so far (for checkpoints)."""
        return self.out.position()

    def close(self, complete: bool) -> None:
        """Close the file; rename it into place when the run completed."""
        self.out.close(complete)


class AgentParquetWriter:
    """Streams the agent table as Parquet: a folder ``agents.parquet`` holding one file per
    day (``day-00001.parquet``), which pandas and pyarrow read as one table.

    One file per day rather than row groups of one file: a Parquet file cannot be cut back
    to a checkpoint and appended to, a folder of whole files can. Written as
    ``agents.parquet.partial`` and renamed when the run completes; ``position()`` (what a
    checkpoint saves) is the number of days written, and resuming removes later days.
    """

    def __init__(self, folder: Path, personas: Sequence[Persona], resume_at: int | None = None):
        import pyarrow  # noqa: F401  (checked before the run: outputs.agents_format)

        self.personas = personas
        self.final = folder / "agents.parquet"
        self.partial = folder / "agents.parquet.partial"
        if resume_at is not None:
            if not self.partial.exists() and self.final.exists():
                os.replace(self.final, self.partial)  # completed, but the run's end failed
            for part in sorted(self.partial.glob("day-*.parquet"))[resume_at:]:
                part.unlink()
        self.partial.mkdir(exist_ok=True)
        self.days = len(list(self.partial.glob("day-*.parquet")))

    def write_day(self, day: int, rows: Iterable[AgentRow]) -> None:
        """Write the rows of ``day`` as one file (atomically)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: dict[str, list] = {name: [] for name in AGENT_COLUMNS}
        for agent, belief, confidence, state, post, reasoning in rows:
            p = self.personas[agent]
            persona = (p.name, p.age, p.gender, p.education, p.occupation)
            traits = (p.trait(t) for t in TRAITS)
            values = (day, agent, *persona, *traits, belief, confidence, state, post, reasoning)
            for name, value in zip(AGENT_COLUMNS, values, strict=True):
                columns[name].append(value)
        path = self.partial / f"day-{day:05d}.parquet"
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(pa.table(columns), tmp)
        os.replace(tmp, path)
        self.days += 1

    def position(self) -> int:
        """Days written so far."""
        return self.days

    def close(self, complete: bool) -> None:
        """Rename the folder into place when the run completed."""
        if complete:
            os.replace(self.partial, self.final)


def agent_table_writer(
    folder: Path, fmt: str, personas: Sequence[Persona], resume_at: int | None = None
):
    """The writer of the agent table in ``fmt`` (outputs.agents_format)."""
    if fmt == "parquet":
        return AgentParquetWriter(folder, personas, resume_at)
    return AgentDayWriter(folder, personas, resume_at, compress=fmt == "csv.gz")
