"""The `llm` brain: an LLM reads the person, their memory, the context and the item, and answers in JSON.

Every prompt of a batch goes to the engine in one call. Each answer is validated (simulator.answers);
invalid ones are asked again with a fresh seed, up to `max_attempts` in all, and the decisions still
without a valid answer are made by the fallback brain (the persona brain) and marked `fallback`.
Tokens, retries and fallbacks are counted in `usage`; why answers were refused in `refusals`.
"""

from collections import Counter, deque
from collections.abc import Callable, Mapping
from typing import TypeVar

import numpy as np

from simulator.answers import (
    REFLECTION_SCHEMA,
    InvalidAnswer,
    parse_reaction,
    parse_reflection,
    reaction_schema,
)
from simulator.brains.base import Brain, BrainUsage, ReactionRequest, ReflectionRequest
from simulator.brains.llm_prompts import REACTION, REFLECTION, max_watch_s, reaction_values, reflection_values
from simulator.engines.base import ChatPrompt, Engine, Generation, Message, generate_or_errors
from simulator.representations import REPRESENTATIONS
from simulator.representations.multimodal import image_parts
from simulator.representations.semantic_ids import history_text
from simulator.types import Reaction, Reflection

T = TypeVar("T")
_HISTORY = 12  # codes of past items kept per user for the semantic-ID representation


class LLMBrain:
    name = "llm"

    def __init__(
        self,
        engine: Engine,
        fallback: Brain,
        *,
        representation: str = "text",
        max_attempts: int = 3,
        max_images: int = 4,
    ):
        if representation not in REPRESENTATIONS:
            raise ValueError(f"unknown representation {representation!r}: expected one of {REPRESENTATIONS}")
        if representation == "multimodal" and not engine.multimodal:
            raise ValueError("the multimodal representation needs a vision-language model (max_images > 0)")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.engine = engine
        self.fallback = fallback
        self.representation = representation
        self.max_attempts = max_attempts
        self.max_images = max_images
        self.usage = BrainUsage()
        self.refusals: Counter[str] = Counter()  # why answers were refused, by reason
        self.dropped_directives: list[str] = []  # creator sentences that addressed the model
        self.prompt_versions = {"reaction": REACTION.version, "reflection": REFLECTION.version}
        self._codes: dict[int, deque[tuple[str, list[int]]]] = {}

    # Prompts

    def reaction_messages(self, r: ReactionRequest) -> list[Message]:
        codes = ""
        if self.representation == "semantic_id":
            codes = history_text(list(self._codes.get(r.persona.id, ())))
        values, dropped = reaction_values(r, self.representation, codes)
        self.dropped_directives += dropped
        messages = REACTION.messages(**values)
        if self.representation == "multimodal":
            images = image_parts(r.item.frames, min(self.max_images, self.engine.config.max_images))
            messages[1]["content"] = [*images, {"type": "text", "text": messages[1]["content"]}]
        return messages

    # The Brain interface

    def react(self, requests: list[ReactionRequest], rng: np.random.Generator) -> list[Reaction]:
        if not requests:
            return []
        prompts = [
            ChatPrompt(self.reaction_messages(r), reaction_schema(max_watch_s(r.item))) for r in requests
        ]
        answers = self._ask(
            prompts, [lambda text, r=r: parse_reaction(text, max_watch_s(r.item)) for r in requests], rng
        )
        reactions = _with_fallback(
            requests,
            answers,
            lambda missing: self.fallback.react(missing, rng),
            lambda r, fields: Reaction(user_id=r.persona.id, item_id=r.item.id, brain=self.name, **fields),
        )
        if self.representation == "semantic_id":
            for r, reaction in zip(requests, reactions, strict=True):
                if r.item.semantic_id is not None:
                    history = self._codes.setdefault(r.persona.id, deque(maxlen=_HISTORY))
                    history.append((_strongest_act(reaction), r.item.semantic_id))
        return reactions

    def reflect(self, requests: list[ReflectionRequest], rng: np.random.Generator) -> list[Reflection]:
        if not requests:
            return []
        prompts = [
            ChatPrompt(REFLECTION.messages(**reflection_values(r)), REFLECTION_SCHEMA) for r in requests
        ]
        answers = self._ask(prompts, [parse_reflection] * len(requests), rng)
        return _with_fallback(
            requests,
            answers,
            lambda missing: self.fallback.reflect(missing, rng),
            lambda r, answer: Reflection(
                user_id=r.persona.id, reasons=answer[0], instruction=answer[1], brain=self.name
            ),
        )

    # Asking, validating, retrying

    def _ask(
        self, prompts: list[ChatPrompt], parsers: list[Callable[[str], T]], rng: np.random.Generator
    ) -> list[T | None]:
        """Valid parsed answers, None where every attempt failed; one engine call per attempt."""
        seeds = _seeds(rng, self.max_attempts, len(prompts))
        answers: list[T | None] = [None] * len(prompts)
        pending = list(range(len(prompts)))
        self.usage.decisions += len(prompts)
        for attempt in range(self.max_attempts):
            if not pending:
                break
            if attempt:
                self.usage.retries += len(pending)
            for i in pending:
                prompts[i].seed = int(seeds[attempt, i])
            generations = generate_or_errors(self.engine, [prompts[i] for i in pending])
            still = []
            for i, g in zip(pending, generations, strict=True):
                self.usage.prompt_tokens += g.prompt_tokens
                self.usage.output_tokens += g.output_tokens
                try:
                    if g.error:
                        raise InvalidAnswer(g.error)
                    answers[i] = parsers[i](g.text)
                except InvalidAnswer as exc:
                    self.refusals[_reason_kind(str(exc), g)] += 1
                    still.append(i)
            pending = still
        self.usage.fallbacks += len(pending)
        return answers


def llm_brain_from_env(
    env: Mapping[str, str], fallback: Brain, *, cpu_default: bool = False, **options
) -> LLMBrain:
    """The `llm` brain on this process's engine for the SIM_LLM_* variables (built on first use);
    `cpu_default` as for simulator.engines.configured_engine."""
    from simulator.engines import configured_engine

    return LLMBrain(configured_engine(env, cpu_default=cpu_default), fallback, **options)


def _with_fallback(requests: list, answers: list, decide: Callable[[list], list], build: Callable) -> list:
    """build(request, answer) for every valid answer; the rest decided by the fallback brain in one batch
    (`decide`) and marked "fallback"."""
    backup = iter(decide([r for r, a in zip(requests, answers, strict=True) if a is None]))
    out = []
    for r, answer in zip(requests, answers, strict=True):
        if answer is None:
            record = next(backup)
            record.brain = "fallback"
        else:
            record = build(r, answer)
        out.append(record)
    return out


def _reason_kind(message: str, g: Generation) -> str:
    """A short bucket for a refusal, for counting: the message up to its first detail."""
    if g.finish_reason == "length":
        return "cut off at max_tokens"
    return message.split(": ")[0].split(", got")[0][:80]


def _strongest_act(reaction: Reaction) -> str:
    for verb, done in (("shared", reaction.share), ("commented", reaction.comment), ("liked", reaction.like)):
        if done:
            return verb
    return "watched" if reaction.watch_s > 0 else "skipped"


def _seeds(rng, attempts: int, n: int) -> np.ndarray:
    """(attempts, n) sampling seeds from a batch generator or one generator per decision (`random` only,
    which every generator the simulator passes has)."""
    if isinstance(rng, list | tuple):
        u = np.array([g.random(attempts) for g in rng]).reshape(n, attempts).T
    else:
        u = rng.random((attempts, n))
    return (u * (2**31 - 1)).astype(np.int64)
