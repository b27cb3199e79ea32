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

from simulator.audiences import Population

MEDIAN_FOLLOWS = 12  # follows per user (median of a lognormal with sigma 0.8, capped at 200)
LOCAL_SHARE = 0.8  # share of follows inside the user's own community


@dataclass
class SocialGraph:
    """CSR by followee: the followers of user j are indices[indptr[j]:indptr[j + 1]].

    A share by j reaches exactly those users; influence[k] is the weight of j on indices[k].
    """

    indptr: np.ndarray  # int64 (N + 1,)
    indices: np.ndarray  # int32 (E,)
    influence: np.ndarray  # float32 (E,), in [0, 1]
    community: np.ndarray  # int32 (N,)

    @property
    def n_edges(self) -> int:
        return len(self.indices)

    def followers_of(self, j: int) -> np.ndarray:
        return self.indices[self.indptr[j] : self.indptr[j + 1]]

    def following(self, i: int) -> np.ndarray:
        """Whom user i follows (a scan; for showing one persona, not for the hot loop)."""
        rows = np.flatnonzero(self.indices == i)
        return np.searchsorted(self.indptr, rows, side="right") - 1

    def receivers(self, senders: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (sender position, receiver, influence) edge leaving the given senders, vectorised."""
        starts = self.indptr[senders]
        counts = self.indptr[senders + 1] - starts
        total = int(counts.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        which = np.repeat(np.arange(len(senders)), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        edge = starts[which] + offsets
        return which, self.indices[edge].astype(np.int64), self.influence[edge]


def build_graph(pop: Population, seed: int) -> SocialGraph:
    """A graph for the population, the same for the same (population, seed); 100k users in about a second."""
    n = len(pop)
    rng = np.random.default_rng([seed, 0x6A2F])
    n_topics = pop.interests.shape[1]
    community = (pop.interests.argmax(axis=1).astype(np.int64) * 64 + pop.country).astype(np.int64)
    _, community = np.unique(community, return_inverse=True)
    community = community.astype(np.int32)
    if n < 2:
        return SocialGraph(
            np.zeros(n + 1, dtype=np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), community
        )

    follows = np.minimum(np.round(rng.lognormal(np.log(MEDIAN_FOLLOWS), 0.8, n)), min(200, n - 1)).astype(
        np.int64
    )
    popularity = rng.pareto(1.5, n) + 1.0
    order = np.argsort(community, kind="stable")
    block_start = np.searchsorted(community[order], np.arange(community.max() + 2))
    cum = np.concatenate([[0.0], np.cumsum(popularity[order])])

    src = np.repeat(np.arange(n), follows)
    local = rng.random(len(src)) < LOCAL_SHARE
    c = community[src]
    lo = np.where(local, cum[block_start[c]], 0.0)
    hi = np.where(local, cum[block_start[c + 1]], cum[-1])
    pick = np.searchsorted(cum, lo + (hi - lo) * rng.random(len(src)), side="right") - 1
    dst = order[np.clip(pick, 0, n - 1)]

    keep = src != dst
    code = np.unique(dst[keep] * n + src[keep])  # sorted by followee, duplicates gone
    followee, follower = code // n, code % n
    indptr = np.concatenate([[0], np.cumsum(np.bincount(followee, minlength=n))]).astype(np.int64)

    influence = np.empty(len(code), dtype=np.float32)
    norms = np.linalg.norm(pop.interests, axis=1) + 1e-9
    chunk = max(1, 4_000_000 // n_topics)
    for s in range(0, len(code), chunk):
        a, b = followee[s : s + chunk], follower[s : s + chunk]
        cos = np.einsum("ij,ij->i", pop.interests[a], pop.interests[b]) / (norms[a] * norms[b])
        same_place = pop.country[a] == pop.country[b]
        influence[s : s + chunk] = 1.0 / (1.0 + np.exp(-(-2.0 + 3.0 * cos + 0.5 * same_place)))
    return SocialGraph(indptr, follower.astype(np.int32), influence, community)
