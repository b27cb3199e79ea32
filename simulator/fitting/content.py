"""Fitting the content model on the YouTube trending US 2017 videos (simulator/data/PROVENANCE.md).

Rows are videos (their last snapshot). One channel in five, chosen by the checksum of its name, is held
out of every fit and kept for `python -m simulator evaluate content`, so no channel's posts are both
fitted and scored. Writes simulator/data/content_params.json.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.content.features import TEXT_FEATURES, text_features
from simulator.content.topics import TopicModel, fit_softmax, with_bias
from simulator.datasets.youtube import SOURCE as YOUTUBE_SOURCE
from simulator.datasets.youtube import YOUTUBE_FILE, load_youtube
from simulator.taxonomy import TOPICS, YOUTUBE_CATEGORY_TOPICS

PARAMS_PATH = Path(__file__).resolve().parent.parent / "data" / "content_params.json"
HOLD_OUT_EVERY = 5
TOPIC_L2 = (1e-4, 1e-3, 1e-2)  # candidates, chosen on a validation split of the fitting channels
WORDING_L2 = (30.0, 100.0, 300.0, 1000.0, 3000.0)
FEATURE_L2 = 1.0  # a light ridge on the standardised interpretable columns: keeps collinear ones finite
METRICS = {"like": "likes", "comment": "comment_total"}

# Published effect sizes for what no data here measures (priors).
FACE_PRIOR = {
    "like": 1.38,
    "comment": 1.32,
    "source": "Bakhshi, Shamma and Gilbert, 'Faces engage us: photos with faces attract more likes and "
    "comments on Instagram', CHI 2014: photos with faces are 38% more likely to receive likes and 32% "
    "more likely to receive comments (1.1 million photos, controlling for the account's audience)",
    "reference": "prior: the share of posts with faces on the platform is not measured here, so the "
    "average post sits halfway (in log terms) between with and without a face",
}


def channel_held_out(channel: str, salt: str = "") -> bool:
    digest = hashlib.sha256((salt + channel).encode()).hexdigest()
    return int(digest[:8], 16) % HOLD_OUT_EVERY == 0


@dataclass(frozen=True)
class YoutubeRows:
    """The mapped-category trending videos, aligned arrays."""

    texts: list[str]
    channels: list[str]
    category: np.ndarray  # YouTube category id
    embeddings: np.ndarray  # (n, 384)
    features: np.ndarray  # (n, len(TEXT_FEATURES))
    like_per_view: np.ndarray  # NaN where ratings are off or no views
    comment_per_view: np.ndarray  # NaN where comments are off
    held_out: np.ndarray  # bool: the evaluation channels

    def take(self, mask: np.ndarray) -> "YoutubeRows":
        idx = np.flatnonzero(mask)
        return YoutubeRows(
            texts=[self.texts[i] for i in idx],
            channels=[self.channels[i] for i in idx],
            category=self.category[idx],
            embeddings=self.embeddings[idx],
            features=self.features[idx],
            like_per_view=self.like_per_view[idx],
            comment_per_view=self.comment_per_view[idx],
            held_out=self.held_out[idx],
        )


def youtube_rows(every: int = 1) -> YoutubeRows:
    """The videos (every `every`-th, for quick checks) with their embeddings and ratios."""
    from simulator.content.text import embed_cached, youtube_text

    videos = load_youtube()[::every]
    texts = [youtube_text(v.title, v.tags) for v in videos]
    embeddings = embed_cached(texts)  # every video, in file order (one cache entry)
    keep = [i for i, v in enumerate(videos) if v.category_id in YOUTUBE_CATEGORY_TOPICS and v.views[-1] > 0]
    views = np.array([videos[i].views[-1] for i in keep], float)
    likes = np.array([videos[i].likes[-1] for i in keep], float)
    dislikes = np.array([videos[i].dislikes[-1] for i in keep], float)
    comments = np.array([videos[i].comments[-1] for i in keep], float)
    # Zero counts mean the feature was switched off on the video (simulator.datasets.youtube).
    rated = (likes + dislikes > 0) & (likes > 0)
    return YoutubeRows(
        texts=[texts[i] for i in keep],
        channels=[videos[i].channel for i in keep],
        category=np.array([videos[i].category_id for i in keep]),
        embeddings=embeddings[keep].astype(np.float64),
        features=np.array([text_features(videos[i].title) for i in keep]),
        like_per_view=np.where(rated, likes / views, np.nan),
        comment_per_view=np.where(comments > 0, comments / views, np.nan),
        held_out=np.array([channel_held_out(videos[i].channel) for i in keep]),
    )


def _validation_split(rows: YoutubeRows) -> np.ndarray:
    """Inside the fitting channels, another one in five (a different checksum) to choose penalties."""
    return np.array([channel_held_out(c, salt="validation:") for c in rows.channels])


def fit_topic_model(rows: YoutubeRows) -> tuple[TopicModel, dict]:
    categories = tuple(sorted(set(int(c) for c in rows.category)))
    labels = np.searchsorted(categories, rows.category)
    x = with_bias(rows.embeddings)
    val = _validation_split(rows)
    scores = {}
    for l2 in TOPIC_L2:
        w = fit_softmax(x[~val], labels[~val], len(categories), l2)
        scores[l2] = float(np.mean(np.argmax(x[val] @ w, axis=1) == labels[val]))
    best = max(TOPIC_L2, key=lambda l2: scores[l2])
    model = TopicModel(categories, fit_softmax(x, labels, len(categories), best))
    return model, {"l2": best, "validation_accuracy": {str(k): round(v, 4) for k, v in scores.items()}}


def _ridge(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    return np.linalg.solve(x.T @ x + l2 * np.eye(x.shape[1]), x.T @ y)


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 0, scale, 1.0)


def fit_text_effect(rows: YoutubeRows, topics: np.ndarray, ratio: np.ndarray) -> dict:
    """log(ratio) on the interpretable text features and topic weights (stage 1), then the wording
    (the MiniLM embedding, stage 2) on what stage 1 leaves, its penalty chosen on validation channels."""
    ok = np.isfinite(ratio)
    y = np.log(ratio[ok])
    feats, tw, emb = rows.features[ok], topics[ok], rows.embeddings[ok]
    f_mean, f_scale = _standardise(feats)
    t_mean = tw.mean(axis=0)
    design = np.hstack([(feats - f_mean) / f_scale, tw - t_mean])
    intercept = float(y.mean())
    beta = _ridge(design, y - intercept, FEATURE_L2)
    residual = y - intercept - design @ beta
    e_mean = emb.mean(axis=0)
    ec = emb - e_mean
    val = _validation_split(rows.take(ok))
    errors = {}
    for l2 in WORDING_L2:
        w = _ridge(ec[~val], residual[~val], l2)
        errors[l2] = float(np.mean((residual[val] - ec[val] @ w) ** 2))
    best = min(WORDING_L2, key=lambda l2: errors[l2])
    wording = _ridge(ec, residual, best)
    n_feat = len(TEXT_FEATURES)
    return {
        "n": int(ok.sum()),
        "intercept_log": round(intercept, 6),
        "features": {
            name: {"coef": round(float(beta[i] / f_scale[i]), 6), "mean": round(float(f_mean[i]), 6)}
            for i, name in enumerate(TEXT_FEATURES)
        },
        "topics": {
            t: {"coef": round(float(beta[n_feat + i]), 6), "mean": round(float(t_mean[i]), 6)}
            for i, t in enumerate(TOPICS)
        },
        "wording": {
            "l2": best,
            "validation_mse": {str(k): round(v, 6) for k, v in errors.items()},
            "coef": [round(float(v), 6) for v in wording],
            "mean": [round(float(v), 6) for v in e_mean],
        },
    }


def fit_content(*, command: str = "python -m simulator fit --only content", path: Path = PARAMS_PATH) -> dict:
    """Fit the topic model and the text effects on the fitting channels; write the params file."""
    rows = youtube_rows()
    fitting = rows.take(~rows.held_out)
    topic_model, topic_fit = fit_topic_model(fitting)
    # The real category's topic, not the inferred weights: those are soft (the classifier is right half
    # the time), and slopes fitted on soft weights would overstate the effect of a topic the creator ticks.
    topics = topic_model.known_topic_weights(fitting.embeddings, fitting.category)
    effects = {
        "like": fit_text_effect(fitting, topics, fitting.like_per_view),
        "comment": fit_text_effect(fitting, topics, fitting.comment_per_view),
    }
    data = {
        "about": "The content model (simulator/content): topic weights from a post's words and its "
        "effects on like/view and comment/view, relative to the average fitted video; priors for what "
        "no data here measures. Written by `python -m simulator fit`.",
        "source": YOUTUBE_SOURCE,
        "data": {YOUTUBE_FILE.name: hashlib.sha256(YOUTUBE_FILE.read_bytes()).hexdigest()},
        "command": command,
        "split": f"channels held out when sha256(channel) mod {HOLD_OUT_EVERY} == 0: "
        f"{int(rows.held_out.sum())} videos of held-out channels, {len(fitting.texts)} fitted",
        "text": "title and first 10 tags (simulator.content.text.youtube_text), embedded by all-MiniLM-L6-v2",
        "topics": {
            "method": "softmax regression on the embedding -> YouTube category; each category's "
            "probability goes to its closest taxonomy topic (simulator.taxonomy.YOUTUBE_CATEGORY_TOPICS)",
            **topic_fit,
            "categories": list(topic_model.categories),
            "weights": [[round(float(v), 6) for v in row] for row in topic_model.weights],
        },
        "effects": effects,
        "priors": {"face": FACE_PRIOR},
    }
    tmp = path.with_suffix(".json.tmp")
    # Lists of numbers on one line each: the file stays readable beside its 7,000 fitted weights.
    text = re.sub(
        r"\[\n\s+([-\d.e+,\s]+?)\n\s*\]",
        lambda m: "[" + " ".join(m.group(1).split()) + "]",
        json.dumps(data, indent=1),
    )
    tmp.write_text(text + "\n")
    tmp.replace(path)
    from simulator.content.effects import load_params

    load_params.cache_clear()
    return {
        "file": path.name,
        "topic_l2": topic_fit["l2"],
        "like_n": effects["like"]["n"],
        "comment_n": effects["comment"]["n"],
    }
