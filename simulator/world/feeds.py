"""The world's feed sessions: the sessions in which a live post is delivered, played on real lists.

When the platform's candidate paths (simulator.world.shard) bring a live post into a user's session,
the session is played as RecoWorld's loop (simulator.session_batch): the run's recommender
(traditional or instruction-following) ranks the catalogue plus the post for the user's history
(stated interests and the engagement profile carried across the week); the user scrolls item by
item with the persona brain, gets tired, bored and sated, and may leave; a leaver may reflect and
instruct, and the next list follows the instruction. The candidate path reserves the post a place in
the session's first list, where the ranking puts it among the list's items (last when they all rank
higher; a followed creator's post ranks as one the user asked more of; a shared one opens the
session). A user who has instructed the feed gets the recommender's ranking under the instruction
alone: the post is shown only where that ranking puts it in a list. So the post's position, whether
the user gets that far, and the fatigue, boredom and satiation it is met with all come from the
lists scrolled before it. The session is played until the user meets the post or leaves: what
follows cannot change the post's figures, and one post of a creator per session is the feeds'
diversity rule.

Carried across sessions, per user: the evolved interests (eq. 4, the shard's), the engagement
profile (decayed, memory.TOPIC_HALF_LIFE_H) and the instructions' plan, which the recommender keeps
applying to that user's later sessions (it remembers; a newer instruction wins on a conflict).
"""

import json
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from simulator.brains.complaints import PRESENT_WEIGHT
from simulator.brains.features import Habits
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import CatalogueIndex, default_index
from simulator.memory import TOPIC_HALF_LIFE_H, decayed
from simulator.preferences import satiation
from simulator.randomness import hashed
from simulator.recommenders import make_recommender
from simulator.recommenders.instruction_following import MORE_CREATOR
from simulator.recommenders.plan import RerankPlan
from simulator.session import SessionConfig
from simulator.session_batch import NEEDS_LIST, SessionBatch
from simulator.taxonomy import TOPIC_INDEX
from simulator.types import Item
from simulator.world.results import FEED_ANSWERS as ANSWERS
from simulator.world.results import FEED_EXAMPLES

# The following feed: a followed creator's post ranks as one the user asked more of (the instruction
# follower's own weight for "more from this creator").
FOLLOWED_BOOST = MORE_CREATOR
FEED = SessionConfig(mode="multi_turn")  # the session engine's caps: 10 items a list, 5 lists, an hour
# What an instruction names: a topic of the post, or something else. (Users say less of the post's
# creator with the post's "show less", counted with its reactions; leavers' words name what they saw.)
INSTRUCTION_KINDS = ("post_topic", "other")
FIRST_ROWS = 1024
_S_FEED, _S_EXAMPLE = 21, 22


@lru_cache(maxsize=4)
def _feed_parts(posts_json: str, recommender: str):
    """The catalogue plus the run's posts (their rows after the catalogue's), and the recommender over
    them; built once per run's posts in a process, shared by its shards and reruns."""
    posts = [Item.from_dict(d) for d in json.loads(posts_json)]
    catalogue = default_index()
    index = CatalogueIndex(list(catalogue.items) + posts)
    follower = make_recommender(recommender, index)
    if hasattr(follower, "creators"):  # words name the catalogue's creators: a handle such as "me"
        follower.creators = sorted(set(catalogue.creators.tolist()))  # would match "show me ..."
    return index, follower


@dataclass
class Met:
    """What the users who met their post met it with, one row per delivery given to `play`."""

    met: np.ndarray  # bool: scrolled to the post without leaving
    position: np.ndarray  # items seen before it this session
    fatigue: np.ndarray
    boredom: np.ndarray
    satiation: np.ndarray  # the session's exposure to the post's topics


class Feeds:
    """The feed memory of a shard's users and the session engine that plays their sessions."""

    def __init__(
        self, posts: list[Item], recommender: str, brain: PersonaBrain, habits: Habits, n: int, hours: int
    ):
        posts_json = json.dumps([p.to_dict() for p in posts], sort_keys=True)
        self.index, self.recommender = _feed_parts(posts_json, recommender)
        self.first_post = len(self.index) - len(posts)
        self.post_present = self.index.topics[self.first_post :] >= PRESENT_WEIGHT
        self.brain, self.habits = brain, habits
        # rows for a window's sessions; built once per shard (its item columns cost a moment), grown by
        # doubling in the rare window that brings more
        self.batch = SessionBatch(min(n, FIRST_ROWS), self.index, FEED, brain)
        self.profile = np.zeros((n, self.index.topics.shape[1]), np.float32)  # engagement, decayed
        self.profile_at = np.zeros(n)
        self.plans: dict[int, RerankPlan] = {}  # row -> what the recommender keeps doing for that user
        self.sessions = self.items = self.left_before = self.ranked_out = 0
        # instructions[post, hour after it, kind (INSTRUCTION_KINDS), answer (ANSWERS)]
        self.instructions = np.zeros((len(posts), hours, len(INSTRUCTION_KINDS), len(ANSWERS)), np.int64)
        self.examples: list[dict] = []  # the FEED_EXAMPLES with the smallest hash priority

    def play(
        self,
        key,
        a,
        p,
        gu,
        *,
        age_h,
        from_share,
        follows,
        now_h,
        local_h,
        step,
        interests,
        base,
        velocity,
    ):
        """Play the sessions in which users `a` (shard rows; global ids gu) were brought post `p`.

        `interests`/`base`: the users' evolved and stated interests, `interests` written back in place
        with what the session taught; `follows`: whether they follow the creator; `velocity` per post:
        its engagement per impression over a typical item's, which the platform scores a live post by
        (a typical new post ranks as the catalogue's median item). Returns how each met the post."""
        m = len(a)
        if self.batch.n < m:
            self.batch = SessionBatch(max(m, 2 * self.batch.n), self.index, FEED, self.brain)
        b, rows = self.batch, np.arange(m)
        b.start(
            rows,
            user_ids=gu,
            interests=base,
            habits=self.habits.take(a),
            hours=local_h,
            keys=hashed(key, gu, step, _S_FEED),
        )
        b.interests[rows] = interests
        b.profile[rows] = decayed(
            self.profile[a], self.profile_at[a, None], now_h[:, None], TOPIC_HALF_LIFE_H
        )
        # the posts' popularity term is their velocity (in decades, as the catalogue's views are); the
        # recommender is shared by this process's shards of the run, and velocity is the same in all
        self.recommender.scorer.popularity[self.first_post :] = np.log10(velocity)
        post_row = self.first_post + p
        met = np.zeros(m, bool)
        # A session whose instructions rank the post beyond all it could scroll cannot show it: it is
        # counted, not played (it would change only that user's memory of catalogue items).
        planned = np.array([int(u) in self.plans for u in a], bool)
        reachable = self._reachable(rows, a, post_row, follows, planned)
        self.ranked_out += int((~reachable).sum())
        for turn in range(FEED.max_turns):
            need = rows[(b.status[rows] == NEEDS_LIST) & ~met & reachable]
            if not len(need):
                break
            lists = self._lists(need, a[need], post_row[need], follows[need])
            at = lists == post_row[need, None]
            slot = np.where(at.any(axis=1), at.argmax(axis=1), -1)
            if turn == 0:  # the candidate's reserved place, unless an instruction ranks it
                slot = np.where(~planned[need] & (slot < 0), FEED.list_size - 1, slot)
            slot = np.where(from_share[need], 0, slot)  # a share opens the session
            met[need[slot == 0]] = True
            before = (slot[:, None] < 0) | (np.arange(FEED.list_size) < slot[:, None])
            shown = np.where(before & ~at, lists, -1)
            go = slot != 0
            r, placed = need[go], slot[go]
            b.step(r, shown[go])
            self.items += int(b.reacted[r].sum())
            there = (placed > 0) & (b.reacted[r] == placed) & ~b.reflected[r]
            met[r[there & (b.seconds[r] < FEED.max_minutes * 60.0)]] = True
            said = r[b.instruction[r] != ""]
            self._instructed(
                key, said, a[said], p[said], post_row[said], follows[said], age_h[said], step[said]
            )
        self.sessions += m
        self.left_before += int((~met & reachable).sum())
        interests[:] = b.interests[rows]
        self.profile[a] = b.profile[rows]
        self.profile_at[a] = now_h + b.profile_at_h[rows]
        return Met(
            met=met,
            position=b.items_seen[rows].copy(),
            fatigue=b.mindset.fatigue[rows].copy(),
            boredom=b.mindset.boredom[rows].copy(),
            satiation=satiation(
                b.exposure[rows], self.index.topics[post_row], self.brain.params.satiation_scale
            ),
        )

    def _first_stage(self, need, post_row, follows) -> np.ndarray:
        """The first stage's scores of the catalogue plus each row's own post (never another live post:
        one per session), without what the session showed."""
        b, j = self.batch, np.arange(len(need))
        scores = self.recommender.scorer.scores_rows(b.history(need))
        own = scores[j, post_row] + np.where(follows, FOLLOWED_BOOST, 0.0)
        scores[:, self.first_post :] = -np.inf
        scores[j, post_row] = own
        shown_r, shown_c = np.nonzero(np.arange(b.seen_items.shape[1]) < b.items_seen[need, None])
        scores[shown_r, b.seen_items[need][shown_r, shown_c]] = -np.inf
        return scores

    def _reachable(self, rows, users, post_row, follows, planned) -> np.ndarray:
        """Whether the post ranks within the items a session can show (list_size x max_turns): always
        for a user without instructions (the candidate's reserved place), by the plan's ranking else."""
        out = np.ones(len(rows), bool)
        j = np.flatnonzero(planned)
        if len(j):
            plans = [self.plans[int(u)] for u in users[j]]
            out[j] = (
                self._post_ranks(rows[j], plans, post_row[j], follows[j]) < FEED.list_size * FEED.max_turns
            )
        return out

    def _lists(self, need, users, post_row, follows) -> np.ndarray:
        """This turn's list per row: the first stage in batch, or the recommender's own ranking (also in
        batch) for the users whose instructions it is following."""
        lists = self.recommender.scorer.top_rows(self._first_stage(need, post_row, follows), FEED.list_size)
        j = np.array([k for k, u in enumerate(users) if int(u) in self.plans], int)
        if len(j):
            plans = [self.plans[int(u)] for u in users[j]]
            lists[j] = self.recommender.rank_rows(
                *self._queries(need[j], plans, post_row[j], follows[j]), FEED.list_size
            )
        return lists

    def _queries(self, rows, plans, post_rows, follows) -> tuple[list, list]:
        """Each row's query, the other live posts excluded, and its plan with the following feed's boost:
        the recommender's batch arguments."""
        others = set(self.index.ids[self.first_post :])
        queries, boosted = [], []
        for row, plan, post_row, follow in zip(rows, plans, post_rows, follows, strict=True):
            query = self.batch.rank_query(row)
            query.exclude |= others - {self.index.ids[post_row]}
            if plan is not None and follow:
                plan = plan.merge(replace(plan, more_creators=[self.index.creators[post_row]]))
            queries.append(query)
            boosted.append(plan)
        return queries, boosted

    def _post_ranks(self, rows, plans, post_rows, follows) -> np.ndarray:
        """How many items the recommender ranks above each row's post, under the row's plan (the first
        stage where it has none)."""
        scores = np.empty((len(rows), len(self.index)))
        plain = np.array([plan is None for plan in plans], bool)
        if plain.any():
            scores[plain] = self._first_stage(rows[plain], post_rows[plain], follows[plain])
        j = np.flatnonzero(~plain)
        if len(j):
            asked = self._queries(rows[j], [plans[k] for k in j], post_rows[j], follows[j])
            scores[j] = self.recommender.scores_rows(*asked)
        own = scores[np.arange(len(rows)), post_rows]
        return (scores > own[:, None]).sum(axis=1)

    def _instructed(self, key, rows, users, posts, post_rows, follows, age_h, steps) -> None:
        """The leavers who instructed: the recommender's plan for them (kept for later sessions), what
        the instruction named and how it moved the post in that user's ranking."""
        columns = (rows, users, posts, post_rows, follows, age_h, steps)
        for r, u, post, post_row, f, age, step in zip(*columns, strict=True):
            text, u = str(self.batch.instruction[r]), int(u)
            previous = self.plans.get(u)
            plan = self.recommender.plan(text, previous)
            if plan is not None:
                self.plans[u] = plan
            twice = np.array([r, r])
            before, after = self._post_ranks(
                twice, [previous, plan], np.array([post_row] * 2), np.array([f] * 2)
            )
            named = plan or RerankPlan()
            topics = [TOPIC_INDEX[t] for t in named.more_topics + named.less_topics if t in TOPIC_INDEX]
            kind = 0 if self.post_present[post, topics].any() else 1
            answer = int(np.sign(before - after)) + 1  # more items above it: moved down
            self.instructions[post, min(int(age), self.instructions.shape[1] - 1), kind, answer] += 1
            self.examples.append(
                {
                    "priority": int(hashed(key, int(self.batch.user_id[r]), int(step), _S_EXAMPLE)),
                    "user": int(self.batch.user_id[r]),
                    "post": int(post),
                    "hour": int(age),
                    "text": text,
                    "about": INSTRUCTION_KINDS[kind],
                    "rank_before": int(before),
                    "rank_after": int(after),
                }
            )
            self.examples = sorted(self.examples, key=lambda x: x["priority"])[:FEED_EXAMPLES]

    def summary(self) -> dict:
        """What the shard's feed sessions did, as results.merge_feeds adds them up."""
        return {
            "sessions": self.sessions,
            "items": self.items,
            "left_before": self.left_before,
            "ranked_out": self.ranked_out,
            "instructed_users": len(self.plans),
            "ranked_items": len(self.index),
            "instructions": self.instructions,
            "examples": self.examples,
        }
