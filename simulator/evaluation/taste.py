"""Agent4Rec's taste-discrimination protocol (Zhang et al., SIGIR 2024, sec. 4.1) on MovieLens 100k.

For each user, up to 10 films they rated 4 or 5 are held out and mixed with 1, 2, 3 or 9 times as many
films they never rated; the simulated user, who sees only the rest of their history, says which they
would watch. Accuracy, precision, recall and F1 are pooled over every answer, for the brain and for a
random and a popularity baseline answering on the very same films.
"""

from dataclasses import dataclass, fields, replace
from functools import cache

import numpy as np

from simulator.datasets.movielens import LIKED_RATING, MovieLens
from simulator.evaluation.metrics import auc, classification
from simulator.fitting.corating import CoRatingTaste

MAX_HELD_OUT = 10
MAX_RATIO = 9
PUBLISHED = {
    "Agent4Rec (Zhang et al. 2024), 1:1": {"accuracy": 0.6912, "f1": 0.6838},
    "Agent4Rec, independent rerun, 1:1": {"accuracy": 0.60, "f1": 0.50},
    "Agent4Rec, independent rerun, 1:9": {"f1": 0.22},
    "SimUSER (Bougie and Watanabe 2025), 1:1": {"accuracy": 0.791},
}


@dataclass(frozen=True)
class TasteCase:
    """One user's question: the history they keep, the held-out liked films, the never-rated films."""

    user_id: int
    history_rows: np.ndarray  # rating rows the simulated user may see, oldest first
    history_items: np.ndarray  # the films of those rows
    positives: np.ndarray  # held-out film ids rated 4-5
    negatives: np.ndarray  # never-rated film ids, MAX_RATIO per positive; ratio r uses the first r

    def candidates(self, ratio: int) -> tuple[np.ndarray, np.ndarray]:
        """The films asked about at 1:ratio and whether each is a held-out liked one."""
        negatives = self.negatives[: ratio * len(self.positives)]
        items = np.concatenate([self.positives, negatives])
        return items, np.r_[np.ones(len(self.positives), bool), np.zeros(len(negatives), bool)]


def taste_cases(ml: MovieLens, users: list[int], seed: int) -> list[TasteCase]:
    """The held-out split; each user's draw depends only on (seed, user), so any subset agrees."""
    cases = []
    all_items = np.arange(1, ml.n_items + 1)
    for user_id in users:
        rows = ml.rows_of(user_id)
        if not len(rows):
            continue
        rng = np.random.default_rng([seed, user_id])
        liked = ml.item[rows][ml.rating[rows] >= LIKED_RATING]
        n = min(MAX_HELD_OUT, len(liked) // 2)  # at least half the liked films stay in the history
        if n < 1:
            continue
        positives = np.sort(rng.choice(liked, n, replace=False))
        never = np.setdiff1d(all_items, ml.item[rows])
        negatives = rng.permutation(never)[: MAX_RATIO * n]
        keep = rows[~np.isin(ml.item[rows], positives)]
        cases.append(
            TasteCase(
                user_id=user_id,
                history_rows=keep,
                history_items=ml.item[keep],
                positives=positives,
                negatives=negatives,
            )
        )
    return cases


@dataclass(frozen=True, eq=False)
class TasteModel:
    """What the protocol's answers rest on, all from the fit users (1-600) only."""

    taste: CoRatingTaste
    popularity: np.ndarray  # (n_items + 1,) ratings per film among the fit users' kept histories

    @classmethod
    def from_fit_users(cls, ml: MovieLens, fit_users: list[int], seed: int, l2: float) -> "TasteModel":
        return _fitted_model(ml, tuple(fit_users), seed, l2)

    def match(self, cases: list[TasteCase], ratio: int) -> list[np.ndarray]:
        return self.taste.match([c.history_items for c in cases], [c.candidates(ratio)[0] for c in cases])


@cache
def _fitted_model(ml: MovieLens, fit_users: tuple[int, ...], seed: int, l2: float) -> TasteModel:
    """Fitted once per process: the same data, users, seed and penalty always give the same model."""
    cases = taste_cases(ml, list(fit_users), seed)
    histories = [c.history_items for c in cases]
    popularity = np.bincount(np.concatenate(histories), minlength=ml.n_items + 1).astype(float)
    return TasteModel(taste=CoRatingTaste.fit(histories, ml.n_items, l2), popularity=popularity)


def persona_features(match: np.ndarray, params, positions: np.ndarray):
    """DecisionFeatures for films asked about outside a feed: only the interest match varies.

    MovieLens users see no view counts, no lengths and no session, so those inputs sit at the
    brain's reference values and drop out of its logits.
    """
    from simulator.brains.features import DecisionFeatures

    n = len(match)
    values = {
        "interest_match": np.asarray(match, float),
        "length_s": np.full(n, params.preferred_s),
        "preferred_s": np.full(n, params.preferred_s),
        "watch_ratio": np.full(n, params.watch_ratio),
        "social_proof": np.full(n, params.social_proof_ref),
        "hour_activity": np.ones(n),
        "like_rate": np.full(n, params.like_rate),
        "comment_rate": np.full(n, params.comment_rate),
        "share_rate": np.full(n, params.share_rate),
        "follow_rate": np.full(n, params.follow_rate),
        "follows_creator": np.zeros(n, bool),
        "from_share": np.zeros(n, bool),
        "position": np.asarray(positions, int),
        "novelty_seeking": np.full(n, 0.5),
    }
    names = {f.name for f in fields(DecisionFeatures)}
    return DecisionFeatures(**{k: values.get(k, np.zeros(n)) for k in names})


def questionnaire_params(params, taste_fit: dict):
    """The brain's parameters for this question: its fitted match slope on co-rating match, and the
    base rate of a yes when asked about one film at a time (not a feed's view rate)."""
    return replace(params, view_rate=taste_fit["view_rate"], view_match=taste_fit["view_match"])


def evaluate_taste(
    ml: MovieLens,
    users: list[int],
    ratios: list[int],
    *,
    brain: str,
    taste_fit: dict,
    seed: int = 0,
    llm_brain=None,
) -> dict:
    """The protocol's figures per ratio, for the brain and both baselines, as one JSON-ready dict."""
    cases = taste_cases(ml, users, taste_fit["seed"])
    if not cases:
        raise ValueError("none of these users has two or more liked films to hold out")
    first, last = taste_fit["fit_users"]
    model = TasteModel.from_fit_users(ml, list(range(first, last + 1)), taste_fit["seed"], taste_fit["l2"])
    out: dict = {
        "protocol": "agent4rec-taste",
        "dataset": "ml-100k",
        "users": len(cases),
        "brain": brain,
        "seed": seed,
        "fit": {k: taste_fit[k] for k in ("l2", "view_match", "view_rate", "popularity_threshold", "seed")},
        "ratios": {},
        "published": PUBLISHED,
    }
    for ratio in ratios:
        if not 1 <= ratio <= MAX_RATIO:
            raise ValueError(f"ratio {ratio} is outside 1..{MAX_RATIO}")
        rng = np.random.default_rng([seed, ratio])
        labels = np.concatenate([c.candidates(ratio)[1] for c in cases])
        items = np.concatenate([c.candidates(ratio)[0] for c in cases])
        positions = np.concatenate([rng.permutation(len(c.candidates(ratio)[0])) for c in cases])
        row: dict = {"films": int(len(items)), "held_out_liked": int(labels.sum())}
        if brain == "persona":
            row |= _persona_answers(model.match(cases, ratio), taste_fit, positions, labels, rng)
        else:
            row[brain] = classification(_llm_answers(ml, cases, ratio, positions, llm_brain, rng), labels)
        row["random"] = classification(rng.random(len(items)) < taste_fit["random_yes_rate"], labels)
        row["popularity"] = classification(
            model.popularity[items] >= taste_fit["popularity_threshold"], labels
        )
        out["ratios"][str(ratio)] = row
    if llm_brain is not None:
        out["brain_usage"] = llm_brain.usage.to_dict()  # fallbacks: answers the persona brain made
    return out


def _persona_answers(match, taste_fit, positions, labels, rng) -> dict:
    from simulator.brains.persona import PersonaBrain
    from simulator.brains.persona_params import PersonaParams

    match = np.concatenate(match)
    brain = PersonaBrain(questionnaire_params(PersonaParams.load(), taste_fit))
    features = persona_features(match, brain.params, positions)
    p_view = brain.probabilities(features)["view"]
    sampled = brain.decide_arrays(features, rng).click
    return {
        # Its most likely answer: watch when P(view) > 1/2.
        "persona": classification(p_view > 0.5, labels) | {"auc": round(auc(p_view, labels), 4)},
        "persona_sampled": classification(sampled, labels),
    }


def _llm_answers(ml: MovieLens, cases: list[TasteCase], ratio: int, positions, brain, rng) -> np.ndarray:
    """Ask a reading brain (the LLM) film by film, with the user's history in its memory summary."""
    from simulator.brains.base import ReactionRequest
    from simulator.datasets.movielens import film_item, history_text, user_persona
    from simulator.types import Context, Mindset

    requests = []
    order = iter(positions)
    for case in cases:
        persona = user_persona(ml, case.user_id, case.history_rows)
        memory = "Films I have rated: " + history_text(ml, case.history_rows)
        for item_id in case.candidates(ratio)[0]:
            requests.append(
                ReactionRequest(
                    persona=persona,
                    item=film_item(ml, int(item_id)),
                    context=Context(),
                    mindset=Mindset(),
                    interests=persona.interests,
                    memory_summary=memory,
                    position=int(next(order)),
                )
            )
    reactions = brain.react(requests, rng)
    return np.array([r.click or r.watch_s > 0 for r in reactions])
