"""`llmos-robot demo`: the main job on the embedded default (see llmos_robot.demo)."""

from __future__ import annotations

import argparse
from pathlib import Path

from llmos_robot.cli._common import add_world_argument


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = subparsers.add_parser("demo", help="bring up the simulated robot and run the story (writes PNG + JSON)")
    add_world_argument(demo)
    demo.add_argument("--out", type=Path, default=Path("out/demo"), help="folder for the path PNG and the report")
    demo.add_argument("--speed", type=float, default=4.0, help="simulated seconds per wall second (default 4)")
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    from llmos_robot.ros.demo import run_demo

    return run_demo(args.world, args.out, args.speed)
