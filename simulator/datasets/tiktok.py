"""Trending TikTok videos, April-May 2021 (public GitHub repository Lcxiv/TikTok,
Scripts/Datasets/trending_vids.csv at commit 41248cd4e5128c14c47352736568ea8da10edf0f).

No licence is stated, so the rows are not copied into the project: the file is read from where it was
fetched (simulator/data/PROVENANCE.md says how), and only figures measured on it are kept.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from simulator.datasets import DatasetMissing

TIKTOK_SHA256 = "4e625b99a485a89566fa1c50ecb0ab74f3e7fbfdb52f911fa4bbf847d65296f9"
_HASHTAG = re.compile(r"#(\w+)")


@dataclass(frozen=True)
class TikTokVideo:
    user: str
    caption: str  # the description without its hashtags
    hashtags: tuple[str, ...]
    length_s: float
    plays: int
    likes: int
    comments: int
    shares: int


def load_tiktok(path: str | Path) -> list[TikTokVideo]:
    path = Path(path)
    if not path.is_file():
        raise DatasetMissing(
            f"{path} is missing: fetch github:Lcxiv/TikTok and write Scripts/Datasets/trending_vids.csv "
            "there (simulator/data/PROVENANCE.md)"
        )
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            desc = row["video_desc"] or ""
            out.append(
                TikTokVideo(
                    user=row["user_name"],
                    caption=" ".join(_HASHTAG.sub(" ", desc).split()),
                    hashtags=tuple(_HASHTAG.findall(desc)),
                    length_s=float(row["video_length"] or 0),
                    plays=int(float(row["n_plays"] or 0)),
                    likes=int(float(row["n_likes"] or 0)),
                    comments=int(float(row["n_comments"] or 0)),
                    shares=int(float(row["n_shares"] or 0)),
                )
            )
    return out
