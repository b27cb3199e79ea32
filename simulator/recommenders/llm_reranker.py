"""The LLM re-ranker: a viewer's words and the top of the list -> that list re-ordered.

The instruction follower scores the catalogue first (plan, content query, history) and hands the top
items here; the engine answers with an order of item numbers held to a schema. An answer that stays
invalid after the retries keeps the score order (and is counted).
"""

import numpy as np

from simulator.answers import InvalidAnswer, parse_object
from simulator.engines.base import ChatPrompt, Engine, generate_or_errors
from simulator.prompting import fence_request, template
from simulator.recommenders.content import item_text
from simulator.types import Item

RERANK = template("rerank")
ITEM_TEXT_MAX = 200  # characters per item: twenty items stay a short prompt


def order_schema(n: int) -> dict:
    return {
        "title": "rerank",
        "type": "object",
        "properties": {
            "order": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": n},
                "minItems": n,
                "maxItems": n,
                "uniqueItems": True,
            }
        },
        "required": ["order"],
        "additionalProperties": False,
    }


def parse_order(text: str, n: int) -> list[int]:
    """0-based positions, each once; anything else breaks the contract."""
    order = parse_object(text, ["order"])["order"]
    if not isinstance(order, list) or sorted(order) != list(range(1, n + 1)):
        raise InvalidAnswer(f"order must hold each of 1..{n} once, got {order!r}")
    return [int(i) - 1 for i in order]


class LLMReranker:
    """Callable as `reranker(instruction, items) -> ids`; counts calls and fallbacks."""

    def __init__(self, engine: Engine, *, max_attempts: int = 2, seed: int = 0):
        self.engine = engine
        self.max_attempts = max_attempts
        self.rng = np.random.default_rng(seed)
        self.calls = self.fallbacks = 0
        self.version = RERANK.version

    def __call__(self, instruction: str, items: list[Item]) -> list[str]:
        self.calls += 1
        texts = [fence_request(item_text(it)[:ITEM_TEXT_MAX]) for it in items]
        lines = "\n".join(f"{k}. <item>{text}</item>" for k, text in enumerate(texts, 1))
        prompt = ChatPrompt(
            RERANK.messages(instruction=fence_request(instruction), items=lines), order_schema(len(items))
        )
        for _ in range(self.max_attempts):
            prompt.seed = int(self.rng.integers(0, 2**31 - 1))
            [g] = generate_or_errors(self.engine, [prompt])
            try:
                if g.error:
                    raise InvalidAnswer(g.error)
                return [items[i].id for i in parse_order(g.text, len(items))]
            except InvalidAnswer:
                continue
        self.fallbacks += 1
        return [it.id for it in items]
