"""RecoWorld's re-ordering protocol on MovieLens 100k: does instructing the recommender mid-list help?

Each held-out user (601-943) gets the taste protocol's films (held-out liked films and never-rated
ones). The instruction-following recommender ranks them from the user's history and popularity (with
no instruction it ranks exactly as `traditional`): the initial list. The simulated user goes through
it item by item (think, act, update the mindset); where it leaves, it reflects and either instructs or
exits. On an instruction the recommender re-orders the films not yet shown and the user goes on. The
final list is what was shown followed by the last re-ordering of the rest. Recall@N and NDCG@N of the
initial and final lists are measured against the held-out liked films.

The follower reads the instruction against the films' content (MiniLM embeddings of title, year and
genres when the model is installed, computed once and cached under var/, never committed: MovieLens's
licence forbids redistributing its data) and the user's co-rating neighbours (EASE fitted on users
1-600). Beside it runs the ablation that re-ranks at the same moments by history alone, ignoring
the words, so the instruction's own share of any gain is visible. Differences are per user, paired,
with a bootstrap interval; also split by the kind of the user's instructions (specific: each names a
genre, a creator or a length; vague: at least one names none, such as "show me something new").

The persona brain's complaints always name a genre, so no real vague instruction occurs. A counterfactual
arm measures the follower's vague path anyway: the same users and luck, every instruction replaced by
VAGUE_INSTRUCTION, which the follower answers by exploring away from what the session showed.
"""

import numpy as np

from simulator.datasets.movielens import MovieLens, film_item, history_text, user_persona
from simulator.evaluation.metrics import ndcg_at, recall_at
from simulator.evaluation.taste import TasteModel, persona_features, questionnaire_params, taste_cases

CUTOFFS = (5, 10, 20)
BOOTSTRAP = 2000  # resamples of the users for the paired intervals
LEVEL = 0.95  # the intervals' coverage
VAGUE_INSTRUCTION = "Show me something different"  # names no genre, creator or length: a vague plan


def paired_interval(diff: np.ndarray, rng: np.random.Generator) -> dict:
    """Mean of per-user differences and its percentile bootstrap interval (users resampled)."""
    if len(diff) == 0:
        return {"mean": 0.0, "low": 0.0, "high": 0.0, "users": 0}
    means = diff[rng.integers(0, len(diff), (BOOTSTRAP, len(diff)))].mean(axis=1)
    tail = (1.0 - LEVEL) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return {
        "mean": round(float(diff.mean()), 4),
        "low": round(float(low), 4),
        "high": round(float(high), 4),
        "users": int(len(diff)),
    }


def film_content(ml: MovieLens, embedder=None):
    """A ContentIndex over every film (row = film id - 1): MiniLM when installed, else genre topics."""
    from simulator.recommenders.content import ContentIndex
    from simulator.representations.embeddings import TextEmbedder, model_path

    films = [film_item(ml, i) for i in range(1, ml.n_items + 1)]
    if embedder is None and model_path() is not None:
        embedder = TextEmbedder()
    return ContentIndex.from_items(films, embedder=embedder, cache_name="ml100k-films"), embedder is not None


def evaluate_reorder(
    ml: MovieLens,
    users: list[int],
    *,
    ratio: int,
    brain: str,
    taste_fit: dict,
    seed: int = 0,
    llm_brain=None,
    embedder=None,
    follower_parts: dict | None = None,
    instruction_weight: float | None = None,
    vague_arm: bool = True,
) -> dict:
    """`follower_parts`: the LLM parser and re-ranker (simulator.recommenders.llm_follower_parts) for the
    instruction follower; the rule parser when None. `instruction_weight`: the follower's weight of the
    words beside the history (its fitted value when None). `vague_arm`: also walk the counterfactual in
    which every instruction is VAGUE_INSTRUCTION."""
    from simulator.brains.persona import PersonaBrain
    from simulator.brains.persona_params import PersonaParams
    from simulator.recommenders.instruction_following import INSTRUCTION_WEIGHT

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
    content, embedded = film_content(ml, embedder)
    history_scores = model.taste.scores([c.history_items for c in cases])
    metrics = [f"{m}@{n}" for m in ("recall", "ndcg") for n in CUTOFFS]
    weight = INSTRUCTION_WEIGHT if instruction_weight is None else instruction_weight
    # (listens, the words every instruction is replaced by): the follower, the ablation, the counterfactual
    arms = {"final": (True, None), "history_only": (False, None)}
    if vague_arm:
        arms["vague"] = (True, VAGUE_INSTRUCTION)
    lists = ("initial", *arms)
    scores = {name: {k: [] for k in metrics} for name in lists}
    kinds: list[str] = []
    instructions = users_instructing = 0
    vague_given: list[str] = []
    vague_instructing = np.zeros(len(cases), bool)
    for row, (case, match) in enumerate(zip(cases, matches, strict=True)):
        films = case.candidates(ratio)[0]
        items = [film_item(ml, int(f), views=int(model.popularity[f])) for f in films]
        match_of = {it.id: float(m) for it, m in zip(items, match, strict=True)}
        user_content = content.take(films - 1)
        history = history_scores[row, films]
        relevant = {f"ml:{f}" for f in case.positives}
        walked = {}
        for arm, (listens, says) in arms.items():  # the same user and luck: they differ after an instruction
            walk = _Walk(
                ml,
                case,
                items,
                match_of,
                deciding,
                persona_brain,
                user_content,
                history,
                listens,
                follower_parts,
                weight,
                says,
            )
            walked[arm] = walk.run(np.random.default_rng([seed, case.user_id]))
        initial, _, given = walked["final"]
        ranked = {"initial": initial} | {arm: lists_of[1] for arm, lists_of in walked.items()}
        if vague_arm:
            vague_given += walked["vague"][2]
            vague_instructing[row] = bool(walked["vague"][2])
        instructions += len(given)
        users_instructing += bool(given)
        kinds.append(("vague" if "vague" in map(_kind, given) else "specific") if given else "none")
        for name in lists:
            for n in CUTOFFS:
                scores[name][f"recall@{n}"].append(recall_at(ranked[name], relevant, n))
                scores[name][f"ndcg@{n}"].append(ndcg_at(ranked[name], relevant, n))
    arrays = {name: {k: np.array(v) for k, v in by.items()} for name, by in scores.items()}
    kind_of = np.array(kinds)
    interval_rng = np.random.default_rng([seed, 1])

    def gains(against: str, where: np.ndarray, final: str = "final") -> dict:
        return {
            k: paired_interval(arrays[final][k][where] - arrays[against][k][where], interval_rng)
            for k in ("recall@10", "ndcg@10")
        }

    everyone = np.ones(len(kinds), bool)
    usage = {"brain_usage": llm_brain.usage.to_dict()} if llm_brain is not None else {}
    result = usage | {
        "protocol": "reorder",
        "dataset": "ml-100k",
        "brain": brain,
        "follower": "llm" if follower_parts else "rules",
        "instruction_weight": weight,
        "seed": seed,
        "ratio": ratio,
        "users": len(cases),
        "instructions": instructions,
        "users_instructing": users_instructing,
        "content": "minilm" if embedded else "genre topics",
        "interval_level": LEVEL,
        "initial": {k: round(float(np.mean(v)), 4) for k, v in arrays["initial"].items()},
        "final": {k: round(float(np.mean(v)), 4) for k, v in arrays["final"].items()},
        "history_only": {k: round(float(np.mean(v)), 4) for k, v in arrays["history_only"].items()},
        # final - initial per user (users who never instructed add 0), and split by instruction kind
        "gain": {
            "all": gains("initial", everyone),
            **{kind: gains("initial", kind_of == kind) for kind in ("specific", "vague")},
        },
        # final - the same re-ranking without reading the words: what the instruction itself added
        "gain_over_history_only": {
            "all": gains("history_only", everyone),
            **{kind: gains("history_only", kind_of == kind) for kind in ("specific", "vague")},
        },
    }
    if vague_arm:  # after the real arms' intervals, which thus draw as they did without it
        who = {"all": everyone, "instructing": vague_instructing}
        vague_kinds = [_kind(i) for i in vague_given]  # as the parser reads them: all vague, by design
        result["vague_counterfactual"] = {
            "instruction": VAGUE_INSTRUCTION,
            "instructions": len(vague_given),
            "users_instructing": int(vague_instructing.sum()),
            "kinds": {kind: vague_kinds.count(kind) for kind in ("specific", "vague")},
            "final": {k: round(float(np.mean(v)), 4) for k, v in arrays["vague"].items()},
            "gain": {name: gains("initial", where, "vague") for name, where in who.items()},
            "gain_over_history_only": {
                name: gains("history_only", where, "vague") for name, where in who.items()
            },
        }
    return result


def _kind(instruction: str) -> str:
    from simulator.recommenders.parser import parse_instruction

    return "specific" if parse_instruction(instruction).specific else "vague"


class _Walk:
    """One user going through one list, with break points, reflections and re-orderings."""

    def __init__(
        self,
        ml,
        case,
        items,
        match_of,
        brain,
        persona_brain,
        content=None,
        history=None,
        listens=True,
        follower_parts=None,
        instruction_weight=None,
        says=None,
    ):
        """`says`: the words that replace every instruction this user gives (a counterfactual arm)."""
        from simulator.recommenders import InstructionFollowingRecommender
        from simulator.recommenders.instruction_following import INSTRUCTION_WEIGHT

        self.ml, self.case, self.brain, self.persona_brain = ml, case, brain, persona_brain
        self.items = {it.id: it for it in items}
        self.match_of = match_of
        self.says = says
        self.persona = user_persona(ml, case.user_id, case.history_rows)
        self.memory = "Films I have rated: " + history_text(ml, case.history_rows)
        self.recommender = InstructionFollowingRecommender(
            items,
            content=content,
            history=None if history is None else (lambda query: history),
            listens=listens,
            instruction_weight=INSTRUCTION_WEIGHT if instruction_weight is None else instruction_weight,
            **(follower_parts or {}),
        )

    def _query(self, shown: list[str]):
        from simulator.preferences import topic_vector
        from simulator.recommenders import RankQuery

        return RankQuery(
            user_id=self.case.user_id, history=topic_vector(self.persona.interests), exclude=set(shown)
        )

    def run(self, rng: np.random.Generator) -> tuple[list[str], list[str], list[str]]:
        """(initial list, final list, the instructions given)."""
        from simulator.brains.base import ReflectionRequest
        from simulator.types import Context, Mindset, Turn

        order = self.recommender.rank(self._query([]), len(self.items))
        initial = list(order)
        shown: list[str] = []
        turn_items, turn_reactions = [], []
        mindset, seconds, plan, given = Mindset(), 0.0, None, []
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
            instruction = self.says or instruction
            given.append(instruction)
            plan = self.recommender.plan(instruction, plan)
            rest = self.recommender.rank(self._query(shown), len(order) - len(shown), plan)
            order = shown + rest
            turn_items, turn_reactions = [], []
        return initial, list(order), given

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
