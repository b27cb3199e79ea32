"""`python -m simulator evaluate content`: the content model on the YouTube channels it never fitted.

Per held-out video: the predicted like/view and comment/view (the platform's average times the content
factors of its title and tags) against the real ones, by rank (Spearman) and by pairs of videos of
the same channel (what a creator comparing two drafts needs), beside the category-mean baseline (the
real category's average, which the model is not told) and the global mean (which ranks nothing).
Topic accuracy: the predicted YouTube category, and whether the top inferred topic is one of the real
category's, beside the majority class.
"""

import numpy as np

from simulator.content.effects import load_params, log_text_effect, topic_model
from simulator.evaluation.metrics import pairwise_accuracy, spearman
from simulator.fitting.content import PARAMS_PATH, youtube_rows
from simulator.taxonomy import TOPICS, YOUTUBE_CATEGORY_TOPICS


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def _ratio_figures(fit: dict, fitted, held, topics, ratio_name: str) -> dict:
    real_all = getattr(held, ratio_name)
    ok = np.isfinite(real_all)
    real = np.log(real_all[ok])
    feats, tw, emb = held.features[ok], topics[ok], held.embeddings[ok]
    channels = [c for c, k in zip(held.channels, ok, strict=True) if k]
    model = fit["intercept_log"] + log_text_effect(fit, feats, tw, emb)
    no_wording = fit["intercept_log"] + log_text_effect(fit, feats, tw, emb, wording=False)
    train = getattr(fitted, ratio_name)
    train_ok = np.isfinite(train)
    global_mean = float(np.mean(np.log(train[train_ok])))
    category_mean = {
        int(c): float(np.mean(np.log(train[train_ok & (fitted.category == c)])))
        for c in np.unique(fitted.category[train_ok])
    }
    by_category = np.array([category_mean.get(int(c), global_mean) for c in held.category[ok]])
    predictors = {
        "content model": model,
        "content model without the wording term": no_wording,
        "category mean (told the real category)": by_category,
        "global mean": np.full(len(real), global_mean),
    }
    out = {"videos": int(ok.sum()), "channels": len(set(channels))}
    for name, pred in predictors.items():
        pair, pairs = pairwise_accuracy(pred, real, channels)
        out[name] = {
            "spearman": _r(spearman(pred, real)),
            "pairwise_same_channel": _r(pair),
            "mae_log": _r(np.mean(np.abs(pred - real))),
        }
        out["pairs"] = pairs
    return out


def evaluate_content(params_path=PARAMS_PATH, every: int = 1, tiktok=None) -> dict:
    """The protocol on the held-out channels (every `every`-th video, for quick checks); with `tiktok`
    (the path of the fetched TikTok file), also across platforms."""
    params = load_params(params_path)
    rows = youtube_rows(every)
    fitted, held = rows.take(~rows.held_out), rows.take(rows.held_out)
    model = topic_model(params_path)
    topics = model.topic_weights(held.embeddings)
    probs = model.category_probabilities(held.embeddings)
    predicted_category = np.array(model.categories)[np.argmax(probs, axis=1)]
    values, counts = np.unique(fitted.category, return_counts=True)
    majority = int(values[np.argmax(counts)])
    top_topic = np.argmax(topics, axis=1)
    in_category = np.array(
        [TOPICS[t] in YOUTUBE_CATEGORY_TOPICS[int(c)] for t, c in zip(top_topic, held.category, strict=True)]
    )
    # The majority topic: the one most fitted videos' categories include.
    cover = {t: sum(t in YOUTUBE_CATEGORY_TOPICS[int(c)] for c in fitted.category) for t in TOPICS}
    majority_topic = max(cover, key=cover.get)
    majority_hit = np.array([majority_topic in YOUTUBE_CATEGORY_TOPICS[int(c)] for c in held.category])
    return {
        "protocol": "content",
        "data": params["source"],
        "split": params["split"],
        "held_out": {"videos": len(held.texts), "channels": len(set(held.channels))},
        "topics": {
            "category_accuracy": _r(np.mean(predicted_category == held.category)),
            "category_majority_baseline": _r(np.mean(held.category == majority)),
            "majority_category": majority,
            "top_topic_in_real_category": _r(np.mean(in_category)),
            "top_topic_majority_baseline": _r(np.mean(majority_hit)),
            "majority_topic": majority_topic,
        },
        "like_per_view": _ratio_figures(params["effects"]["like"], fitted, held, topics, "like_per_view"),
        "comment_per_view": _ratio_figures(
            params["effects"]["comment"], fitted, held, topics, "comment_per_view"
        ),
        "tiktok": None if tiktok is None else evaluate_tiktok(tiktok, params_path=params_path),
    }


# A fifth of the 10,000 posts: embedding them all takes a quarter of an hour on two shared cores.
TIKTOK_EVERY = 5


def evaluate_tiktok(path, every: int = TIKTOK_EVERY, params_path=PARAMS_PATH) -> dict:
    """The YouTube-fitted model on TikTok posts (another platform, never fitted): ranks of like/view and
    comment/view across posts and between posts of one account. Levels differ between the platforms,
    so only orders are scored."""
    from simulator.content.features import text_features
    from simulator.content.text import draft_text, embed_cached
    from simulator.datasets.tiktok import load_tiktok

    params = load_params(params_path)
    videos = [v for v in load_tiktok(path)[::every] if v.plays > 0]
    embeddings = embed_cached([draft_text(caption=v.caption, hashtags=v.hashtags) for v in videos])
    embeddings = embeddings.astype(np.float64)
    topics = topic_model(params_path).topic_weights(embeddings)
    features = np.array([text_features(v.caption) for v in videos])
    plays = np.array([v.plays for v in videos], float)
    users = [v.user for v in videos]
    out = {"posts": len(videos), "accounts": len(set(users)), "every": every}
    for metric, counts in (
        ("like", np.array([v.likes for v in videos], float)),
        ("comment", np.array([v.comments for v in videos], float)),
    ):
        ok = counts > 0
        real = np.log(counts[ok] / plays[ok])
        fit = params["effects"][metric]
        kept = [u for u, k in zip(users, ok, strict=True) if k]
        figures = {"posts": int(ok.sum())}
        for name, wording in (("content model", True), ("content model without the wording term", False)):
            pred = log_text_effect(fit, features[ok], topics[ok], embeddings[ok], wording=wording)
            pair, pairs = pairwise_accuracy(pred, real, kept)
            figures[name] = {"spearman": _r(spearman(pred, real)), "pairwise_same_account": _r(pair)}
            figures["pairs"] = pairs
        figures["global mean"] = {"spearman": None, "pairwise_same_account": 0.5}
        out[f"{metric}_per_view"] = figures
    return out
