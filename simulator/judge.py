"""An LLM judge of whether a trajectory met the user's instructions (the paper keeps only trajectories
that pass a rubric): for every instruction, the list before it and the list after it are graded.
"""

from dataclasses import dataclass, field

import numpy as np

from simulator.answers import JUDGE_SCHEMA, InvalidAnswer, parse_judgement
from simulator.engines.base import ChatPrompt, Engine
from simulator.prompting import fence_creator_text, fence_request, template
from simulator.serial import JsonRecord
from simulator.types import Item, Trajectory, Turn

JUDGE = template("judge")
PASS_SCORE = 6  # out of 10, and the request must be addressed


@dataclass
class InstructionVerdict(JsonRecord):
    instruction: str
    score: int | None  # None when the judge gave no valid answer
    addressed_request: bool = False
    avoided_unwanted: bool = False
    engaged_after: bool = False
    reasoning: str = ""

    @property
    def passed(self) -> bool:
        return self.score is not None and self.addressed_request and self.score >= PASS_SCORE


@dataclass
class TrajectoryVerdict(JsonRecord):
    verdicts: list[InstructionVerdict] = field(default_factory=list)
    judge: str = JUDGE.version

    @property
    def passed(self) -> bool:
        """Every instruction followed (a trajectory without instructions passes: nothing was asked)."""
        return all(v.passed for v in self.verdicts)


def _turn_text(turn: Turn, items: dict[str, Item], limit: int = 10) -> str:
    by_item = {r.item_id: r for r in turn.reactions}
    lines = []
    for n, item_id in enumerate(turn.items[:limit], start=1):
        item = items.get(item_id)
        if item is None:
            continue
        topics = ", ".join(sorted(item.topics, key=lambda t: -item.topics[t])[:2]) or "none"
        quoted, _ = fence_creator_text({"caption": item.caption[:120]})
        r = by_item.get(item_id)
        outcome = "not reached" if r is None else ("skipped" if r.skipped else f"watched {r.watch_s:.0f} s")
        if r is not None and r.like:
            outcome += ", liked"
        lines.append(f"{n}. {topics}; by {item.creator_id}; {quoted.replace(chr(10), ' ')} -> {outcome}")
    return "\n".join(lines) or "nothing"


class LLMJudge:
    def __init__(self, engine: Engine, *, max_attempts: int = 2, seed: int = 0):
        self.engine = engine
        self.max_attempts = max_attempts
        self.rng = np.random.default_rng(seed)
        self.failures = 0

    def prompts(self, trajectory: Trajectory, items: dict[str, Item]) -> list[tuple[str, ChatPrompt]]:
        out = []
        turns = trajectory.turns
        for k, turn in enumerate(turns):
            if not (turn.reflection and turn.reflection.instruction):
                continue
            after = _turn_text(turns[k + 1], items) if k + 1 < len(turns) else "no list followed"
            messages = JUDGE.messages(
                instruction=fence_request(turn.reflection.instruction),
                before=_turn_text(turn, items),
                after=after,
            )
            out.append((turn.reflection.instruction, ChatPrompt(messages, JUDGE_SCHEMA)))
        return out

    def judge(self, trajectories: list[Trajectory], items: dict[str, Item]) -> list[TrajectoryVerdict]:
        """One verdict per trajectory; all instructions of all trajectories go to the engine together."""
        asked = [
            (t, instruction, prompt)
            for t, tr in enumerate(trajectories)
            for instruction, prompt in self.prompts(tr, items)
        ]
        results: list[dict | None] = [None] * len(asked)
        pending = list(range(len(asked)))
        for _ in range(self.max_attempts):
            if not pending:
                break
            for i in pending:
                asked[i][2].seed = int(self.rng.integers(0, 2**31 - 1))
            generations = self.engine.generate([asked[i][2] for i in pending])
            still = []
            for i, g in zip(pending, generations, strict=True):
                try:
                    if g.error:
                        raise InvalidAnswer(g.error)
                    results[i] = parse_judgement(g.text)
                except InvalidAnswer:
                    still.append(i)
            pending = still
        self.failures += len(pending)
        verdicts = [TrajectoryVerdict() for _ in trajectories]
        for (t, instruction, _), result in zip(asked, results, strict=True):
            verdict = (
                InstructionVerdict(instruction, None)
                if result is None
                else InstructionVerdict(instruction, **result)
            )
            verdicts[t].verdicts.append(verdict)
        return verdicts
