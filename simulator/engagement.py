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
day), so engagement never changes the opinion dynamics or their random streams.

A post is identified by its author and the day it was published. Times are in hours since the
start of day 1 (day d, hour h is 24 (d - 1) + h).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agents.keyed_random import keyed_uniforms
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


class EngagementLog:
    """Collects a run's engagement; streams ``engagement.csv`` (one row per like, share or
    comment with the post's running totals) and keeps the narrative's hourly totals."""

    def __init__(
        self,
        personas: list[Persona],
        seed: int,
        rates: EngagementRates,
        folder: Path | None,
        profile: tuple[float, ...] = DEFAULT_PROFILE,
        resume_at: int | None = None,
    ):
        self.seed = seed
        self.rates = rates
        weights = np.asarray(profile, float)
        self.cumulative_profile = np.cumsum(weights) / weights.sum()
        table = PersonaTable.of(personas)
        self.agreeableness = table.column("agreeableness")
        self.extraversion = table.column("extraversion")
        # running [likes, shares, comments] of the posts that can still be engaged with (each
        # author's latest); older posts are dropped at the end of the day, so this stays
        # bounded by the population however long the run
        self.totals: dict[tuple[int, int], list[int]] = {}
        self.posts_engaged = 0
        self.hourly: dict[int, np.ndarray] = {}  # hour -> [views, likes, shares, comments]
        self.event_hours = array("d")  # every like, share and comment, 8 bytes each
        self.out = None
        if folder is not None:
            header = ("post", "author", "post_day", "agent", "hour", "event", "likes", "shares",
                      "comments")  # fmt: skip
            self.out = StreamedCsv(folder / "engagement.csv", header, resume_at)
            self._csv = self.out.writer

    def active_hours(self, agents: np.ndarray, day: int) -> np.ndarray:
        """Each agent's active hour today (a float in 0..24) from the activity profile."""
        u = keyed_uniforms(self.seed, agents, day, _VIEW_KIND, 2)
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
        audience_of,
    ) -> None:
        """Turn today's views into engagement: view i is ``viewer[i]`` seeing the post of
        ``author[i]`` published on ``post_day[i]`` with ``stance[i]``.

        ``beliefs`` are the viewers' beliefs after today's decision; ``audience_of(agent)``
        names who sees a post that ``agent`` shares.
        """
        if not len(viewer):
            return
        viewer = np.asarray(viewer, dtype=np.int64)
        author = np.asarray(author, dtype=np.int64)
        post_day = np.asarray(post_day, dtype=np.int64)
        stance = np.asarray(stance, dtype=float)
        start = 24.0 * (day - 1)
        hours = start + self.active_hours(viewer, day)
        rows = self._react(day, viewer, author, post_day, stance, hours, beliefs, can_share=True)
        # Everyone who sees a shared post, in one batch (one draw of random numbers for all
        # of them rather than one per sharer: at 10k agents a day has about 900 shares).
        audiences = []
        for sharer, au, pd, st, h, event in rows:
            if event == "share":
                audience = [a for a in audience_of(sharer) if a != au]
                audiences.append((audience, sharer, au, pd, st, h))
        seen_by = np.array([a for audience, *_ in audiences for a in audience], dtype=np.int64)
        if seen_by.size:
            sizes = [len(audience) for audience, *_ in audiences]

            def column(i: int, dtype=None) -> np.ndarray:
                return np.repeat(np.array([share[i] for share in audiences], dtype=dtype), sizes)

            seen = column(5) + 1.0
            self._count_views(seen)
            rows += self._react(
                day,
                seen_by,
                column(2, np.int64),
                column(3, np.int64),
                column(4),
                seen,
                beliefs,
                can_share=False,
                salt=column(1, np.int64) + 1,
            )
        self._count_views(hours)
        rows.sort(key=lambda r: (r[4], r[1], r[0], r[5]))  # written in time order
        for agent, au, pd, _, hour, event in rows:
            self._add(agent, au, pd, hour, event)

    def forget_old_posts(self, latest_post_day: list[int]) -> None:
        """Drop the running totals of posts that are no longer their author's latest."""
        self.totals = {
            key: value for key, value in self.totals.items() if latest_post_day[key[0]] == key[1]
        }

    def forecast_total(self, seen_until_hour: float, horizon_hour: float) -> Forecast:
        """Total engagement by ``horizon_hour``, forecast from the likes, shares and comments
        up to ``seen_until_hour``, seen as hourly snapshots of the running total, by the
        early-warning forecaster (the recent daily rate carried on; docs/FORECAST.md says why
        that one)."""
        hours = np.frombuffer(self.event_hours, dtype=float)
        observed = hourly_observation(hours, seen_until_hour)
        return early_warning_model().predict(observed, horizon=horizon_hour * 3600.0)

    def _react(
        self,
        day: int,
        viewer: np.ndarray,
        author: np.ndarray,
        post_day: np.ndarray,
        stance: np.ndarray,
        hours: np.ndarray,
        beliefs: np.ndarray,
        can_share: bool,
        salt: int | np.ndarray = 0,
    ) -> list[tuple]:
        agree = (beliefs[viewer] > 0) == (stance > 0)
        keys = (
            viewer * np.int64(1_000_003)
            + author * np.int64(7)
            + np.asarray(salt, np.int64) * 9_999_991
        )
        u = keyed_uniforms(self.seed, keys, day, _REACT_KIND, 3)
        r = self.rates
        p_like = r.like * np.where(agree, 1.0, 0.2) * (0.5 + self.agreeableness[viewer])
        p_share = r.share * agree * (0.5 + self.extraversion[viewer]) * can_share
        p_comment = r.comment * np.where(agree, 1.0, 1.5) * (0.5 + self.extraversion[viewer])
        rows = []
        for column, p, event in (
            (0, p_like, "like"),
            (1, p_share, "share"),
            (2, p_comment, "comment"),
        ):
            for i in np.flatnonzero(u[:, column] < p):
                rows.append(
                    (int(viewer[i]), int(author[i]), int(post_day[i]), float(stance[i]),
                     float(hours[i]) + 0.1 * column, event)
                )  # fmt: skip
        return rows

    def _count_views(self, hours: np.ndarray) -> None:
        for hour, count in zip(*np.unique(np.floor(hours).astype(int), return_counts=True),
                               strict=True):  # fmt: skip
            self._hour(int(hour))[0] += int(count)

    def _hour(self, hour: int) -> np.ndarray:
        row = self.hourly.get(hour)
        if row is None:
            row = self.hourly[hour] = np.zeros(4, dtype=np.int64)
        return row

    def _add(self, agent: int, author: int, post_day: int, hour: float, event: str) -> None:
        key = (author, post_day)
        totals = self.totals.get(key)
        if totals is None:
            totals = self.totals[key] = [0, 0, 0]
            self.posts_engaged += 1
        column = EVENTS.index(event)
        totals[column] += 1
        self._hour(int(hour))[1 + column] += 1
        self.event_hours.append(hour)
        if self.out is not None:
            self._csv.writerow(
                (f"{author}-{post_day}", author, post_day, agent, f"{hour:.4f}", event, *totals)
            )

    def timeline(self, days: int):
        """The narrative's cumulative views, likes, shares and comments at the end of every
        hour of the run, and of the hours after it that a late share reached (a DataFrame)."""
        import pandas as pd

        hours = np.arange(max([24 * days, *(h + 1 for h in self.hourly)]))
        counts = np.zeros((hours.size, 4), dtype=np.int64)
        for hour, row in self.hourly.items():
            if 0 <= hour < hours.size:
                counts[hour] = row
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
        """The running totals (for checkpoints)."""
        return {
            "totals": self.totals,
            "posts_engaged": self.posts_engaged,
            "hourly": self.hourly,
            "event_hours": self.event_hours,
        }

    def set_state(self, state: dict) -> None:
        """Restore what get_state returned."""
        self.totals = state["totals"]
        self.posts_engaged = state["posts_engaged"]
        self.hourly = state["hourly"]
        self.event_hours = state["event_hours"]

    def close(self, complete: bool) -> None:
        """Close engagement.csv; rename it into place when the run completed."""
        if self.out is not None:
            self.out.close(complete)
