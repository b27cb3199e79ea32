"""The social graph over a population: who follows whom, in CSR arrays, with influence strengths.

Users are grouped into communities by main interest and country. Each user follows a heavy-tailed
number of others, mostly inside their community (homophily by interest and place) and some anywhere
(the shortcuts that make it a small world); popular users attract more follows (a Pareto popularity
per user), which gives the heavy-tailed follower counts of real platforms. The influence of a
followee on a follower grows with the similarity of their interests and a shared country (paper
section 5: neighbours pass messages whose weight is the influence).
"""

from dataclasses import dataclass

import numpy as np

from simulator.audiences import (
    AudienceSpec,
    Population,
    build_population,
    population_chunks,
    population_tastes,
)

MEDIAN_FOLLOWS = 12  # follows per user (median of a lognormal with sigma 0.8, capped at 200)
LOCAL_SHARE = 0.8  # share of follows inside the user's own community


@dataclass
class SocialGraph:
    """CSR by followee: the followers of senders[j] are indices[indptr[j]:indptr[j + 1]].

    A share by a user reaches exactly their followers; influence[k] is the weight of the followee on
    indices[k]. A shard's graph holds the edges into its own users only (its followers' follows), with
    `senders` the followees that have any of them; the whole graph has every user as a sender.
    """

    indptr: np.ndarray  # int64 (len(senders) + 1,)
    indices: np.ndarray  # int32 (E,): followers, as user ids of the whole population
    influence: np.ndarray  # float32 (E,), in [0, 1]
    community: np.ndarray  # int32 (N,): every user's, the whole population's
    senders: np.ndarray  # int64 (S,), sorted: the followees with an edge here

    @property
    def n_edges(self) -> int:
        return len(self.indices)

    def followers_of(self, j: int) -> np.ndarray:
        k = np.searchsorted(self.senders, j)
        if k == len(self.senders) or self.senders[k] != j:
            return self.indices[:0]
        return self.indices[self.indptr[k] : self.indptr[k + 1]]

    def followees(self) -> np.ndarray:
        """(E,) the followee of every edge, beside `indices`."""
        return np.repeat(self.senders, np.diff(self.indptr))

    def receivers(self, senders: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (sender position, receiver, influence) edge leaving the given senders, vectorised."""
        senders = np.asarray(senders, dtype=np.int64)
        if not len(self.senders):
            return self.receivers_none()
        k = np.searchsorted(self.senders, senders).clip(0, len(self.senders) - 1)
        starts = self.indptr[k]
        counts = np.where(self.senders[k] == senders, self.indptr[k + 1] - starts, 0)
        total = int(counts.sum())
        if total == 0:
            return self.receivers_none()
        which = np.repeat(np.arange(len(senders)), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        edge = starts[which] + offsets
        return which, self.indices[edge].astype(np.int64), self.influence[edge]

    @staticmethod
    def receivers_none() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)


def build_graph(
    spec: AudienceSpec, seed: int, lo: int = 0, hi: int | None = None, pop: Population | None = None
) -> SocialGraph:
    """The follows of users lo..hi (default: all) of the audience, the same edges whatever the range:
    each user's follows are drawn with their chunk's generator, against the whole population's
    communities and popularity. `pop`: those users' rows, if built already (else they are built).

    Memory: the edges of the range, plus about 80 bytes per user of the whole population (community,
    popularity and the community order that follows are drawn against, and interests at half
    precision for the influence); the other users' tastes are drawn a chunk at a time
    (simulator.audiences.CHUNK), without their habits.
    """
    n = spec.size
    hi = n if hi is None else hi
    pop = build_population(spec, seed, lo, hi) if pop is None else pop
    chunks = population_chunks(spec, seed)

    # every user's community (main interest and country), country and interests as unit vectors
    code = np.empty(n, dtype=np.int64)
    country = np.empty(n, dtype=np.int16)
    unit = np.empty((n, pop.interests.shape[1]), dtype=np.float16)
    for a, b in chunks:
        if lo <= a and b <= hi:
            interests, country[a:b] = pop.interests[a - lo : b - lo], pop.country[a - lo : b - lo]
        else:
            interests, country[a:b] = population_tastes(spec, seed, a, b)
        code[a:b] = interests.argmax(axis=1).astype(np.int64) * 64 + country[a:b]
        unit[a:b] = interests / (np.linalg.norm(interests, axis=1, keepdims=True) + 1e-9)
    _, community = np.unique(code, return_inverse=True)
    community = community.astype(np.int32)
    del code
    if n < 2:
        none = np.zeros(0, np.int64)
        return SocialGraph(
            np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), community, none
        )
    popularity = np.random.default_rng([seed, 0x6A2F, 0x909]).pareto(1.5, n) + 1.0
    order = np.argsort(community, kind="stable")
    block_start = np.searchsorted(community[order], np.arange(community.max() + 2))
    cum = np.concatenate([[0.0], np.cumsum(popularity[order])])
    del popularity

    codes = []  # followee * n + follower, per chunk of followers
    for a, b in chunks:
        if b <= lo or a >= hi:
            continue
        rng = np.random.default_rng([seed, 0x6A2F, a])
        follows = np.minimum(np.round(rng.lognormal(np.log(MEDIAN_FOLLOWS), 0.8, b - a)), min(200, n - 1))
        src = np.repeat(np.arange(a, b), follows.astype(np.int64))
        local = rng.random(len(src)) < LOCAL_SHARE
        c = community[src]
        start = np.where(local, cum[block_start[c]], 0.0)
        end = np.where(local, cum[block_start[c + 1]], cum[-1])
        pick = np.searchsorted(cum, start + (end - start) * rng.random(len(src)), side="right") - 1
        dst = order[np.clip(pick, 0, n - 1)]
        keep = (src != dst) & (src >= lo) & (src < hi)
        codes.append(dst[keep] * n + src[keep])
    del order, cum
    code = np.unique(np.concatenate(codes))  # sorted by followee, duplicates gone
    followee, follower = code // n, code % n
    del code
    senders, counts = np.unique(followee, return_counts=True)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    # influence grows with the similarity of interests and a shared country
    influence = np.empty(len(followee), dtype=np.float32)
    step = max(1, 4_000_000 // unit.shape[1])
    for s in range(0, len(followee), step):
        f, r = followee[s : s + step], follower[s : s + step]
        cos = np.einsum("ij,ij->i", unit[f].astype(np.float32), unit[r].astype(np.float32))
        same_place = country[f] == country[r]
        influence[s : s + step] = 1.0 / (1.0 + np.exp(-(-2.0 + 3.0 * cos + 0.5 * same_place)))
    return SocialGraph(indptr, follower.astype(np.int32), influence, community, senders.astype(np.int64))
