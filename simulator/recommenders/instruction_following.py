"""`instruction_following`: the traditional first stage, then a re-rank by the instruction's plan.

The plan comes from `parse_instruction` (rules) unless a parser is given (the LLM parser returns
the same RerankPlan). Without an instruction it ranks exactly as `traditional` does, so any gap
between the two is the instructions' doing.
"""

from collections.abc import Callable

import numpy as np

from simulator.catalogue import CatalogueIndex
from simulator.recommenders.base import HistoryPopularityScorer, RankQuery
from simulator.recommenders.parser import parse_instruction
from simulator.recommenders.plan import RerankPlan
from simulator.taxonomy import TOPIC_INDEX
from simulator.types import Item

# Plan weights, in units of the first stage's score (cosine affinity in [0, 1]).
MORE_TOPIC, LESS_TOPIC, RELATED_TOPIC = 1.2, 1.5, 0.3
MORE_CREATOR, LESS_CREATOR = 0.6, 3.0
FRESH_PER_WEEK, LENGTH_PER_LOG = 0.3, 0.3
DIVERSITY_PENALTY = 0.5  # per item of the same main topic already in the list, times diversity
# Once a user has instructed, lists are spread at least this much: a list of ten items of the one
# topic asked for would only move the satiation the user complained about.
MIN_DIVERSITY = 0.3
SHOWN_PENALTY = 1.5  # "something different": overlap with what this session already showed, times diversity


class InstructionFollowingRecommender:
    name = "instruction_following"
    follows_instructions = True

    def __init__(self, items: list[Item] | CatalogueIndex, parser: Callable[..., RerankPlan] | None = None):
        self.scorer = HistoryPopularityScorer(items)
        self.parser = parser or parse_instruction
        index = self.scorer.index
        # Topic relatedness from co-occurrence in the catalogue's items ("different but related").
        co = index.topics.T @ index.topics
        np.fill_diagonal(co, 0.0)
        self.related = co / np.maximum(co.sum(axis=1, keepdims=True), 1e-9)
        self.main_topic = np.argmax(index.topics, axis=1)
        self.creators = sorted(set(index.creators.tolist()))

    def plan(self, instruction: str | None, previous: RerankPlan | None) -> RerankPlan | None:
        if not instruction:
            return previous
        parsed = self.parser(instruction, creators=self.creators)
        return previous.merge(parsed) if previous else parsed

    def rank(self, query: RankQuery, k: int, plan: RerankPlan | None = None) -> list[str]:
        scores = self.scorer.scores(query)
        if plan is not None and not plan.empty:
            scores = scores + self._plan_scores(plan, query)
        scores = self.scorer.mask_excluded(scores, query.exclude)
        if plan is None or plan.empty:
            return self.scorer.top(scores, k)
        return self._diverse_top(scores, k, max(plan.diversity, MIN_DIVERSITY))

    def _plan_scores(self, plan: RerankPlan, query: RankQuery) -> np.ndarray:
        index = self.scorer.index
        topics = index.topics
        adjust = np.zeros(len(index))
        more = [TOPIC_INDEX[t] for t in plan.more_topics if t in TOPIC_INDEX]
        less = [TOPIC_INDEX[t] for t in plan.less_topics if t in TOPIC_INDEX]
        if more:
            adjust += MORE_TOPIC * topics[:, more].sum(axis=1)
        if less:
            adjust -= LESS_TOPIC * topics[:, less].sum(axis=1)
            if plan.related:
                near = self.related[less].sum(axis=0)
                near[less] = 0.0
                near /= near.max() or 1.0
                adjust += RELATED_TOPIC * topics @ near
        if plan.more_creators:
            adjust += MORE_CREATOR * np.isin(index.creators, plan.more_creators)
        if plan.less_creators:
            adjust -= LESS_CREATOR * np.isin(index.creators, plan.less_creators)
        if plan.diversity and query.shown_topics is not None:
            adjust -= SHOWN_PENALTY * plan.diversity * (topics @ query.shown_topics)
        if plan.freshness:
            age_weeks = np.maximum(query.now_h - index.posted_at_h, 0.0) / 168.0
            adjust -= plan.freshness * FRESH_PER_WEEK * age_weeks
        if plan.length and query.preferred_s:
            log_len = np.log(np.maximum(index.duration_s, 1.0) / query.preferred_s)
            adjust += LENGTH_PER_LOG * (-log_len if plan.length == "shorter" else log_len)
        return adjust

    def _diverse_top(self, scores: np.ndarray, k: int, diversity: float) -> list[str]:
        """Greedy re-rank: each pick lowers the scores of items sharing its main topic."""
        adjusted = scores.copy()
        step = DIVERSITY_PENALTY * diversity
        chosen: list[str] = []
        for _ in range(min(k, int(np.isfinite(scores).sum()))):
            j = int(np.argmax(adjusted))
            chosen.append(self.scorer.index.ids[j])
            adjusted[j] = -np.inf
            adjusted[self.main_topic == self.main_topic[j]] -= step
        return chosen
