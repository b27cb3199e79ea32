"""The sample rows a run keeps: the impressions with the smallest hash priority (the same sample
whatever the sharding), and what each row says, which is what drove the persona brain's decision and
never poses as a quotation."""

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.types import Item

if TYPE_CHECKING:
    from simulator.audiences import Population
    from simulator.brains.persona_params import PersonaParams
    from simulator.world.config import PostSpec

STATE_PREFIX = "From the user's state: "  # persona-brain rows: what the numbers say, not a quotation


class SamplePool:
    """The kept impressions of a shard (or a process's shards), as columns."""

    def __init__(self, limit: int):
        self.limit = limit
        self.pool: dict[str, np.ndarray] | None = None

    def offer(self, batch: dict[str, np.ndarray]) -> None:
        """Keep the `limit` impressions with the smallest priority of those kept so far and `batch`."""
        pool = self.pool
        if pool is not None:
            batch = {k: np.concatenate([pool[k], v]) for k, v in batch.items()}
        if len(batch["priority"]) > self.limit:
            best = np.argpartition(batch["priority"], self.limit - 1)[: self.limit]
            batch = {k: v[best] for k, v in batch.items()}
        self.pool = batch

    def records(
        self, posts: "list[PostSpec]", pop: "Population", lo: int, params: "PersonaParams"
    ) -> list[dict[str, Any]]:
        """The kept rows in priority order, with their text; `pop` holds users from id `lo`."""
        pool = self.pool
        if pool is None:
            return []
        order = np.argsort(pool["priority"])
        records = []
        for i in order:
            post = posts[int(pool["post"][i])].item
            records.append(
                {
                    "priority": int(pool["priority"][i]),
                    "limit": self.limit,
                    "user_id": int(pool["user"][i]),
                    "persona": pop.summary(int(pool["user"][i]) - lo),
                    "item_id": post.id,
                    "at_hours": round(float(pool["at_h"][i]), 2),
                    "age_hours": round(float(pool["age_h"][i]), 2),
                    **persona_sample_text({k: v[i].item() for k, v in pool.items()}, post, params),
                }
            )
        return records


def _drivers(row: dict[str, float], params: "PersonaParams", topic: str) -> list[tuple[float, str, str]]:
    """(log-odds contribution to viewing, phrase for, phrase against) of each term of the persona
    brain's view logit (simulator.brains.persona) for one impression."""
    p = params
    match, length, preferred = row["match"], row["length_s"], row["preferred_s"]
    log_len = abs(np.log(max(length, 1.0) / max(preferred, 1.0)))
    content = float(np.log(max(row["effect_view"], 1e-9)))
    panel = row["view_bias"] - content
    views = 10.0 ** row["social_proof"] - 1.0
    terms = [
        (
            p.view_match * (match * (1.0 - row["satiation"]) - p.match_ref),
            f"{topic} matches their interests (match {match:.2f})",
            f"{topic} is far from their interests (match {match:.2f})"
            if row["satiation"] < 0.3
            else f"they have seen a lot of {topic} this session",
        ),
        (-p.view_length * log_len, "", f"{length:.0f} s against the {preferred:.0f} s they prefer"),
        (
            -p.view_creator_fatigue * row["creator_fatigue"],
            "",
            f"{row['creator_fatigue']:.1f} recent posts from this creator",
        ),
        (-p.view_fatigue * row["fatigue"], "", "it came late in their session"),
        (
            p.view_social_proof * (row["social_proof"] - p.social_proof_ref),
            f"{views:,.0f} views so far",
            f"only {views:,.0f} views so far" if views >= 1 else "no views yet",
        ),
        (p.view_follows * row["follows"], "they follow the creator", ""),
        (p.view_from_share * row["from_share"], "a neighbour shared it", ""),
        (content, f"what the post shows and says (x{row['effect_view']:.2f} odds)",
         f"what the post shows and says (x{row['effect_view']:.2f} odds)"),
        (panel, f"the LLM panel's verdict for people like them (x{np.exp(panel):.2f} odds)",
         f"the LLM panel's verdict for people like them (x{np.exp(panel):.2f} odds)"),
    ]  # fmt: skip
    return [t for t in terms if abs(t[0]) >= 0.05]


def persona_sample_text(row: dict[str, Any], item: Item, params: "PersonaParams") -> dict[str, Any]:
    """A sample row the persona brain decided: the action, and the terms that weighed most for and
    against viewing, labelled as read from the user's state."""
    topic = max(item.topics, key=item.topics.get) if item.topics else "the topic"
    watch = float(row["watch_s"])
    share_watched = watch / max(item.duration_s, 1e-9)
    if not row["click"]:
        action = "skipped"
    else:
        done = [name for name in ("like", "comment", "share", "follow") if row[name]]
        action = f"watched {min(share_watched, 9.99):.0%}" + (" and " + ", ".join(done) if done else "")
    if row["show_less"]:
        action += ", asked for less"
    drivers = sorted(_drivers(row, params, topic), key=lambda t: -abs(t[0]))
    pro = [f for c, f, _ in drivers if c > 0 and f][:3]
    con = [a for c, _, a in drivers if c < 0 and a][:3]
    verb = "watched" if row["click"] else "skipped"
    sides = [("for it", pro), ("against it", con)]
    if not row["click"]:
        sides.reverse()
    said = [f"{side}, {', '.join(terms)}" for side, terms in sides if terms]
    text = f"{verb}: " + ("; ".join(said) if said else "no term stood out; chance decided")
    return {
        "action": action,
        "watch_s": round(watch, 1),
        "reasoning": STATE_PREFIX + text + ".",
        "comment": None,  # the persona brain decides that a user comments, not what they write
        "instruction": None,
        "brain": "persona",
    }
