"""RecoWorld's re-ordering protocol on MovieLens 100k: does instructing the recommender mid-list help?

Each held-out user (601-943) gets the taste protocol's films (held-out liked films and never-rated
ones). The instruction-following recommender ranks them from the user's history and popularity (with
no instruction it ranks exactly as `traditional`): the initial list. The simulated user goes through
it item by item (think, act, update the mindset); where it leaves, it reflects and either instructs or
exits. On an instruction the recommender re-orders the films not yet shown and the user goes on. The
final list is what was shown followed by the last re-ordering of the rest. Recall@N and NDCG@N of the
initial and final lists are measured against the held-out liked films.
"""

import numpy as np

from simulator.datasets.movielens import MovieLens, film_item, history_text, user_persona
from simulator.evaluation.metrics import ndcg_at, recall_at
from simulator.evaluation.taste import TasteModel, persona_features, questionnaire_params, taste_cases

CUTOFFS = (5, 10, 20)


def evaluate_reorder(
    ml: MovieLens,
    users: list[int],
    *,
    ratio: int,
    brain: str,
    taste_fit: dict,
    seed: int = 0,
    llm_brain=None,
) -> dict:
    from simulator.brains.persona import PersonaBrain
    from simulator.brains.persona_params import PersonaParams

    if not 1 <= ratio <= 9:
        raise ValueError("ratio must be from 1 to 9")
    cases = taste_cases(ml, users, taste_fit["seed"])
    if not cases:
        raise ValueError("none of these users has two or more liked films to hold out")
    first, last = taste_fit["fit_users"]
    model = TasteModel.from_fit_users(ml, list(range(first, last + 1)), taste_fit["seed"], taste_fit["l2"])
    matches = model.match(cases, ratio)
    persona_brain = PersonaBrain(questionnaire_params(PersonaParams.load(), taste_fit))
    deciding = persona_brain if brain == "persona" else llm_brain
    initial_scores = {f"{m}@{n}": [] for m in ("recall", "ndcg") for n in CUTOFFS}
    final_scores = {k: [] for k in initial_scores}
    instructions = users_instructing = 0
    for case, match in zip(cases, matches, strict=True):
        rng = np.random.default_rng([seed, case.user_id])
        films = case.candidates(ratio)[0]
        items = [film_item(ml, int(f), views=int(model.popularity[f])) for f in films]
        match_of = {it.id: float(m) for it, m in zip(items, match, strict=True)}
        walk = _Walk(ml, case, items, match_of, deciding, persona_brain)
        initial, final, n_instructions = walk.run(rng)
        instructions += n_instructions
        users_instructing += n_instructions > 0
        relevant = {f"ml:{f}" for f in case.positives}
        for n in CUTOFFS:
            initial_scores[f"recall@{n}"].append(recall_at(initial, relevant, n))
            initial_scores[f"ndcg@{n}"].append(ndcg_at(initial, relevant, n))
            final_scores[f"recall@{n}"].append(recall_at(final, relevant, n))
            final_scores[f"ndcg@{n}"].append(ndcg_at(final, relevant, n))
    usage = {"brain_usage": llm_brain.usage.to_dict()} if llm_brain is not None else {}
    return usage | {
        "protocol": "reorder",
        "dataset": "ml-100k",
        "brain": brain,
        "seed": seed,
        "ratio": ratio,
        "users": len(cases),
        "instructions": instructions,
        "users_instructing": users_instructing,
        "initial": {k: round(float(np.mean(v)), 4) for k, v in initial_scores.items()},
        "final": {k: round(float(np.mean(v)), 4) for k, v in final_scores.items()},
    }


class _Walk:
    """One user going through one list, with break points, reflections and re-orderings."""

    def __init__(self, ml, case, items, match_of, brain, persona_brain):
        from simulator.recommenders import InstructionFollowingRecommender

        self.ml, self.case, self.brain, self.persona_brain = ml, case, brain, persona_brain
        self.items = {it.id: it for it in items}
        self.match_of = match_of
        self.persona = user_persona(ml, case.user_id, case.history_rows)
        self.memory = "Films I have rated: " + history_text(ml, case.history_rows)
        self.recommender = InstructionFollowingRecommender(items)

    def _query(self, shown: list[str]):
        from simulator.preferences import topic_vector
        from simulator.recommenders import RankQuery

        return RankQuery(
            user_id=self.case.user_id, history=topic_vector(self.persona.interests), exclude=set(shown)
        )

    def run(self, rng: np.random.Generator) -> tuple[list[str], list[str], int]:
        from simulator.brains.base import ReflectionRequest
        from simulator.types import Context, Mindset, Turn

        order = self.recommender.rank(self._query([]), len(self.items))
        initial = list(order)
        shown: list[str] = []
        turn_items, turn_reactions = [], []
        mindset, seconds, plan, n_instructions = Mindset(), 0.0, None, 0
        while len(shown) < len(order):
            item = self.items[order[len(shown)]]
            reaction = self._react(item, mindset, len(shown), seconds, rng)
            mindset, seconds = reaction.mindset, seconds + reaction.watch_s
            shown.append(item.id)
            turn_items.append(item.id)
            turn_reactions.append(reaction)
            if not reaction.leave:
                continue
            request = ReflectionRequest(
                persona=self.persona,
                context=Context(),
                mindset=mindset,
                interests=self.persona.interests,
                last_turn=Turn(items=turn_items, reactions=turn_reactions),
                items={i: self.items[i] for i in turn_items},
                memory_summary=self.memory,
            )
            instruction = self.brain.reflect([request], rng)[0].instruction
            if not instruction:
                break
            n_instructions += 1
            plan = self.recommender.plan(instruction, plan)
            rest = self.recommender.rank(self._query(shown), len(order) - len(shown), plan)
            order = shown + rest
            turn_items, turn_reactions = [], []
        return initial, list(order), n_instructions

    def _react(self, item, mindset, position: int, seconds: float, rng):
        """The persona brain decides on co-rating match (as in the taste protocol); others read."""
        from simulator.brains.base import ReactionRequest
        from simulator.preferences import MindsetArrays, engagement_signal, update_mindset
        from simulator.types import Context, Reaction

        if self.brain is not self.persona_brain:
            request = ReactionRequest(
                persona=self.persona,
                item=item,
                context=Context(),
                mindset=mindset,
                interests=self.persona.interests,
                memory_summary=self.memory,
                position=position,
                session_seconds=seconds,
            )
            return self.brain.react([request], rng)[0]
        params = self.brain.params
        f = persona_features(np.array([self.match_of[item.id]]), params, np.array([position]))
        f.fatigue[:] = mindset.fatigue
        f.boredom[:] = mindset.boredom
        out = self.brain.decide_arrays(f, rng)
        signal = engagement_signal(out.watch_s, f.length_s, out.like, out.share, ~out.click)
        after = update_mindset(
            MindsetArrays.from_mindsets([mindset]),
            engagement=signal,
            satiation=f.satiation,
            novelty=f.novelty,
            session_seconds=np.array([seconds]) + out.watch_s,
            session_minutes=np.array([self.persona.behaviour.session_minutes]),
            novelty_seeking=f.novelty_seeking,
            rates=params.update_rates,
        )
        return Reaction(
            user_id=self.persona.id,
            item_id=item.id,
            reasoning="",
            watch_s=float(out.watch_s[0]),
            click=bool(out.click[0]),
            like=bool(out.like[0]),
            leave=bool(out.leave[0]),
            mindset=after.mindset(0),
        )
