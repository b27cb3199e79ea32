"""The multi-turn session of N persona-brain users held in arrays: the engine of the Gymnasium envs.

Each user's state is a row: mindset (eq. 5), evolving interests, this session's decayed topic
exposure (satiation) and topics shown, the memory's topic profile and creator counts (eq. 1-3, the
parts decisions read), follows, time used, turn, status, and this turn's list and reactions. A
step shows each stepping user a list; then one `PersonaBrain.act` call per list position decides
every user still in their list, and the leavers reflect in one batch (simulator.brains.complaints).
The updates are the object path's own functions (preferences, memory.decayed, rewards) applied to
rows, in SessionState's order. Draws are counter-based, keyed by (user key, turn, position), so a
user's session does not depend on who shares the batch: one user alone (RecoWorldEnv) and the
same user among 1,024 (RecoWorldVectorEnv) live the same session.

Not kept here, because nothing in an env episode reads them: the memory's text entries and
session summaries (a persona brain decides from numbers; each episode starts a fresh memory).
"""

import numpy as np

from simulator.brains.complaints import PRESENT_WEIGHT, TOO_LONG_FACTOR, LastTurns, complaints
from simulator.brains.features import Habits
from simulator.brains.persona import PersonaBrain, _main_topic, item_effects
from simulator.catalogue import CatalogueIndex
from simulator.memory import CREATOR_HALF_LIFE_H, TOPIC_HALF_LIFE_H, decayed
from simulator.preferences import N_TOPICS, MindsetArrays, topic_rows, update_interests
from simulator.randomness import RowGenerator, hashed
from simulator.recommenders.base import RankQuery
from simulator.rewards import DEFAULT_WEIGHTS, engagement_mix
from simulator.session import SessionConfig
from simulator.taxonomy import TOPICS
from simulator.text.reflections import instruction

REACTING, REFLECTING, NEEDS_LIST, DONE = range(4)
END_REASONS = ("", "left", "list_exhausted", "time_cap", "turn_cap", "single_list")
_REACT, _REFLECT = 1, 2  # purposes in the draw keys
_ACTS = ("click", "like", "comment", "share", "follow", "leave")


class SessionBatch:
    """N users' sessions (rows); `start` opens sessions on rows, `step` shows them lists."""

    def __init__(self, n: int, catalogue: CatalogueIndex, config: SessionConfig, brain: PersonaBrain):
        self.n, self.catalogue, self.config, self.brain = n, catalogue, config, brain
        self.params = brain.params
        items = catalogue.items
        self.effects = item_effects(items)
        self.creator_names = sorted(set(catalogue.creators.tolist()))
        code = {c: i for i, c in enumerate(self.creator_names)}
        self.item_creator = np.array([code[c] for c in catalogue.creators], int)
        main = [_main_topic(it) for it in items]
        self.topic_names = sorted(set(main))
        code = {t: i for i, t in enumerate(self.topic_names)}
        self.item_main = np.array([code[t] for t in main], int)
        self.item_present = np.array(
            [[it.topics.get(t, 0.0) >= PRESENT_WEIGHT for t in TOPICS] for it in items], bool
        ).reshape(len(items), N_TOPICS)
        k, c = config.list_size, len(self.creator_names)
        self.key = np.zeros(n, np.uint64)
        self.user_id = np.zeros(n, int)
        self.hour = np.zeros(n)
        self.activity = np.zeros(n)  # the daily rhythm at the session's hour, fixed for the session
        self.base = np.zeros((n, N_TOPICS))
        self.habits = Habits(*(np.zeros(n) for _ in range(9)))
        self.interests, self.exposure, self.shown_topics, self.profile = (
            np.zeros((n, N_TOPICS)) for _ in range(4)
        )
        self.profile_at_h = np.zeros(n)
        self.creator_count, self.creator_at_h = np.zeros((n, c)), np.zeros((n, c))
        self.following = np.zeros((n, c), bool)
        self.mindset = MindsetArrays.fresh(np.zeros(n))
        self.seconds = np.zeros(n)
        self.items_seen, self.turns, self.status, self.end_reason = (np.zeros(n, int) for _ in range(4))
        self.seen_items = np.zeros((n, k * config.max_turns), int)
        self.seen_clicked = np.zeros((n, k * config.max_turns), bool)
        # Scratch (rows, topics) arrays for _react's gathers and updates. Fresh ones of 1,024 rows
        # (200 KB each) had the allocator hand their pages back and fault them in again at every
        # position: a quarter of the vector env's step, measured.
        self._rows = np.zeros((9, n, N_TOPICS))
        # This turn: the list, how far the user got, the reactions, the instruction ("" for none).
        self.items, self.length, self.reacted = np.zeros((n, k), int), np.zeros(n, int), np.zeros(n, int)
        self.watch_s = np.zeros((n, k))
        self.acts = {name: np.zeros((n, k), bool) for name in _ACTS}
        self.reflected = np.zeros(n, bool)
        self.instruction = np.full(n, "", dtype=object)
        # For instructions_satisfied (rewards): the last turn's view rate, whether it instructed.
        self.view_rate_before, self.instructed_before = np.zeros(n), np.zeros(n, bool)
        self.given, self.satisfied = np.zeros(n, int), np.zeros(n, int)
        self.totals = {
            name: np.zeros(n) for name in ("watch_s", "clicks", "likes", "comments", "shares", "follows")
        }

    def start(self, rows, *, user_ids, interests, habits: Habits, hours, keys) -> None:
        """Open fresh sessions (a fresh memory each) on `rows` for the given users."""
        rows = np.asarray(rows, int)
        self.key[rows] = np.asarray(keys, np.uint64)
        self.user_id[rows], self.hour[rows] = user_ids, hours
        self.activity[rows] = self.params.hour_activity(self.hour[rows])
        self.base[rows] = interests
        self.habits.put(rows, habits)
        self.interests[rows] = interests
        for a in (self.exposure, self.shown_topics, self.profile, self.creator_count, self.creator_at_h):
            a[rows] = 0.0
        self.following[rows] = False
        self.mindset.put(rows, MindsetArrays.fresh(habits.novelty_seeking))
        for a in (self.profile_at_h, self.seconds, self.view_rate_before):
            a[rows] = 0.0
        for a in (self.items_seen, self.turns, self.end_reason, self.length, self.given, self.satisfied):
            a[rows] = 0
        self.status[rows] = NEEDS_LIST
        self._clear_turn(rows)
        self.instructed_before[rows] = False
        for a in self.totals.values():
            a[rows] = 0.0

    def _clear_turn(self, rows: np.ndarray) -> None:
        self.reacted[rows] = 0
        self.watch_s[rows] = 0.0
        for a in self.acts.values():
            a[rows] = False
        self.reflected[rows] = False
        self.instruction[rows] = ""

    def step(self, rows, lists: np.ndarray) -> None:
        """Show each row its list (catalogue indices, (len(rows), list_size), -1 = no item); repeats
        are kept once. Everyone goes through their list in lock-step, then the leavers reflect."""
        rows = np.asarray(rows, int)
        if not len(rows):
            return
        if np.any(self.status[rows] != NEEDS_LIST):
            raise RuntimeError("a new list is not expected now for some users")
        lists = np.asarray(lists, int).reshape(len(rows), -1)[:, : self.config.list_size]
        k = lists.shape[1]
        earlier = np.tril(np.ones((k, k), bool), -1)
        repeat = ((lists[:, :, None] == lists[:, None, :]) & earlier[None]).any(axis=2) | (lists < 0)
        order = np.argsort(repeat, axis=1, kind="stable")  # kept items first, in their order
        kept = np.take_along_axis(np.where(repeat, 0, lists), order, axis=1)
        self._clear_turn(rows)
        self.items[rows] = 0
        self.items[rows, :k] = kept
        self.length[rows] = k - repeat.sum(axis=1)
        self.turns[rows] += 1
        self.status[rows] = REACTING
        self._end(rows[self.length[rows] == 0], "list_exhausted")
        for pos in range(k):
            active = rows[(self.status[rows] == REACTING) & (self.length[rows] > pos)]
            if not len(active):
                break
            self._react(active, pos)
        self._reflect(rows[self.status[rows] == REFLECTING])
        self._score_turn(rows)

    def _react(self, r: np.ndarray, pos: int) -> None:
        """Think, act, update (session.apply_reactions' order) for the rows' item at `pos`."""
        p, cat = self.params, self.catalogue
        it = self.items[r, pos]
        cre = r * self.creator_count.shape[1] + self.item_creator[it]  # flat (row, creator) cells
        count, count_h, following = (
            a.reshape(-1) for a in (self.creator_count, self.creator_at_h, self.following)
        )
        topics, interests, base, profile, exposure, familiar, shown, engaged_topics, updated = (
            w[: len(r)] for w in self._rows
        )
        for source, index, into in (
            (cat.topics, it, topics),
            (self.interests, r, interests),
            (self.base, r, base),
            (self.profile, r, profile),
            (self.exposure, r, exposure),
            (self.shown_topics, r, shown),
        ):
            np.take(source, index, axis=0, out=into, mode="clip")  # the indices are valid: no checks
        seconds = self.seconds[r]
        # Familiarity is the profile's direction (novelty is a cosine), the stated interests before
        # anything was engaged with.
        known = profile.sum(axis=1) > 0
        np.copyto(familiar, base)
        np.copyto(familiar, profile, where=known[:, None])
        now_h = seconds / 3600.0
        mindset = self.mindset.take(r)
        f = self.brain.features_of(
            interests=interests,
            familiar=familiar,
            exposure=exposure,
            item_topics=topics,
            creator_seen=decayed(count[cre], count_h[cre], now_h, CREATOR_HALF_LIFE_H),
            fatigue=mindset.fatigue,
            boredom=mindset.boredom,
            length_s=cat.duration_s[it],
            social_proof=cat.log_views[it],
            effects=self.effects[it],
            hour_activity=self.activity[r],
            habits=self.habits.take(r),
            follows_creator=following[cre],
            from_share=np.zeros(len(r), bool),
            position=self.items_seen[r],
        )
        rng = RowGenerator(hashed(_REACT, self.key[r], self.turns[r], pos))
        out, signal, after, _ = self.brain.act(f, mindset, seconds, rng)
        watch_s = out.watch_s = np.round(out.watch_s, 2)  # to the hundredth, as a Reaction records it
        self.interests[r] = update_interests(interests, base, topics, signal, p.update_rates, out=updated)
        seconds = self.seconds[r] = seconds + np.where(watch_s > 0, watch_s, p.skip_s)
        exposure *= p.exposure_decay
        exposure += topics
        self.exposure[r] = exposure
        shown += topics
        self.shown_topics[r] = shown
        self.mindset.put(r, after)
        # The memory's record (eq. 1-3) at the new time: follows, topic profile, creator counts.
        now_h = seconds / 3600.0
        engaged = out.click | (watch_s > 0)  # any action but a skip
        following[cre] |= out.follow
        at_h = self.profile_at_h[r]
        later = np.maximum(now_h, at_h)
        profile = decayed(profile, at_h[:, None], later[:, None], TOPIC_HALF_LIFE_H)
        profile += np.multiply(engaged[:, None], topics, out=engaged_topics)
        self.profile[r] = profile
        self.profile_at_h[r] = later
        count[cre] = decayed(count[cre], count_h[cre], now_h, CREATOR_HALF_LIFE_H) + 1.0
        count_h[cre] = now_h
        seen = self.items_seen[r]
        self.seen_items[r, seen] = it
        self.seen_clicked[r, seen] = out.click
        self.items_seen[r] = seen + 1
        self.reacted[r] = pos + 1
        self.watch_s[r, pos] = watch_s
        for name in _ACTS:
            self.acts[name][r, pos] = getattr(out, name)
        # Then the state machine: leaving, the time cap, the end of the list.
        self.status[r[out.leave]] = REFLECTING
        stay = ~out.leave
        timed = stay & (seconds >= self.config.max_minutes * 60.0)
        self._end(r[timed], "time_cap")
        self._list_finished(r[stay & ~timed & (self.length[r] <= pos + 1)])

    def _list_finished(self, r: np.ndarray) -> None:
        if self.config.mode == "single_list":
            self._end(r, "single_list")
            return
        capped = self.turns[r] >= self.config.max_turns
        self._end(r[capped], "turn_cap")
        self.status[r[~capped]] = NEEDS_LIST  # scrolled to the end: the feed simply continues

    def _reflect(self, r: np.ndarray) -> None:
        """Leaving: an instruction or none (the persona brain's chance), then the caps."""
        if not len(r):
            return
        self.reflected[r] = True
        chance = self.brain.instruct_chance(self.mindset.fatigue[r], self.mindset.satisfaction[r])
        instructs = RowGenerator(hashed(_REFLECT, self.key[r], self.turns[r])).random(len(r)) < chance
        if self.config.mode == "single_list":
            instructs[:] = False
        self._end(r[~instructs], "left")
        r = r[instructs]
        if not len(r):
            return
        c = complaints(self.last_turns(r))
        self.instruction[r] = [instruction(c, i, self.topic_names, self.creator_names) for i in range(len(r))]
        timed = self.seconds[r] >= self.config.max_minutes * 60.0
        self._end(r[timed], "time_cap")
        r = r[~timed]
        capped = self.turns[r] >= self.config.max_turns
        self._end(r[capped], "turn_cap")
        self.status[r[~capped]] = NEEDS_LIST

    def last_turns(self, r: np.ndarray) -> LastTurns:
        items = self.items[r]
        valid = np.arange(items.shape[1])[None, :] < self.reacted[r, None]
        return LastTurns(
            topic=self.item_main[items],
            creator=self.item_creator[items],
            valid=valid,
            skipped=(self.watch_s[r] <= 0) & ~self.acts["click"][r],
            too_long=self.catalogue.duration_s[items] > TOO_LONG_FACTOR * self.habits.preferred_s[r, None],
            present=(self.item_present[items] & valid[:, :, None]).any(axis=1),
            interests=self.interests[r],
            boredom=self.mindset.boredom[r],
            fatigue=self.mindset.fatigue[r],
        )

    def _score_turn(self, r: np.ndarray) -> None:
        """The session's totals, and instructions_satisfied turn by turn: an instruction is satisfied
        when the next list is watched more than the one that led to it."""
        reacted = np.maximum(self.reacted[r], 1)
        viewed = (self.watch_s[r] > 0) | self.acts["click"][r]
        rate = np.where(self.reacted[r] > 0, viewed.sum(axis=1) / reacted, 0.0)
        self.satisfied[r] += self.instructed_before[r] & (rate > self.view_rate_before[r])
        self.totals["watch_s"][r] += self.watch_s[r].sum(axis=1)
        for total, act in (
            ("clicks", "click"),
            ("likes", "like"),
            ("comments", "comment"),
            ("shares", "share"),
        ):
            self.totals[total][r] += self.acts[act][r].sum(axis=1)
        self.totals["follows"][r] += self.acts["follow"][r].sum(axis=1)
        instructed = self.instruction[r] != ""
        self.given[r] += instructed
        self.view_rate_before[r], self.instructed_before[r] = rate, instructed

    def _end(self, r: np.ndarray, reason: str) -> None:
        self.status[r] = DONE
        self.end_reason[r] = END_REASONS.index(reason)

    # What the envs read.

    def turn_rewards(self, r: np.ndarray, weights: dict | None = None) -> np.ndarray:
        """Each row's step reward: this turn's mix, plus the satisfied instructions at the session's end
        (so the step rewards sum to the session mix)."""
        a = {name: a[r] for name, a in self.acts.items()}
        w = DEFAULT_WEIGHTS | (weights or {})
        mix = engagement_mix(
            watch_s=self.watch_s[r].sum(axis=1),
            clicks=a["click"].sum(axis=1),
            likes=a["like"].sum(axis=1),
            comments=a["comment"].sum(axis=1),
            shares=a["share"].sum(axis=1),
            follows=a["follow"].sum(axis=1),
            turns=self.reacted[r] > 0,
            weights=weights,
        )
        done = self.status[r] == DONE
        return mix + done * self.satisfied[r] * w["instructions_satisfied"]

    def item_rewards(self, r: np.ndarray, weights: dict | None = None) -> np.ndarray:
        """The mix's engagement part earned by each item of this turn (no per-turn bonus), (len(r), K)."""
        a = {name: a[r] for name, a in self.acts.items()}
        return engagement_mix(
            watch_s=self.watch_s[r],
            clicks=a["click"],
            likes=a["like"],
            comments=a["comment"],
            shares=a["share"],
            follows=a["follow"],
            turns=0,
            weights=weights,
        )

    def session_rewards(self, r: np.ndarray, weights: dict | None = None) -> dict[str, np.ndarray]:
        """rewards.SessionReward's numbers for rows whose session ended, as arrays."""
        t = {name: a[r] for name, a in self.totals.items()}
        w = DEFAULT_WEIGHTS | (weights or {})
        mix = engagement_mix(
            watch_s=t["watch_s"],
            clicks=t["clicks"],
            likes=t["likes"],
            comments=t["comments"],
            shares=t["shares"],
            follows=t["follows"],
            turns=self.turns[r],
            weights=weights,
        )
        return {
            "time_spent_s": np.round(t["watch_s"], 2),
            "clicks": t["clicks"].astype(int),
            "likes": t["likes"].astype(int),
            "comments": t["comments"].astype(int),
            "shares": t["shares"].astype(int),
            "follows": t["follows"].astype(int),
            "turns": self.turns[r].copy(),
            "session_length": self.items_seen[r].copy(),
            "instructions": self.given[r].copy(),
            "instructions_satisfied": self.satisfied[r].copy(),
            "mix": np.round(mix + self.satisfied[r] * w["instructions_satisfied"], 4),
        }

    def history(self, r: np.ndarray) -> np.ndarray:
        """What the platform may rank from: stated interests and observed engagement, never the latent
        state (SessionState.rank_query's history)."""
        engaged = np.take(self.profile, r, axis=0)
        total = engaged.sum(axis=1, keepdims=True)
        share = np.divide(engaged, total, out=np.zeros_like(engaged), where=total > 0)
        share *= 0.5
        h = np.take(self.base, r, axis=0)
        h *= 0.5
        h += share  # 0.5 * base + 0.5 * share, in place: the envs ask for 1,024 rows a step
        s = h.sum(axis=1, keepdims=True)
        return np.divide(h, s, out=h, where=s > 0)

    def rank_query(self, i: int) -> RankQuery:
        """Row i as a recommender sees it (SessionState.rank_query)."""
        seen = self.seen_items[i, : self.items_seen[i]]
        shown = self.shown_topics[i]
        return RankQuery(
            user_id=int(self.user_id[i]),
            history=self.history(np.array([i]))[0],
            exclude={self.catalogue.ids[j] for j in seen},
            now_h=float(self.seconds[i] / 3600.0),
            preferred_s=float(self.habits.preferred_s[i]),
            shown_topics=shown / shown.sum() if shown.sum() > 0 else None,
            engaged=tuple(self.catalogue.ids[j] for j in seen[self.seen_clicked[i, : len(seen)]]),
        )


class Users:
    """The columns the engine reads from personas: ids, stated interests (rows over TOPICS), habits."""

    def __init__(self, personas: list):
        self.ids = np.array([p.id for p in personas], int)
        self.interests = topic_rows([p.interests for p in personas])
        self.habits = Habits.of([p.behaviour for p in personas])

    def start(self, batch: SessionBatch, rows, index, *, hours, keys) -> None:
        """Open sessions on `rows` of `batch` for users `index` of these columns."""
        index = np.asarray(index, int)
        batch.start(
            rows,
            user_ids=self.ids[index],
            interests=self.interests[index],
            habits=self.habits.take(index),
            hours=hours,
            keys=keys,
        )
