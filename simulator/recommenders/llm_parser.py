"""The LLM instruction parser: a viewer's words -> RerankPlan, the same type the rule parser returns.

The instruction is quoted as data in the prompt; the answer is held to a schema whose topics are the
taxonomy's and whose creators are only those the instruction names (a feed's full creator list would
not fit a prompt). An answer that stays invalid after the retries falls back to the rule parser.
"""

import numpy as np

from simulator.answers import InvalidAnswer, parse_plan, plan_schema
from simulator.engines.base import ChatPrompt, Engine, Message, generate_or_errors
from simulator.prompting import fence_request, template
from simulator.recommenders.parser import parse_instruction
from simulator.recommenders.plan import RerankPlan
from simulator.taxonomy import TOPICS

PLAN = template("plan")


class LLMInstructionParser:
    """Callable like `parse_instruction(text, *, creators=...)`; counts fallbacks to the rules."""

    def __init__(self, engine: Engine, *, max_attempts: int = 3, seed: int = 0):
        self.engine = engine
        self.max_attempts = max_attempts
        self.rng = np.random.default_rng(seed)
        self.calls = 0
        self.fallbacks = 0
        self.version = PLAN.version

    def messages(self, text: str, creators: list[str]) -> list[Message]:
        return PLAN.messages(
            topics=", ".join(TOPICS),
            creators=", ".join(creators) or "none named",
            instruction=fence_request(text),
        )

    def __call__(self, text: str, *, creators=()) -> RerankPlan:
        self.calls += 1
        lowered = text.lower()
        named = [c for c in dict.fromkeys(creators) if c and c.lower() in lowered]
        prompt = ChatPrompt(self.messages(text, named), plan_schema(named))
        for _ in range(self.max_attempts):
            prompt.seed = int(self.rng.integers(0, 2**31 - 1))
            [g] = generate_or_errors(self.engine, [prompt])
            try:
                if g.error:
                    raise InvalidAnswer(g.error)
                return RerankPlan(**parse_plan(g.text, named), instruction=text, source="llm")
            except InvalidAnswer:
                continue
        self.fallbacks += 1
        return parse_instruction(text, creators=creators)
