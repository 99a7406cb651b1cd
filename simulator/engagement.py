"""Engagement with posts: views, likes, shares and comments, hour by hour.

Every post an agent hears is a view at the agent's active hour that day (drawn from the daily
activity profile). After the day's decisions, each view may become a like, a share or a
comment, with chances driven by whether the viewer's belief agrees with the post and by the
viewer's persona:

    like     like_rate    * (1 if agreeing else 0.2) * (0.5 + agreeableness)
    share    share_rate   * (1 if agreeing else 0)   * (0.5 + extraversion)
    comment  comment_rate * (1 if agreeing else 1.5) * (0.5 + extraversion)

(disagreement provokes comments, not shares). A share shows the post to the sharer's contacts
(network neighbours, or ``k`` random others under random mixing) an hour later; they view it
and may like or comment on it by the same rule, but do not share it further in this model
(one level keeps a day's engagement bounded). All draws are keyed hashes of (seed, agents,
day), so engagement never changes the opinion dynamics or their random streams; a view's
like, share and comment are the three 21-bit fields of one hash.

A post is identified by its author and the day it was published. Times are in hours since the
start of day 1 (day d, hour h is 24 (d - 1) + h).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from agents.keyed_random import keyed_split_uniforms, keyed_words
from agents.persona import Persona, PersonaTable
from simulator.forecast.base import Forecast
from simulator.forecast.calibration import early_warning_model
from simulator.forecast.data import Observation
from simulator.outputs import StreamedCsv

EVENTS = ("like", "share", "comment")
# A day's activity (share of agents first active in each hour, 0..23): a morning rise, a lunch
# bump and an evening peak, as reported for social media use.
DEFAULT_PROFILE = (
    1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 3.5, 3.5, 3.2, 3.4,
    4.0, 3.8, 3.3, 3.2, 3.4, 3.8, 4.3, 5.0, 5.5, 5.2, 4.0, 2.2,
)  # fmt: skip
_VIEW_KIND, _REACT_KIND = 21, 22
_BITS = 21  # of a 64-bit hash per view, for each of the three events
_MASK, _SCALE = np.uint64((1 << _BITS) - 1), float(1 << _BITS)


class _Events(NamedTuple):
    """Likes, shares and comments (``event`` 0, 1, 2) as columns."""

    agent: np.ndarray
    author: np.ndarray
    post_day: np.ndarray
    stance: np.ndarray
    hour: np.ndarray
    event: np.ndarray


@dataclass(frozen=True)
class EngagementRates:
    """Base chances of a like, share and comment per view (see the module docstring)."""

    like: float = 0.15
    share: float = 0.05
    comment: float = 0.04


def hourly_observation(event_hours: np.ndarray, until_hour: float) -> Observation:
    """Events at ``event_hours`` (hours since day 1 began) as a forecaster sees them by
    ``until_hour``: the running total at the end of every hour, and the event times."""
    hours = np.sort(np.asarray(event_hours, float))
    until = max(until_hour, 1.0)
    snapshot_hours = np.arange(1.0, np.floor(until) + 1.0)
    counts = np.searchsorted(hours, snapshot_hours, side="right").astype(float)
    return Observation(
        hours[hours <= until] * 3600.0,
        until * 3600.0,
        exact=False,
        snapshot_times=snapshot_hours * 3600.0,
        snapshot_counts=counts,
    )


EVENT_HOURS = "checkpoint.hours"
"""Beside the checkpoint: every event's hour (float64), appended each day, removed at the end."""
_SORT_CODE = np.array([1, 2, 0])  # like, share, comment in the order their names sort


class EngagementLog:
    """Collects a run's engagement; streams ``engagement.csv`` (one row per like, share or
    comment with the post's running totals) and keeps the narrative's hourly totals.

    Everything is computed on arrays: a day's views, reactions, shares and the running totals
    per post. A post can be engaged with while it is its author's latest; each author's latest
    post's running totals are kept (``live_day``, ``live``), so the state stays bounded by the
    population however long the run.
    """

    def __init__(
        self,
        personas: Sequence[Persona],
        seed: int,
        rates: EngagementRates,
        folder: Path | None,
        profile: tuple[float, ...] = DEFAULT_PROFILE,
        resume_at: int | None = None,
        logged: np.ndarray | None = None,
    ):
        """``logged``: the agents whose likes, shares and comments engagement.csv lists (as
        the agent table lists a sample of agents); None: everyone's. The totals, timeline and
        summary count everyone's either way."""
        self.seed = seed
        self.rates = rates
        weights = np.asarray(profile, float)
        self.cumulative_profile = np.cumsum(weights) / weights.sum()
        table = PersonaTable.of(personas)
        agreeableness = table.column("agreeableness")
        extraversion = table.column("extraversion")
        n = len(table)
        # each viewer's chances of a like, share and comment per view (the module docstring),
        # row 2 * viewer + agrees: one lookup per view
        chances = np.zeros((n, 2, 3))
        for agrees, (like, comment) in enumerate(((0.2, 1.5), (1.0, 1.0))):
            chances[:, agrees, 0] = rates.like * like * (0.5 + agreeableness)
            chances[:, agrees, 2] = rates.comment * comment * (0.5 + extraversion)
        chances[:, 1, 1] = rates.share * (0.5 + extraversion)
        # as thresholds on 21-bit draws (u < p exactly when u * 2**21 < p * 2**21), one
        # array per event: a view is an event when its bits fall below the threshold
        self.thresholds = [c * _SCALE for c in chances.reshape(2 * n, 3).T.copy()]
        self.live_day = np.full(n, -1, dtype=np.int64)  # day of the post whose totals are kept
        self.live = np.zeros((n, 3), dtype=np.int64)  # its likes, shares, comments so far
        self.posts_engaged = 0
        self.hourly = np.zeros((0, 4), dtype=np.int64)  # per hour: views, likes, shares, comments
        self.event_hours = array("d")  # every like, share and comment, 8 bytes each
        self.logged = None
        if logged is not None:
            self.logged = np.zeros(n, dtype=bool)
            self.logged[logged] = True
        self.out = None
        # Every event's hour, also streamed to a file beside the checkpoint: saved whole in
        # every day's checkpoint it grew to most of it (150 MB by day 30 at 1M agents).
        self._hours_file = None
        if folder is not None:
            mode = "wb" if resume_at is None else "ab"
            self._hours_file = (folder / EVENT_HOURS).open(mode)
            header = ("post", "author", "post_day", "agent", "hour", "event", "likes", "shares",
                      "comments")  # fmt: skip
            self.out = StreamedCsv(folder / "engagement.csv", header, resume_at)

    def active_hours(self, agents: np.ndarray, day: int) -> np.ndarray:
        """Each agent's active hour today (a float in 0..24) from the activity profile."""
        u = keyed_split_uniforms(self.seed, agents, day, _VIEW_KIND, 2)
        hour = np.searchsorted(self.cumulative_profile, u[:, 0], side="right")
        return hour + u[:, 1]

    def record_day(
        self,
        day: int,
        viewer: np.ndarray,
        author: np.ndarray,
        post_day: np.ndarray,
        stance: np.ndarray,
        beliefs: np.ndarray,
        audiences,
    ) -> None:
        """Turn today's views into engagement: view i is ``viewer[i]`` seeing the post of
        ``author[i]`` published on ``post_day[i]`` with ``stance[i]``.

        ``beliefs`` are the viewers' beliefs after today's decision; ``audiences(sharers)``
        names who sees the posts that ``sharers`` share, as (index into sharers, agent) arrays.
        """
        if not len(viewer):
            return
        viewer = np.asarray(viewer, dtype=np.int64)
        author = np.asarray(author, dtype=np.int64)
        post_day = np.asarray(post_day, dtype=np.int64)
        stance = np.asarray(stance, dtype=float)
        if viewer.size > self.live_day.size:  # each agent's hour once, not once per view
            hours = (24.0 * (day - 1) + self.active_hours(np.arange(self.live_day.size), day))[
                viewer
            ]
        else:
            hours = 24.0 * (day - 1) + self.active_hours(viewer, day)
        events = [self._react(day, viewer, author, post_day, stance, hours, beliefs, True, 0)]
        shared = events[0]
        sharing = shared.event == 1
        if sharing.any():
            # everyone who sees a shared post, an hour after the share, except its author
            sharers = shared.agent[sharing]
            which, seen_by = audiences(sharers)
            keep = seen_by != shared.author[sharing][which]
            which, seen_by = which[keep], seen_by[keep]
            seen_hours = shared.hour[sharing][which] + 1.0
            self._count_views(seen_hours)
            events.append(
                self._react(
                    day,
                    seen_by,
                    shared.author[sharing][which],
                    shared.post_day[sharing][which],
                    shared.stance[sharing][which],
                    seen_hours,
                    beliefs,
                    False,
                    sharers[which] + 1,
                )
            )
        self._count_views(hours)
        self._add(_Events(*(np.concatenate(column) for column in zip(*events, strict=True))))

    def forget_old_posts(self, latest_post_day: np.ndarray) -> None:
        """Drop the running totals of posts that are no longer their author's latest."""
        old = self.live_day != np.asarray(latest_post_day)
        self.live_day[old] = -1
        self.live[old] = 0

    def forecast_total(self, seen_until_hour: float, horizon_hour: float) -> Forecast:
        """Total engagement by ``horizon_hour``, forecast from the likes, shares and comments
        up to ``seen_until_hour``, seen as hourly snapshots of the running total, by the
        early-warning forecaster (the recent daily rate carried on; docs/FORECAST.md says why
        that one)."""
        hours = np.frombuffer(self.event_hours, dtype=float)
        observed = hourly_observation(hours, seen_until_hour)
        return early_warning_model().predict(observed, horizon=horizon_hour * 3600.0)

    def _react(self, day, viewer, author, post_day, stance, hours, beliefs, can_share, salt):
        agrees = (beliefs[viewer] > 0) == (stance > 0)
        keys = viewer * np.int64(1_000_003) + author * np.int64(7)
        if np.any(salt):
            keys += np.asarray(salt, np.int64) * 9_999_991
        word = keyed_words(self.seed, keys, day, _REACT_KIND)
        row = 2 * viewer + agrees
        hits = []
        for event in range(3) if can_share else (0, 2):  # like, share, comment: 21 bits each
            bits = (word >> np.uint64(_BITS * event)) & _MASK
            hits.append(np.flatnonzero(bits < self.thresholds[event][row]))
        i = np.concatenate(hits)
        event = np.repeat(np.array([0, 1, 2] if can_share else [0, 2]), [h.size for h in hits])
        return _Events(viewer[i], author[i], post_day[i], stance[i], hours[i] + 0.1 * event, event)

    def _count_views(self, hours: np.ndarray) -> None:
        counts = np.bincount(np.floor(hours).astype(np.int64))
        self._grow(counts.size)
        self.hourly[: counts.size, 0] += counts

    def _grow(self, hours: int) -> None:
        if hours > len(self.hourly):
            grown = np.zeros((max(hours, 2 * len(self.hourly)), 4), dtype=np.int64)
            grown[: len(self.hourly)] = self.hourly
            self.hourly = grown

    def _add(self, ev: _Events) -> None:
        """Count the day's events: per hour, per post, and in engagement.csv in time order
        with each post's running totals.

        Only the rows written need an order: with a sampled log, just the events on posts a
        logged agent engaged with are sorted (a small share of a large population's day).
        Everything else is a count, the same in any order, so the views may come in any
        order too (the sort in ``_write`` is total: rows it cannot tell apart are identical).
        """
        m = ev.agent.size
        if not m:
            return
        # A post is its author and day: those not among the kept totals start from zero.
        posts, post_of = np.unique(ev.author * 65536 + ev.post_day, return_inverse=True)
        post_author, post_day = posts // 65536, posts % 65536
        known = self.live_day[post_author] == post_day
        self.posts_engaged += int((~known).sum())
        before = np.where(known[:, None], self.live[post_author], 0)
        per_post = np.bincount(post_of * 3 + ev.event, minlength=3 * posts.size)
        # an author's later post (sorted last) is the one whose totals are kept
        self.live_day[post_author] = post_day
        self.live[post_author] = before + per_post.reshape(-1, 3)
        hour = np.floor(ev.hour).astype(np.int64)
        self._grow(int(hour.max()) + 1)
        counts = np.bincount(hour * 3 + ev.event, minlength=3 * len(self.hourly))
        self.hourly[:, 1:] += counts.reshape(-1, 3)
        self.event_hours.frombytes(ev.hour.tobytes())
        if self._hours_file is not None:
            self._hours_file.write(ev.hour.tobytes())
        if self.out is not None:
            self._write(ev, post_of, before)

    def _write(self, ev: _Events, post_of: np.ndarray, before: np.ndarray) -> None:
        """engagement.csv's rows of the day's events ``ev`` (``post_of``: each event's post,
        ``before``: each post's totals before today), in time order."""
        if self.logged is not None:  # the events on the posts the logged agents engaged with
            on_logged = np.zeros(before.shape[0], dtype=bool)
            on_logged[post_of[self.logged[ev.agent]]] = True
            keep = np.flatnonzero(on_logged[post_of])
            ev, post_of = _Events(*(column[keep] for column in ev)), post_of[keep]
        order = np.lexsort((_SORT_CODE[ev.event], ev.agent, ev.author, ev.hour))
        ev, post_of = _Events(*(column[order] for column in ev)), post_of[order]
        m = ev.agent.size
        if not m:
            return
        onehot = np.zeros((m, 3), dtype=np.int64)
        onehot[np.arange(m), ev.event] = 1
        # running count per post: cumulative sums within each post's events, in time order
        by_post = np.argsort(post_of, kind="stable")
        running = np.cumsum(onehot[by_post], axis=0)
        grouped = post_of[by_post]
        first = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
        offset = np.vstack([np.zeros((1, 3), dtype=np.int64), running])[first]
        start = np.repeat(offset, np.diff(np.r_[first, m]), axis=0)
        totals = np.empty_like(running)
        totals[by_post] = running - start + before[grouped]
        if self.logged is not None:
            rows = self.logged[ev.agent]
            ev, totals = _Events(*(column[rows] for column in ev)), totals[rows]
        names = np.array(EVENTS)[ev.event].tolist()
        lines = [
            f"{a}-{d},{a},{d},{g},{h:.4f},{e},{t[0]},{t[1]},{t[2]}\n"
            for a, d, g, h, e, t in zip(
                ev.author.tolist(), ev.post_day.tolist(), ev.agent.tolist(),
                ev.hour.tolist(), names, totals.tolist(), strict=True,
            )
        ]  # fmt: skip
        self.out.write_lines("".join(lines))

    def timeline(self, days: int):
        """The narrative's cumulative views, likes, shares and comments at the end of every
        hour of the run, and of the hours after it that a late share reached (a DataFrame)."""
        import pandas as pd

        reached = np.flatnonzero(self.hourly.any(axis=1))
        hours = np.arange(max(24 * days, int(reached[-1]) + 1 if reached.size else 0))
        counts = np.zeros((hours.size, 4), dtype=np.int64)
        used = min(hours.size, len(self.hourly))
        counts[:used] = self.hourly[:used]
        cumulative = counts.cumsum(axis=0)
        return pd.DataFrame(
            {
                "hour": hours + 1,
                "views": cumulative[:, 0],
                "likes": cumulative[:, 1],
                "shares": cumulative[:, 2],
                "comments": cumulative[:, 3],
                "engagement": cumulative[:, 1:].sum(axis=1),
            }
        )

    def summary(self, days: int) -> dict:
        """Total engagement and the busiest hour."""
        timeline = self.timeline(days)
        per_hour = np.diff(np.concatenate([[0], timeline["engagement"].to_numpy()]))
        peak = int(np.argmax(per_hour)) if per_hour.size else 0
        last = timeline.iloc[-1] if len(timeline) else None
        return {
            "views": int(last["views"]) if last is not None else 0,
            "likes": int(last["likes"]) if last is not None else 0,
            "shares": int(last["shares"]) if last is not None else 0,
            "comments": int(last["comments"]) if last is not None else 0,
            "total": int(last["engagement"]) if last is not None else 0,
            "peak_per_hour": int(per_hour[peak]) if per_hour.size else 0,
            "peak_hour": peak + 1,
            "posts_engaged": self.posts_engaged,
        }

    def position(self) -> int | None:
        """Bytes written so far (for checkpoints); None without a file."""
        return self.out.position() if self.out is not None else None

    def get_state(self) -> dict:
        """The running totals (for checkpoints); the event hours by count when they are in
        the file beside the checkpoint."""
        state = {
            "live_day": self.live_day,
            "live": self.live,
            "posts_engaged": self.posts_engaged,
            "hourly": self.hourly,
            "events": len(self.event_hours),
        }
        if self._hours_file is None:
            state["event_hours"] = self.event_hours.tobytes()
        else:
            self._hours_file.flush()
        return state

    def set_state(self, state: dict) -> None:
        """Restore what get_state returned."""
        self.live_day = np.array(state["live_day"])
        self.live = np.array(state["live"])
        self.posts_engaged = state["posts_engaged"]
        self.hourly = np.array(state["hourly"])
        size = state["events"] * self.event_hours.itemsize
        if self._hours_file is None:
            saved = state["event_hours"]
        else:  # cut back to the checkpoint's day, then read what it had
            self._hours_file.truncate(size)
            with open(self._hours_file.name, "rb") as f:
                saved = f.read(size)
        self.event_hours = array("d", saved)

    def close(self, complete: bool) -> None:
        """Close engagement.csv; rename it into place when the run completed."""
        if self._hours_file is not None:
            self._hours_file.close()
        if self.out is not None:
            self.out.close(complete)
