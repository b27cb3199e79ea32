"""One shard of one rerun, hour by hour (see simulator.world on sharding).

Each step (15 minutes) the shard's users who open the app (simulator.clock) may be brought each live
post by one of three candidate paths of the platform: the following feed (followers), exploration (in
proportion to the post's early engagement velocity and to how far the post outranks the competing
catalogue for this user's interests) and shares from neighbours; a freshness kernel fitted to real
cascades (simulator.timing) scales all three. Candidates are drawn hourly from the state at the hour's
start, one post of the creator per session. Each session that got one is then played on real lists
(simulator.world.feeds): the run's recommender ranks the catalogue and the post, the user scrolls,
tires, is sated and may leave or instruct the feed before reaching it. Users who reach it decide in
one vectorised batch per step (the persona brain's `decide_arrays`) with the fatigue, boredom and
satiation the session brought them to; each decision moves the user's interests toward or away from
the post's topics (eq. 4, the brain's rates), which changes how the next posts match and rank for
them. Reactions change the user's state (paper eq. 6-7): the environment (the recommender's exposure:
impressions, creator fatigue, "show less", follows and unfollows) and messages from neighbours
(shares, delivered to their followers' inboxes with the follower's influence weight).
"""

import time

import numpy as np

from simulator.brains.features import DecisionFeatures, Habits
from simulator.brains.persona import PersonaBrain
from simulator.clock import RHYTHM_STEPS, STEP_H, local_step_of_day, session_starts
from simulator.preferences import engagement_signal, topic_vector, update_interests
from simulator.randomness import RowGenerator, hashed, run_key, uniform
from simulator.timing import WorldParams, world_params
from simulator.types import EFFECT_NAMES
from simulator.uncertainty import rerun_parameters
from simulator.world.config import WINDOW_STEPS, WorldConfig
from simulator.world.feeds import Feeds, Met
from simulator.world.panel import WorldCalibration, post_factors
from simulator.world.results import WATCH_BINS, ShardResult, Tally
from simulator.world.samples import SamplePool
from simulator.world.setup import cosine_matrix, setup_for, setup_population, shard_bounds

MAX_IMPRESSIONS = 2  # a post is put in front of the same user at most twice
# hash streams, one per purpose, so draws for different purposes never coincide
_S_DELIVER, _S_PATH, _S_BRAIN, _S_SAMPLE = 11, 12, 15, 16
_TOTALS = ("impressions", "views", "engaged")  # per post and weight class, exchanged every window


def merge_messages(messages: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The window's messages of several shards as one: every shard applies the same merged message."""
    return {
        "shares": np.concatenate([m["shares"] for m in messages]).reshape(-1, 2),
        "totals": sum(m["totals"] for m in messages),
    }


class Shard:
    """The users lo..hi of one rerun: their state, stepped one window (an hour) at a time."""

    def __init__(
        self,
        config: WorldConfig,
        rerun: int,
        shard_index: int,
        shard_count: int,
        params: WorldParams | None = None,
        calibration: WorldCalibration | None = None,
    ):
        problems = config.validate()
        if problems:
            raise ValueError("; ".join(problems))
        if (config.brain == "llm") != (calibration is not None):
            raise ValueError(
                "an llm run needs its panel calibration (world.panel.calibrate_world), and only it"
            )
        self.config = config
        self.rerun, self.shard_index, self.shard_count = rerun, shard_index, shard_count
        lo, hi = shard_bounds(config.audience.size, shard_index, shard_count)
        self.setup = setup = setup_for(config, rerun, lo, hi)  # the shard's users: indexed from lo
        persona_params, drawn = (
            rerun_parameters(config.seed, rerun) if config.parameter_draws else (None, world_params())
        )
        self.params = params or drawn
        self.brain = PersonaBrain(persona_params)
        self.key = run_key(config.seed, rerun)
        self.lo, self.hi, self.n = lo, hi, hi - lo
        self.ids = np.arange(lo, hi, dtype=np.int64)
        pop = setup.pop
        n_posts = len(config.posts)
        self.at_h = np.array([p.at_hours for p in config.posts])
        self.topics = np.array([topic_vector(p.item.topics) for p in config.posts], dtype=np.float32)
        self.length = np.array([p.item.duration_s for p in config.posts])
        # per post multipliers of the propensities from what the post is and who posts it (Item.effects)
        self.effects = {
            name: np.array([getattr(p.item.effects, name) for p in config.posts]) for name in EFFECT_NAMES
        }
        # per (user, post) multipliers of the persona propensities from the LLM panel; None: no panel
        self.factors = (
            None
            if calibration is None
            else post_factors(  # archetypes are standardised over the whole population
                calibration,
                setup_population(config, rerun),
                lo,
                hi,
                [p.item.id for p in config.posts],
                seed=config.seed,
                rerun=rerun,
            )
        )
        self.base_interests = pop.interests
        self.interests = self.base_interests.copy()  # the evolving state (eq. 4); the setup stays as built
        self.percentile = np.empty((self.n, n_posts), dtype=np.float32)
        self._rank(np.arange(self.n))
        # state (paper eq. 6-7)
        self.follows = pop.follower.copy()
        self.said_less = np.zeros(self.n, dtype=bool)
        self.creator_fatigue = np.zeros(self.n)
        self.fatigue_at = np.zeros(self.n)
        self.impressions = np.zeros((self.n, n_posts), dtype=np.int8)
        self.viewed = np.zeros((self.n, n_posts), dtype=bool)
        self.inbox = np.zeros((self.n, n_posts), dtype=np.float32)
        # globals, identical in every shard: totals up to the last exchanged window
        self.totals = np.zeros((n_posts, len(_TOTALS), len(setup.weights)), dtype=np.int64)
        self.window_totals = np.zeros_like(self.totals)
        self.outbox: list[np.ndarray] = []
        # aggregates
        self.tally = Tally(
            setup.seg_fixed, setup.seg_interest, n_posts, len(setup.weights), config.horizon_hours
        )
        self.samples = SamplePool(config.sample_limit)
        habits = Habits(
            **{
                name: getattr(pop, name).astype(np.float64)
                for name in Habits.__dataclass_fields__
                if name != "view_bias"
            },
            view_bias=np.zeros(self.n),
        )
        self.feeds = Feeds(
            [p.item for p in config.posts], config.recommender, self.brain, habits, self.n, self.tally.hours
        )
        self.seconds = 0.0
        self.decisions = 0

    def _rank(self, users: np.ndarray) -> None:
        """Interest match with each post, and the share of the catalogue each post outranks, for users."""
        setup = self.setup
        interests = self.interests[users]
        match = cosine_matrix(interests, self.topics)  # (n, P)
        if users.size == self.n:
            self.match = match
        else:
            self.match[users] = match
        cat = cosine_matrix(interests, setup.catalogue_groups)
        counts = setup.catalogue_counts.astype(np.float32)
        # all posts at once for a few users; post by post for many, to keep (users, posts, groups) small
        for ks in (
            [slice(None)]
            if len(users) * len(self.topics) < 200_000
            else [slice(k, k + 1) for k in range(len(self.topics))]
        ):
            m = match[:, ks, None]
            beaten = (cat[:, None, :] < m).astype(np.float32) + 0.5 * (np.abs(cat[:, None, :] - m) < 1e-6)
            self.percentile[users, ks] = beaten @ counts / counts.sum()
        if users.size == self.n:
            self.explore_weight = self.percentile**self.params.explore_focus
        else:
            self.explore_weight[users] = self.percentile[users] ** self.params.explore_focus

    def _evolve_interests(self, a: np.ndarray, p: np.ndarray, signal: np.ndarray) -> None:
        """Eq. 4: each decided impression moves the user's interests toward (or away from) the post's
        topics; posts in index order, so a user with two posts in one step updates the same way always."""
        rates = self.brain.params.update_rates
        for k in np.unique(p):
            rows = p == k
            users = a[rows]
            topics = np.broadcast_to(self.topics[k], (len(users), self.topics.shape[1]))
            self.interests[users] = update_interests(
                self.interests[users], self.base_interests[users], topics, signal[rows], rates
            )
        self._rank(np.unique(a))

    # -- globals from the exchanged totals

    def _velocity(self) -> np.ndarray:
        """Early engagement per impression relative to a typical item's, per post.

        A new post is explored as a typical one (1); as its impressions reach
        velocity_prior_impressions its measured rate takes over.
        """
        p, bp = self.params, self.brain.params
        typical = bp.view_rate * (bp.like_rate + bp.comment_rate + bp.share_rate)
        imp = self.totals[:, 0].sum(axis=1).astype(np.float64)
        engaged = self.totals[:, 2].sum(axis=1)
        measured = np.clip(engaged / np.maximum(imp, 1.0) / typical, p.velocity_min, p.velocity_max)
        trust = np.minimum(imp / p.velocity_prior_impressions, 1.0)
        return 1.0 + trust * (measured - 1.0)

    def _social_proof(self) -> np.ndarray:
        """log10(1 + real-scale views so far), per post."""
        return np.log10(1.0 + self.totals[:, 1].astype(np.float64) @ self.setup.weights)

    # -- one window

    def run_window(self, window: int) -> dict[str, np.ndarray]:
        started = time.perf_counter()
        velocity, proof = self._velocity(), self._social_proof()
        steps = range(window * WINDOW_STEPS, (window + 1) * WINDOW_STEPS)
        found = [d for d in (self._deliveries(step, velocity) for step in steps) if d is not None]
        if found:
            self._play(found, velocity, proof)
        shares = np.concatenate(self.outbox) if self.outbox else np.zeros((0, 2), dtype=np.int64)
        self.outbox = []
        message = {"shares": shares.reshape(-1, 2), "totals": self.window_totals}
        self.window_totals = np.zeros_like(self.totals)
        self.seconds += time.perf_counter() - started
        return message

    def receive(self, merged: dict[str, np.ndarray]) -> None:
        """Apply every shard's message: totals for velocity and social proof, shares into inboxes."""
        self.totals += merged["totals"]
        shares = merged["shares"]
        if not len(shares):
            return
        which, receivers, influence = self.setup.graph.receivers(shares[:, 0])
        mine = (receivers >= self.lo) & (receivers < self.hi)
        r = receivers[mine] - self.lo
        p = shares[which[mine], 1]
        strength = np.zeros(self.inbox.shape, dtype=np.float32)
        np.maximum.at(strength, (r, p), influence[mine])  # order-free, so the same in every shard
        fresh = (strength > self.inbox) & (self.impressions < MAX_IMPRESSIONS)
        self.inbox[fresh] = strength[fresh]

    def _deliveries(self, step: int, velocity: np.ndarray) -> dict[str, np.ndarray] | None:
        """The posts the platform's candidate paths bring into the sessions that open at `step`, from
        the state at the window's start (candidates are generated hourly, as velocity and shares are
        exchanged): at most one post of the creator per session."""
        t = step * STEP_H
        # posts past their horizon are no longer followed, so they need no delivery
        live = np.flatnonzero((self.at_h < t + STEP_H) & (t < self.at_h + self.config.horizon_hours))
        if not len(live):
            return None
        setup, params = self.setup, self.params
        pop = setup.pop
        g = self.ids
        active = np.flatnonzero(session_starts(self.key, g, pop.sessions_per_day, setup.offsets, step))
        if not len(active):
            return None
        a = np.repeat(active, len(live))
        p = np.tile(live, len(active))
        now = t + 0.5 * STEP_H
        age = now - self.at_h[p]
        fresh = params.kernel(age / self.effects["timing"][p])  # (1 + a / (s tau)): tau stretched by s
        seen = self.impressions[a, p]
        follow = np.where(self.follows[a], params.follow_see * fresh, 0.0)
        # exploring waits for the first signal from followers: it ramps up over explore_delay_h
        ramp = age / (age + params.explore_delay_h)
        explore = np.minimum(params.explore_max * velocity[p] * self.explore_weight[a, p] * fresh * ramp, 1.0)
        if self.config.exposure == "screening":  # not yet shown: the screening puts it in this session
            explore[seen == 0] = 1.0
        share = params.share_open * self.inbox[a, p]  # a share waits for the receiver's next session
        chance = 1.0 - (1.0 - follow) * (1.0 - explore) * (1.0 - share)
        chance = np.minimum(chance * self.effects["reach"][p], 1.0)
        chance *= np.where(seen > 0, params.reshow, 1.0) * np.where(
            self.said_less[a], params.show_less_suppress, 1.0
        )
        chance[seen >= MAX_IMPRESSIONS] = 0.0
        gu = g[a]
        deliver = uniform(self.key, gu, p, step, _S_DELIVER) < chance
        self.inbox[a, p] = 0.0  # the share was in front of them this session, opened or not
        if not deliver.any():
            return None
        a, p, gu, age = a[deliver], p[deliver], gu[deliver], age[deliver]
        follow, explore, share, chance = follow[deliver], explore[deliver], share[deliver], chance[deliver]
        # one post of the creator per session (the feeds' diversity rule): the likeliest candidate
        order = np.lexsort((p, -chance, a))
        first = order[np.r_[True, a[order][1:] != a[order][:-1]]]
        a, p, gu, age = a[first], p[first], gu[first], age[first]
        follow, explore, share = follow[first], explore[first], share[first]
        # which path brought it: a share opens the session with it; the others rank it in the feed
        from_share = uniform(self.key, gu, p, step, _S_PATH) * (follow + explore + share) < share
        n = len(a)
        return {
            "a": a, "p": p, "gu": gu, "age": age, "from_share": from_share,
            "step": np.full(n, step), "now": np.full(n, now),
        }  # fmt: skip

    def _play(self, found: list[dict[str, np.ndarray]], velocity: np.ndarray, proof: np.ndarray) -> None:
        """The window's feed sessions in one batch (simulator.world.feeds), then each step's decisions
        on the posts met, in step order."""
        d = {name: np.concatenate([f[name] for f in found]) for name in found[0]}
        a = d["a"]
        interests = self.interests[a]
        met = self.feeds.play(
            self.key,
            a,
            d["p"],
            d["gu"],
            age_h=d["age"],
            from_share=d["from_share"],
            follows=self.follows[a],
            now_h=d["now"],
            local_h=(d["now"] + self.setup.pop.utc_offset_h[a]) % 24.0,
            step=d["step"],
            interests=interests,
            base=self.base_interests[a],
            velocity=velocity,
        )
        self.interests[a] = interests  # what the sessions' items taught (eq. 4)
        self._rank(np.unique(a))
        for step in np.unique(d["step"]):
            keep = met.met & (d["step"] == step)
            if keep.any():
                k = np.flatnonzero(keep)
                self._decide(
                    int(step), d["now"][k[0]], a[k], d["p"][k], d["gu"][k], d["age"][k], d["from_share"][k],
                    met, keep, proof,
                )  # fmt: skip

    def _decide(self, step, now, a, p, gu, age, from_share, met: Met, keep, proof) -> None:
        """The brain decides every impression of the step at once, each with the fatigue, boredom and
        satiation its feed session brought the user to; state and counts follow."""
        setup, pop = self.setup, self.setup.pop
        users = gu
        # creator fatigue: a decayed count of this creator's posts seen (before this one)
        decay = 0.5 ** ((now - self.fatigue_at[a]) / self.params.creator_fatigue_half_life_h)
        creator_fatigue = self.creator_fatigue[a] * decay
        position = met.position[keep]
        local_step = local_step_of_day(step, setup.offsets[a])
        features = DecisionFeatures(
            interest_match=self.match[a, p].astype(np.float64),
            novelty=1.0 - self.match[a, p].astype(np.float64),
            satiation=met.satiation[keep],
            creator_fatigue=creator_fatigue,
            fatigue=met.fatigue[keep],
            boredom=met.boredom[keep],
            length_s=self.length[p],
            preferred_s=pop.preferred_s[a].astype(np.float64),
            watch_ratio=self._calibrated("watch", pop.watch_ratio[a], a, p, 1.0),
            social_proof=proof[p],
            hour_activity=RHYTHM_STEPS[local_step],
            like_rate=self._calibrated("like", pop.like_rate[a], a, p),
            comment_rate=self._calibrated("comment", pop.comment_rate[a], a, p),
            share_rate=self._calibrated("share", pop.share_rate[a], a, p),
            follow_rate=self._calibrated("follow", pop.follow_rate[a], a, p),
            follows_creator=self.follows[a].copy(),
            from_share=from_share,
            position=position,
            novelty_seeking=pop.novelty_seeking[a].astype(np.float64),
            view_bias=np.log(self._factor("view", a, p)),
        )
        row_keys = hashed(self.key, users, p, step, _S_BRAIN)
        out = self.brain.decide_arrays(features, RowGenerator(row_keys))

        # state changes
        first_view = out.click & ~self.viewed[a, p]
        self.viewed[a, p] |= out.click
        np.add.at(self.impressions, (a, p), 1)
        new_follow = out.follow & ~self.follows[a]
        unfollow = out.show_less & self.follows[a]
        self.follows[a[new_follow]] = True
        self.follows[a[unfollow]] = False
        self.said_less[a[out.show_less]] = True
        ua = np.unique(a)
        self.creator_fatigue[ua] *= 0.5 ** (
            (now - self.fatigue_at[ua]) / self.params.creator_fatigue_half_life_h
        )
        self.fatigue_at[ua] = now
        np.add.at(self.creator_fatigue, a, 1.0)
        self._evolve_interests(
            a, p, engagement_signal(out.watch_s, self.length[p], out.like, out.share, ~out.click)
        )
        if out.share.any():
            self.outbox.append(np.stack([users[out.share], p[out.share]], axis=1))

        completions = out.click & (out.watch_s >= 0.95 * self.length[p])
        values = np.stack(
            [
                np.ones(len(a), dtype=np.int64),
                out.click,
                first_view,
                np.rint(out.watch_s * 10.0).astype(np.int64),
                completions,
                out.like,
                out.comment,
                out.share,
                new_follow,
                unfollow,
                out.show_less,
                from_share,
                np.rint(creator_fatigue * 100.0),
            ],
            axis=1,
        ).astype(np.int64)
        wc = setup.weight_class[a].astype(np.int64)
        engaged = out.like.astype(np.int64) + out.comment + out.share
        np.add.at(self.window_totals, (p, 0, wc), 1)
        np.add.at(self.window_totals, (p, 1, wc), out.click.astype(np.int64))
        np.add.at(self.window_totals, (p, 2, wc), engaged)
        self.tally.add(a, p, age, wc, values)
        ratio_bin = np.minimum(np.floor(out.watch_s / self.length[p] * 10.0), WATCH_BINS - 1).astype(np.int64)
        np.add.at(self.tally.watch_hist, (p[out.click], ratio_bin[out.click], wc[out.click]), 1)
        self._keep_samples(step, now, a, p, users, age, features, out)
        self.decisions += len(a)

    def _factor(self, name: str, a, p) -> np.ndarray:
        """The post's effect on a propensity, times the LLM panel's factor for the user's archetype."""
        effect = self.effects[name][p]
        return effect if self.factors is None else effect * self.factors[name][a, p].astype(np.float64)

    def _calibrated(self, name: str, values: np.ndarray, a, p, cap: float = 0.95) -> np.ndarray:
        """A persona propensity of the deciding users, scaled by the post's effects and panel factor."""
        return np.minimum(values.astype(np.float64) * self._factor(name, a, p), cap)

    def _keep_samples(self, step, now, a, p, users, age, f: DecisionFeatures, out) -> None:
        """Keep the impressions with the smallest hash priority: the same sample whatever the sharding."""
        if self.samples.limit <= 0:
            return
        priority = hashed(self.key, users, p, step, _S_SAMPLE)
        batch = {
            "priority": priority,
            "user": users,
            "post": p,
            "at_h": np.full(len(a), now),
            "age_h": age,
            "watch_s": out.watch_s,
            "click": out.click,
            "like": out.like,
            "comment": out.comment,
            "share": out.share,
            "follow": out.follow & ~f.follows_creator,
            "show_less": out.show_less,
            "from_share": f.from_share,
            "follows": f.follows_creator,
            "match": f.interest_match,
            "creator_fatigue": f.creator_fatigue,
            # the rest of what the brain weighed, so the row can say what drove the decision
            "satiation": f.satiation,
            "fatigue": f.fatigue,
            "length_s": f.length_s,
            "preferred_s": f.preferred_s,
            "social_proof": f.social_proof,
            "view_bias": f.view_bias,
            "effect_view": self.effects["view"][p],
        }
        self.samples.offer(batch)

    def result(self) -> ShardResult:
        n_w = len(self.setup.weights)
        wc = self.setup.weight_class.astype(np.int64)  # the setup holds the shard's users only
        return ShardResult(
            rerun=self.rerun,
            shard_index=self.shard_index,
            shard_count=self.shard_count,
            users=self.n,
            posts=[p.item.id for p in self.config.posts],
            post_hours=[float(p.at_hours) for p in self.config.posts],
            horizon_hours=float(self.config.horizon_hours),
            weights=[float(w) for w in self.setup.weights],
            counts=np.cumsum(self.tally.counts, axis=1),
            timeline=self.tally.timeline,
            watch_hist=self.tally.watch_hist,
            samples=self.samples.records(self.config.posts, self.setup.pop, self.lo, self.brain.params),
            brain_usage={"persona": self.decisions},
            segment_users=self.tally.segment_users(wc),
            reached=np.bincount(wc[self.viewed.any(axis=1)], minlength=n_w),
            followers_start=np.bincount(wc[self.setup.pop.follower], minlength=n_w),
            followers_end=np.bincount(wc[self.follows], minlength=n_w),
            seconds=round(self.seconds, 3),
            feed=self.feeds.summary(),
        )
