"""Full multi-turn sessions of many persona-brain users on the array engine (simulator.session_batch),
each turn's lists built for all users at once: the fast path of `session.run_sessions`.

Rows without a plan (nobody instructed, or a recommender that ignores instructions) rank as
`traditional` does, in batch: the first stage's scores for every row, the row's seen items masked,
the top k (HistoryPopularityScorer.scores_rows and top_rows). Rows whose user instructed are few;
each gets the recommender's own `plan` and ranking on its RankQuery (`rank_rows`, its `rank` for many
queries at once, where it has one), so instruction following is the recommender's, not a copy of it.
Each user's draws are keyed by (seed, user id), so a user lives the same session whoever shares the
batch.
"""

import numpy as np

from simulator.brains.persona import PersonaBrain
from simulator.catalogue import CatalogueIndex
from simulator.randomness import hashed, run_key
from simulator.recommenders.base import Recommender
from simulator.recommenders.instruction_following import InstructionFollowingRecommender
from simulator.recommenders.plan import RerankPlan
from simulator.recommenders.traditional import TraditionalRecommender
from simulator.session import SessionConfig
from simulator.session_batch import END_REASONS, NEEDS_LIST, SessionBatch, Users
from simulator.types import Context, Persona

# Recommenders whose ranking without a plan is the first stage's top k (each says so in its rank).
_FIRST_STAGE_WITHOUT_PLAN = (TraditionalRecommender, InstructionFollowingRecommender)
# Users per engine: row state (creator counts above all) and the score matrix stay a few tens of MB.
BLOCK = 2048


class BatchSessions:
    """N users' sessions on one SessionBatch; `next_lists` asks the recommender, `turn` shows them."""

    def __init__(
        self,
        personas: list[Persona],
        recommender: Recommender,
        brain: PersonaBrain,
        catalogue: CatalogueIndex,
        *,
        seed: int,
        config: SessionConfig | None = None,
    ):
        self.config = config or SessionConfig()
        if self.config.mode == "human":
            raise ValueError("human sessions are driven by a person: use simulator.human.HumanSession")
        self.recommender, self.catalogue = recommender, catalogue
        n = len(personas)
        self.batch = SessionBatch(n, catalogue, self.config, brain)
        keys = hashed(run_key(seed), np.array([p.id for p in personas], np.uint64))
        hours = [Context().hour_of_day] * n  # run_sessions' default context
        Users(personas).start(self.batch, np.arange(n), np.arange(n), hours=hours, keys=keys)
        self.plans: list[RerankPlan | None] = [None] * n
        scorer = getattr(recommender, "scorer", None)
        same_items = scorer is not None and scorer.index.ids == catalogue.ids
        self.scorer = scorer if isinstance(recommender, _FIRST_STAGE_WITHOUT_PLAN) and same_items else None

    def next_lists(self, rows: np.ndarray) -> np.ndarray:
        """The rows' next lists (catalogue indices, -1 past the end): the recommender updates each row's
        plan by its instruction (None when the user scrolled on) first, as SessionState.next_list does."""
        b, k = self.batch, self.config.list_size
        for i in rows:
            self.plans[i] = self.recommender.plan(b.instruction[i] or None, self.plans[i])
        lists = np.full((len(rows), k), -1, int)
        planned = np.array([self.plans[i] is not None for i in rows], bool)
        if self.scorer is None:
            planned[:] = True  # an unknown recommender ranks every row itself
        plain = np.flatnonzero(~planned)
        if len(plain):
            lists[plain] = first_stage_lists(b, self.scorer, rows[plain], k)
        own = rows[planned]
        queries, plans = [b.rank_query(i) for i in own], [self.plans[i] for i in own]
        if len(own) and self.scorer is not None and hasattr(self.recommender, "rank_rows"):
            lists[planned] = self.recommender.rank_rows(queries, plans, k)  # its `rank`, for many at once
            return lists
        for j, query, plan in zip(np.flatnonzero(planned), queries, plans, strict=True):
            ids = self.recommender.rank(query, k, plan)
            known = [self.catalogue.position[x] for x in ids if x in self.catalogue.position][:k]
            lists[j, : len(known)] = known
        return lists

    def turn(self) -> bool:
        """Show every user who needs one a list; False once every session has ended."""
        rows = np.flatnonzero(self.batch.status == NEEDS_LIST)
        if not len(rows):
            return False
        self.batch.step(rows, self.next_lists(rows))
        return True

    def run(self, weights: dict | None = None) -> dict[str, np.ndarray]:
        """Every session to its end: rewards.SessionReward's numbers per user, and the end reasons."""
        while self.turn():
            pass
        rows = np.arange(self.batch.n)
        reasons = np.array([END_REASONS[c] for c in self.batch.end_reason], dtype=object)
        return self.batch.session_rewards(rows, weights) | {"end_reason": reasons}


def first_stage_lists(batch: SessionBatch, scorer, rows: np.ndarray, k: int) -> np.ndarray:
    """The traditional ranking of many rows at once: history + popularity scores, the row's seen
    items excluded, the top k (the order of `scorer.top`, row by row)."""
    scores = scorer.scores_rows(batch.history(rows))
    seen = batch.seen_items[rows]
    valid = np.arange(seen.shape[1])[None, :] < batch.items_seen[rows, None]
    scores[np.nonzero(valid)[0], seen[valid]] = -np.inf
    return scorer.top_rows(scores, k)


def run_batch_sessions(
    personas: list[Persona],
    recommender: Recommender,
    brain: PersonaBrain,
    catalogue: CatalogueIndex,
    *,
    seed: int,
    config: SessionConfig | None = None,
    weights: dict | None = None,
) -> dict[str, np.ndarray]:
    """One session per persona, BLOCK users at a time (rows are independent, so blocks change
    nothing): per-user session rewards (arrays in the personas' order) and end reasons."""
    parts = [
        BatchSessions(personas[s : s + BLOCK], recommender, brain, catalogue, seed=seed, config=config).run(
            weights
        )
        for s in range(0, len(personas), BLOCK)
    ]
    if not parts:
        return {}
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
