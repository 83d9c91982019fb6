"""The cleaned floor as a PNG over the house map: passes per cell, missed floor, the path driven."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from llmos_robot.coverage.tracker import CoverageTracker
from llmos_robot.world.geometry import Vec2
from llmos_robot.world.grid import OCCUPIED, OccupancyGrid
from llmos_robot.world.render import BACKGROUND, OBSTACLE, PIXELS_PER_CELL

FLOOR = (235, 235, 235)
MISSED = (230, 60, 50)  # reachable floor never cleaned
PASS_COLOURS = [(150, 215, 150), (60, 160, 80), (240, 190, 40), (230, 120, 30)]  # 1, 2, 3, 4+ passes
UNREACHABLE = (200, 200, 215)  # room floor the robot cannot reach
PATH = (40, 80, 200)


def render_heatmap(
    grid: OccupancyGrid,
    tracker: CoverageTracker,
    out: Path,
    room_mask: np.ndarray | None = None,
    path: Sequence[Vec2] = (),
    title: str | None = None,
) -> Path:
    """Write the heatmap PNG (north up) and return its path."""
    rows, cols = grid.shape
    rgb = np.full((rows, cols, 3), BACKGROUND, dtype=np.uint8)
    rgb[grid.room_ids >= 0] = FLOOR
    passes, reachable = tracker.passes_on_map(), tracker.reachable_on_map()
    if room_mask is not None:
        rgb[room_mask & (grid.cells != OCCUPIED) & ~reachable] = UNREACHABLE
    rgb[reachable & (passes == 0)] = MISSED
    for count, colour in enumerate(PASS_COLOURS, start=1):
        hit = passes >= count if count == len(PASS_COLOURS) else passes == count
        rgb[hit & (grid.room_ids >= 0)] = colour
    rgb[grid.no_go] = (255, 200, 200)
    rgb[grid.cells == OCCUPIED] = OBSTACLE
    scale = PIXELS_PER_CELL
    image = Image.fromarray(np.flipud(rgb)).resize((cols * scale, rows * scale), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(image)
    if len(path) >= 2:
        draw.line(
            [
                (
                    (x - grid.origin[0]) / grid.resolution * scale,
                    (rows - (y - grid.origin[1]) / grid.resolution) * scale,
                )
                for x, y in path
            ],
            fill=PATH,
            width=1,
        )
    font = ImageFont.load_default(size=13)
    legend = "green: cleaned once, darker/yellow/orange: 2/3/4+ passes, red: missed, lilac: unreachable"
    draw.text((6, 4), title or "", fill=(0, 0, 0), font=font)
    draw.text((6, rows * scale - 18), legend, fill=(0, 0, 0), font=ImageFont.load_default(size=10))
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    return out


def render_plan(grid: OccupancyGrid, tracker: CoverageTracker, path: Sequence[Vec2], out: Path, title: str) -> Path:
    """A plan's heatmap (as a perfect robot would sweep it) with its path, cropped to the swept floor."""
    render_heatmap(grid, tracker, out, path=path, title=title)
    rows, cols = np.nonzero(tracker.reachable_on_map())
    if len(rows):
        scale, margin = PIXELS_PER_CELL, 8
        image = Image.open(out)
        top = (grid.shape[0] - 1 - rows.max() - margin) * scale
        bottom = (grid.shape[0] - rows.min() + margin) * scale
        box = (max(0, (cols.min() - margin) * scale), max(0, top), (cols.max() + 1 + margin) * scale, bottom)
        cropped = image.crop(box)
        ImageDraw.Draw(cropped).text((4, 2), title, fill=(0, 0, 0), font=ImageFont.load_default(size=12))
        cropped.save(out)
    return out
