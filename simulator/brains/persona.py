"""The persona brain: a statistical user model in vectorised NumPy, seeded and reproducible.

`decide_arrays` decides N (user, item, context) impressions at once from `DecisionFeatures`; the
object interface (`react`, `reflect`) builds those arrays from requests and writes short reasons,
comments and instructions from the same state, so every mode runs without an LLM. Parameters come
from simulator/data/persona_params.json (see `persona_params` and `persona_priors`).
"""

from collections.abc import Sequence
from operator import attrgetter

import numpy as np

from simulator.brains.base import BrainUsage, ReactionRequest, ReflectionRequest
from simulator.brains.complaints import PRESENT_WEIGHT, TOO_LONG_FACTOR, LastTurns, complaints
from simulator.brains.features import DecisionFeatures, DecisionOutcome, Habits
from simulator.brains.persona_params import PersonaParams
from simulator.preferences import (
    MindsetArrays,
    engagement_signal,
    interest_match,
    novelty,
    satiation,
    topic_rows,
    update_mindset,
)
from simulator.taxonomy import TOPIC_INDEX, TOPICS
from simulator.text.reactions import COMMENTS, REASONING_FEATURES, mindset_note, reasoning
from simulator.text.reflections import instruction, reasons
from simulator.types import EFFECT_NAMES, Item, Reaction, Reflection

# The random draws of one decision, in a fixed order so a seed always gives the same outcome.
_U_VIEW, _U_LIKE, _U_COMMENT, _U_SHARE, _U_FOLLOW, _U_SHOW_LESS, _U_LEAVE, _U_PICK = range(8)
_N_UNIFORM = 8

# A generator for the whole batch (anything with Generator's `random` and `standard_normal`, such
# as the world's counter-based RowGenerator), or a list with one per decision: per-user streams keep
# a user's draws independent of who else is in the batch (common random numbers).
Rng = np.random.Generator | Sequence[np.random.Generator]


def _draws(rng: Rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(uniforms of shape (8, n), standard normals of shape (n,)); the batch is the last axis."""
    if not isinstance(rng, list | tuple):
        return rng.random((_N_UNIFORM, n)), rng.standard_normal(n)
    if len(rng) != n:
        raise ValueError(f"{len(rng)} generators for {n} decisions")
    u = np.array([g.random(_N_UNIFORM) for g in rng]).reshape(n, _N_UNIFORM).T
    return u, np.array([g.standard_normal() for g in rng], float)


def _appeal(f: DecisionFeatures) -> np.ndarray:
    """Interest in the item net of satiation: a topic's pull fades with this session's dose of it
    (multiplicative satiation, as in models of boredom in consumption streams)."""
    return f.interest_match * (1.0 - f.satiation)


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-6, 1.0 - 1e-6)
    return np.log(p / (1.0 - p))


def _chance(logit: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logit))


class PersonaBrain:
    """The `persona` brain (DESIGN.md "Brains")."""

    name = "persona"
    reads_text = False  # decides from numbers: callers may skip rendering memory summaries
    rng_per_request = True  # react/reflect accept one generator per request

    def __init__(self, params: PersonaParams | None = None):
        self.params = params or PersonaParams.load()
        self.usage = BrainUsage()

    # The array form: the world and the session loop both call this.

    def probabilities(self, f: DecisionFeatures) -> dict[str, np.ndarray]:
        """P(view) and P(leave | not viewed) per decision: the model's two session-level chances."""
        skip_s = np.full(len(f), self.params.skip_s)
        return {"view": _chance(self._view_logit(f)), "leave": _chance(self._leave_logit(f, 0.0, skip_s))}

    def _view_logit(self, f: DecisionFeatures) -> np.ndarray:
        p = self.params
        seeking = 0.5 if f.novelty_seeking is None else f.novelty_seeking
        log_len = np.abs(np.log(np.maximum(f.length_s, 1.0) / np.maximum(f.preferred_s, 1.0)))
        return (
            _logit(p.view_rate)
            + p.view_match * (_appeal(f) - p.match_ref)
            - p.view_length * log_len
            + f.novelty * (p.view_novelty * (2.0 * seeking - 1.0) + p.view_boredom_novelty * f.boredom)
            - p.view_satiation * f.satiation
            - p.view_fatigue * f.fatigue
            - p.view_boredom * f.boredom
            - p.view_creator_fatigue * f.creator_fatigue
            + p.view_social_proof * (f.social_proof - p.social_proof_ref)
            + p.view_hour * np.log(np.maximum(f.hour_activity, 0.05))
            + p.view_follows * f.follows_creator
            + p.view_from_share * f.from_share
            + (0.0 if f.view_bias is None else f.view_bias)
        )

    def _leave_logit(
        self, f: DecisionFeatures, viewed: np.ndarray | float, spent_s: np.ndarray
    ) -> np.ndarray:
        """Leaving after this item. At rest the hazard is per second of use, so a session lasts
        about the user's habit (1 - exp(-t / habit) per item of t seconds); state shifts it."""
        p = self.params
        if f.session_minutes is None:
            base = _logit(p.leave_rate)
        else:
            base = _logit(-np.expm1(-spent_s / np.maximum(f.session_minutes * 60.0, 1.0)))
        return (
            base
            + p.leave_fatigue * f.fatigue
            + p.leave_boredom * f.boredom
            + p.leave_satiation * f.satiation
            - p.leave_engaged * viewed
            - p.leave_hour * np.log(np.maximum(f.hour_activity, 0.05))
        )

    def decide_arrays(self, f: DecisionFeatures, rng: Rng) -> DecisionOutcome:
        """Decide N impressions at once (no Python loop over decisions).

        `rng` is one generator for the batch or a sequence of N, one per decision.
        """
        return self._decide(f, *_draws(rng, len(f)))

    def _decide(self, f: DecisionFeatures, u: np.ndarray, noise: np.ndarray) -> DecisionOutcome:
        p = self.params
        n = len(f)
        match = _appeal(f) - p.match_ref
        proof = f.social_proof - p.social_proof_ref
        follows = np.asarray(f.follows_creator, bool)

        view = u[_U_VIEW] < _chance(self._view_logit(f))
        # Watch time: log-normal share of the length around the user's habit, shorter for items
        # longer than they like (KuaiRand's slope), replays capped.
        length = np.maximum(f.length_s, 1.0)
        log_mu = (
            np.log(np.maximum(f.watch_ratio, 1e-3))
            + p.length_slope * np.log(length / np.maximum(f.preferred_s, 1.0))
            + p.watch_match * match
            - p.watch_fatigue * f.fatigue
            - p.watch_boredom * f.boredom
        )
        ratio = np.minimum(np.exp(log_mu + p.watch_log_sd * noise), p.watch_ratio_cap)
        watch_s = np.where(view, np.maximum(ratio * length, np.minimum(1.0, length)), 0.0)
        completion = np.minimum(ratio, 1.0) - p.watch_ratio

        like = view & (
            u[_U_LIKE]
            < _chance(
                _logit(f.like_rate)
                + p.like_match * match
                + p.like_completion * completion
                + p.like_social_proof * proof
                + p.like_follows * follows
            )
        )
        comment = view & (
            u[_U_COMMENT]
            < _chance(_logit(f.comment_rate) + p.comment_match * match + p.comment_completion * completion)
        )
        share = view & (
            u[_U_SHARE]
            < _chance(
                _logit(f.share_rate)
                + p.share_match * match
                + p.share_completion * completion
                + p.share_from_share * f.from_share
            )
        )
        follow = (
            view
            & ~follows
            & (u[_U_FOLLOW] < _chance(_logit(f.follow_rate) + p.follow_match * match + p.follow_like * like))
        )
        show_less = ~like & (
            u[_U_SHOW_LESS]
            < _chance(
                _logit(p.show_less_rate)
                + p.show_less_creator_fatigue * f.creator_fatigue
                - p.show_less_mismatch * match
                + p.show_less_satiation * f.satiation
            )
        )
        spent = np.where(view, watch_s, p.skip_s)
        leave = u[_U_LEAVE] < _chance(self._leave_logit(f, view, spent))
        self.usage.decisions += n
        return DecisionOutcome(
            watch_s=watch_s,
            click=view,
            like=like,
            comment=comment,
            share=share,
            follow=follow,
            show_less=show_less,
            leave=leave,
        )

    # The object interface (Brain protocol).

    def features(self, requests: list[ReactionRequest]) -> DecisionFeatures:
        """The arrays for a batch of requests (the Brain protocol's path)."""
        return self.features_of(
            interests=topic_rows([r.interests for r in requests]),
            familiar=topic_rows([r.familiar_topics or r.persona.interests for r in requests]),
            exposure=_raw_topic_rows([r.recent_topics for r in requests]),
            item_topics=topic_rows([r.item.topics for r in requests]),
            creator_seen=np.array([r.creator_seen for r in requests], float),
            fatigue=np.array([r.mindset.fatigue for r in requests], float),
            boredom=np.array([r.mindset.boredom for r in requests], float),
            length_s=np.array([r.item.duration_s for r in requests], float),
            social_proof=np.log10(1.0 + np.array([r.item.engagement.views for r in requests], float)),
            effects=item_effects([r.item for r in requests]),
            hour_activity=self.params.hour_activity(
                np.array([r.context.hour_of_day for r in requests], float)
            ),
            habits=Habits.of([r.persona.behaviour for r in requests]),
            follows_creator=np.array([_follows(r) for r in requests], bool),
            from_share=np.array([r.shared_by is not None for r in requests], bool),
            position=np.array([r.position for r in requests], int),
        )

    def features_of(
        self,
        *,
        interests: np.ndarray,
        familiar: np.ndarray,
        exposure: np.ndarray,
        item_topics: np.ndarray,
        creator_seen: np.ndarray,
        fatigue: np.ndarray,
        boredom: np.ndarray,
        length_s: np.ndarray,
        social_proof: np.ndarray,
        effects: np.ndarray,
        hour_activity: np.ndarray,
        habits: Habits,
        follows_creator: np.ndarray,
        from_share: np.ndarray,
        position: np.ndarray,
    ) -> DecisionFeatures:
        """The decision inputs from state arrays (topic rows (N, T); `effects` (N, len(EFFECT_NAMES)),
        item_effects' columns; `hour_activity`: params.hour_activity at each user's local hour): the one
        place both the request path and the session engine build them."""
        e = {name: effects[:, k] for k, name in enumerate(EFFECT_NAMES)}

        def scaled(name: str, values: np.ndarray, cap: float = 0.95) -> np.ndarray:
            # What each item shows and says (Item.effects), applied as the world applies it.
            return np.minimum(values * e[name], cap)

        return DecisionFeatures(
            interest_match=interest_match(interests, item_topics),
            novelty=novelty(familiar, item_topics),
            satiation=satiation(exposure, item_topics, self.params.satiation_scale),
            creator_fatigue=creator_seen,
            fatigue=fatigue,
            boredom=boredom,
            length_s=length_s,
            preferred_s=habits.preferred_s,
            watch_ratio=scaled("watch", habits.watch_ratio, 1.0),
            social_proof=social_proof,
            hour_activity=hour_activity,
            like_rate=scaled("like", habits.like_rate),
            comment_rate=scaled("comment", habits.comment_rate),
            share_rate=scaled("share", habits.share_rate),
            follow_rate=scaled("follow", habits.follow_rate),
            follows_creator=follows_creator,
            from_share=from_share,
            position=position,
            novelty_seeking=habits.novelty_seeking,
            session_minutes=habits.session_minutes,
            view_bias=habits.view_bias + np.log(e["view"]),
        )

    def act(
        self, f: DecisionFeatures, mindset: MindsetArrays, session_seconds: np.ndarray, rng: Rng
    ) -> tuple[DecisionOutcome, np.ndarray, MindsetArrays, np.ndarray]:
        """Act and update the mindset (eq. 5) for N decisions: (outcome, engagement signal, mindset
        after, the uniforms drawn). `session_seconds`: time used before this item."""
        u, noise = _draws(rng, len(f))
        out = self._decide(f, u, noise)
        signal = engagement_signal(out.watch_s, f.length_s, out.like, out.share, ~out.click)
        after = update_mindset(
            mindset,
            engagement=signal,
            satiation=f.satiation,
            novelty=f.novelty,
            session_seconds=session_seconds + out.watch_s,
            session_minutes=f.session_minutes,
            novelty_seeking=f.novelty_seeking,
            rates=self.params.update_rates,
        )
        return out, signal, after, u

    def instruct_chance(self, fatigue: np.ndarray, satisfaction: np.ndarray) -> np.ndarray:
        """The chance a leaving user instructs the recommender rather than simply exit."""
        p = self.params
        return _chance(
            _logit(p.instruct_rate)
            - p.instruct_fatigue * fatigue
            + p.instruct_satisfaction * (satisfaction - 0.5)
        )

    def react(self, requests: list[ReactionRequest], rng: Rng) -> list[Reaction]:
        """Think, act and update the mindset for every request of the batch."""
        if not requests:
            return []
        f = self.features(requests)
        out, _, after, u = self.act(
            f,
            MindsetArrays.from_mindsets([r.mindset for r in requests]),
            np.array([r.session_seconds for r in requests], float),
            rng,
        )
        comment_pick = np.minimum((u[_U_PICK] * len(COMMENTS)).astype(int), len(COMMENTS) - 1).tolist()
        # Per decision, as Python scalars: indexing NumPy arrays one element at a time costs more.
        f_rows = scalar_rows(f, REASONING_FEATURES)
        out_rows = scalar_rows(out, ("watch_s", "click", "like", "comment", "share", "follow", "leave"))
        topics = [_main_topic(r.item) for r in requests]
        notes = [
            mindset_note(r.mindset, state, topic, sat)
            for r, state, topic, sat in zip(
                requests,
                scalar_rows(after, ("satisfaction", "fatigue", "boredom")),
                topics,
                f.satiation.tolist(),
                strict=True,
            )
        ]
        reactions = []
        for r, fi, (watch_s, click, like, comment, share, follow, leave), mindset, pick, topic in zip(
            requests, f_rows, out_rows, after.mindsets(notes), comment_pick, topics, strict=True
        ):
            reactions.append(
                Reaction(
                    user_id=r.persona.id,
                    item_id=r.item.id,
                    reasoning=reasoning(r, fi, watch_s, click, like, leave, topic),
                    watch_s=round(watch_s, 2),
                    click=click,
                    like=like,
                    comment=COMMENTS[pick].format(topic=topic) if comment else None,
                    share=share,
                    follow=follow,
                    leave=leave,
                    mindset=mindset,
                    brain=self.name,
                )
            )
        return reactions

    def reflect(self, requests: list[ReflectionRequest], rng: Rng) -> list[Reflection]:
        """Reasons for leaving from the last turn, and an instruction or none (drawn from the mindset)."""
        if not requests:
            return []
        chance = self.instruct_chance(
            np.array([r.mindset.fatigue for r in requests]),
            np.array([r.mindset.satisfaction for r in requests]),
        )
        instructs = _draws(rng, len(requests))[0][0] < chance
        return _reflections(requests, instructs)


def item_effects(items: Sequence[Item]) -> np.ndarray:
    """Items' effect multipliers as rows of shape (len(items), len(EFFECT_NAMES))."""
    effects = attrgetter(*EFFECT_NAMES)
    return np.array([effects(it.effects) for it in items], float).reshape(len(items), len(EFFECT_NAMES))


def _follows(r: ReactionRequest) -> bool:
    return r.persona.social.follows_creator if r.follows_item_creator is None else r.follows_item_creator


def _raw_topic_rows(dicts: list[dict[str, float]]) -> np.ndarray:
    """Like topic_rows, each row scaled back by its dict's total: decayed exposure counts keep their size."""
    return topic_rows(dicts) * np.array([sum(d.values()) if d else 1.0 for d in dicts], float)[:, None]


def scalar_rows(arrays, names: tuple[str, ...]) -> list[tuple]:
    """The named (N,) fields of a batch as N tuples of Python scalars."""
    return list(zip(*(getattr(arrays, name).tolist() for name in names), strict=True))


def _main_topic(item: Item) -> str:
    return max(item.topics, key=item.topics.get) if item.topics else item.kind


def _reflections(requests: list[ReflectionRequest], instructs: np.ndarray) -> list[Reflection]:
    """Reasons from each last turn's items and reactions, and the instruction aimed at the main
    complaint (simulator.brains.complaints, in words by simulator.text.reflections) for the users who
    instruct."""
    shown = [
        [r.items[i] for i in r.last_turn.items[: len(r.last_turn.reactions)] if i in r.items]
        for r in requests
    ]
    skipped_ids = [{x.item_id for x in r.last_turn.reactions if x.skipped} for r in requests]
    k = max([len(s) for s in shown] + [1])
    topic_names = sorted({_main_topic(it) for s in shown for it in s})
    creator_names = sorted({it.creator_id for s in shown for it in s})
    topic_code = {t: c for c, t in enumerate(topic_names)}
    creator_code = {t: c for c, t in enumerate(creator_names)}

    def grid(value, fill=0):
        rows = [[value(j, it) for it in s] + [fill] * (k - len(s)) for j, s in enumerate(shown)]
        return np.array(rows).reshape(len(shown), k)

    turns = LastTurns(
        topic=grid(lambda j, it: topic_code[_main_topic(it)]),
        creator=grid(lambda j, it: creator_code[it.creator_id]),
        valid=np.array([[True] * len(s) + [False] * (k - len(s)) for s in shown]).reshape(len(shown), k),
        skipped=grid(lambda j, it: it.id in skipped_ids[j], False).astype(bool),
        too_long=grid(
            lambda j, it: it.duration_s > TOO_LONG_FACTOR * requests[j].persona.behaviour.preferred_video_s,
            False,
        ).astype(bool),
        present=np.array(
            [[any(it.topics.get(t, 0.0) >= PRESENT_WEIGHT for it in s) for t in TOPICS] for s in shown]
        ),
        interests=np.array([topic_dict_row(r.interests) for r in requests]),
        boredom=np.array([r.mindset.boredom for r in requests], float),
        fatigue=np.array([r.mindset.fatigue for r in requests], float),
    )
    c = complaints(turns)
    return [
        Reflection(
            user_id=r.persona.id,
            reasons=reasons(c, i, topic_names, creator_names),
            instruction=instruction(c, i, topic_names, creator_names) if instructs[i] else None,
        )
        for i, r in enumerate(requests)
    ]


def topic_dict_row(weights: dict[str, float]) -> np.ndarray:
    """A topic -> weight dict as a row over TOPICS as given (not normalised; unknown topics dropped)."""
    v = np.zeros(len(TOPICS))
    for topic, w in weights.items():
        if topic in TOPIC_INDEX:
            v[TOPIC_INDEX[topic]] += w
    return v
