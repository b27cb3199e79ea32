"""`traditional`: ranks by the user's history and popularity; instructions change nothing."""

from simulator.catalogue import CatalogueIndex
from simulator.recommenders.base import HistoryPopularityScorer, RankQuery
from simulator.recommenders.plan import RerankPlan
from simulator.types import Item


class TraditionalRecommender:
    name = "traditional"
    follows_instructions = False

    def __init__(self, items: list[Item] | CatalogueIndex):
        self.scorer = HistoryPopularityScorer(items)

    def plan(self, instruction: str | None, previous: RerankPlan | None) -> RerankPlan | None:
        return None

    def rank(self, query: RankQuery, k: int, plan: RerankPlan | None = None) -> list[str]:
        scores = self.scorer.mask_excluded(self.scorer.scores(query), query.exclude)
        return self.scorer.top(scores, k)
