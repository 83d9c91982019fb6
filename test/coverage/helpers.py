"""Synthetic maps and a kinematic robot for the coverage tests (no simulator needed)."""

from __future__ import annotations

import itertools
import math

import numpy as np

from llmos_robot.coverage.masks import dilate
from llmos_robot.coverage.planner import CoveragePlan
from llmos_robot.coverage.rounding import on_cells
from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.grid import FREE, OCCUPIED, UNKNOWN, OccupancyGrid

RES = 0.05


def grid_from_rooms(rooms: dict[str, list[tuple[float, float, float, float]]], size=(6.0, 6.0), obstacles=()):
    """A grid with rectangular rooms (x0, y0, x1, y1 boxes, unioned), walls elsewhere, box obstacles."""
    rows, cols = round(size[1] / RES), round(size[0] / RES)
    cells = np.full((rows, cols), UNKNOWN, dtype=np.int8)
    room_ids = np.full((rows, cols), -1, dtype=np.int16)
    ys, xs = (np.mgrid[0:rows, 0:cols] + 0.5) * RES
    for index, boxes in enumerate(rooms.values()):
        for x0, y0, x1, y1 in boxes:
            inside = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
            room_ids[inside] = index
            cells[inside] = FREE
    for x0, y0, x1, y1 in obstacles:
        cells[(xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)] = OCCUPIED
    return OccupancyGrid(RES, (0.0, 0.0), cells, room_ids, list(rooms), np.zeros((rows, cols), dtype=bool))


def ideal_coverage(grid: OccupancyGrid, plan: CoveragePlan, brush_radius: float = 0.17) -> float:
    """Share of the plan's reachable floor a perfect robot sweeping exactly the plan would clean."""
    swept = np.zeros(grid.shape, dtype=bool)
    for sweep in plan.sweeps:
        points = sweep if len(sweep) > 1 else sweep * 2
        for a, b in itertools.pairwise(points):
            steps = max(2, int(math.dist(a, b) / (RES / 2)) + 1)
            for t in np.linspace(0.0, 1.0, steps):
                row, col = grid.cell_of(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
                swept[row, col] = True
    covered = dilate(swept, brush_radius, RES)
    return float((covered & plan.reachable).sum() / plan.reachable.sum())


def on_traversable(grid: OccupancyGrid, plan: CoveragePlan) -> bool:
    """Every point of every sweep is on a cell the robot's centre may use, and every stretch between
    them (the ways between sweeps included) stays within a cell of those: lanes and loops run along
    the raster's edge, and the clearance (0.22 m) leaves 5 cm beyond the robot's radius for that."""
    near = dilate(plan.traversable, grid.resolution, grid.resolution)
    return all(plan.traversable[grid.cell_of(*p)] for sweep in plan.sweeps for p in sweep) and all(
        on_cells(near, grid, sweep) for sweep in plan.sweeps
    )


class KinematicRobot:
    """A perfect unicycle: integrates (linear, angular) commands."""

    def __init__(self, pose: Pose2D) -> None:
        self.pose = pose

    def move(self, linear: float, angular: float, dt: float) -> Pose2D:
        p = self.pose
        yaw = p.yaw + angular * dt / 2
        self.pose = Pose2D(p.x + linear * dt * math.cos(yaw), p.y + linear * dt * math.sin(yaw), p.yaw + angular * dt)
        return self.pose


def box_scan(pose: Pose2D, box: tuple[float, float, float, float], angles: np.ndarray, max_range: float = 3.5):
    """Synthetic lidar ranges from `pose` to an axis-aligned box (x0, y0, x1, y1); inf elsewhere."""
    x0, y0, x1, y1 = box
    dx, dy = np.cos(pose.yaw + angles), np.sin(pose.yaw + angles)
    with np.errstate(divide="ignore", invalid="ignore"):
        tx1, tx2 = (x0 - pose.x) / dx, (x1 - pose.x) / dx
        ty1, ty2 = (y0 - pose.y) / dy, (y1 - pose.y) / dy
    t_near = np.maximum(np.minimum(tx1, tx2), np.minimum(ty1, ty2))
    t_far = np.minimum(np.maximum(tx1, tx2), np.maximum(ty1, ty2))
    hit = (t_near <= t_far) & (t_near > 0) & (t_near <= max_range)
    return np.where(hit, t_near, np.inf).astype(np.float32)
