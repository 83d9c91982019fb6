"""Shortest collision-free paths on the house map.

The robot is a disc, so obstacles are grown by its radius (plus a margin) and the robot's
centre plans as a point on what is left. A* runs 8-connected on that grid; the result is
shortened by cutting corners wherever the straight line stays clear.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from llmos_robot.errors import LlmosError
from llmos_robot.world.geometry import Vec2
from llmos_robot.world.grid import FREE, OccupancyGrid


class NoPathError(LlmosError):
    """No collision-free path joins the two points."""


@dataclass(frozen=True)
class Footprint:
    radius: float = 0.17  # m, the robot's body
    margin: float = 0.05  # m kept clear around it when planning


def inflate(grid: OccupancyGrid, radius: float) -> NDArray[np.bool_]:
    """Cells where a disc of `radius` centred on the cell would touch no obstacle or unknown cell."""
    blocked = grid.cells != FREE
    blocked |= grid.no_go
    cells = math.ceil(radius / grid.resolution)
    grown = blocked.copy()
    rows, cols = blocked.shape
    for dr in range(-cells, cells + 1):
        for dc in range(-cells, cells + 1):
            if (dr == 0 and dc == 0) or math.hypot(dr, dc) * grid.resolution > radius:
                continue
            src = blocked[max(0, -dr) : rows - max(0, dr), max(0, -dc) : cols - max(0, dc)]
            grown[max(0, dr) : rows - max(0, -dr), max(0, dc) : cols - max(0, -dc)] |= src
    traversable: NDArray[np.bool_] = ~grown
    return traversable


def _line_clear(free: NDArray[np.bool_], a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when every cell on the straight segment between two cells is free."""
    steps = max(abs(b[0] - a[0]), abs(b[1] - a[1]))
    if steps == 0:
        return bool(free[a])
    rows = np.rint(np.linspace(a[0], b[0], steps * 2 + 1)).astype(int)
    cols = np.rint(np.linspace(a[1], b[1], steps * 2 + 1)).astype(int)
    return bool(free[rows, cols].all())


def plan_path(grid: OccupancyGrid, free: NDArray[np.bool_], start: Vec2, goal: Vec2) -> list[Vec2]:
    """Waypoints (map frame) from start to goal through `free` cells; NoPathError if none."""
    s = grid.cell_of(*start)
    g = grid.cell_of(*goal)
    for name, cell in (("start", s), ("goal", g)):
        if not grid.inside(*cell):
            raise NoPathError(f"the {name} ({start if name == 'start' else goal}) is outside the map")
    if not free[g]:
        raise NoPathError(f"the goal {goal} is too close to an obstacle for the robot")
    if not free[s]:
        s = _nearest_free(free, s)  # the robot may sit a little inside the inflation; leave it first
    came_from = _astar(free, s, g)
    if came_from is None:
        raise NoPathError(f"no way from {start} to {goal}")
    cells = [g]
    while cells[-1] != s:
        cells.append(came_from[cells[-1]])
    cells.reverse()
    # Cut corners: keep a cell only when the straight line past it would hit something.
    kept = [cells[0]]
    for i in range(1, len(cells) - 1):
        if not _line_clear(free, kept[-1], cells[i + 1]):
            kept.append(cells[i])
    kept.append(cells[-1])
    points = [grid.centre_of(*c) for c in kept]
    points[0], points[-1] = start, goal
    return points


def _nearest_free(free: NDArray[np.bool_], cell: tuple[int, int], reach: int = 10) -> tuple[int, int]:
    best = None
    for dr in range(-reach, reach + 1):
        for dc in range(-reach, reach + 1):
            r, c = cell[0] + dr, cell[1] + dc
            if 0 <= r < free.shape[0] and 0 <= c < free.shape[1] and free[r, c]:
                d = dr * dr + dc * dc
                if best is None or d < best[0]:
                    best = (d, (r, c))
    if best is None:
        raise NoPathError("the robot is boxed in: no free cell nearby")
    return best[1]


def _astar(
    free: NDArray[np.bool_], start: tuple[int, int], goal: tuple[int, int]
) -> dict[tuple[int, int], tuple[int, int]] | None:
    moves = [(-1, 0, 1.0), (1, 0, 1.0), (0, -1, 1.0), (0, 1, 1.0)] + [
        (dr, dc, math.sqrt(2)) for dr in (-1, 1) for dc in (-1, 1)
    ]
    rows, cols = free.shape

    def h(cell: tuple[int, int]) -> float:
        dr, dc = abs(cell[0] - goal[0]), abs(cell[1] - goal[1])
        return max(dr, dc) + (math.sqrt(2) - 1) * min(dr, dc)  # octile distance

    cost = {start: 0.0}
    came_from: dict[tuple[int, int], tuple[int, int]] = {}
    frontier = [(h(start), 0.0, start)]
    while frontier:
        _, g_cost, cell = heapq.heappop(frontier)
        if cell == goal:
            return came_from
        if g_cost > cost[cell]:
            continue
        for dr, dc, step in moves:
            nxt = (cell[0] + dr, cell[1] + dc)
            if not (0 <= nxt[0] < rows and 0 <= nxt[1] < cols) or not free[nxt]:
                continue
            if dr and dc and not (free[cell[0] + dr, cell[1]] and free[cell[0], cell[1] + dc]):
                continue  # no squeezing diagonally between two blocked cells
            new_cost = g_cost + step
            if new_cost < cost.get(nxt, math.inf):
                cost[nxt] = new_cost
                came_from[nxt] = cell
                heapq.heappush(frontier, (new_cost + h(nxt), new_cost, nxt))
    return None


def path_length(points: list[Vec2]) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(points))
