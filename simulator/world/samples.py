"""The sample rows a run keeps: the impressions with the smallest hash priority (the same sample
whatever the sharding). What each row says is simulator.text.reactions'."""

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.text.reactions import persona_sample_text

if TYPE_CHECKING:
    from simulator.audiences import Population
    from simulator.brains.persona_params import PersonaParams
    from simulator.world.config import PostSpec


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
