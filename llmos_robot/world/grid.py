"""Rasterise a world into the 2D occupancy grid that every other part uses as the house map.

Conventions follow nav_msgs/OccupancyGrid: row 0 is the lowest y, values are 0 free,
100 occupied, -1 unknown (outside every room). An obstacle counts when its height range
meets the band the robot's body occupies, so a table top is not an obstacle but its legs are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from llmos_robot.world.geometry import Vec2, polygon_area
from llmos_robot.world.model import World
from llmos_robot.world.sdf import ShapeKind

FREE = 0
OCCUPIED = 100
UNKNOWN = -1

SUPERSAMPLE = 4  # obstacles are tested at 4 x 4 points per cell


@dataclass(frozen=True)
class RasterConfig:
    resolution: float = 0.05  # metres per cell
    floor_clearance: float = 0.01  # shapes entirely below this are flat on the floor (rugs, plates)
    body_height: float = 0.20  # shapes entirely above this pass over the robot (table tops)
    margin: float = 0.25  # empty border around the house, metres


@dataclass
class OccupancyGrid:
    """Occupancy, room labels and no-go cells of a world at one resolution."""

    resolution: float
    origin: Vec2  # map-frame position of the corner of cell (0, 0)
    cells: NDArray[np.int8]  # (rows, cols): FREE / OCCUPIED / UNKNOWN
    room_ids: NDArray[np.int16]  # (rows, cols): index into room_names, -1 outside rooms
    room_names: list[str]
    no_go: NDArray[np.bool_]

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.cells.shape[0]), int(self.cells.shape[1]))

    def cell_of(self, x: float, y: float) -> tuple[int, int]:
        """(row, col) of the cell containing a map point (may lie outside the grid)."""
        return (
            math.floor((y - self.origin[1]) / self.resolution),
            math.floor((x - self.origin[0]) / self.resolution),
        )

    def centre_of(self, row: int, col: int) -> Vec2:
        return (
            self.origin[0] + (col + 0.5) * self.resolution,
            self.origin[1] + (row + 0.5) * self.resolution,
        )

    def inside(self, row: int, col: int) -> bool:
        return bool(0 <= row < self.cells.shape[0] and 0 <= col < self.cells.shape[1])

    def value_at(self, x: float, y: float) -> int:
        row, col = self.cell_of(x, y)
        return int(self.cells[row, col]) if self.inside(row, col) else UNKNOWN

    def is_free(self, x: float, y: float) -> bool:
        return self.value_at(x, y) == FREE

    def room_mask(self, room: str) -> NDArray[np.bool_]:
        mask: NDArray[np.bool_] = self.room_ids == self.room_names.index(room)
        return mask


def rasterise(world: World, config: RasterConfig = RasterConfig()) -> OccupancyGrid:
    """The world's occupancy grid; cells touched by an obstacle's outline count as occupied."""
    min_x, min_y, max_x, max_y = world.bounds()
    origin = (min_x - config.margin, min_y - config.margin)
    cols = math.ceil((max_x - min_x + 2 * config.margin) / config.resolution)
    rows = math.ceil((max_y - min_y + 2 * config.margin) / config.resolution)

    def to_cells(points: list[Vec2] | tuple[Vec2, ...]) -> list[Vec2]:
        # Continuous cell coordinates, shifted by half a cell so PIL's integer pixel centres line up.
        return [
            ((x - origin[0]) / config.resolution - 0.5, (y - origin[1]) / config.resolution - 0.5) for x, y in points
        ]

    room_names = list(world.rooms)
    labels = Image.new("I", (cols, rows), 0)
    draw = ImageDraw.Draw(labels)
    for index, name in enumerate(room_names):
        draw.polygon(to_cells(world.rooms[name].polygon), fill=index + 1, outline=index + 1)
    room_ids = np.asarray(labels, dtype=np.int32).astype(np.int16) - 1

    occupied = np.zeros((rows, cols), dtype=bool)
    for shape in world.obstacles:
        if not shape.static:
            continue
        bottom, top = shape.z_range()
        if top < config.floor_clearance or bottom > config.body_height:
            continue
        if shape.kind is ShapeKind.BOX or not shape.pose.is_upright:
            _mark_touched(occupied, origin, config.resolution, shape.footprint(), None)
        else:
            centre = (float(shape.pose.translation[0]), float(shape.pose.translation[1]))
            _mark_touched(occupied, origin, config.resolution, None, (centre, shape.radius))

    no_go_image = Image.new("1", (cols, rows), 0)
    draw = ImageDraw.Draw(no_go_image)
    for zone in world.no_go_zones:
        draw.polygon(to_cells(zone.polygon), fill=1, outline=1)

    cells = np.full((rows, cols), UNKNOWN, dtype=np.int8)
    cells[room_ids >= 0] = FREE
    cells[occupied] = OCCUPIED
    return OccupancyGrid(
        resolution=config.resolution,
        origin=origin,
        cells=cells,
        room_ids=room_ids,
        room_names=room_names,
        no_go=np.asarray(no_go_image, dtype=bool),
    )


def _mark_touched(
    occupied: NDArray[np.bool_],
    origin: Vec2,
    resolution: float,
    polygon: list[Vec2] | tuple[Vec2, ...] | None,
    circle: tuple[Vec2, float] | None,
) -> None:
    """Mark the cells an obstacle covers any of the SUPERSAMPLE x SUPERSAMPLE sample points of.

    Sampling inside each cell, rather than drawing outlines at whole cells, keeps a face that
    lies on a cell boundary from claiming the cell beyond it (which would move walls 5 cm into
    the room on two sides of every room, and bias anything that matches the lidar to the map).
    """
    if polygon is not None:
        xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
        low, high = (min(xs), min(ys)), (max(xs), max(ys))
    else:
        assert circle is not None
        (cx, cy), radius = circle
        low, high = (cx - radius, cy - radius), (cx + radius, cy + radius)
    rows, cols = occupied.shape
    c0 = max(0, math.floor((low[0] - origin[0]) / resolution))
    r0 = max(0, math.floor((low[1] - origin[1]) / resolution))
    c1 = min(cols, math.floor((high[0] - origin[0]) / resolution) + 1)
    r1 = min(rows, math.floor((high[1] - origin[1]) / resolution) + 1)
    if c0 >= c1 or r0 >= r1:
        return
    step = resolution / SUPERSAMPLE
    px = origin[0] + c0 * resolution + (np.arange((c1 - c0) * SUPERSAMPLE) + 0.5) * step
    py = origin[1] + r0 * resolution + (np.arange((r1 - r0) * SUPERSAMPLE) + 0.5) * step
    x, y = np.meshgrid(px, py)
    inside = _inside_polygon(x, y, polygon) if polygon is not None else (x - cx) ** 2 + (y - cy) ** 2 <= radius**2
    touched = inside.reshape(r1 - r0, SUPERSAMPLE, c1 - c0, SUPERSAMPLE).any(axis=(1, 3))
    occupied[r0:r1, c0:c1] |= touched
    # Something thinner than twice the sample spacing (a panel, a thin leg) could fall between
    # the points: then the cells along its outline (or under its centre) are marked as well.
    if polygon is not None:
        edges = list(zip(polygon, [*polygon[1:], polygon[0]], strict=True))
        perimeter = sum(math.dist(a, b) for a, b in edges)
        width = 2.0 * abs(polygon_area(list(polygon))) / perimeter if perimeter > 0 else 0.0
        if width >= 2.0 * step:
            return
        line = [
            (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
            for a, b in edges
            for t in np.linspace(0.0, 1.0, max(2, math.ceil(math.dist(a, b) / step) + 1))
        ]
    else:
        if radius >= step:
            return
        line = [(cx, cy)]
    for x, y in line:
        row = math.floor((y - origin[1]) / resolution)
        col = math.floor((x - origin[0]) / resolution)
        if 0 <= row < rows and 0 <= col < cols:
            occupied[row, col] = True


def _inside_polygon(
    x: NDArray[np.float64], y: NDArray[np.float64], polygon: list[Vec2] | tuple[Vec2, ...]
) -> NDArray[np.bool_]:
    """Even-odd rule, for arrays of points at once."""
    inside = np.zeros(x.shape, dtype=bool)
    n = len(polygon)
    for i in range(n):
        (x1, y1), (x2, y2) = polygon[i], polygon[(i + 1) % n]
        if y1 == y2:
            continue
        crosses = (y1 > y) != (y2 > y)
        at_x = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < at_x)
    return inside
