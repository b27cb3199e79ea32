"""`python -m simulator session`: sample users play sessions with a recommender; trajectories, rewards."""

import argparse
import json
import os
import sys

from simulator.audiences import sample_population
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import default_index
from simulator.human import HumanSession
from simulator.recommenders import (
    RECOMMENDERS,
    InstructionFollowingRecommender,
    llm_follower_parts,
    make_recommender,
)
from simulator.rewards import (
    DEFAULT_WEIGHTS,
    instructs_at_first_leave,
    mean_rewards,
    session_reward,
    weight_problems,
)
from simulator.session import SessionConfig, run_sessions
from simulator.types import Context, Trajectory

HELP = "play sessions between a sample population and a recommender; print trajectories and rewards"


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=1, help="population and session seed (default 1)")
    p.add_argument("--users", type=_positive_int, default=3, help="number of sample users (default 3)")
    p.add_argument("--recommender", choices=sorted(RECOMMENDERS), default="instruction_following")
    p.add_argument(
        "--mode",
        choices=("multi_turn", "single_list", "human"),
        default="multi_turn",
        help="multi_turn: instructions on; single_list: instructions disabled, one list scored; "
        "human: you take the user's place in the terminal",
    )
    p.add_argument(
        "--follower",
        choices=("rules", "llm"),
        default="rules",
        help="how instruction_following reads instructions: the rule parser (default), or the LLM parser "
        "and re-ranker (SIM_LLM_ENGINE's engine, else the CPU model of make llm-cpu)",
    )
    p.add_argument("--list-size", type=_positive_int, default=10)
    p.add_argument("--max-turns", type=_positive_int, default=5)
    p.add_argument("--max-minutes", type=float, default=60.0)
    p.add_argument("--hour", type=float, default=20.0, help="local hour of day of the sessions (default 20)")
    p.add_argument("--weights", default="", help="reward weights as JSON, e.g. '{\"likes\": 2}'")
    p.add_argument(
        "--compare",
        action="store_true",
        help="play the same users with every recommender (same seed, per-user random streams) and "
        "print mean rewards, overall and for users who instruct when they first leave",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    config = SessionConfig(
        mode=args.mode, list_size=args.list_size, max_turns=args.max_turns, max_minutes=args.max_minutes
    )
    try:
        weights = json.loads(args.weights) if args.weights else None
        problems = config.validate() + weight_problems(weights)
        if not 0 <= args.hour < 24:
            problems.append("--hour must be in [0, 24)")
        if args.compare and args.mode == "human":
            problems.append("--compare plays simulated users: it cannot be combined with --mode human")
        if args.follower == "llm" and args.mode == "human":
            problems.append("--follower llm reads simulated users' instructions: not with --mode human")
        if problems:
            raise ValueError("; ".join(problems))
        follower_parts = llm_follower_parts(os.environ, cpu_default=True) if args.follower == "llm" else {}
    except (LookupError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    catalogue = default_index()
    people = sample_population(args.users, args.seed)
    if args.mode == "human":
        return _human(people[0], args, config, catalogue)
    contexts = [Context(hour_of_day=args.hour, country=p.demographics.country) for p in people]

    def play(recommender: str) -> list[Trajectory]:
        if recommender == "instruction_following" and follower_parts:
            policy = InstructionFollowingRecommender(catalogue, **follower_parts)
        else:
            policy = make_recommender(recommender, catalogue)
        return run_sessions(
            people,
            policy,
            PersonaBrain(),
            catalogue,
            seed=args.seed,
            config=config,
            contexts=contexts,
        )

    if args.compare:
        return _compare({name: play(name) for name in sorted(RECOMMENDERS)}, args, config, weights)
    trajectories = play(args.recommender)
    rewards = [session_reward(t, weights) for t in trajectories]
    if args.json:
        out = {
            "seed": args.seed,
            "recommender": args.recommender,
            "config": config.to_dict(),
            "reward_weights": DEFAULT_WEIGHTS | (weights or {}),
            "sessions": [
                {"persona": p.to_dict(), "trajectory": t.to_dict(), "rewards": r.to_dict()}
                for p, t, r in zip(people, trajectories, rewards, strict=True)
            ],
            "mean_rewards": mean_rewards(rewards),
        }
        print(json.dumps(out))
        return 0
    print(
        "'state:' lines put the persona brain's numbers in words (a summary of the simulated user's "
        "state, not something anyone said); 'said:' lines are the LLM's own answer."
    )
    for p, t, r in zip(people, trajectories, rewards, strict=True):
        print(_describe(p, t, r, catalogue))
    print(
        f"\nmean over {len(rewards)} sessions: "
        + ", ".join(f"{k} {v}" for k, v in mean_rewards(rewards).items())
    )
    return 0


def _compare(runs: dict[str, list[Trajectory]], args, config: SessionConfig, weights) -> int:
    """The paper's comparison: the same users, the same luck, different recommenders."""
    baseline = next(iter(runs.values()))
    instructing = [i for i, t in enumerate(baseline) if instructs_at_first_leave(t)]
    table = {}
    for name, trajectories in runs.items():
        rewards = [session_reward(t, weights) for t in trajectories]
        table[name] = {
            "all": mean_rewards(rewards),
            "instructing": mean_rewards([rewards[i] for i in instructing]),
        }
    if args.json:
        out = {"seed": args.seed, "users": args.users, "instructing_users": len(instructing)}
        print(json.dumps(out | {"config": config.to_dict(), "recommenders": table}))
        return 0
    print(f"{args.users} users, seed {args.seed}; {len(instructing)} instruct when they first leave\n")
    names = ("time_spent_s", "clicks", "likes", "turns", "session_length", "mix")
    print(f"{'recommender':<24}{'users':<13}" + "".join(f"{n:>16}" for n in names))
    for name, groups in table.items():
        for group, means in groups.items():
            print(f"{name:<24}{group:<13}" + "".join(f"{means.get(n, float('nan')):>16.2f}" for n in names))
    return 0


def _describe(persona, trajectory, reward, catalogue) -> str:
    interests = ", ".join(f"{t} {w:.2f}" for t, w in sorted(persona.interests.items(), key=lambda kv: -kv[1]))
    who = f"{persona.demographics.age_band}, {persona.demographics.country}"
    lines = [f"\n== user {persona.id} ({who}; {interests})"]
    for k, turn in enumerate(trajectory.turns, 1):
        lines.append(f"  turn {k}: {len(turn.items)} items")
        for r in turn.reactions:
            item = catalogue.by_id(r.item_id)
            acts = [a for a in ("like", "share", "follow") if getattr(r, a)] + (
                ["comment"] if r.comment else []
            )
            act = f"watched {r.watch_s:.0f}/{item.duration_s:.0f}s" if not r.skipped else "skipped"
            extra = f" [{', '.join(acts)}]" if acts else ""
            # an LLM's words are its own; the persona brain's are a summary of the user's state
            voice = "said" if r.brain == "llm" else "state"
            lines.append(f"    {item.caption[:48]:<48} {act}{extra}  - {voice}: {r.reasoning}")
            if r.comment:
                source = "written" if r.brain == "llm" else "a template"
                lines.append(f'      comment ({source}): "{r.comment}"')
        if turn.reflection:
            said = turn.reflection.instruction or "(leaves without an instruction)"
            lines.append(f"  left: {'; '.join(turn.reflection.reasons)} -> {said}")
    lines.append(
        f"  ended: {trajectory.end_reason}; time {reward.time_spent_s:.0f}s, clicks {reward.clicks}, "
        f"likes {reward.likes}, turns {reward.turns}, items {reward.session_length}, "
        f"instructions satisfied {reward.instructions_satisfied}/{reward.instructions}, mix {reward.mix}"
    )
    return "\n".join(lines)


def _human(persona, args, config, catalogue) -> int:
    """The terminal as the web page would be: show an item, read the person's action."""
    session = HumanSession.start(
        persona,
        recommender=args.recommender,
        catalogue=catalogue,
        config=config,
        context=Context(hour_of_day=args.hour, country=persona.demographics.country),
    )
    screen = sys.stderr if args.json else sys.stdout  # with --json, stdout carries only the result

    def ask(prompt: str) -> str:
        print(prompt, end="", file=screen, flush=True)
        return input()

    print(
        "You are the user. For each item type: seconds watched (0 = skip), optionally followed by",
        file=screen,
    )
    print(
        "'like', 'share', 'follow', 'leave', or 'comment: text'. Empty line = skip. Ctrl-D ends.", file=screen
    )
    try:
        while session.awaiting != "done":
            if session.awaiting == "action":
                item = session.current_item
                topics = ", ".join(item.topics)
                print(
                    f"\n[{item.duration_s:.0f}s] {item.caption} - {item.creator_id} ({topics})", file=screen
                )
                try:
                    session.act(**_parse_action(ask("> ").strip()))
                except ValueError as exc:
                    print(f"  {exc}", file=screen)
            else:
                instruction = ask("\nYou left. What should the recommender do instead? (empty: exit) > ")
                session.reflect(reasons=["left by the person"], instruction=instruction or None)
    except EOFError:
        print(file=screen)
    reward = session.rewards()
    print(json.dumps(reward.to_dict()) if args.json else f"\nsession: {reward}")
    return 0


def _parse_action(line: str) -> dict:
    """'12 like share', 'leave', '0', 'comment: text' -> HumanSession.act arguments."""
    head, _, comment = line.partition("comment:")
    words = head.split()
    watch = 0.0
    if words:
        try:
            watch, words = float(words[0]), words[1:]
        except ValueError:
            pass
    unknown = [w for w in words if w not in _FLAGS]
    if unknown:
        raise ValueError(f"unknown words {unknown}: use seconds, like, share, follow, leave, comment: text")
    return {"watch_s": watch, **dict.fromkeys(words, True), "comment": comment.strip() or None}


_FLAGS = ("like", "share", "follow", "leave")
