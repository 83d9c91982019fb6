"""`llmos-robot demo`: the main job on the embedded default (see llmos_robot.ros.story)."""

from __future__ import annotations

import argparse
from pathlib import Path

from llmos_robot.cli._common import add_world_argument


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = subparsers.add_parser(
        "demo",
        help="the spoken-command story on the embedded simulator over ROS (writes story.json, path PNG, replies WAV)",
    )
    add_world_argument(demo)
    demo.add_argument("--out", type=Path, default=Path("out/demo"), help="folder for the report, PNG and audio")
    demo.add_argument("--speed", type=float, default=2.0, help="simulated seconds per wall second (default 2)")
    demo.add_argument(
        "--tour", action="store_true", help="instead of the story: drive through every room to the dock (no speech)"
    )
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    if args.tour:
        from llmos_robot.ros.demo import run_demo

        return run_demo(args.world, args.out, args.speed)
    from llmos_robot.ros.story import run_story

    return run_story(args.world, args.out, args.speed)
