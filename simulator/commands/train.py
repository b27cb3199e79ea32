"""`python -m simulator train --policy linucb --steps N`: learn a ranking policy in the environment."""

import argparse
import json

HELP = "learn a ranking policy in the vector environment and print its learning curve"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", default="linucb", help="linucb (a linear contextual bandit)")
    parser.add_argument("--steps", type=int, default=4000, help="user-steps (lists served) to learn from")
    parser.add_argument("--envs", type=int, default=16, help="users stepped together")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from simulator.training import train

    try:
        policy, curve = train(args.policy, steps=args.steps, seed=args.seed, num_envs=args.envs)
    except ValueError as exc:
        print(exc)
        return 2
    if args.json:
        print(json.dumps({"policy": args.policy, "curve": curve, **policy.to_dict()}, indent=1))
        return 0
    print(f"{args.policy}: mean step reward per block of user-steps")
    for point in curve:
        print(f"{point['user_steps']:>8}  {point['mean_step_reward']:.3f}")
    print(
        "learned weights: "
        + ", ".join(f"{f} {w:+.3f}" for f, w in zip(*policy.to_dict().values(), strict=True))
    )
    return 0
