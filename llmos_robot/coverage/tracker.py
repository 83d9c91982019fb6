"""Which floor cells the brush has cleaned, and how many times.

A cell is cleaned when its centre lies under the brush disc. A *pass* starts when a cell enters
the footprint; it counts as a new pass (overlap) only when the robot has driven at least
`repass_distance` (default: the brush radius) since the cell was last under the brush, so a
centimetre of wobble along a lane edge or turning on the spot is not counted twice, while
coming back along the next lane or driving over cleaned floor is.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.masks import disc_offsets
from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.grid import OccupancyGrid


class CoverageTracker:
    """Counts brush passes per cell; fractions are over `reachable` (the floor the run should clean).

    Internally it counts on a grid `subdivide` times finer than the map (2.5 cm for the 5 cm map),
    so a 3 cm lane overlap is measured as about 3 cm rather than rounded up to a whole map cell.
    `passes` and `reachable` are on the fine grid; `cleaned_mask()` and `passes_on_map()` on the map's.
    """

    def __init__(
        self,
        grid: OccupancyGrid,
        reachable: NDArray[np.bool_],
        brush_radius: float,
        repass_distance: float | None = None,
        subdivide: int = 2,
    ) -> None:
        self.grid = grid
        self.subdivide = subdivide
        self.resolution = grid.resolution / subdivide
        reachable = np.repeat(np.repeat(reachable, subdivide, axis=0), subdivide, axis=1)
        self.shape = (int(reachable.shape[0]), int(reachable.shape[1]))
        self.repass_distance = brush_radius if repass_distance is None else repass_distance
        self.travelled = 0.0  # m the brush has moved
        self._last_seen = np.full(self.shape, -np.inf)  # `travelled` when each cell was last under the brush
        self._last_pose: Pose2D | None = None
        self.reachable = reachable
        self.passes = np.zeros(self.shape, dtype=np.int32)
        self._offsets = disc_offsets(brush_radius, self.resolution)
        self._under = np.zeros(self.shape, dtype=bool)
        self._last: tuple[NDArray[np.int_], NDArray[np.int_]] | None = None
        self._last_cell: tuple[int, int] | None = None

    def update(self, pose: Pose2D) -> None:
        """Mark the footprint at `pose` (call at least every few centimetres of travel)."""
        if not (math.isfinite(pose.x) and math.isfinite(pose.y)):
            return
        if self._last_pose is not None:
            self.travelled += pose.distance_to(self._last_pose)
        self._last_pose = pose
        cell = (
            math.floor((pose.y - self.grid.origin[1]) / self.resolution),
            math.floor((pose.x - self.grid.origin[0]) / self.resolution),
        )
        if cell == self._last_cell:
            if self._last is not None:
                self._last_seen[self._last] = self.travelled
            return
        self._last_cell = cell
        rows = self._offsets[:, 0] + cell[0]
        cols = self._offsets[:, 1] + cell[1]
        keep = (rows >= 0) & (rows < self.shape[0]) & (cols >= 0) & (cols < self.shape[1])
        rows, cols = rows[keep], cols[keep]
        entering = ~self._under[rows, cols]
        entering &= self.travelled - self._last_seen[rows, cols] >= self.repass_distance
        self.passes[rows[entering], cols[entering]] += 1
        self._last_seen[rows, cols] = self.travelled
        if self._last is not None:
            self._under[self._last] = False
        self._under[rows, cols] = True
        self._last = (rows, cols)

    def lift_brush(self) -> None:
        """The next update starts new passes everywhere (e.g. after a long transit)."""
        if self._last is not None:
            self._under[self._last] = False
        self._last = None
        self._last_cell = None
        self._last_seen[:] = -np.inf

    @property
    def reachable_cells(self) -> int:
        return int(self.reachable.sum())

    @property
    def cleaned_cells(self) -> int:
        return int(((self.passes > 0) & self.reachable).sum())

    @property
    def cleaned_fraction(self) -> float:
        """Share of the reachable floor cleaned at least once, 0..1."""
        return self.cleaned_cells / self.reachable_cells if self.reachable_cells else 0.0

    @property
    def overlap_fraction(self) -> float:
        """Share of the cleaned cells that were cleaned more than once, 0..1."""
        cleaned = self.cleaned_cells
        return int(((self.passes > 1) & self.reachable).sum()) / cleaned if cleaned else 0.0

    @property
    def cleaned_area(self) -> float:
        """m2 of reachable floor cleaned."""
        return self.cleaned_cells * self.resolution**2

    @property
    def reachable_area(self) -> float:
        return self.reachable_cells * self.resolution**2

    @property
    def remaining_area(self) -> float:
        return (self.reachable_cells - self.cleaned_cells) * self.resolution**2

    def exclude(self, map_cells: NDArray[np.bool_]) -> None:
        """Drop map cells from the reachable floor (an obstacle found on it)."""
        k = self.subdivide
        self.reachable &= ~np.repeat(np.repeat(map_cells, k, axis=0), k, axis=1)

    def passes_on_map(self) -> NDArray[np.int32]:
        """Passes per map cell (the most of its sub-cells), for the published grid and the heatmap."""
        k = self.subdivide
        rows, cols = self.grid.shape
        blocks: NDArray[np.int32] = self.passes.reshape(rows, k, cols, k).max(axis=(1, 3))
        return blocks

    def reachable_on_map(self) -> NDArray[np.bool_]:
        k = self.subdivide
        rows, cols = self.grid.shape
        mask = np.asarray(self.reachable.reshape(rows, k, cols, k).any(axis=(1, 3)), dtype=bool)
        return mask

    def cleaned_mask(self) -> NDArray[np.bool_]:
        """Map cells any part of which was cleaned."""
        mask: NDArray[np.bool_] = self.passes_on_map() > 0
        return mask
