"""Session rewards from trajectories (paper section 4): engagement totals and a weighted mix."""

from dataclasses import dataclass

from simulator.serial import JsonRecord
from simulator.types import Trajectory, Turn

# The mix's default weights, per unit: minutes watched are the currency; an explicit act is worth
# what a minute of watching is, a share twice that; an extra turn (the user stayed after
# instructing) and a satisfied instruction count as retention.
DEFAULT_WEIGHTS: dict[str, float] = {
    "minutes": 1.0,
    "clicks": 0.1,
    "likes": 1.0,
    "comments": 1.0,
    "shares": 2.0,
    "follows": 2.0,
    "turns": 0.5,
    "instructions_satisfied": 1.0,
}


@dataclass
class SessionReward(JsonRecord):
    time_spent_s: float
    clicks: int
    likes: int
    comments: int
    shares: int
    follows: int
    turns: int
    session_length: int  # items the user went through
    instructions: int
    instructions_satisfied: int
    instruction_satisfied: bool | None  # all instructions satisfied; None when none were given
    end_reason: str
    mix: float


def _view_rate(turn: Turn) -> float:
    return sum(not r.skipped for r in turn.reactions) / len(turn.reactions) if turn.reactions else 0.0


def instructions_satisfied(trajectory: Trajectory) -> tuple[int, int]:
    """(given, satisfied): an instruction is satisfied when the next list is watched more than the one
    that led to it; an instruction with no next list (a cap ended the session) is not."""
    given = satisfied = 0
    turns = trajectory.turns
    for k, turn in enumerate(turns):
        if turn.reflection and turn.reflection.instruction:
            given += 1
            if k + 1 < len(turns) and _view_rate(turns[k + 1]) > _view_rate(turn):
                satisfied += 1
    return given, satisfied


def turn_mix(turn: Turn, weights: dict[str, float] | None = None) -> float:
    """The engagement part of the mix earned in one turn (the environment's per-step reward)."""
    rs = turn.reactions
    return engagement_mix(
        watch_s=sum(r.watch_s for r in rs),
        clicks=sum(r.click for r in rs),
        likes=sum(r.like for r in rs),
        comments=sum(r.comment is not None for r in rs),
        shares=sum(r.share for r in rs),
        follows=sum(r.follow for r in rs),
        turns=1,
        weights=weights,
    )


def engagement_mix(*, watch_s, clicks, likes, comments, shares, follows, turns, weights=None):
    """The mix's engagement part from totals (floats or arrays of many users' turns)."""
    w = DEFAULT_WEIGHTS | (weights or {})
    return (
        w["minutes"] * watch_s / 60.0
        + w["clicks"] * clicks
        + w["likes"] * likes
        + w["comments"] * comments
        + w["shares"] * shares
        + w["follows"] * follows
        + w["turns"] * turns
    )


def weight_problems(weights: dict | None) -> list[str]:
    """What is wrong with custom reward weights, in words (empty when they are usable)."""
    if weights is None:
        return []
    if not isinstance(weights, dict):
        return ["reward weights must be an object of name -> number"]
    problems = []
    unknown = sorted(set(weights) - set(DEFAULT_WEIGHTS))
    if unknown:
        problems.append(f"unknown reward weights {unknown}: use {', '.join(DEFAULT_WEIGHTS)}")
    bad = sorted(k for k, v in weights.items() if not isinstance(v, int | float) or isinstance(v, bool))
    if bad:
        problems.append(f"reward weights {bad} must be numbers")
    return problems


def session_reward(trajectory: Trajectory, weights: dict[str, float] | None = None) -> SessionReward:
    """Every reward of one session, and their weighted mix."""
    problems = weight_problems(weights)
    if problems:
        raise ValueError("; ".join(problems))
    w = DEFAULT_WEIGHTS | (weights or {})
    rs = trajectory.reactions
    given, satisfied = instructions_satisfied(trajectory)
    mix = sum(turn_mix(t, w) for t in trajectory.turns) + w["instructions_satisfied"] * satisfied
    return SessionReward(
        time_spent_s=round(float(sum(r.watch_s for r in rs)), 2),  # a float even with no reactions
        clicks=sum(r.click for r in rs),
        likes=sum(r.like for r in rs),
        comments=sum(r.comment is not None for r in rs),
        shares=sum(r.share for r in rs),
        follows=sum(r.follow for r in rs),
        turns=len(trajectory.turns),
        session_length=len(rs),
        instructions=given,
        instructions_satisfied=satisfied,
        instruction_satisfied=None if given == 0 else satisfied == given,
        end_reason=trajectory.end_reason,
        mix=round(mix, 4),
    )


def instructs_at_first_leave(trajectory: Trajectory) -> bool:
    """Did the user's first leave come with an instruction? Until then two recommenders that rank
    alike without instructions show the same lists, so with per-user random streams this picks the
    same users in both runs: the group on which to compare them."""
    first = next((t for t in trajectory.turns if t.reflection), None)
    return bool(first and first.reflection.instruction)


def mean_rewards(rewards: list[SessionReward]) -> dict[str, float]:
    """Per-session means of the numeric rewards over many sessions."""
    if not rewards:
        return {}
    names = (
        "time_spent_s",
        "clicks",
        "likes",
        "comments",
        "shares",
        "follows",
        "turns",
        "session_length",
        "mix",
    )
    return {n: round(sum(getattr(r, n) for r in rewards) / len(rewards), 4) for n in names}
