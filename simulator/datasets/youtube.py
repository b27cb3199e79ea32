"""YouTube trending videos, US, 13 Sep - 22 Oct 2017 (Kaggle, datasnaek; simulator/data/PROVENANCE.md).

7,992 daily snapshots of 2,364 videos, followed day by day: real engagement ratios and growth. The
same videos as Items (topics, a documented length) are the catalogue in simulator.catalogue.
"""

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from simulator.datasets import DATA_DIR

YOUTUBE_FILE = DATA_DIR / "youtube_trending_us_2017.csv"
YEAR = 2017
SOURCE = "YouTube trending US 2017 (Kaggle datasnaek, USvideos.csv; youtube_trending_us_2017.csv)"


@dataclass(frozen=True, eq=False)
class TrendingVideo:
    """One video and its daily snapshots, in date order."""

    video_id: str
    title: str
    channel: str
    category_id: int
    tags: tuple[str, ...]
    days: tuple[str, ...]  # DD.MM
    views: np.ndarray
    likes: np.ndarray
    dislikes: np.ndarray
    comments: np.ndarray


def _day_key(ddmm: str) -> date:
    day, month = ddmm.split(".")
    return date(YEAR, int(month), int(day))


@cache
def load_youtube(path: Path = YOUTUBE_FILE) -> tuple[TrendingVideo, ...]:
    snapshots: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            snapshots.setdefault(row["video_id"], []).append(row)
    videos = []
    for video_id, rows in snapshots.items():
        rows.sort(key=lambda r: _day_key(r["date"]))
        last = rows[-1]
        tags = tuple(t.strip() for t in last["tags"].split("|") if t.strip() and t.strip() != "[none]")
        videos.append(
            TrendingVideo(
                video_id=video_id,
                title=last["title"],
                channel=last["channel_title"],
                category_id=int(last["category_id"]),
                tags=tags,
                days=tuple(r["date"] for r in rows),
                views=np.array([int(r["views"]) for r in rows], dtype=np.int64),
                likes=np.array([int(r["likes"]) for r in rows], dtype=np.int64),
                dislikes=np.array([int(r["dislikes"]) for r in rows], dtype=np.int64),
                comments=np.array([int(r["comment_total"]) for r in rows], dtype=np.int64),
            )
        )
    return tuple(videos)


@dataclass(frozen=True)
class EngagementRatios:
    """Per-video ratios at the last snapshot. Zero counts mean the feature was turned off on the video
    (comments or ratings disabled), so those videos are left out of that ratio."""

    like_per_view: np.ndarray
    comment_per_view: np.ndarray
    dislike_per_view: np.ndarray


def engagement_ratios(videos: tuple[TrendingVideo, ...]) -> EngagementRatios:
    views = np.array([v.views[-1] for v in videos], dtype=float)
    likes = np.array([v.likes[-1] for v in videos], dtype=float)
    dislikes = np.array([v.dislikes[-1] for v in videos], dtype=float)
    comments = np.array([v.comments[-1] for v in videos], dtype=float)
    ok = views > 0
    rated = ok & (likes + dislikes > 0)
    return EngagementRatios(
        like_per_view=likes[rated] / views[rated],
        comment_per_view=comments[ok & (comments > 0)] / views[ok & (comments > 0)],
        dislike_per_view=dislikes[rated] / views[rated],
    )


def daily_growth(videos: tuple[TrendingVideo, ...]) -> np.ndarray:
    """Ratios of views on one day to views on the day before, for consecutive snapshots."""
    ratios = []
    for v in videos:
        days = [_day_key(d) for d in v.days]
        for k in range(1, len(days)):
            if (days[k] - days[k - 1]).days == 1 and v.views[k - 1] > 0:
                ratios.append(v.views[k] / v.views[k - 1])
    return np.array(ratios)
