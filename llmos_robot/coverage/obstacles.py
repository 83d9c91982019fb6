"""Lidar returns the map does not explain: where they are, and how far ahead they block the robot."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.masks import dilate
from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.grid import FREE, OccupancyGrid


class ObstacleSensor:
    """Turns a scan into the map-frame points that no mapped obstacle (or wall) accounts for."""

    def __init__(self, grid: OccupancyGrid, map_match_distance: float) -> None:
        self.grid = grid
        self.map_match_distance = map_match_distance
        self.mapped = dilate(grid.cells != FREE, map_match_distance, grid.resolution)

    def unmapped_points(
        self, pose: Pose2D, ranges: NDArray[np.floating], angles: NDArray[np.floating], max_range: float = 1.5
    ) -> NDArray[np.float64]:
        """(n, 2) map-frame points of returns within `max_range` that are not on the map."""
        ranges = np.asarray(ranges, dtype=np.float64)
        ok = np.isfinite(ranges) & (ranges > 0) & (ranges <= max_range)
        if not ok.any():
            return np.zeros((0, 2))
        heading = pose.yaw + np.asarray(angles, dtype=np.float64)[ok]
        xs = pose.x + ranges[ok] * np.cos(heading)
        ys = pose.y + ranges[ok] * np.sin(heading)
        rows = np.floor((ys - self.grid.origin[1]) / self.grid.resolution).astype(int)
        cols = np.floor((xs - self.grid.origin[0]) / self.grid.resolution).astype(int)
        inside = (rows >= 0) & (rows < self.grid.shape[0]) & (cols >= 0) & (cols < self.grid.shape[1])
        unmapped = inside.copy()
        unmapped[inside] = ~self.mapped[rows[inside], cols[inside]]
        return np.stack([xs[unmapped], ys[unmapped]], axis=1)

    def add_to_map(self, cells: NDArray[np.bool_]) -> None:
        """Obstacles now on the planner's map: their returns no longer count as unexpected."""
        self.mapped |= dilate(cells, self.map_match_distance, self.grid.resolution)

    def cells_of(self, points: NDArray[np.float64]) -> NDArray[np.bool_]:
        mask = np.zeros(self.grid.shape, dtype=bool)
        for x, y in points:
            row, col = self.grid.cell_of(float(x), float(y))
            if self.grid.inside(row, col):
                mask[row, col] = True
        return mask


def distance_ahead(pose: Pose2D, points: NDArray[np.float64], half_width: float, reverse: bool = False) -> float:
    """Distance from the robot's centre to the nearest point in the corridor it is driving into."""
    if len(points) == 0:
        return math.inf
    dx, dy = points[:, 0] - pose.x, points[:, 1] - pose.y
    c, s = math.cos(pose.yaw), math.sin(pose.yaw)
    forward = dx * c + dy * s
    lateral = -dx * s + dy * c
    if reverse:
        forward = -forward
    in_corridor = (forward > 0) & (np.abs(lateral) < half_width)
    return float(forward[in_corridor].min()) if in_corridor.any() else math.inf
