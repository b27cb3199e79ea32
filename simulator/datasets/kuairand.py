"""KuaiRand-1K sample (Kuaishou short videos, CC BY-SA 4.0; simulator/data/PROVENANCE.md): 200 logged
impressions of 29 videos to 145 users with play time and video length. Too small to fit on; used to
compare simulated watch time against video length.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.datasets import DATA_DIR
from simulator.types import Item

KUAIRAND_FILE = DATA_DIR / "kuairand_1k_sample200.csv"
SOURCE = "KuaiRand-1K sample, 200 rows (Scenario-Wise-Rec kuairand_sample.csv; kuairand_1k_sample200.csv)"


@dataclass(frozen=True)
class KuaiRandLog:
    user_id: np.ndarray
    video_id: np.ndarray
    is_click: np.ndarray  # bool
    play_s: np.ndarray
    duration_s: np.ndarray
    user_active_degree: np.ndarray  # label-encoded activity band

    def __len__(self) -> int:
        return len(self.user_id)

    def watch_ratio(self) -> np.ndarray:
        """Play time over video length, for impressions of videos with a known length."""
        known = self.duration_s > 0
        return self.play_s[known] / self.duration_s[known]


def load_kuairand(path: Path = KUAIRAND_FILE) -> KuaiRandLog:
    with Path(path).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return KuaiRandLog(
        user_id=np.array([int(r["user_id"]) for r in rows]),
        video_id=np.array([int(r["video_id"]) for r in rows]),
        is_click=np.array([r["is_click"] == "1" for r in rows]),
        play_s=np.array([float(r["play_time_ms"]) / 1000.0 for r in rows]),
        duration_s=np.array([float(r["duration_ms"]) / 1000.0 for r in rows]),
        user_active_degree=np.array([int(r["user_active_degree"]) for r in rows]),
    )


def video_items(log: KuaiRandLog) -> list[Item]:
    """The sample's videos as Items (the log has their length, not their content)."""
    items = {}
    for vid, length in zip(log.video_id, log.duration_s, strict=True):
        items.setdefault(
            int(vid), Item(id=f"kr:{vid}", creator_id="kuairand", kind="video", duration_s=length)
        )
    return list(items.values())


def histories(log: KuaiRandLog) -> dict[int, list[tuple[str, float, bool]]]:
    """Per user, the logged impressions in file order: (item id, seconds played, clicked)."""
    out: dict[int, list[tuple[str, float, bool]]] = {}
    for u, v, s, c in zip(log.user_id, log.video_id, log.play_s, log.is_click, strict=True):
        out.setdefault(int(u), []).append((f"kr:{v}", float(s), bool(c)))
    return out
