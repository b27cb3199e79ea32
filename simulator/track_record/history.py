"""A creator's past posts and what they did, read from a CSV: the template, the analytics exports of
YouTube Studio, TikTok and Instagram, and two real data sets (the Kaggle YouTube trending snapshots,
followed day by day, and retweet cascade curves such as Twitter15's).

A post's counts are kept per horizon (hours after posting). Analytics exports give lifetime totals
without the export date; they are read as the one-week figure (simulator.timing: a post has about
97% of its week's reactions after a day), which the import says. Every bad row is reported by number
and nothing comes back when any row is bad, as for the follower CSV (simulator.audiences).
"""

import csv
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from simulator.serial import JsonRecord

# The horizons a history can carry, by label, in hours; the world reports 6h..1w (simulator.world).
HORIZON_HOURS: dict[str, float] = {
    "1h": 1.0,
    "6h": 6.0,
    "12h": 12.0,
    "24h": 24.0,
    "2d": 48.0,
    "3d": 72.0,
    "4d": 96.0,
    "5d": 120.0,
    "6d": 144.0,
    "1w": 168.0,
}
COUNT_METRICS = ("views", "likes", "comments", "shares", "follows", "impressions")
KINDS = ("video", "image", "text", "mixed")
TEMPLATE_HORIZONS = ("1h", "6h", "24h", "1w")
TEMPLATE_COLUMNS = (
    "post_id",
    "posted_at",
    "kind",
    "duration_s",
    "caption",
    "hashtags",
    "followers",
    *(f"{m}_{h}" for h in TEMPLATE_HORIZONS for m in COUNT_METRICS[:5]),
)
LIFETIME = "1w"  # the horizon an export's lifetime total stands for
MAX_TEXT = 5000


@dataclass
class PastPost(JsonRecord):
    """One published post: what it was, and its counts {horizon label: {metric: count}}."""

    post_id: str
    creator: str = "me"
    posted_at: str = ""  # ISO date or date-time, as the file gives it; "" when unknown
    kind: str = "video"
    duration_s: float = 0.0
    caption: str = ""
    hashtags: list[str] = field(default_factory=list)
    followers: int | None = None  # the account's followers when it was posted, where known
    counts: dict[str, dict[str, float]] = field(default_factory=dict)
    row: int = 0  # the first row of the file it came from

    def count(self, metric: str, horizon: str) -> float | None:
        return self.counts.get(horizon, {}).get(metric)

    def horizons(self, metric: str) -> list[str]:
        """The horizons at which this metric is known, earliest first."""
        return [h for h in HORIZON_HOURS if self.count(metric, h) is not None]

    def latest(self, metric: str) -> tuple[str, float] | None:
        known = self.horizons(metric)
        return (known[-1], float(self.counts[known[-1]][metric])) if known else None


@dataclass
class History(JsonRecord):
    layout: str
    posts: list[PastPost]
    notes: list[str] = field(default_factory=list)  # what the reading assumed, said to the creator


class HistoryError(ValueError):
    """A file that cannot be read as a history; `problems` lists every bad row by number."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


# Each export layout: the columns that identify it, and where each field comes from (aliases,
# compared lower-case). The names are those the exports use as of 2025; a file whose headers differ
# can be renamed to the template's.
_EXPORTS: dict[str, dict] = {
    "youtube_studio": {
        "needs": ("video publish time",),
        "columns": {
            "post_id": ("content", "video"),
            "caption": ("video title",),
            "posted_at": ("video publish time",),
            "duration_s": ("duration",),
            "views": ("views",),
            "likes": ("likes",),
            "comments": ("comments added", "comments"),
            "shares": ("shares",),
            "follows": ("subscribers gained", "subscribers"),
            "impressions": ("impressions",),
        },
        "kind": "video",
    },
    "tiktok": {
        "needs": ("video link", "post time"),
        "columns": {
            "post_id": ("video link",),
            "caption": ("video title",),
            "posted_at": ("post time",),
            "duration_s": ("duration",),
            "views": ("total views", "video views"),
            "likes": ("total likes", "likes"),
            "comments": ("total comments", "comments"),
            "shares": ("total shares", "shares"),
            "follows": ("new followers", "followers gained"),
        },
        "kind": "video",
    },
    "instagram": {
        "needs": ("permalink", "post type"),
        "columns": {
            "post_id": ("post id", "permalink"),
            "caption": ("description",),
            "posted_at": ("publish time",),
            "duration_s": ("duration (sec)",),
            "kind": ("post type",),
            "views": ("views", "plays", "impressions"),
            "likes": ("likes",),
            "comments": ("comments",),
            "shares": ("shares",),
            "follows": ("follows",),
            "impressions": ("reach",),
        },
        "kind": "image",
    },
}
_INSTAGRAM_KINDS = {
    "reel": "video",
    "reels": "video",
    "video": "video",
    "igtv": "video",
    "image": "image",
    "photo": "image",
    "carousel": "mixed",
    "carousel_album": "mixed",
    "story": "image",
}
_TRENDING_NEEDS = ("video_id", "channel_title", "views", "likes", "comment_total", "date")
_CASCADE_NEEDS = ("cascade_id", "h1", "h6", "d1", "w1")
_CASCADE_COLUMNS = {"h1": "1h", "h6": "6h", "h12": "12h", "d1": "24h", "d2": "2d", "w1": "1w"}
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%b %d, %Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y",
)


def template_csv() -> str:
    """The template's header and two example posts, for the creator to fill in."""
    examples = [
        {
            "post_id": "clip-01",
            "posted_at": "2025-03-04 18:00",
            "kind": "video",
            "duration_s": "32",
            "caption": "Three-minute pasta",
            "hashtags": "food|recipe",
            "followers": "12000",
            "views_1h": "410",
            "likes_1h": "38",
            "views_6h": "1900",
            "likes_6h": "160",
            "comments_6h": "12",
            "views_24h": "2700",
            "likes_24h": "230",
            "views_1w": "3100",
            "likes_1w": "262",
            "comments_1w": "21",
            "shares_1w": "14",
            "follows_1w": "9",
        },
        {
            "post_id": "photo-02",
            "posted_at": "2025-03-06 12:30",
            "kind": "image",
            "caption": "Market day",
            "hashtags": "food|travel",
            "followers": "12100",
            "views_1w": "1800",
            "likes_1w": "140",
        },
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TEMPLATE_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(examples)
    return out.getvalue()


def read_history(text: str, *, max_rows: int = 200_000) -> History:
    """The posts of a history CSV in any of the layouts above; raises HistoryError with every problem."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise HistoryError(["the file is empty; download the template for the columns"])
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise HistoryError([f"the file is not a readable CSV: {exc}"]) from None
    reader.fieldnames = header
    layout = detect_layout(header)
    if layout is None:
        raise HistoryError(
            [
                "the columns are not those of the template, nor of a YouTube Studio, TikTok or Instagram "
                "export: the template needs post_id and at least one count column such as views_1w; "
                "found " + ", ".join(h for h in header[:12] if h)
            ]
        )
    try:
        rows = []
        for n, raw in enumerate(reader, start=1):
            if n > max_rows:
                raise HistoryError([f"more than {max_rows:,} rows; split the file"])
            rows.append(
                (n, {k: (v or "").strip() if isinstance(v, str) else "" for k, v in raw.items() if k})
            )
    except csv.Error as exc:
        raise HistoryError([f"the file is not a readable CSV: {exc}"]) from None
    read = {"template": _read_template, "youtube_trending": _read_trending, "cascades": _read_cascades}
    posts, errors, notes = read.get(layout, _read_export)(rows, layout)
    if not posts and not errors:
        errors.append("the file has a header but no posts")
    if errors:
        raise HistoryError(errors)
    return History(layout=layout, posts=posts, notes=notes)


def detect_layout(header: list[str]) -> str | None:
    names = set(header)
    if "post_id" in names and any(_metric_horizon(h) for h in header):
        return "template"
    for layout, spec in _EXPORTS.items():
        if all(n in names for n in spec["needs"]):
            return layout
    if all(n in names for n in _TRENDING_NEEDS):
        return "youtube_trending"
    if all(n in names for n in _CASCADE_NEEDS):
        return "cascades"
    return None


def _metric_horizon(column: str) -> tuple[str, str] | None:
    """views_1w -> (views, 1w); a bare metric (views) is its lifetime total."""
    if column in COUNT_METRICS:
        return column, LIFETIME
    metric, _, horizon = column.rpartition("_")
    return (metric, horizon) if metric in COUNT_METRICS and horizon in HORIZON_HOURS else None


_NUMBER = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*([kmb]?)$", re.IGNORECASE)


def _count(value: str) -> float:
    """A non-negative count: 1234, 1,234, 1.2K, 3M (as exports abbreviate); raises ValueError."""
    match = _NUMBER.match(value.strip().replace(" ", ""))
    if not match:
        raise ValueError
    number = float(match.group(1).replace(",", ""))
    number *= {"": 1, "k": 1e3, "m": 1e6, "b": 1e9}[match.group(2).lower()]
    if not math.isfinite(number):
        raise ValueError
    return number


def _duration(value: str) -> float:
    """Seconds, from 45, 45.5 or m:ss / h:mm:ss."""
    if ":" in value:
        parts = value.split(":")
        if len(parts) > 3 or not all(p.isdigit() for p in parts):
            raise ValueError
        seconds = 0.0
        for p in parts:
            seconds = seconds * 60 + int(p)
        return seconds
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError
    return seconds


def _posted_at(value: str) -> str:
    """The posting time as ISO text; raises ValueError when no known format reads it."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).isoformat(timespec="minutes")
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat(timespec="minutes")
    except ValueError:
        raise ValueError from None


def _common_fields(n: int, row: dict[str, str], problems: list[str]) -> dict:
    """posted_at, kind, duration_s, caption, hashtags, followers of a template-like row."""
    out: dict = {}
    if row.get("posted_at"):
        try:
            out["posted_at"] = _posted_at(row["posted_at"])
        except ValueError:
            problems.append(
                f"row {n}: posted_at '{row['posted_at'][:40]}' is not a date such as 2025-03-04 18:00"
            )
    kind = row.get("kind", "").lower()
    if kind:
        if kind not in KINDS:
            problems.append(f"row {n}: kind '{kind[:20]}' is not one of {', '.join(KINDS)}")
        out["kind"] = kind
    if row.get("duration_s"):
        try:
            out["duration_s"] = _duration(row["duration_s"])
        except ValueError:
            problems.append(f"row {n}: duration_s '{row['duration_s'][:20]}' is not a number of seconds")
    if len(row.get("caption", "")) > MAX_TEXT:
        problems.append(f"row {n}: the caption is longer than {MAX_TEXT:,} characters")
    out["caption"] = row.get("caption", "")[:MAX_TEXT]
    out["hashtags"] = [
        t.strip().lstrip("#").lower() for t in re.split(r"[|,; ]+", row.get("hashtags", "")) if t.strip("# ")
    ]
    if row.get("followers"):
        try:
            out["followers"] = int(_count(row["followers"]))
        except ValueError:
            problems.append(f"row {n}: followers '{row['followers'][:20]}' is not a whole number")
    return out


def _counts(n: int, values: dict[tuple[str, str], str], problems: list[str]) -> dict[str, dict[str, float]]:
    counts: dict[str, dict[str, float]] = defaultdict(dict)
    for (metric, horizon), text in values.items():
        if not text:
            continue
        try:
            counts[horizon][metric] = _count(text)
        except ValueError:
            problems.append(f"row {n}: {metric} at {horizon} '{text[:20]}' is not a count")
    if not counts:
        problems.append(f"row {n}: no counts (give at least views or likes at some horizon)")
    for horizon, by_metric in counts.items():
        views = by_metric.get("views")
        for metric in ("likes", "comments", "shares", "follows"):
            if views is not None and by_metric.get(metric, 0) > views > 0 and metric != "follows":
                problems.append(f"row {n}: more {metric} than views at {horizon}")
    _check_growth(n, counts, problems)
    return {h: counts[h] for h in HORIZON_HOURS if h in counts}


def _check_growth(n: int, counts: dict[str, dict[str, float]], problems: list[str]) -> None:
    """Cumulative counts cannot fall as the post ages."""
    for metric in COUNT_METRICS:
        seen = [(h, counts[h][metric]) for h in HORIZON_HOURS if metric in counts.get(h, {})]
        for (h0, a), (h1, b) in zip(seen, seen[1:], strict=False):
            if b < a:
                problems.append(f"row {n}: {metric} fall from {a:,.0f} at {h0} to {b:,.0f} at {h1}")
                return


def _read_template(rows, layout):
    problems: list[str] = []
    posts, seen = [], {}
    for n, row in rows:
        if not any(row.values()):
            continue
        post_id = row.get("post_id", "")
        if not post_id:
            problems.append(f"row {n}: post_id is empty")
        elif post_id in seen:
            problems.append(f"row {n}: post_id '{post_id[:40]}' is also on row {seen[post_id]}")
        seen.setdefault(post_id, n)
        fields = _common_fields(n, row, problems)
        values = {mh: row[c] for c in row if (mh := _metric_horizon(c))}
        posts.append(PastPost(post_id=post_id[:120], row=n, counts=_counts(n, values, problems), **fields))
    return posts, problems, []


def _read_export(rows, layout):
    spec = _EXPORTS[layout]
    problems: list[str] = []
    posts = []
    header = set(rows[0][1]) if rows else set()
    source = {f: next((a for a in aliases if a in header), None) for f, aliases in spec["columns"].items()}
    for n, raw in rows:
        if not any(raw.values()):
            continue
        if raw.get(source["post_id"] or "", "").lower() == "total":
            continue  # YouTube Studio puts the channel's totals on the first row
        row = {f: raw.get(c, "") for f, c in source.items() if c}
        kind = row.pop("kind", "").lower()
        row["kind"] = _INSTAGRAM_KINDS.get(kind, kind) if kind else spec["kind"]
        fields = _common_fields(n, row, problems)
        values = {(m, LIFETIME): row.get(m, "") for m in COUNT_METRICS}
        post_id = row.get("post_id") or f"row-{n}"
        posts.append(PastPost(post_id=post_id[:120], row=n, counts=_counts(n, values, problems), **fields))
    notes = [
        f"Read as a {layout.replace('_', ' ')} export: its lifetime totals are taken as each post's first "
        "week (the export does not say when it was made)."
    ]
    return posts, problems, notes


def _read_trending(rows, layout):
    """Daily snapshots of trending videos: one post per video, day d on the list as horizon d days
    (the file has no publish time, so ages count from the first day the video trended)."""
    problems: list[str] = []
    by_video: dict[str, list] = defaultdict(list)
    for n, row in rows:
        try:
            day = _snapshot_day(row["date"])
            counts = {
                "views": _count(row["views"]),
                "likes": _count(row["likes"]),
                "comments": _count(row["comment_total"]),
            }
        except (ValueError, KeyError):
            problems.append(f"row {n}: views, likes, comment_total or date (DD.MM) cannot be read")
            continue
        by_video[row["video_id"]].append((day, n, row, counts))
    labels = ("24h", "2d", "3d", "4d", "5d", "6d", "1w")
    posts = []
    for video_id, snaps in by_video.items():
        snaps.sort(key=lambda s: s[0])
        first_day, first_row, first, _ = snaps[0]
        counts = {}
        for day, _, _, c in snaps:
            offset = (day - first_day).days
            if offset < len(labels) and labels[offset] not in counts:
                counts[labels[offset]] = c
        posts.append(
            PastPost(
                post_id=video_id,
                creator=first.get("channel_title", ""),
                posted_at=first_day.isoformat(),
                kind="video",
                caption=first.get("title", "")[:MAX_TEXT],
                hashtags=[t for t in first.get("tags", "").split("|") if t and t != "[none]"][:30],
                counts=counts,
                row=first_row,
            )
        )
    notes = ["Ages count from the first day each video trended (the file has no publish time)."]
    return posts, problems, notes


def _snapshot_day(ddmm: str) -> date:
    day, month = ddmm.split(".")
    return date(2017, int(month), int(day))  # the file covers 13 Sep to 22 Oct 2017 (PROVENANCE.md)


def _read_cascades(rows, layout):
    """Retweet cascades: reshares within 1 h .. 1 w of the source tweet, one post per cascade."""
    problems: list[str] = []
    posts = []
    for n, row in rows:
        values = {("shares", h): row.get(c, "") for c, h in _CASCADE_COLUMNS.items() if c in row}
        counts = _counts(n, values, problems)
        posts.append(
            PastPost(
                post_id=row.get("cascade_id", f"row-{n}"),
                creator="cascades",
                kind="text",
                counts=counts,
                row=n,
            )
        )
    notes = ["Each cascade's reshares are its shares; the cascades are one pool, not one account."]
    return posts, problems, notes
