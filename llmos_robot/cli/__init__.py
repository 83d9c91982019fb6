"""The `llmos-robot` command. Each module in COMMAND_MODULES adds its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys

from llmos_robot import __version__
from llmos_robot.errors import LlmosError

# One module per command group; each defines register(subparsers). Add new groups here.
COMMAND_MODULES = [
    "llmos_robot.cli.sim",
    "llmos_robot.cli.world",
    "llmos_robot.cli.demo",
    "llmos_robot.cli.bench",
    "llmos_robot.cli.memory",
    "llmos_robot.cli.speech",
    "llmos_robot.cli.kernel",
    "llmos_robot.cli.clean",
    "llmos_robot.cli.vision",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llmos-robot",
        description="A household cleaning robot whose operating system is a language model.",
    )
    parser.add_argument("--version", action="version", version=f"llmos-robot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except LlmosError as err:
        print(f"llmos-robot {args.command}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
