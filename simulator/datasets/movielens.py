"""MovieLens 100k (GroupLens; 100,000 ratings by 943 users on 1,682 films) as Personas, Items, histories.

Read from the recbole 1.2.1 wheel (recbole/dataset_example/ml-100k), found without importing recbole
(which would pull in torch). Fit on users 1-600 only; users 601-943 are held out for evaluation.
"""

import csv
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from simulator.datasets import DatasetMissing
from simulator.taxonomy import AGE_BANDS
from simulator.types import Behaviour, Demographics, Engagement, Item, Persona

INSTALL_HINT = "pip install --no-deps recbole==1.2.1  (or: make data)"
FIT_USERS = range(1, 601)
HELD_OUT_USERS = range(601, 944)
LIKED_RATING = 4  # ratings of 4 and 5 count as liked, as in Agent4Rec

# MovieLens genres onto the simulator's taxonomy; every film is also "film".
GENRE_TOPICS: dict[str, str] = {
    "Animation": "art",
    "Children's": "family",
    "Comedy": "comedy",
    "Documentary": "education",
    "Musical": "music",
    "Sci-Fi": "science",
    "War": "politics",
}

# First digit of a US ZIP code -> the standard-time UTC offset of most of that region.
ZIP_UTC_OFFSET = {"0": -5.0, "1": -5.0, "2": -5.0, "3": -5.0, "4": -5.0, "5": -6.0, "6": -6.0}
ZIP_UTC_OFFSET |= {"7": -6.0, "8": -7.0, "9": -8.0}


@dataclass(frozen=True, eq=False)  # hashed by identity, for the per-user index cache
class MovieLens:
    """The whole data set as arrays; users and films are indexed by their MovieLens ids."""

    user_age: np.ndarray  # (944,), index = user id; row 0 unused
    user_gender: np.ndarray  # 'M' / 'F'
    user_occupation: np.ndarray
    user_zip: np.ndarray
    titles: np.ndarray  # (1683,), index = item id; row 0 unused
    years: np.ndarray
    genres: tuple[tuple[str, ...], ...]
    user: np.ndarray  # (100000,) rating rows
    item: np.ndarray
    rating: np.ndarray
    time: np.ndarray

    @property
    def n_users(self) -> int:
        return len(self.user_age) - 1

    @property
    def n_items(self) -> int:
        return len(self.titles) - 1

    def rows_of(self, user_id: int) -> np.ndarray:
        """Indices of the user's rating rows, oldest first."""
        rows = _rows_by_user(self)[user_id]
        return rows[np.argsort(self.time[rows], kind="stable")]


def ml100k_dir() -> Path:
    spec = importlib.util.find_spec("recbole")
    if spec is None or not spec.submodule_search_locations:
        raise DatasetMissing(f"MovieLens 100k needs the recbole package: {INSTALL_HINT}")
    directory = Path(next(iter(spec.submodule_search_locations))) / "dataset_example" / "ml-100k"
    if not (directory / "ml-100k.inter").is_file():
        raise DatasetMissing(f"recbole is installed but has no ml-100k files in {directory}: {INSTALL_HINT}")
    return directory


def _table(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="latin-1", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = [h.split(":")[0] for h in next(reader)]
        return header, [row for row in reader if row]


@cache
def load_movielens(directory: Path | None = None) -> MovieLens:
    directory = directory or ml100k_dir()
    header, rows = _table(directory / "ml-100k.user")
    col = {h: k for k, h in enumerate(header)}
    n_users = max(int(r[col["user_id"]]) for r in rows)
    age = np.zeros(n_users + 1, dtype=np.int16)
    gender = np.full(n_users + 1, "", dtype=object)
    occupation = np.full(n_users + 1, "", dtype=object)
    zips = np.full(n_users + 1, "", dtype=object)
    for r in rows:
        u = int(r[col["user_id"]])
        age[u], gender[u] = int(r[col["age"]]), r[col["gender"]]
        occupation[u], zips[u] = r[col["occupation"]], r[col["zip_code"]]

    header, rows = _table(directory / "ml-100k.item")
    col = {h: k for k, h in enumerate(header)}
    n_items = max(int(r[col["item_id"]]) for r in rows)
    titles = np.full(n_items + 1, "", dtype=object)
    years = np.zeros(n_items + 1, dtype=np.int16)
    genres: list[tuple[str, ...]] = [()] * (n_items + 1)
    for r in rows:
        i = int(r[col["item_id"]])
        titles[i] = r[col["movie_title"]]
        year = r[col["release_year"]] if len(r) > col["release_year"] else ""
        years[i] = int(year) if year.isdigit() else 0
        classes = r[col["class"]].split() if len(r) > col["class"] else []
        genres[i] = tuple(g for g in classes if g != "unknown")

    inter = np.loadtxt(directory / "ml-100k.inter", skiprows=1, delimiter="\t", dtype=np.int64)
    return MovieLens(
        user_age=age,
        user_gender=gender,
        user_occupation=occupation,
        user_zip=zips,
        titles=titles,
        years=years,
        genres=tuple(genres),
        user=inter[:, 0].astype(np.int32),
        item=inter[:, 1].astype(np.int32),
        rating=inter[:, 2].astype(np.int8),
        time=inter[:, 3],
    )


@cache
def _rows_by_user(ml: MovieLens) -> dict[int, np.ndarray]:
    order = np.argsort(ml.user, kind="stable")
    users, starts = np.unique(ml.user[order], return_index=True)
    return {int(u): rows for u, rows in zip(users, np.split(order, starts[1:]), strict=True)}


def film_topics(genres: tuple[str, ...]) -> dict[str, float]:
    """Half the weight on 'film', the rest shared by the genres the taxonomy has a topic for."""
    mapped = sorted({GENRE_TOPICS[g] for g in genres if g in GENRE_TOPICS})
    if not mapped:
        return {"film": 1.0}
    return {"film": 0.5} | {t: 0.5 / len(mapped) for t in mapped}


def film_item(ml: MovieLens, item_id: int, views: int = 0, likes: int = 0) -> Item:
    """A film as an Item; `views` / `likes` are its rating counts among the users it may show."""
    title = str(ml.titles[item_id])
    year = int(ml.years[item_id])
    genres = ml.genres[item_id]
    caption = f"{title} ({year})" if year else title
    return Item(
        id=f"ml:{item_id}",
        creator_id="movielens",
        kind="video",
        caption=caption,
        hashtags=[g.lower() for g in genres],
        topics=film_topics(genres),
        engagement=Engagement(views=int(views), likes=int(likes)),
        description=f"{caption}, a film: {', '.join(genres) or 'genre unknown'}.",
    )


def age_band(age: int) -> str:
    for band in AGE_BANDS:
        low, _, high = band.partition("-")
        if age <= int(high or 200):
            return band
    return AGE_BANDS[-1]


def user_persona(ml: MovieLens, user_id: int, history_rows: np.ndarray | None = None) -> Persona:
    """A MovieLens user as a Persona; interests come from the films liked in `history_rows`."""
    rows = ml.rows_of(user_id) if history_rows is None else history_rows
    weights: dict[str, float] = {}
    for row in rows[ml.rating[rows] >= LIKED_RATING]:
        for topic, w in film_topics(ml.genres[ml.item[row]]).items():
            weights[topic] = weights.get(topic, 0.0) + w
    total = sum(weights.values()) or 1.0
    interests = {t: w / total for t, w in sorted(weights.items(), key=lambda kv: -kv[1])} or {"film": 1.0}
    zip_code = str(ml.user_zip[user_id])
    us = zip_code[:1].isdigit()
    liked_genres: dict[str, int] = {}
    for row in rows[ml.rating[rows] >= LIKED_RATING]:
        for g in ml.genres[ml.item[row]]:
            liked_genres[g] = liked_genres.get(g, 0) + 1
    top = [g for g, _ in sorted(liked_genres.items(), key=lambda kv: -kv[1])[:3]]
    return Persona(
        id=int(user_id),
        demographics=Demographics(
            age_band=age_band(int(ml.user_age[user_id])),
            gender={"M": "male", "F": "female"}.get(str(ml.user_gender[user_id]), "nonbinary"),
            country="US" if us else "CA",
            utc_offset_h=ZIP_UTC_OFFSET.get(zip_code[:1], -5.0),
        ),
        interests=interests,
        behaviour=Behaviour(),
        interest_text=(
            f"{ml.user_occupation[user_id]}, aged {ml.user_age[user_id]}; "
            f"likes {', '.join(top) if top else 'films'} films"
        ),
    )


def history_text(ml: MovieLens, rows: np.ndarray, limit: int = 40) -> str:
    """The user's most recent ratings in words, for brains that read (the LLM)."""
    recent = rows[-limit:]
    return "; ".join(f"{ml.titles[ml.item[r]]} rated {ml.rating[r]}/5" for r in recent)
