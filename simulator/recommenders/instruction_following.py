"""`instruction_following`: the traditional first stage, then a re-rank by what the user said.

The plan comes from `parse_instruction` (rules) unless a parser is given (the LLM parser returns
the same RerankPlan). Once the user has instructed, the current ranking is combined with
- the plan (topics and creators up or down, freshness, length, variety),
- a query over item content (`ContentIndex`: sentence embeddings of the items' text when an embedder
  is configured) for a specific instruction, or, for a vague one ("I'm bored", "something
  different"), a deliberate push away from the content and semantic-ID regions the session showed,
- the user's history (`history`: co-rating neighbours' scores, where the platform has them),
and an LLM re-ranker, where one is given, re-orders the top of that list. Without an instruction it
ranks exactly as `traditional` does, so any gap between the two is the instructions' doing.
"""

from collections.abc import Callable

import numpy as np

from simulator.catalogue import CatalogueIndex
from simulator.recommenders.base import HistoryPopularityScorer, RankQuery
from simulator.recommenders.content import ContentIndex
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
# The content and history terms, each an item's percentile among the catalogue (0 worst, 1 best), in
# units of the first stage's cosine. Priors, not tuned on the held-out re-ordering run
# (docs/fidelity.md): the query and the exploration weigh as a full cosine. Where the platform knows
# the user's history item by item (co-rating neighbours), the instruction's whole re-rank (plan and
# content) enters as a percentile too, worth half the history: a complaint about one list nudges a
# ranking that years of ratings support; it does not overturn it.
QUERY_WEIGHT = 1.0
EXPLORE_WEIGHT = 1.0
HISTORY_WEIGHT = 1.0
INSTRUCTION_WEIGHT = 0.5
# Items the LLM re-ranker orders: the top of a long list (a protocol ranks every candidate film) in
# one prompt that fits a small model's context (20 x llm_reranker.ITEM_TEXT_MAX characters).
RERANK_TOP = 20


class InstructionFollowingRecommender:
    name = "instruction_following"
    follows_instructions = True

    def __init__(
        self,
        items: list[Item] | CatalogueIndex,
        parser: Callable[..., RerankPlan] | None = None,
        *,
        content: ContentIndex | None = None,
        history: Callable[[RankQuery], np.ndarray | None] | None = None,
        reranker: Callable[[str, list[Item]], list[str]] | None = None,
        listens: bool = True,
    ):
        """`content`: the items' ContentIndex (topic rows when None); `history`: the query's co-rating
        scores per item; `reranker`: (instruction, top items) -> their ids re-ordered (the LLM's);
        `listens=False` is the ablation that re-ranks by history alone where a user instructed."""
        self.scorer = HistoryPopularityScorer(items)
        self.parser = parser or parse_instruction
        index = self.scorer.index
        self.content = content or ContentIndex.from_items(index.items)
        self.history = history
        self.reranker = reranker
        self.listens = listens
        # Topic relatedness from co-occurrence in the catalogue's items ("different but related").
        co = index.topics.T @ index.topics
        np.fill_diagonal(co, 0.0)
        self.related = co / np.maximum(co.sum(axis=1, keepdims=True), 1e-9)
        self.main_topic = np.argmax(index.topics, axis=1)
        self.creators = sorted(set(index.creators.tolist()))

    def plan(self, instruction: str | None, previous: RerankPlan | None) -> RerankPlan | None:
        if not instruction:
            return previous
        if not self.listens:
            return RerankPlan(instruction=instruction, source="ignored")
        parsed = self.parser(instruction, creators=self.creators)
        if parsed.empty:  # words the parser cannot read still say "not this": explore (a vague plan)
            parsed.diversity = MIN_DIVERSITY
        return previous.merge(parsed) if previous else parsed

    def rank(self, query: RankQuery, k: int, plan: RerankPlan | None = None) -> list[str]:
        return [self.scorer.index.ids[j] for j in self.rank_rows([query], [plan], k)[0] if j >= 0]

    def rank_rows(self, queries: list[RankQuery], plans: list[RerankPlan | None], k: int) -> np.ndarray:
        """`rank` for many users at once: catalogue indices (n, k), best first, -1 past the end."""
        scores = self.scores_rows(queries, plans)
        out = self.scorer.top_rows(scores, k)  # without a plan: the traditional ranking
        spread = [i for i, plan in enumerate(plans) if plan is not None and not plan.empty]
        if spread:
            rows = np.array(spread)
            diversity = np.array([max(plans[i].diversity, MIN_DIVERSITY) for i in spread])
            out[rows] = self._diverse_top(scores[rows], k, diversity)
        if self.reranker is not None:
            for i in spread:
                ranked = [self.scorer.index.ids[j] for j in out[i] if j >= 0]
                if plans[i].instruction and len(ranked) > 1:
                    order = self._llm_order(plans[i].instruction, ranked)
                    out[i, : len(order)] = [self.scorer.index.position[x] for x in order]
        return out

    def scores(self, query: RankQuery, plan: RerankPlan | None) -> np.ndarray:
        """Every item's score for the query under the plan (excluded items -inf): what `rank` orders,
        before the spread over topics."""
        return self.scores_rows([query], [plan])[0]

    def scores_rows(self, queries: list[RankQuery], plans: list[RerankPlan | None]) -> np.ndarray:
        """`scores` for many users at once, (n, items): the first stage in one product, then each
        instructed user's plan, content and history terms."""
        scores = self.scorer.scores_rows(
            np.array([q.history for q in queries], float).reshape(len(queries), -1)
        )
        for i, (query, plan) in enumerate(zip(queries, plans, strict=True)):
            if plan is not None:
                history = self.history(query) if self.history is not None else None
                said = (
                    self._plan_scores(plan, query) + self._content_scores(plan, query)
                    if not plan.empty
                    else 0.0
                )
                if history is not None:
                    scores[i] += HISTORY_WEIGHT * _percentile(np.asarray(history, float))
                    if not plan.empty:
                        scores[i] += INSTRUCTION_WEIGHT * _percentile(said)
                else:
                    scores[i] += said
            self.scorer.mask_excluded(scores[i], query.exclude)
        return scores

    def _content_scores(self, plan: RerankPlan, query: RankQuery) -> np.ndarray:
        """A specific instruction is a query over content; a vague one explores away from the session."""
        if plan.specific:
            # Words of a request with no "less" part are all wanted; otherwise only its wanted topics.
            negated = plan.less_topics or plan.less_creators
            text = " ".join(plan.more_topics) if negated else plan.instruction
            match = self.content.query(text) if text else None
            return np.zeros(len(self.scorer.index)) if match is None else QUERY_WEIGHT * _percentile(match)
        shown = [self.scorer.index.position[i] for i in query.exclude if i in self.scorer.index.position]
        if not shown:
            return np.zeros(len(self.scorer.index))
        return -EXPLORE_WEIGHT * _percentile(self.content.nearness_to(np.array(shown)))

    def _llm_order(self, instruction: str, ranked: list[str]) -> list[str]:
        """The re-ranker orders the top RERANK_TOP items; any id it drops or invents keeps the score order."""
        top = ranked[:RERANK_TOP]
        items = [self.scorer.index.by_id(i) for i in top]
        listed = set(top)
        answer = [i for i in dict.fromkeys(self.reranker(instruction, items)) if i in listed]
        return answer + [i for i in ranked if i not in answer]

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

    def _diverse_top(self, scores: np.ndarray, k: int, diversity: np.ndarray) -> np.ndarray:
        """Greedy re-rank of each row (n, items): each pick lowers the scores of the items sharing its
        main topic by DIVERSITY_PENALTY x the row's diversity. Catalogue indices (n, k), -1 past the end."""
        adjusted = scores.copy()
        step = (DIVERSITY_PENALTY * diversity)[:, None]
        n = len(scores)
        available = np.isfinite(scores).sum(axis=1)
        out = np.full((n, min(k, scores.shape[1])), -1)
        rows = np.arange(n)
        for pick in range(out.shape[1]):
            j = np.argmax(adjusted, axis=1)
            out[:, pick] = np.where(pick < available, j, -1)
            adjusted[rows, j] = -np.inf
            adjusted -= step * (self.main_topic[None, :] == self.main_topic[j][:, None])
        return out


def _percentile(values: np.ndarray) -> np.ndarray:
    """Each value's rank among all, scaled to [0, 1] (ties share the lower rank): scale-free, so terms
    measured in different units (co-rating weights, cosines) add on one footing."""
    if len(values) < 2:
        return np.zeros(len(values))
    ranks = np.searchsorted(np.sort(values), values, side="left")
    return ranks / (len(values) - 1)
