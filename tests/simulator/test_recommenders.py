from pathlib import Path

import numpy as np
import pytest

from simulator.catalogue import TOPIC_KEYWORDS, build_catalogue, default_index, load_catalogue
from simulator.preferences import topic_vector
from simulator.recommenders import (
    InstructionFollowingRecommender,
    RankQuery,
    RerankPlan,
    TraditionalRecommender,
    make_recommender,
)
from simulator.recommenders.parser import parse_instruction

SHARED_DATA = Path("/work/shared/data")
CATALOGUE = default_index()


def query(**interests) -> RankQuery:
    return RankQuery(user_id=1, history=topic_vector(interests), now_h=0.0, preferred_s=40.0)


def main_topics(ids: list[str]) -> list[str]:
    return [max(CATALOGUE.by_id(i).topics, key=CATALOGUE.by_id(i).topics.get) for i in ids]


def test_the_catalogue_holds_the_real_trending_videos_with_topics_and_lengths():
    items = load_catalogue()
    assert len(items) == 2364
    assert all(it.topics and it.duration_s > 0 and it.engagement.views >= 0 for it in items)
    assert {"music", "comedy", "news", "food", "sports"} <= {t for it in items for t in it.topics}
    iphone = next(it for it in items if it.id == "K4wEI5zhHB0")
    assert iphone.creator_id == "Apple" and "tech" in iphone.topics


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="needs ../shared/data (PROVENANCE.md)")
def test_the_shipped_catalogue_is_what_the_derivation_writes(tmp_path):
    out = tmp_path / "catalogue.csv.gz"
    assert build_catalogue(SHARED_DATA, out) == 2364
    assert [it.to_dict() for it in load_catalogue(out)] == [it.to_dict() for it in load_catalogue()]


def test_traditional_ranks_by_history_and_popularity():
    ids = TraditionalRecommender(CATALOGUE).rank(query(music=1.0), 10)
    assert len(ids) == 10 and main_topics(ids).count("music") == 10
    views = [CATALOGUE.by_id(i).engagement.views for i in ids]
    assert views[0] >= np.median(views)  # popularity breaks ties between equal matches


def test_traditional_ignores_instructions():
    rec = TraditionalRecommender(CATALOGUE)
    assert rec.plan("Less music, more sports", None) is None
    assert rec.rank(query(music=1.0), 10, rec.plan("Less music", None)) == rec.rank(query(music=1.0), 10)


def test_without_an_instruction_both_recommenders_rank_alike():
    q = query(food=0.5, travel=0.3, comedy=0.2)
    assert InstructionFollowingRecommender(CATALOGUE).rank(q, 10) == TraditionalRecommender(CATALOGUE).rank(
        q, 10
    )


def test_shown_items_are_excluded_and_a_small_catalogue_runs_out():
    rec = TraditionalRecommender(CATALOGUE.items[:12])
    first = rec.rank(RankQuery(1, topic_vector({"music": 1.0})), 10)
    rest = rec.rank(RankQuery(1, topic_vector({"music": 1.0}), exclude=set(first)), 10)
    assert len(rest) == 2 and not set(rest) & set(first)
    assert rec.rank(RankQuery(1, topic_vector({"music": 1.0}), exclude=set(first + rest)), 10) == []


@pytest.mark.parametrize(
    ("text", "more", "less"),
    [
        ("Too much food, show me something different but related, like travel", ["travel"], ["food"]),
        ("too much hairstyling, show me something different but related", [], ["beauty"]),
        ("Less gaming, more fitness", ["fitness"], ["gaming"]),
        ("show me more travel instead of cooking videos", ["travel"], ["food"]),
        ("I'm not into politics, give me the latest tech", ["tech"], ["politics"]),
        ("More music, please", ["music"], []),
    ],
)
def test_the_rule_parser_reads_topics_up_and_down(text, more, less):
    plan = parse_instruction(text)
    assert plan.more_topics == more and plan.less_topics == less
    assert plan.source == "rules" and plan.instruction == text


def test_the_rule_parser_reads_creators_variety_freshness_and_length():
    plan = parse_instruction("Less from Logan Paul Vlogs, please", creators=["Logan Paul Vlogs", "Apple"])
    assert plan.less_creators == ["Logan Paul Vlogs"] and plan.less_topics == []  # "vlog" is in the name
    plan = parse_instruction("Something different, the latest stuff, and shorter please")
    assert plan.diversity > 0 and plan.freshness > 0 and plan.length == "shorter"
    assert parse_instruction("too much hairstyling, show me something different but related").related
    assert parse_instruction("ok").empty


def test_the_rule_parser_finds_every_named_creator_short_names_too_in_the_feeds_order():
    plan = parse_instruction(
        "More Apple Music and TV", creators=["Zed", "TV", "Apple Music", "Apple Musics", ""]
    )
    assert plan.more_creators == ["TV", "Apple Music"]


def test_the_first_stage_for_many_rows_orders_each_row_as_top_does_ties_and_exclusions_included():
    scorer = TraditionalRecommender(CATALOGUE).scorer
    rng = np.random.default_rng(5)
    for decimals, excluded in ((12, 0.0), (2, 0.3), (1, 0.995)):  # coarse rounding: ties at the k-th
        scores = np.round(scorer.scores_rows(rng.dirichlet(np.full(24, 0.3), 40)), decimals)
        scores[rng.random(scores.shape) < excluded] = -np.inf
        for k in (1, 10, 30):
            rows = scorer.top_rows(scores.copy(), k)
            for row, listed in zip(scores, rows, strict=True):
                assert [CATALOGUE.ids[j] for j in listed if j >= 0] == scorer.top(row.copy(), k)


def test_plans_accumulate_over_turns_and_the_newer_instruction_wins():
    first = parse_instruction("Less music, more sports")
    merged = first.merge(parse_instruction("More music again, less news"))
    assert merged.more_topics == ["sports", "music"] and merged.less_topics == ["news"]
    assert RerankPlan.from_dict(merged.to_dict()) == merged


def test_instruction_following_drops_the_topic_the_user_tired_of():
    rec = InstructionFollowingRecommender(CATALOGUE)
    q = query(comedy=0.6, music=0.4)
    before = main_topics(rec.rank(q, 10))
    plan = rec.plan("Too much comedy, show me something different but related, like music", None)
    after = main_topics(rec.rank(q, 10, plan))
    assert before.count("comedy") >= 5
    assert after.count("comedy") < before.count("comedy") and after.count("music") >= 3


def test_instruction_following_hides_a_creator_and_favours_fresh_and_short_items():
    rec = InstructionFollowingRecommender(CATALOGUE)
    q = query(tech=1.0)
    base = rec.rank(q, 10)
    creator = CATALOGUE.by_id(base[0]).creator_id
    hidden = rec.rank(q, 10, rec.plan(f"Less from {creator}", None))
    assert creator not in {CATALOGUE.by_id(i).creator_id for i in hidden}
    fresh = rec.rank(q, 10, rec.plan("the latest tech please", None))
    assert np.mean([CATALOGUE.by_id(i).posted_at_h for i in fresh]) > np.mean(
        [CATALOGUE.by_id(i).posted_at_h for i in base]
    )
    short = rec.rank(q, 10, rec.plan("shorter tech videos", None))
    assert np.median([CATALOGUE.by_id(i).duration_s for i in short]) < np.median(
        [CATALOGUE.by_id(i).duration_s for i in base]
    )


def test_a_request_for_variety_spreads_the_list_over_topics():
    rec = InstructionFollowingRecommender(CATALOGUE)
    q = query(music=0.8, comedy=0.2)
    plain = len(set(main_topics(rec.rank(q, 10))))
    varied = len(set(main_topics(rec.rank(q, 10, rec.plan("show me something different", None)))))
    assert varied > plain


def test_recommenders_are_made_by_name_and_a_bad_name_says_what_exists():
    assert make_recommender("traditional", CATALOGUE).name == "traditional"
    with pytest.raises(ValueError, match="instruction_following"):
        make_recommender("collaborative", CATALOGUE)


def test_every_topic_has_keywords_for_the_parser():
    assert all(TOPIC_KEYWORDS[t] for t in TOPIC_KEYWORDS)


def test_a_vague_instruction_explores_away_from_what_the_session_showed():
    rec = InstructionFollowingRecommender(CATALOGUE)
    q = query(music=0.8, comedy=0.2)
    shown = rec.rank(q, 10)
    q.exclude = set(shown)
    rows = np.array([CATALOGUE.position[i] for i in shown])

    def nearness(ids):
        return rec.content.nearness_to(rows)[[CATALOGUE.position[i] for i in ids]].mean()

    plan = rec.plan("I'm bored", None)
    assert not plan.specific
    assert nearness(rec.rank(q, 10, plan)) < nearness(rec.rank(q, 10)) - 0.2


def test_after_an_instruction_the_users_history_lifts_what_their_neighbours_liked():
    favourite = [CATALOGUE.ids[j] for j in range(0, 400, 40)]  # ten items the history scores top
    history = np.zeros(len(CATALOGUE))
    history[[CATALOGUE.position[i] for i in favourite]] = 1.0
    rec = InstructionFollowingRecommender(CATALOGUE, history=lambda q: history)
    q = query(music=1.0)
    assert rec.rank(q, 10) == TraditionalRecommender(CATALOGUE).rank(q, 10)  # not before an instruction
    after = rec.rank(q, 10, rec.plan("more music please", None))
    before = rec.rank(q, 10)
    assert len(set(after) & set(favourite)) > len(set(before) & set(favourite))
    assert main_topics(after).count("music") >= 3  # and the words still count


def test_a_specific_instruction_is_a_query_over_item_content():
    from simulator.recommenders.content import ContentIndex
    from simulator.representations.embeddings import TextEmbedder, model_path

    if model_path() is None:
        pytest.skip("all-MiniLM-L6-v2 is not installed")
    items = CATALOGUE.items[:300]
    content = ContentIndex.from_items(items, embedder=TextEmbedder(), cache_name="test-catalogue-300")
    rec = InstructionFollowingRecommender(items, content=content)
    q = query(music=0.5, comedy=0.5)
    ask = "more basketball highlights"
    match = content.query(ask)
    position = {it.id: k for k, it in enumerate(items)}
    plan = rec.plan(ask, None)
    assert plan.specific
    after, before = rec.rank(q, 10, plan), rec.rank(q, 10)
    assert match[[position[i] for i in after]].mean() > match[[position[i] for i in before]].mean() + 0.05


def test_the_llm_reranker_orders_the_top_of_the_list_and_keeps_the_score_order_on_a_bad_answer():
    import json

    from simulator.engines.base import EngineConfig
    from simulator.engines.openai_http import OpenAIEngine
    from simulator.recommenders.llm_reranker import LLMReranker
    from tests.simulator.llm_support import ScriptedServer, completion

    def reverse(body, n):
        count = body["messages"][-1]["content"].count("<item>")
        return 200, completion(json.dumps({"order": list(range(count, 0, -1))})), 0

    q = query(tech=1.0)
    plan_text = "more tech"
    with ScriptedServer(reverse) as server:
        engine = OpenAIEngine(EngineConfig(engine="openai", model="m", base_url=server.base_url))
        reranker = LLMReranker(engine)
        rec = InstructionFollowingRecommender(CATALOGUE, reranker=reranker)
        plain = InstructionFollowingRecommender(CATALOGUE)
        expected = plain.rank(q, 8, plain.plan(plan_text, None))
        assert rec.rank(q, 8, rec.plan(plan_text, None)) == expected[::-1]
        assert "more tech" in server.requests[0]["messages"][-1]["content"]
    with ScriptedServer(lambda body, n: (200, completion('{"order": [1, 1]}'), 0)) as server:
        engine = OpenAIEngine(EngineConfig(engine="openai", model="m", base_url=server.base_url))
        rec = InstructionFollowingRecommender(CATALOGUE, reranker=LLMReranker(engine))
        assert rec.rank(q, 8, rec.plan(plan_text, None)) == plain.rank(q, 8, plain.plan(plan_text, None))
        assert rec.reranker.fallbacks == 1


def test_the_llm_reranker_orders_only_the_top_of_a_long_list():
    import json

    from simulator.engines.base import EngineConfig
    from simulator.engines.openai_http import OpenAIEngine
    from simulator.recommenders.instruction_following import RERANK_TOP
    from simulator.recommenders.llm_reranker import LLMReranker
    from tests.simulator.llm_support import ScriptedServer, completion

    def reverse(body, n):
        count = body["messages"][-1]["content"].count("<item>")
        return 200, completion(json.dumps({"order": list(range(count, 0, -1))})), 0

    q = query(tech=1.0)
    k = RERANK_TOP * 2
    plain = InstructionFollowingRecommender(CATALOGUE)
    expected = plain.rank(q, k, plain.plan("more tech", None))
    with ScriptedServer(reverse) as server:
        engine = OpenAIEngine(EngineConfig(engine="openai", model="m", base_url=server.base_url))
        rec = InstructionFollowingRecommender(CATALOGUE, reranker=LLMReranker(engine))
        ranked = rec.rank(q, k, rec.plan("more tech", None))
        [request] = server.requests
    assert request["messages"][-1]["content"].count("<item>") == RERANK_TOP
    assert ranked == expected[:RERANK_TOP][::-1] + expected[RERANK_TOP:]
