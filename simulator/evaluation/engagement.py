"""Engagement against reality: simulated like/view, comment/view and watch time against video length,
beside the YouTube trending ratios and the KuaiRand play times.

A sample population meets the real YouTube catalogue: every catalogue video is put in front of the same
number of users drawn at random, at a random hour of their day, at the start of a session, and the
persona brain decides. Per video, like/view and comment/view are compared with the real per-video
ratios (median and interquartile range); watch time over length is compared with KuaiRand's clicked
plays, overall and by length band.
"""

from dataclasses import dataclass, fields

import numpy as np

from simulator.datasets.kuairand import SOURCE as KUAIRAND_SOURCE
from simulator.datasets.kuairand import load_kuairand
from simulator.datasets.youtube import SOURCE as YOUTUBE_SOURCE
from simulator.datasets.youtube import engagement_ratios, load_youtube
from simulator.evaluation.metrics import quartiles

LENGTH_BANDS_S = (0.0, 15.0, 30.0, 60.0, 120.0, float("inf"))


@dataclass(frozen=True)
class Impressions:
    """N impressions of catalogue videos and what the brain decided."""

    item: np.ndarray  # index into the catalogue
    length_s: np.ndarray
    view: np.ndarray
    like: np.ndarray
    comment: np.ndarray
    watch_s: np.ndarray


def simulate_impressions(
    *,
    users: int,
    videos: int,
    per_video: int,
    seed: int,
    params=None,
    like_shift: float = 0.0,
    comment_shift: float = 0.0,
) -> Impressions:
    """Show `videos` catalogue videos (drawn by the seed) each to `per_video` random users of a
    `users`-strong sample population.

    `like_shift` / `comment_shift` move every user's like / comment rate in logit units (the fit
    searches them; evaluation leaves them at 0).
    """
    from simulator.brains.features import DecisionFeatures
    from simulator.brains.persona import PersonaBrain
    from simulator.brains.persona_params import PersonaParams
    from simulator.preferences import interest_match, novelty, topic_vector

    params = params or PersonaParams.load()
    items, people, item_idx, user_idx, rng = _pairs(users, videos, per_video, seed, params)
    interests = np.array([topic_vector(p.interests) for p in people])[user_idx]
    topics = np.array([topic_vector(it.topics) for it in items])[item_idx]

    def behaviour(name: str) -> np.ndarray:
        return np.array([getattr(p.behaviour, name) for p in people], float)[user_idx]

    def shifted(rate: np.ndarray, shift: float) -> np.ndarray:
        logit = np.log(rate / (1.0 - rate)) + shift
        return 1.0 / (1.0 + np.exp(-logit))

    length = np.array([it.duration_s for it in items], float)[item_idx]
    values = {
        "interest_match": interest_match(interests, topics),
        "novelty": novelty(interests, topics),
        "length_s": length,
        "preferred_s": behaviour("preferred_video_s"),
        "watch_ratio": behaviour("watch_ratio"),
        "social_proof": np.log10(1.0 + np.array([it.engagement.views for it in items], float))[item_idx],
        "hour_activity": params.hour_activity(rng.uniform(0.0, 24.0, len(item_idx))),
        "like_rate": shifted(behaviour("like_rate"), like_shift),
        "comment_rate": shifted(behaviour("comment_rate"), comment_shift),
        "share_rate": behaviour("share_rate"),
        "follow_rate": behaviour("follow_rate"),
        "follows_creator": np.zeros(len(item_idx), bool),
        "from_share": np.zeros(len(item_idx), bool),
        "position": np.zeros(len(item_idx), int),
        "novelty_seeking": behaviour("novelty_seeking"),
    }
    n = len(item_idx)
    features = DecisionFeatures(**{f.name: values.get(f.name, np.zeros(n)) for f in fields(DecisionFeatures)})
    out = PersonaBrain(params).decide_arrays(features, rng)
    return Impressions(
        item=item_idx,
        length_s=length,
        view=out.click,
        like=out.like,
        comment=out.comment,
        watch_s=out.watch_s,
    )


def _pairs(users: int, videos: int, per_video: int, seed: int, params):
    """The sample population, the catalogue, and who is shown what (the same for every brain)."""
    from simulator.audiences import sample_population
    from simulator.catalogue import load_catalogue

    items = load_catalogue()
    people = sample_population(users, seed, params=params)
    rng = np.random.default_rng([seed, 1])
    chosen = np.sort(rng.choice(len(items), min(videos, len(items)), replace=False))
    item_idx = np.repeat(chosen, per_video)
    user_idx = rng.integers(0, len(people), len(item_idx))
    return items, people, item_idx, user_idx, rng


def impressions_by_requests(brain, *, users: int, videos: int, per_video: int, seed: int) -> Impressions:
    """The same impressions decided through the object interface (how the LLM brain reads them)."""
    from simulator.brains.base import ReactionRequest
    from simulator.brains.persona_params import PersonaParams
    from simulator.types import Context, Mindset

    items, people, item_idx, user_idx, rng = _pairs(users, videos, per_video, seed, PersonaParams.load())
    hours = rng.uniform(0.0, 24.0, len(item_idx))
    requests = [
        ReactionRequest(
            persona=people[u],
            item=items[i],
            context=Context(hour_of_day=float(h)),
            mindset=Mindset(),
            interests=people[u].interests,
        )
        for u, i, h in zip(user_idx, item_idx, hours, strict=True)
    ]
    reactions = brain.react(requests, rng)
    watch = np.array([r.watch_s for r in reactions], float)
    return Impressions(
        item=item_idx,
        length_s=np.array([items[i].duration_s for i in item_idx], float),
        view=np.array([r.click or r.watch_s > 0 for r in reactions]),
        like=np.array([r.like for r in reactions]),
        comment=np.array([r.comment is not None for r in reactions]),
        watch_s=watch,
    )


def per_item_ratios(imp: Impressions, min_views: int) -> tuple[np.ndarray, np.ndarray]:
    """like/view and comment/view of the videos with at least `min_views` simulated views."""
    n = int(imp.item.max()) + 1 if len(imp.item) else 0
    views = np.bincount(imp.item, weights=imp.view, minlength=n)
    likes = np.bincount(imp.item, weights=imp.like, minlength=n)
    comments = np.bincount(imp.item, weights=imp.comment, minlength=n)
    ok = views >= min_views
    return likes[ok] / views[ok], comments[ok] / views[ok]


def watch_by_length(length_s: np.ndarray, watch_ratio: np.ndarray) -> dict[str, dict]:
    out = {}
    for low, high in zip(LENGTH_BANDS_S, LENGTH_BANDS_S[1:], strict=False):
        band = (length_s >= low) & (length_s < high)
        name = f"{low:.0f}-{high:.0f}s" if np.isfinite(high) else f">{low:.0f}s"
        out[name] = quartiles(watch_ratio[band]) | {"n": int(band.sum())} if band.any() else {"n": 0}
    return out


def evaluate_engagement(
    *,
    users: int = 5000,
    videos: int = 400,
    per_video: int = 8000,
    seed: int = 0,
    min_views: int = 200,
    brain: str = "persona",
    reading_brain=None,
) -> dict:
    """Simulated engagement beside the real figures, as one JSON-ready dict. A `reading_brain` (the
    LLM) decides the same kind of impressions one request at a time; use small sizes with it."""
    if reading_brain is None:
        imp = simulate_impressions(users=users, videos=videos, per_video=per_video, seed=seed)
    else:
        imp = impressions_by_requests(
            reading_brain, users=users, videos=videos, per_video=per_video, seed=seed
        )
    like, comment = per_item_ratios(imp, min_views)
    real = engagement_ratios(load_youtube())
    kr = load_kuairand()
    clicked = kr.is_click & (kr.duration_s > 0)
    kr_ratio = kr.play_s[clicked] / kr.duration_s[clicked]
    viewed = imp.view & (imp.length_s > 0)
    sim_ratio = imp.watch_s[viewed] / imp.length_s[viewed]
    usage = {"brain_usage": reading_brain.usage.to_dict()} if reading_brain is not None else {}
    return usage | {
        "protocol": "engagement",
        "brain": brain,
        "seed": seed,
        "population": users,
        "impressions_per_video": per_video,
        "videos_compared": int(len(like)),
        "view_rate": {
            "simulated": round(float(imp.view.mean()), 4),
            "kuairand": round(float(kr.is_click.mean()), 4),
        },
        "like_per_view": {"simulated": quartiles(like), "youtube": quartiles(real.like_per_view)},
        "comment_per_view": {"simulated": quartiles(comment), "youtube": quartiles(real.comment_per_view)},
        "watch_ratio": {
            "simulated": quartiles(sim_ratio)
            | {"by_length": watch_by_length(imp.length_s[viewed], sim_ratio)},
            "kuairand": quartiles(kr_ratio)
            | {"n": int(clicked.sum()), "by_length": watch_by_length(kr.duration_s[clicked], kr_ratio)},
        },
        "sources": {"youtube": YOUTUBE_SOURCE, "kuairand": KUAIRAND_SOURCE},
    }
