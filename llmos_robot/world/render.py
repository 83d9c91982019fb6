"""Draw the house map as a PNG: rooms, obstacles, places, the dock, and optionally paths."""

from __future__ import annotations

import colorsys
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from llmos_robot.world.geometry import Pose2D, Vec2
from llmos_robot.world.grid import OCCUPIED, OccupancyGrid
from llmos_robot.world.model import World

PIXELS_PER_CELL = 3
BACKGROUND = (255, 255, 255)
OBSTACLE = (60, 60, 60)
PLACE = (200, 60, 40)
DOCK = (30, 120, 220)
PATH_COLOURS = [(220, 30, 120), (20, 150, 60), (240, 140, 0)]


def _room_colour(index: int, count: int) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(index / max(count, 1), 0.18, 0.97)
    return (int(r * 255), int(g * 255), int(b * 255))


def render_map(
    world: World,
    grid: OccupancyGrid,
    out: Path,
    paths: Sequence[Sequence[Vec2]] = (),
    robot: Pose2D | None = None,
    title: str | None = None,
) -> Path:
    """Write a PNG of the map; north is up. Returns the path written."""
    rows, cols = grid.shape
    scale = PIXELS_PER_CELL
    rgb = np.full((rows, cols, 3), BACKGROUND, dtype=np.uint8)
    for index, _name in enumerate(grid.room_names):
        rgb[grid.room_ids == index] = _room_colour(index, len(grid.room_names))
    rgb[grid.no_go] = (255, 200, 200)
    rgb[grid.cells == OCCUPIED] = OBSTACLE
    image = Image.fromarray(np.flipud(rgb)).resize((cols * scale, rows * scale), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    small = ImageFont.load_default(size=10)

    def px(x: float, y: float) -> tuple[float, float]:
        return (
            (x - grid.origin[0]) / grid.resolution * scale,
            (rows - (y - grid.origin[1]) / grid.resolution) * scale,
        )

    for i, path in enumerate(paths):
        if len(path) >= 2:
            draw.line([px(x, y) for x, y in path], fill=PATH_COLOURS[i % len(PATH_COLOURS)], width=2)
    for room in world.rooms.values():
        cx, cy = px(*room.centroid)
        draw.text((cx, cy), room.label, fill=(0, 0, 0), font=font, anchor="mm")
    for place in world.places.values():
        x, y = px(place.pose.x, place.pose.y)
        draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=PLACE)
        draw.text((x + 5, y), place.label, fill=PLACE, font=small, anchor="lm")
    x, y = px(world.dock.x, world.dock.y)
    draw.rectangle((x - 5, y - 5, x + 5, y + 5), outline=DOCK, width=2)
    draw.text((x + 8, y + 8), "dock", fill=DOCK, font=small, anchor="lm")
    if robot is not None:
        x, y = px(robot.x, robot.y)
        r = 0.17 / grid.resolution * scale
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(0, 0, 0), width=2)
        draw.line((x, y, x + r * math.cos(robot.yaw), y - r * math.sin(robot.yaw)), fill=(0, 0, 0), width=2)
    if title:
        draw.text((6, 4), title, fill=(0, 0, 0), font=font)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    return out
