"""Retweet cascades (Twitter15, Ma, Gao and Wong, ACL 2017; simulator/data/PROVENANCE.md): real reaction
curves, the count of reshares reached 1 h, 6 h, 12 h, 1 d, 2 d and 1 w after the source tweet.

Any CSV with the columns of twitter15_cascade_curves.csv (cascade_id, h1, h6, h12, d1, d2, w1, final)
can be read, so other cascade sets can be scored the same way.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.datasets import DATA_DIR

TWITTER15_FILE = DATA_DIR / "twitter15_cascade_curves.csv"
HORIZON_COLUMNS = ("h1", "h6", "h12", "d1", "d2")  # compared as shares of the one-week count
HORIZON_NAMES = ("1h", "6h", "12h", "1d", "2d")
HORIZON_HOURS = (1.0, 6.0, 12.0, 24.0, 48.0)
WEEK_COLUMN = "w1"
MIN_WEEK_COUNT = 20  # smaller cascades make shares of one week too coarse to compare


@dataclass(frozen=True)
class Cascades:
    ids: tuple[str, ...]
    counts: np.ndarray  # (n, 5): reshares by 1 h, 6 h, 12 h, 1 d, 2 d
    week: np.ndarray  # (n,): reshares by one week

    def __len__(self) -> int:
        return len(self.ids)

    def shares(self) -> np.ndarray:
        """(n, 5): the share of the one-week count reached at each horizon."""
        return self.counts / self.week[:, None]


def load_cascades(path: Path = TWITTER15_FILE, min_week_count: int = MIN_WEEK_COUNT) -> Cascades:
    """Cascades with at least `min_week_count` reshares in the first week; a clear error on a bad file."""
    needed = ("cascade_id", *HORIZON_COLUMNS, WEEK_COLUMN)
    with Path(path).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(needed)}")
        ids, counts, week = [], [], []
        for line, row in enumerate(reader, start=2):
            try:
                values = [float(row[c]) for c in (*HORIZON_COLUMNS, WEEK_COLUMN)]
            except (TypeError, ValueError):
                raise ValueError(f"{path}, line {line}: counts must be numbers") from None
            if any(b < a for a, b in zip(values, values[1:], strict=False)):
                raise ValueError(f"{path}, line {line}: counts must not fall from one horizon to the next")
            if values[-1] >= min_week_count:
                ids.append(row["cascade_id"])
                counts.append(values[:-1])
                week.append(values[-1])
    if not ids:
        raise ValueError(f"{path}: no cascade reaches {min_week_count} reshares in a week")
    return Cascades(ids=tuple(ids), counts=np.array(counts), week=np.array(week))
