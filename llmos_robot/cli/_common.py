"""Arguments and helpers shared by the CLI modules."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from llmos_robot.world import World, default_world_path, load_world


def add_world_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--world",
        type=Path,
        default=None,
        help="world .sdf (with its .yaml room description beside it); default: the package's house",
    )


def world_from(args: argparse.Namespace) -> World:
    return load_world(args.world or default_world_path())


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path
