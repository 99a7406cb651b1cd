"""Checkpoints: a run's whole state at the end of a day, saved atomically so that a crash,
a kill or a full disk costs at most the day in progress (``run.py resume``).

The state is pickled: it is the project's own objects (memories, personas, random generator
states), written and read only by this program. Never load a checkpoint from someone else;
unpickling runs code.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from simulator.errors import UserError

VERSION = 2  # 2: memory items saved as plain tuples, no short-term memory


def write_checkpoint(path: Path, state: dict) -> None:
    """Pickle ``state`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        pickle.dump({"version": VERSION, **state}, f, protocol=pickle.HIGHEST_PROTOCOL)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_checkpoint(path: Path) -> dict | None:
    """The saved state, or None when there is no checkpoint."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as f:
            state = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
        raise UserError(f"{path}: unreadable checkpoint ({type(exc).__name__})") from None
    if not isinstance(state, dict) or state.get("version") != VERSION:
        raise UserError(f"{path}: checkpoint from another version of Murmur")
    return state


def truncate(path: Path, length: int) -> None:
    """Cut ``path`` back to ``length`` bytes (the part written before the checkpoint)."""
    if path.exists():
        with path.open("r+b") as f:
            f.truncate(length)
