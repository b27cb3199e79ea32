"""What an audience is: its kind and size, a slice's filters, followers from a CSV or a creator's
profile; and the checks that say, in words, what is wrong with one."""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.serial import JsonRecord
from simulator.taxonomy import AGE_BANDS, COUNTRIES, GENDERS, TOPIC_INDEX, TOPICS

KINDS = ("general", "slice", "followers")
ACTIVITY_LEVELS = ("low", "medium", "high")
FOLLOWER_CSV_COLUMNS = ("age_band", "gender", "country", "interests", "activity")
CHOICES: dict[str, tuple[str, ...]] = {
    "age_band": AGE_BANDS,
    "gender": GENDERS,
    "country": COUNTRIES,
    "interests": TOPICS,
    "activity": ACTIVITY_LEVELS,
}
# A bound, not a fit: no account has more followers than a platform has users, and the largest account
# anywhere (Instagram's own) had about 690 million in 2025. Past it a profile's weights mean nothing.
MAX_FOLLOWER_COUNT = 2_000_000_000
# In a followers audience, the share of simulated users who follow the creator; the rest are the
# people around them (same places, the niche's interests) whom shares can reach.
FOLLOWER_SHARE = 0.6


@dataclass
class AudienceSpec(JsonRecord):
    kind: str = "general"
    size: int = 1000
    filters: dict[str, list[str]] = field(default_factory=dict)  # slice: attribute -> allowed values
    follower_rows: list[dict[str, str]] = field(default_factory=list)  # followers from a CSV
    profile: dict[str, Any] = field(default_factory=dict)  # followers from a creator profile

    def validate(self) -> list[str]:
        """Human-readable problems; empty when the spec can be built."""
        problems: list[str] = []
        if self.kind not in KINDS:
            return [f"audience kind '{self.kind}' is not one of {', '.join(KINDS)}"]
        # no upper bound here: how many users a deployment simulates is its RUNS_MAX_USERS, set once
        if not isinstance(self.size, int) or isinstance(self.size, bool) or self.size < 1:
            problems.append(f"size must be a positive whole number, got {self.size!r}")
        if self.kind == "slice":
            problems += _filter_problems(self.filters)
        if self.kind == "followers":
            if bool(self.follower_rows) == bool(self.profile):
                problems.append(
                    "a followers audience needs either imported follower rows or a creator profile"
                )
            elif self.follower_rows:
                for n, row in enumerate(self.follower_rows, start=1):
                    problems += [f"row {n}: {p}" for p in _row_problems(row)]
            else:
                problems += _profile_problems(self.profile)
        return problems


def _filter_problems(filters: dict[str, list[str]]) -> list[str]:
    if not filters:
        return ["a slice needs at least one filter (age_band, gender, country, interests or activity)"]
    problems = []
    for name, values in filters.items():
        if name not in CHOICES:
            problems.append(f"unknown filter '{name}'; filters are {', '.join(CHOICES)}")
            continue
        if not values:
            problems.append(f"filter '{name}' allows no value")
        bad = [v for v in values if v not in CHOICES[name]]
        if bad:
            problems.append(f"{name} {', '.join(map(repr, bad))} not among {', '.join(CHOICES[name])}")
    return problems


def _shares_problems(name: str, shares: Any) -> list[str]:
    if not isinstance(shares, dict) or not shares:
        return [f"{name} must map values to shares"]
    bad = [k for k in shares if k not in CHOICES[name]]
    if bad:
        return [f"{name} {', '.join(map(repr, bad))} not among {', '.join(CHOICES[name])}"]
    try:
        values = [float(v) for v in shares.values()]
    except (TypeError, ValueError):
        return [f"{name} shares must be numbers"]
    if any(v < 0 or not np.isfinite(v) for v in values) or sum(values) <= 0:
        return [f"{name} shares must be non-negative and not all zero"]
    return []


def _profile_problems(profile: dict[str, Any]) -> list[str]:
    problems = []
    niche = profile.get("niche")
    niches = niche if isinstance(niche, list) else [niche]
    if not niche or any(n not in TOPIC_INDEX for n in niches):
        problems.append(f"niche {niche!r} is not among the topics: {', '.join(TOPICS)}")
    count = profile.get("follower_count")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_FOLLOWER_COUNT:
        limit = f"{MAX_FOLLOWER_COUNT:,}"
        problems.append(f"follower_count must be a whole number from 1 to {limit}, got {count!r}")
    for name in ("age_band", "gender", "country"):
        if name in profile:
            problems += _shares_problems(name, profile[name])
    return problems


def split_interests(text: str) -> list[str]:
    return [t.strip().lower() for t in text.replace(";", "|").replace(",", "|").split("|") if t.strip()]


def _row_problems(row: dict[str, str]) -> list[str]:
    problems = []
    for name in ("age_band", "gender", "country"):
        value = (row.get(name) or "").strip()
        if name == "country":
            value = value.upper()
        if value not in CHOICES[name]:
            problems.append(f"{name} '{value}' is not one of {', '.join(CHOICES[name])}")
    interests = split_interests(row.get("interests") or "")
    bad = [t for t in interests if t not in TOPIC_INDEX]
    if not interests:
        problems.append("interests is empty; list topics separated by |")
    elif bad:
        problems.append(f"interests {', '.join(map(repr, bad))} not among the topics ({', '.join(TOPICS)})")
    activity = (row.get("activity") or "").strip().lower()
    if activity and activity not in ACTIVITY_LEVELS:
        try:
            rate = float(activity)
        except ValueError:
            rate = -1.0
        if not 0 < rate <= 50:
            problems.append(
                f"activity '{activity}' is not one of {', '.join(ACTIVITY_LEVELS)} "
                "or a number of sessions per day from 0 to 50"
            )
    return problems


def parse_follower_csv(text: str, max_rows: int) -> tuple[list[dict[str, str]], list[str]]:
    """Rows of a follower CSV (FOLLOWER_CSV_COLUMNS) and row-level problems; rows come back only if none.

    The caller decodes the upload (and reports a bad encoding); this reads text.
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], ["the file is empty; the first line must be the header: " + ",".join(FOLLOWER_CSV_COLUMNS)]
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        return [], [f"the file is not a readable CSV: {exc}"]
    missing = [c for c in FOLLOWER_CSV_COLUMNS if c not in header and c != "activity"]
    if missing:
        return [], [
            f"missing column(s): {', '.join(missing)}; the header must be " + ",".join(FOLLOWER_CSV_COLUMNS)
        ]
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    errors: list[str] = []
    try:
        for n, raw in enumerate(reader, start=1):
            if n > max_rows:
                errors.append(f"more than {max_rows:,} rows; split the file or sample it")
                break
            row = {c: (raw.get(c) or "").strip() for c in FOLLOWER_CSV_COLUMNS}
            if not any(row.values()):
                continue
            problems = _row_problems(row)
            errors += [f"row {n}: {p}" for p in problems]
            row["country"] = row["country"].upper()
            row["interests"] = "|".join(split_interests(row["interests"]))
            row["activity"] = row["activity"].lower()
            rows.append(row)
    except csv.Error as exc:
        errors.append(f"the file is not a readable CSV: {exc}")
    if not rows and not errors:
        errors.append("the file has a header but no follower rows")
    return (rows if not errors else []), errors
