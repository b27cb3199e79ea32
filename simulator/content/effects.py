"""The content model: what a draft shows and says -> Item.effects, with the reasons factor by factor.

Every factor is relative to the average post of the data it comes from, so an average draft stays
near 1.0 and the platform model's calibration holds. Fitted factors come from
simulator/data/content_params.json (`python -m simulator fit`); published effect sizes are priors.
"""

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from simulator.content.features import TEXT_FEATURES, text_features
from simulator.content.topics import TopicModel, as_topics, merged_topics
from simulator.perception.schema import Perception
from simulator.preferences import topic_vector
from simulator.serial import JsonRecord
from simulator.taxonomy import TOPICS
from simulator.types import EFFECT_NAMES, Item, ItemEffects

PARAMS_PATH = Path(__file__).resolve().parent.parent / "data" / "content_params.json"
METRIC_WORDS = {
    "like": "likes",
    "comment": "comments",
    "view": "views",
    "share": "shares",
    "follow": "follows",
    "watch": "watch time",
}


@dataclass
class ContentFactor(JsonRecord):
    """One reason the prediction moves: its multiplier on one metric, where it comes from, and what
    the creator could change."""

    name: str  # e.g. "face", "topic", "wording", "question"
    metric: str  # one of simulator.types.EFFECT_NAMES
    effect: float  # multiplier, 1.0 = no change
    label: str  # "a face in the opening: +17% likes"
    source: str
    fitted: bool  # fitted on data here (True) or a published prior (False)
    change: str  # what would change it

    @property
    def percent(self) -> float:
        return (self.effect - 1.0) * 100.0


@dataclass
class ContentAnalysis(JsonRecord):
    """The content model's reading of one draft."""

    text: str  # the words it read
    topics: dict[str, float]  # inferred from the words
    effects: ItemEffects
    factors: list[ContentFactor] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # measured but not applied, and why


@cache
def load_params(path: Path = PARAMS_PATH) -> dict:
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path} is missing: run `python -m simulator fit --only content`")
    return json.loads(Path(path).read_text())


@cache
def topic_model(path: Path = PARAMS_PATH) -> TopicModel:
    return TopicModel.from_dict(load_params(path)["topics"])


def _pct(effect: float) -> str:
    return f"{(effect - 1.0) * 100.0:+.0f}%"


def _fitted_source(params: dict, metric: str) -> str:
    n = params["effects"][metric]["n"]
    ratio = "like/view" if metric == "like" else "comment/view"
    return f"fitted on {n} videos' {ratio}, {params['source']} (channels held out for evaluation)"


def log_text_effect(
    fit: dict, features: np.ndarray, topics: np.ndarray, embeddings: np.ndarray, wording: bool = True
) -> np.ndarray:
    """log of the words' multiplier on one metric for n posts at once (the product of text_factors)."""
    coef = np.array([fit["features"][n]["coef"] for n in TEXT_FEATURES])
    mean = np.array([fit["features"][n]["mean"] for n in TEXT_FEATURES])
    out = (features - mean) @ coef
    t_coef = np.array([fit["topics"][t]["coef"] for t in TOPICS])
    t_mean = np.array([fit["topics"][t]["mean"] for t in TOPICS])
    out = out + (topics - t_mean) @ t_coef
    if wording:
        w = fit["wording"]
        out = out + (embeddings - np.asarray(w["mean"])) @ np.asarray(w["coef"])
    return out


def text_factors(params: dict, caption: str, embedding: np.ndarray, topics: np.ndarray):
    """The fitted factors of the words, on likes and comments."""
    out = []
    x = text_features(caption)
    for metric in ("like", "comment"):
        fit = params["effects"][metric]
        source = _fitted_source(params, metric)
        for i, (name, (what, change)) in enumerate(TEXT_FEATURES.items()):
            f = fit["features"][name]
            effect = math.exp(f["coef"] * (x[i] - f["mean"]))
            out.append(
                ContentFactor(
                    name,
                    metric,
                    effect,
                    f"{what}: {_pct(effect)} {METRIC_WORDS[metric]}",
                    source,
                    True,
                    change,
                )
            )
        t = fit["topics"]
        log_topic = sum(t[name]["coef"] * (topics[k] - t[name]["mean"]) for k, name in enumerate(TOPICS))
        effect = math.exp(log_topic)
        main = TOPICS[int(np.argmax(topics))]
        out.append(
            ContentFactor(
                "topic",
                metric,
                effect,
                f"the topic ({main}): {_pct(effect)} {METRIC_WORDS[metric]}",
                source,
                True,
                "the topic the words point to (or the topics you tick)",
            )
        )
        w = fit["wording"]
        effect = math.exp(float(np.dot(np.asarray(w["coef"]), embedding - np.asarray(w["mean"]))))
        out.append(
            ContentFactor(
                "wording",
                metric,
                effect,
                f"the wording as a whole (MiniLM embedding): {_pct(effect)} {METRIC_WORDS[metric]}",
                source,
                True,
                f"rewording the caption; the closer to captions that drew {METRIC_WORDS[metric]}, the higher",
            )
        )
    return out


def face_factors(params: dict, perception: Perception) -> list[ContentFactor]:
    """Bakhshi et al.'s face effect (a prior): the image's face, or a face in a video's opening."""
    if perception.kind == "video":
        face = None if perception.hook is None else perception.hook.face
        where = "a face in the opening seconds"
        none = "no face in the opening seconds"
    elif perception.kind == "image":
        face = None if perception.face_share is None else perception.face_share > 0
        where, none = "a face in the picture", "no face in the picture"
    else:
        return []
    if face is None:
        return []
    prior = params["priors"]["face"]
    out = []
    for metric in ("like", "comment"):
        half = math.sqrt(prior[metric])  # halfway in log terms between with and without (the reference)
        effect = half if face else 1.0 / half
        out.append(
            ContentFactor(
                "face",
                metric,
                effect,
                f"{where if face else none}: {_pct(effect)} {METRIC_WORDS[metric]}",
                f"{prior['source']}; {prior['reference']}",
                False,
                "showing a face" + (" in the first seconds" if perception.kind == "video" else "")
                if not face
                else "taking the face out would lower it",
            )
        )
    return out


def _unapplied(perception: Perception | None, duration_s: float) -> list[str]:
    notes = [
        "length: already in the platform model (watch share against length, fitted on KuaiRand), so no "
        "content factor repeats it" + (f" ({duration_s:.0f}s)" if duration_s else "")
    ]
    if perception is None:
        return notes + ["no media measured: only the words count"]
    measured = [
        name
        for name in (
            "brightness",
            "contrast",
            "colourfulness",
            "sharpness",
            "motion",
            "cuts_per_min",
            "loudness_db",
        )
        if getattr(perception, name) is not None
    ]
    if perception.hook is not None and perception.hook.motion is not None:
        measured.append("motion in the opening")
    if measured:
        notes.append(
            "measured, no effect applied (no data here and no published effect size measures it): "
            + ", ".join(measured)
        )
    return notes + list(perception.notes)


def analyse(
    *,
    caption: str = "",
    hashtags=(),
    perception: Perception | None = None,
    duration_s: float = 0.0,
    embedding: np.ndarray | None = None,
    ticked: dict[str, float] | None = None,
    params_path: Path = PARAMS_PATH,
) -> ContentAnalysis:
    """Read a draft: its words (caption, hashtags, on-screen text), topics, and the content factors.
    `ticked`: the creator's topics, which the topic factor then uses instead of the inferred ones."""
    from simulator.content.text import draft_text, embed

    params = load_params(params_path)
    on_screen = perception.on_screen_text if perception is not None else ""
    text = draft_text(caption=caption, hashtags=hashtags, on_screen_text=on_screen)
    factors: list[ContentFactor] = []
    notes: list[str] = []
    topics: dict[str, float] = {}
    if text:
        vector = embed([text])[0] if embedding is None else np.asarray(embedding)
        weights = topic_model(params_path).topic_weights(vector[None, :])[0]
        topics = as_topics(weights)
        if ticked and topic_vector(ticked).sum() > 0:
            weights = topic_vector(ticked)
        factors += text_factors(params, caption, vector.astype(np.float64), weights)
    else:
        notes.append("no caption, hashtags or on-screen text: the word factors stay neutral")
    if perception is not None:
        factors += face_factors(params, perception)
    notes += _unapplied(perception, duration_s)
    totals = {name: 1.0 for name in EFFECT_NAMES}
    for f in factors:
        totals[f.metric] *= f.effect
    return ContentAnalysis(
        text=text, topics=topics, effects=ItemEffects(**totals), factors=factors, notes=notes
    )


def with_content(item: Item, analysis: ContentAnalysis, ticked: dict[str, float] | None = None) -> Item:
    """The item with the content's effects folded into Item.effects, and its topics: the creator's
    ticked ones where given, the inferred ones otherwise."""
    from dataclasses import replace

    topics = merged_topics(ticked if ticked is not None else item.topics, analysis.topics) or item.topics
    return replace(item, topics=topics, effects=item.effects.combined(analysis.effects))
