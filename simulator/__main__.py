"""`python -m simulator <command> ...`: one subcommand per module in simulator/commands/.

A command module exposes `HELP` (one line), `add_arguments(parser)` and `run(args) -> int`. To add
one, add its name and module below.
"""

import argparse
import importlib
import sys

COMMANDS: dict[str, str] = {
    "session": "simulator.commands.session",
    "world": "simulator.commands.world",
    "compare": "simulator.commands.compare",
    "evaluate": "simulator.commands.evaluate",
    "fit": "simulator.commands.fit",
    "leaderboard": "simulator.commands.leaderboard",
    "train": "simulator.commands.train",
    "perceive": "simulator.commands.perceive",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator", description="The RecoWorld simulator.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    modules = {}
    for name, path in COMMANDS.items():
        module = importlib.import_module(path)
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    args = parser.parse_args(argv)
    return modules[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())
