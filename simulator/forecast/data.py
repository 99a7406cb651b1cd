"""Engagement data for the forecasters: cascades of timestamped events and interval-censored
snapshots of cumulative counts, and the observation of one of them up to a time.

Times are seconds since the post was created. A snapshot series is turned into events by
spreading each interval's increase evenly over the interval (the events between snapshots
are unseen; this is the imputation the models below are fitted to, and it is exact at the
snapshot times).
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import InputWarning, UserError

ENGAGEMENT_TYPES = ("likes", "shares", "comments")


@dataclass(frozen=True)
class Observation:
    """What is known of one post at ``until`` seconds: the times of the events so far (exact
    or imputed), the followers of each event's author where known, and the root's followers.
    """

    times: np.ndarray
    until: float
    followers: np.ndarray | None = None
    root_followers: float | None = None
    exact: bool = True
    snapshot_times: np.ndarray | None = None  # where the observation came from snapshots
    snapshot_counts: np.ndarray | None = None

    @property
    def count(self) -> int:
        """Events observed by ``until``."""
        return int(self.times.size)


@dataclass(frozen=True)
class Cascade:
    """A whole cascade (for training and evaluation): every event time and the final size."""

    name: str
    times: np.ndarray  # the reshares, seconds after the original post, sorted
    followers: np.ndarray | None = None  # of each resharer
    root_followers: float | None = None

    @property
    def final(self) -> int:
        """The cascade's final size: its number of events."""
        return int(self.times.size)

    def observe(self, until: float) -> Observation:
        """The cascade as seen at ``until`` seconds."""
        k = int(np.searchsorted(self.times, until, side="right"))
        followers = None if self.followers is None else self.followers[:k]
        return Observation(self.times[:k], until, followers, self.root_followers, exact=True)

    def count_at(self, t: float) -> int:
        """Events by ``t`` seconds."""
        return int(np.searchsorted(self.times, t, side="right"))


def read_seismic_file(path: Path) -> Cascade:
    """A SEISMIC-format retweet cascade: a header line, then '<seconds> <followers>' rows, the
    first being the original post (time 0)."""
    try:
        rows = np.loadtxt(path, skiprows=1, ndmin=2)
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: not a SEISMIC cascade file ({exc})") from None
    if rows.shape[1] < 2 or rows.shape[0] < 1:
        raise UserError(f"{path}: expected rows of '<seconds> <followers>'")
    order = np.argsort(rows[1:, 0], kind="stable")
    return Cascade(
        path.stem,
        rows[1:, 0][order].astype(float),
        rows[1:, 1][order].astype(float),
        float(rows[0, 1]),
    )


def read_seismic_dir(folder: Path) -> list[Cascade]:
    """Every RT*.txt cascade in ``folder``, in numeric order."""
    files = sorted(folder.glob("RT*.txt"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    if not files:
        raise UserError(f"{folder}: no RT*.txt cascade files")
    return [read_seismic_file(p) for p in files]


def events_from_snapshots(times: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Event times imputed from cumulative ``counts`` at snapshot ``times`` (spread evenly
    within each interval; the first interval starts at 0)."""
    events = []
    previous_t, previous_c = 0.0, 0
    for t, c in zip(times, counts, strict=True):
        new = int(c) - previous_c
        if new > 0:
            step = (t - previous_t) / new
            events.append(previous_t + step * (np.arange(new) + 0.5))
        previous_t, previous_c = float(t), max(previous_c, int(c))
    return np.concatenate(events) if events else np.zeros(0)


@dataclass(frozen=True)
class Snapshots:
    """Cumulative counts of one post's engagement at irregular times."""

    post_id: str
    times: np.ndarray
    counts: dict[str, np.ndarray]
    followers: float | None = None

    def observe(self, kind: str, until: float) -> Observation:
        """The ``kind`` counts seen by ``until``, as imputed events."""
        keep = self.times <= until
        snapshot_times, counts = self.times[keep], self.counts[kind][keep]
        times = events_from_snapshots(snapshot_times, counts)
        return Observation(
            times, until, None, self.followers, False, snapshot_times, counts.astype(float)
        )

    def count_at(self, kind: str, t: float) -> int | None:
        """The last snapshot count at or before ``t`` (None before the first snapshot)."""
        keep = self.times <= t
        return int(self.counts[kind][keep][-1]) if keep.any() else None


def read_snapshots(path: Path) -> list[Snapshots]:
    """A snapshots CSV: post_id, time (seconds), likes, shares, comments[, followers].

    Counts are cumulative, so one that falls from one snapshot to the next is an error naming
    its line; rows out of time order are sorted, with one InputWarning saying so.
    """
    try:
        # As text, so errors quote what the file says and post ids keep their leading zeros.
        frame = pd.read_csv(path, dtype=str)
    except FileNotFoundError:
        raise UserError(f"snapshots file not found: {str(path)!r}") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read as CSV ({str(exc).splitlines()[0]})") from None
    missing = [c for c in ("post_id", "time", *ENGAGEMENT_TYPES) if c not in frame.columns]
    if missing:
        raise UserError(
            f"{path}: missing column(s) {', '.join(missing)} (needed: post_id, time, likes, "
            "shares, comments; optional: followers)"
        )
    if frame.empty:
        raise UserError(f"{path}: no rows")
    frame["line"] = np.arange(len(frame)) + 2  # the header is line 1
    for column in ("time", *ENGAGEMENT_TYPES):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values < 0) | ~np.isfinite(values)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            written = frame[column].iloc[i]
            shown = "(empty)" if pd.isna(written) else str(written)[:40]
            raise UserError(
                f"{path}: line {i + 2}, column {column}: {shown} (allowed: a number >= 0)"
            )
        frame[column] = values
    if "followers" in frame:
        frame["followers"] = pd.to_numeric(frame["followers"], errors="coerce")
    posts, reordered = [], []
    for post_id, rows in frame.groupby("post_id", sort=False):
        in_order = rows.sort_values("time", kind="stable")
        if not in_order.index.equals(rows.index):
            reordered.append(str(post_id))
        for kind in ENGAGEMENT_TYPES:
            counts = in_order[kind].to_numpy(float)
            falls = np.flatnonzero(np.diff(counts) < 0)
            if falls.size:
                i = int(falls[0])
                before, after = in_order.iloc[i], in_order.iloc[i + 1]
                raise UserError(
                    f"{path}: line {after['line']}, column {kind}: {after[kind]:g} at time "
                    f"{after['time']:g} is less than {before[kind]:g} at time "
                    f"{before['time']:g} (line {before['line']}) for post {post_id}; counts "
                    "are cumulative and cannot decrease"
                )
        counts = {k: in_order[k].to_numpy(float) for k in ENGAGEMENT_TYPES}
        followers = None
        if "followers" in in_order and pd.notna(in_order["followers"].iloc[0]):
            followers = float(in_order["followers"].iloc[0])
        posts.append(Snapshots(str(post_id), in_order["time"].to_numpy(float), counts, followers))
    if reordered:
        shown = ", ".join(reordered[:3]) + (", ..." if len(reordered) > 3 else "")
        warnings.warn(
            f"{path}: rows of {len(reordered)} post(s) were not in time order ({shown}); "
            "read them sorted by time",
            InputWarning,
            stacklevel=2,
        )
    return posts


_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds in '90s', '30m', '1h', '2.5d' or a bare number of seconds."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(s|m|min|h|d)?\s*", text)
    if not match:
        raise UserError(f"duration {text!r} (allowed: a number with s, m, h or d, e.g. 1h)")
    value = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    if not math.isfinite(value) or value <= 0:
        raise UserError(f"duration {text!r} (allowed: more than 0)")
    return value
