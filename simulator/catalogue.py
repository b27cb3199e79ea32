"""A catalogue of real competing items: the 2,364 US trending YouTube videos of Sep-Oct 2017.

`load_catalogue()` reads simulator/data/youtube_catalogue.csv.gz, derived by
`python -m simulator.catalogue [DATA_DIR]` from youtube_trending_us_2017.csv (see
../shared/data/PROVENANCE.md: Kaggle "Trending YouTube Video Statistics", datasnaek, US file, as
kept in TsudeauxNhymm/YTSentiment@a96df8a9). One row per video at its last snapshot.

Derived columns, and why: `topics` maps YouTube's category onto the taxonomy, split by keywords
in the title and tags where a category spans several topics; `duration_s` is not in the source,
so each video gets a length drawn from a log-normal fitted to the KuaiRand sample's video
durations, seeded by the video id (the feed is short-video; the draw is reproducible and
documented, not a measurement of that video); `posted_at_h` is the first trending day in hours
before the end of the data window (22 Oct 2017).
"""

import argparse
import csv
import gzip
import hashlib
import io
import math
import os
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from simulator.taxonomy import TOPICS, YOUTUBE_CATEGORY_TOPICS
from simulator.types import Engagement, Item

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "youtube_catalogue.csv.gz"
SOURCE = "youtube_trending_us_2017.csv"
COLUMNS = (
    "id",
    "title",
    "channel",
    "category_id",
    "tags",
    "views",
    "likes",
    "dislikes",
    "comments",
    "first_day",
    "days_trending",
    "duration_s",
    "topics",
)
_WINDOW_END = date(2017, 10, 22)

# Words that pick a topic inside a multi-topic YouTube category (and name topics in instructions).
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    "music": ("music", "song", "album", "official video", "lyrics", "concert", "rap", "remix", "singer"),
    "comedy": ("comedy", "funny", "prank", "sketch", "stand-up", "parody", "jokes", "snl"),
    "gaming": ("gaming", "game", "gameplay", "nintendo", "xbox", "playstation", "minecraft", "fortnite"),
    "sports": ("sport", "nba", "nfl", "football", "soccer", "basketball", "baseball", "highlights", "espn"),
    "fitness": ("fitness", "workout", "gym", "exercise", "yoga", "training"),
    "food": ("food", "recipe", "cooking", "cook", "kitchen", "baking", "chef", "eat", "taste", "mukbang"),
    "beauty": ("beauty", "makeup", "hairstyle", "hairstyling", "hair", "skincare", "cosmetics", "nails"),
    "fashion": ("fashion", "outfit", "style", "clothing", "haul", "lookbook", "wear"),
    "travel": ("travel", "trip", "vacation", "tour", "flight", "hotel", "adventure"),
    "tech": ("tech", "iphone", "apple", "android", "review", "unboxing", "gadget", "samsung", "pixel"),
    "science": ("science", "space", "nasa", "physics", "experiment", "biology", "chemistry"),
    "education": ("education", "learn", "lesson", "history", "explained", "tutorial", "how to"),
    "news": ("news", "breaking", "report", "cnn", "fox news", "nbc"),
    "politics": ("politics", "trump", "president", "congress", "election", "senate"),
    "pets": ("pet", "pets", "dog", "cat", "puppy", "kitten", "animal"),
    "diy": ("diy", "craft", "build", "hack", "life hack", "woodworking", "slime"),
    "autos": ("car", "cars", "auto", "tesla", "truck", "motor", "drive"),
    "film": ("film", "movie", "trailer", "official trailer", "cinema", "episode", "tv"),
    "family": ("family", "kids", "baby", "vlog", "mom", "dad"),
    "finance": ("finance", "money", "stock", "invest", "bitcoin", "crypto"),
    "art": ("art", "drawing", "painting", "design", "animation"),
    "dance": ("dance", "dancing", "choreography"),
    "nature": ("nature", "wildlife", "ocean", "forest", "planet", "fishing"),
    "health": ("health", "medical", "doctor", "diet", "mental health"),
}


def _day(ddmm: str) -> date:
    d, m = ddmm.split(".")
    return date(2017, int(m), int(d))


def _seeded_unit(key: str) -> float:
    """A uniform draw in (0, 1) fixed by a string, so the derivation is reproducible anywhere."""
    h = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return (h + 0.5) / 2**64


def kuairand_duration_model(path: Path) -> tuple[float, float]:
    """(mu, sigma) of log seconds over the KuaiRand sample's distinct videos."""
    durations = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if float(row["duration_ms"]) > 0:
                durations[row["video_id"]] = float(row["duration_ms"]) / 1000.0
    logs = np.log(list(durations.values()))
    return float(np.mean(logs)), float(np.std(logs))


def topics_for(category_id: int, text: str) -> dict[str, float]:
    """The category's topics, split by keyword hits in the title and tags (equal split without hits)."""
    options = YOUTUBE_CATEGORY_TOPICS.get(category_id, ("film",))
    lowered = text.lower()
    hits = {t: sum(lowered.count(k) for k in TOPIC_KEYWORDS[t]) for t in options}
    total = sum(hits.values())
    if total == 0:
        return {t: round(1.0 / len(options), 4) for t in options}
    weights = {t: 0.2 / len(options) + 0.8 * h / total for t, h in hits.items()}
    return {t: round(w, 4) for t, w in weights.items() if w >= 0.05}


def build_catalogue(data_dir: Path, out: Path = DEFAULT_PATH) -> int:
    """Write the compact catalogue from the raw trending file; returns the number of videos."""
    mu, sigma = kuairand_duration_model(data_dir / "kuairand_1k_sample200.csv")
    last: dict[str, dict] = {}
    first: dict[str, date] = {}
    days: dict[str, int] = {}
    with (data_dir / SOURCE).open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            vid, day = row["video_id"], _day(row["date"])
            first[vid] = min(first.get(vid, day), day)
            days[vid] = days.get(vid, 0) + 1
            if vid not in last or int(row["views"]) >= int(last[vid]["views"]):
                last[vid] = row
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for vid, row in last.items():
        tags = [t.strip('"') for t in row["tags"].split("|") if t and t != "[none]"][:8]
        topics = topics_for(int(row["category_id"]), row["title"] + " " + " ".join(tags))
        z = math.sqrt(2.0) * _erfinv(2.0 * _seeded_unit(vid) - 1.0)
        writer.writerow(
            (
                vid,
                row["title"],
                row["channel_title"],
                row["category_id"],
                "|".join(tags),
                row["views"],
                row["likes"],
                row["dislikes"],
                row["comment_total"],
                first[vid].strftime("%d.%m"),
                days[vid],
                round(math.exp(mu + sigma * z), 1),
                ";".join(f"{t}:{w}" for t, w in topics.items()),
            )
        )
    with gzip.open(out, "wt", encoding="utf-8", newline="") as fh:
        fh.write(buffer.getvalue())
    return len(last)


def _erfinv(y: float) -> float:
    """Inverse error function by Newton steps on math.erf (no SciPy needed)."""
    x = 0.0
    for _ in range(60):
        x -= (math.erf(x) - y) / (2.0 / math.sqrt(math.pi) * math.exp(-x * x))
    return x


@cache
def _load(path: str) -> tuple[Item, ...]:
    items = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            topics = {t: float(w) for t, w in (pair.split(":") for pair in row["topics"].split(";"))}
            posted = -24.0 * (_WINDOW_END - _day(row["first_day"])).days
            tags = row["tags"].split("|") if row["tags"] else []
            items.append(
                Item(
                    id=row["id"],
                    creator_id=row["channel"],
                    kind="video",
                    caption=row["title"],
                    hashtags=tags,
                    topics=topics,
                    duration_s=float(row["duration_s"]),
                    posted_at_h=posted,
                    engagement=Engagement(
                        views=int(row["views"]), likes=int(row["likes"]), comments=int(row["comments"])
                    ),
                    description=f"{row['title']} by {row['channel']}. Tags: {', '.join(tags[:5])}",
                )
            )
    return tuple(items)


def load_catalogue(path: str | Path | None = None) -> list[Item]:
    """The real items, as `Item`s (a fresh list; the items are shared, treat them as read-only)."""
    return list(_load(str(Path(path or DEFAULT_PATH).resolve())))


class CatalogueIndex:
    """The catalogue as arrays for vectorised ranking: topic matrix, log views, age, creators."""

    def __init__(self, items: list[Item]):
        from simulator.preferences import topic_vector

        self.items = items
        self.ids = [it.id for it in items]
        self.position = {iid: i for i, iid in enumerate(self.ids)}
        self.topics = np.array([topic_vector(it.topics) for it in items]).reshape(len(items), len(TOPICS))
        self.log_views = np.log10(1.0 + np.array([it.engagement.views for it in items], float))
        self.posted_at_h = np.array([it.posted_at_h for it in items], float)
        self.duration_s = np.array([it.duration_s for it in items], float)
        self.creators = np.array([it.creator_id for it in items], dtype=object)

    def __len__(self) -> int:
        return len(self.items)

    def by_id(self, item_id: str) -> Item:
        return self.items[self.position[item_id]]


@cache
def default_index() -> CatalogueIndex:
    """The packaged catalogue as a CatalogueIndex, built once per process (treat as read-only)."""
    return CatalogueIndex(load_catalogue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Derive the compact YouTube catalogue.")
    parser.add_argument(
        "data_dir", nargs="?", default=os.environ.get("RECOWORLD_SHARED_DATA", "/work/shared/data")
    )
    parser.add_argument("--out", default=str(DEFAULT_PATH))
    args = parser.parse_args(argv)
    print(f"wrote {build_catalogue(Path(args.data_dir), Path(args.out))} videos to {args.out}")


if __name__ == "__main__":
    main()
