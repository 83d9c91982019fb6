"""`llmos-robot world render|info`: look at a world file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from llmos_robot.cli._common import add_world_argument, world_from
from llmos_robot.world import RasterConfig, rasterise
from llmos_robot.world.render import render_map


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    world = subparsers.add_parser("world", help="inspect a world: draw its map, list its rooms and places")
    actions = world.add_subparsers(dest="world_command", metavar="ACTION", required=True)

    render = actions.add_parser("render", help="draw the map with rooms and places labelled (PNG)")
    add_world_argument(render)
    render.add_argument("--out", type=Path, required=True, help="PNG file to write")
    render.add_argument("--resolution", type=float, default=0.05, help="metres per map cell (default 0.05)")
    render.set_defaults(handler=_render)

    info = actions.add_parser("info", help="print rooms (with areas), places and the dock as JSON")
    add_world_argument(info)
    info.set_defaults(handler=_info)


def _render(args: argparse.Namespace) -> int:
    world = world_from(args)
    grid = rasterise(world, RasterConfig(resolution=args.resolution))
    render_map(world, grid, args.out, title=f"{world.name}: {len(world.rooms)} rooms, {len(world.places)} places")
    for warning in world.warnings:
        print(f"warning: {warning}")
    print(f"wrote {args.out}")
    return 0


def _info(args: argparse.Namespace) -> int:
    world = world_from(args)
    info = {
        "name": world.name,
        "sdf": str(world.sdf_path),
        "rooms": {
            name: {"area_m2": round(room.area, 2), "polygon": room.polygon} for name, room in world.rooms.items()
        },
        "places": {
            name: {"room": p.room, "pose": [p.pose.x, p.pose.y, p.pose.yaw], "aliases": list(p.aliases)}
            for name, p in world.places.items()
        },
        "dock": [world.dock.x, world.dock.y, world.dock.yaw],
        "obstacles": len(world.obstacles),
        "warnings": world.warnings,
    }
    print(json.dumps(info, indent=2))
    return 0
