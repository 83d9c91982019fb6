"""Coverage paths: boustrophedon lanes over a room's reachable floor, and a spiral for a spot.

The robot's centre may stand on *traversable* cells: the map's obstacles, unknown cells and
no-go zones grown by the clearance (robot radius + margin). A room's *centre region* is the
traversable cells inside the room that the robot can drive to from where it is. Its *reachable
floor* is every free floor cell of the room that the brush disc covers from some cell of the
centre region: the floor a perfect run could clean. Coverage is measured against that.

Lanes run parallel to one axis, at most a swath apart. Each lane is cut into runs where
furniture interrupts it; runs on neighbouring lanes that overlap one-to-one form a boustrophedon
cell (an obstacle-free strip). Partial lanes are added where the lanes leave floor unswept (gap
filling); those do not split the cells. Cells are visited greedily from the robot's pose,
nearest corner next, with every cell and corner tried first and the order with the least travel
kept; each is swept back and forth. Each gap-fill lane (and headland pass) is then inserted
where it adds the least travel. Both axes and several lane placements are tried; the plan with
the lowest estimated time (sweeping, travel, ~3 s per turn) among those that miss the least floor wins.
Transitions between sweeps are straight when clear, else A* on the traversable grid.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.config import DEFAULT_CONFIG, CoverageConfig
from llmos_robot.coverage.paths import inflate
from llmos_robot.errors import PoseOutsideMapError, RoomUnreachableError, UnknownRoomError
from llmos_robot.world.geometry import Pose2D, Vec2
from llmos_robot.world.grid import FREE, OccupancyGrid

Cell = tuple[int, int]
LANE_PHASES = (None, 0.0, 0.25, 0.5, 0.75)  # lane placements tried per axis; the cheapest plan wins


@dataclass
class CoveragePlan:
    """What to clean and how: the sweeps in order, and the masks coverage is measured on."""

    name: str  # the room's name, or "spot"
    sweeps: list[list[Vec2]]  # each drive with the brush down, in order; one point = stand there
    traversable: NDArray[np.bool_]  # where the robot's centre may be (whole map)
    reachable: NDArray[np.bool_]  # floor cells the run should clean
    swath: float
    axis: str = "x"  # lanes parallel to this map axis ("spiral" for a spot)
    lane_count: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def sweep_length(self) -> float:
        return sum(math.dist(a, b) for sweep in self.sweeps for a, b in itertools.pairwise(sweep))


def disc_offsets(radius: float, resolution: float) -> NDArray[np.int_]:
    """(n, 2) row/col offsets of the cells whose centres lie within `radius` of a cell's centre."""
    reach = math.floor(radius / resolution)
    dr, dc = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    inside = np.hypot(dr, dc) * resolution <= radius + 1e-9
    return np.stack([dr[inside], dc[inside]], axis=1)


def dilate(mask: NDArray[np.bool_], radius: float, resolution: float) -> NDArray[np.bool_]:
    """Every cell within `radius` of a set cell."""
    rows, cols = mask.shape
    grown = mask.copy()
    for dr, dc in disc_offsets(radius, resolution):
        if dr == 0 and dc == 0:
            continue
        src = mask[max(0, -dr) : rows - max(0, dr), max(0, -dc) : cols - max(0, dc)]
        grown[max(0, dr) : rows - max(0, -dr), max(0, dc) : cols - max(0, -dc)] |= src
    return grown


def connected_from(mask: NDArray[np.bool_], seed: Cell) -> NDArray[np.bool_]:
    """The 4-connected component of `mask` that contains `seed` (empty if the seed is not set)."""
    region = np.zeros_like(mask)
    if not mask[seed]:
        return region
    region[seed] = True
    while True:
        grown = region.copy()
        grown[1:, :] |= region[:-1, :]
        grown[:-1, :] |= region[1:, :]
        grown[:, 1:] |= region[:, :-1]
        grown[:, :-1] |= region[:, 1:]
        grown &= mask
        if (grown == region).all():
            return region
        region = grown


def start_cell(grid: OccupancyGrid, traversable: NDArray[np.bool_], pose: Pose2D, reach: float = 0.5) -> Cell:
    """The traversable cell the robot starts from: its own, or the nearest within `reach`."""
    if not (math.isfinite(pose.x) and math.isfinite(pose.y)):
        raise PoseOutsideMapError(pose.x, pose.y)
    row, col = grid.cell_of(pose.x, pose.y)
    if not grid.inside(row, col):
        raise PoseOutsideMapError(pose.x, pose.y)
    if grid.cells[row, col] != FREE and not traversable[row, col] and grid.room_ids[row, col] < 0:
        raise PoseOutsideMapError(pose.x, pose.y)
    if traversable[row, col]:
        return (row, col)
    cells = int(reach / grid.resolution)
    r0, r1 = max(0, row - cells), min(traversable.shape[0], row + cells + 1)
    c0, c1 = max(0, col - cells), min(traversable.shape[1], col + cells + 1)
    rr, cc = np.nonzero(traversable[r0:r1, c0:c1])
    if len(rr) == 0:
        raise RoomUnreachableError("the robot is boxed in: there is no free floor around it")
    best = int(np.argmin((rr + r0 - row) ** 2 + (cc + c0 - col) ** 2))
    return (int(rr[best] + r0), int(cc[best] + c0))


class CoveragePlanner:
    """Plans room and spot coverage on one map (plus whatever obstacles were added since)."""

    def __init__(self, grid: OccupancyGrid, config: CoverageConfig = DEFAULT_CONFIG) -> None:
        self.grid = grid
        self.config = config
        self.extra_obstacles = np.zeros(grid.shape, dtype=bool)  # seen by the lidar or the bumper
        self.traversable = inflate(grid, config.clearance)
        self._lane_offset: dict[int, float] = {}  # lane row -> sub-cell shift of its lane (cells)

    def add_obstacles(self, cells: NDArray[np.bool_]) -> None:
        """Obstacles the map did not show: the robot's centre now keeps `clearance` from them too."""
        self.extra_obstacles |= cells
        self.traversable = inflate(self.grid, self.config.clearance) & ~dilate(
            self.extra_obstacles, self.config.clearance, self.grid.resolution
        )

    # ------------------------------------------------------------------ rooms

    def plan_room(self, room: str, pose: Pose2D) -> CoveragePlan:
        """Sweeps covering the room `room` (a name the grid knows) starting at `pose`."""
        grid, cfg = self.grid, self.config
        if room not in grid.room_names:
            raise UnknownRoomError(room, sorted(name.replace("_", " ") for name in grid.room_names))
        seed = start_cell(grid, self.traversable, pose)
        reachable_centres = connected_from(self.traversable, seed)
        centres = reachable_centres & grid.room_mask(room)
        if not centres.any():
            raise RoomUnreachableError(f"I can't get into the {room.replace('_', ' ')} from here")
        reachable = self._floor_under(centres, grid.room_mask(room))
        candidates: list[tuple[int, float, CoveragePlan]] = []
        for axis, phase in itertools.product(("x", "y"), LANE_PHASES):
            runs, headlands, lanes, missed = self._lane_runs(centres, axis, phase)
            regular = [run for run in runs if run[0] in self._lane_offset]
            # Gap-fill lanes and headland passes do not split the cells: each goes where it adds the
            # least travel (cheapest insertion), so the sweep order stays cell after whole cell.
            extra = [self._run_points(axis, run) for run in runs if run[0] not in self._lane_offset] + headlands
            sweeps = self._order_cells(_decompose(regular), axis, (pose.x, pose.y), extra)
            plan = CoveragePlan(room, sweeps, self.traversable, reachable, cfg.swath, axis, lanes)
            candidates.append((missed, _turn_cost(plan), plan))
        # The cheapest of the plans that leave (almost) no more floor unswept than the best one.
        fewest_missed = min(missed for missed, _, _ in candidates)
        allowance = fewest_missed + 0.01 * int(reachable.sum())
        best = min((c for c in candidates if c[0] <= allowance), key=lambda c: c[1])[2]
        unreachable = grid.room_mask(room) & (grid.cells == FREE) & ~reachable
        if unreachable.any():
            best.notes.append(
                f"{unreachable.sum() * grid.resolution**2:.2f} m2 of the room's floor is too tight for the robot"
            )
        return best

    def _floor_under(self, centres: NDArray[np.bool_], area: NDArray[np.bool_]) -> NDArray[np.bool_]:
        floor = (self.grid.cells == FREE) & ~self.extra_obstacles & area
        under: NDArray[np.bool_] = dilate(centres, self.config.brush_radius, self.grid.resolution) & floor
        return under

    def _lane_runs(
        self, centres: NDArray[np.bool_], axis: str, phase: float | None = None
    ) -> tuple[list[tuple[int, int, int]], list[list[Vec2]], int, int]:
        """Runs of centre cells along lanes parallel to `axis`, lanes at most a swath apart.

        phase None spreads the lanes evenly from the region's first row to its last; a number in
        [0, 1) starts them that fraction of a swath in and steps a full swath (a doorway bulge
        then does not shift every lane off the room's walls; gap filling adds what they miss).
        """
        grid = self.grid
        mask = centres if axis == "x" else centres.T  # lanes are rows of `mask`
        occupied_rows = np.nonzero(mask.any(axis=1))[0]
        first, last = int(occupied_rows[0]), int(occupied_rows[-1])
        spacing_cells = self.config.swath / grid.resolution
        count = max(1, math.ceil((last - first) / spacing_cells - 1e-9) + 1) if last > first else 1
        # Lanes sit exactly a swath (or a little less) apart, between cell centres if need be; each
        # uses the runs of its nearest row of cells.
        offsets = [first + i * (last - first) / (count - 1) for i in range(count)] if count > 1 else [float(first)]
        if phase is not None:
            offsets = list(np.arange(first + phase * spacing_cells, last + 1e-9, spacing_cells)) or [float(first)]
        self._lane_offset = {round(o): o - round(o) for o in offsets}
        lanes = sorted(self._lane_offset)
        # A lane row may miss a narrow strip that neighbouring rows reach; sweep those rows' runs too.
        swept = np.zeros_like(mask)
        for lane in lanes:
            swept[lane] = mask[lane]
        # Gap filling: where evenly spread lanes leave floor unswept (a narrow strip between
        # furniture, an alcove), add partial lanes on the rows that reach most of what is left.
        floor = self._floor_under(centres, np.ones_like(centres))
        floor = floor if axis == "x" else floor.T
        radius, res = self.config.brush_radius, grid.resolution
        # Candidates run along lanes (rows) or across them (columns: a headland pass along the
        # wall at the lanes' ends reaches the scallops a round brush leaves between lane ends).
        across = np.zeros_like(mask)
        missed = floor & ~dilate(swept, radius, res)
        for _ in range(2 * len(lanes)):
            if missed.sum() <= self.config.gap_fill_below * floor.sum():
                break
            helpful = mask & dilate(missed, radius, res)
            along_gain, across_gain = (helpful & ~swept).sum(axis=1), (helpful & ~across).sum(axis=0)
            trial_swept, trial_across = swept.copy(), across.copy()
            if along_gain.max() >= across_gain.max() or not self.config.headland_passes:
                row = int(np.argmax(along_gain))
                trial_swept[row] |= helpful[row]
            else:
                col = int(np.argmax(across_gain))
                for start, end in _true_runs(mask[:, col]):  # the whole stretch along the wall
                    if helpful[start : end + 1, col].any():
                        trial_across[start : end + 1, col] = True
            still_missed = floor & ~dilate(trial_swept | trial_across, radius, res)
            if missed.sum() - still_missed.sum() < self.config.gap_fill_min_cells:
                break  # only scattered corner cells are left: not worth a detour
            swept, across, missed = trial_swept, trial_across, still_missed
        runs = [
            (int(lane), start, end)
            for lane in np.nonzero(swept.any(axis=1))[0]
            for start, end in _true_runs(swept[lane])
        ]
        headlands: list[list[Vec2]] = []
        for column in np.nonzero(across.any(axis=0))[0]:
            for first, last in _true_runs(across[:, column]):
                a = self._cell_point_on_grid(axis, first, int(column))
                b = self._cell_point_on_grid(axis, last, int(column))
                headlands.append([a, b] if first != last else [a])
        return runs, headlands, len(lanes), int(missed.sum())

    def _cell_point(self, axis: str, lane: int, along: int) -> Vec2:
        """Where a lane's run ends: the cell centre shifted onto the lane (if that is still traversable)."""
        shift = self._lane_offset.get(lane, 0.0) * self.grid.resolution
        x, y = self._cell_point_on_grid(axis, lane, along)
        shifted = (x, y + shift) if axis == "x" else (x + shift, y)
        return shifted if self.traversable[self.grid.cell_of(*shifted)] else (x, y)

    def _cell_point_on_grid(self, axis: str, lane: int, along: int) -> Vec2:
        return self.grid.centre_of(lane, along) if axis == "x" else self.grid.centre_of(along, lane)

    def _order_cells(
        self, cells: list[list[tuple[int, int, int]]], axis: str, start: Vec2, extra: list[list[Vec2]]
    ) -> list[list[Vec2]]:
        """Cells greedily, nearest corner next, trying every cell and corner first; the shortest travel wins.

        Inside a cell the robot sweeps lane after lane, back and forth.
        """
        best_sweeps: list[list[Vec2]] | None = None
        best_travel = math.inf
        firsts: list[tuple[int, bool, bool] | None] = [
            (index, from_last, reverse)
            for index in range(len(cells))
            for from_last in (False, True)
            for reverse in (False, True)
        ]
        for first in firsts or [None]:
            sweeps = _insert_cheapest(self._order_cells_from(cells, axis, start, first), extra, start)
            travel = math.dist(start, sweeps[0][0]) if sweeps else 0.0
            travel += sum(math.dist(a[-1], b[0]) for a, b in itertools.pairwise(sweeps))
            if travel < best_travel - 1e-9:
                best_sweeps, best_travel = sweeps, travel
        return best_sweeps or []

    def _order_cells_from(
        self,
        cells: list[list[tuple[int, int, int]]],
        axis: str,
        start: Vec2,
        first: tuple[int, bool, bool] | None,
    ) -> list[list[Vec2]]:
        remaining = list(cells)
        sweeps: list[list[Vec2]] = []
        here = start
        while remaining:
            best: tuple[float, int, bool, bool] | None = None
            if first is not None:
                best = (0.0, *first)
                first = None
            for index, cell in enumerate(remaining if best is None else []):
                for from_last in (False, True):
                    lane, a, b = cell[-1] if from_last else cell[0]
                    for reverse in (False, True):
                        corner = self._cell_point(axis, lane, b if reverse else a)
                        distance = math.dist(here, corner)
                        if best is None or distance < best[0] - 1e-9:
                            best = (distance, index, from_last, reverse)
            assert best is not None
            _, index, from_last, reverse = best
            cell = remaining.pop(index)
            for lane, a, b in reversed(cell) if from_last else cell:
                ends = (b, a) if reverse else (a, b)
                points = [self._cell_point(axis, lane, ends[0]), self._cell_point(axis, lane, ends[1])]
                sweeps.append(points if a != b else points[:1])
                reverse = not reverse
            here = sweeps[-1][-1]
        return sweeps

    def _run_points(self, axis: str, run: tuple[int, int, int]) -> list[Vec2]:
        lane, a, b = run
        points = [self._cell_point(axis, lane, a), self._cell_point(axis, lane, b)]
        return points if a != b else points[:1]

    # ------------------------------------------------------------------ spots

    def plan_spot(self, centre: Vec2, radius: float, pose: Pose2D) -> CoveragePlan:
        """An outward spiral covering the disc (`centre`, `radius`), clipped to where the robot fits."""
        grid, cfg = self.grid, self.config
        if not (math.isfinite(radius) and radius > 0):
            raise RoomUnreachableError(f"a spot needs a positive radius, got {radius}")
        row, col = grid.cell_of(*centre)
        if not (all(math.isfinite(v) for v in centre) and grid.inside(row, col)) or grid.room_ids[row, col] < 0:
            raise PoseOutsideMapError(*centre)
        seed = start_cell(grid, self.traversable, pose)
        reachable_centres = connected_from(self.traversable, seed)
        rr, cc = np.mgrid[0 : grid.shape[0], 0 : grid.shape[1]]
        xs = grid.origin[0] + (cc + 0.5) * grid.resolution
        ys = grid.origin[1] + (rr + 0.5) * grid.resolution
        disc = np.hypot(xs - centre[0], ys - centre[1]) <= radius
        inner = np.hypot(xs - centre[0], ys - centre[1]) <= max(radius - cfg.brush_radius, grid.resolution)
        centres = reachable_centres & inner
        if not centres.any():
            centres = reachable_centres & disc
        if not centres.any():
            raise RoomUnreachableError(f"I can't reach the spot at ({centre[0]:.2f}, {centre[1]:.2f})")
        reachable = self._floor_under(centres, disc & (grid.room_ids >= 0))
        spiral = _spiral(centre, max(radius - cfg.brush_radius, 0.0), cfg.swath)
        sweeps: list[list[Vec2]] = []
        current: list[Vec2] = []
        for point in spiral:
            cell = grid.cell_of(*point)
            if grid.inside(*cell) and centres[cell]:
                current.append(point)
            elif current:
                sweeps.append(current)
                current = []
        if current:
            sweeps.append(current)
        return CoveragePlan("spot", sweeps, self.traversable, reachable, cfg.swath, "spiral", 0)


def _true_runs(row: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(first, last) index of every run of True in a 1-D array."""
    padded = np.concatenate([[False], row, [False]]).astype(np.int8)
    edges = np.diff(padded)
    starts = np.nonzero(edges == 1)[0]
    ends = np.nonzero(edges == -1)[0] - 1
    return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True)]


def _decompose(runs: list[tuple[int, int, int]]) -> list[list[tuple[int, int, int]]]:
    """Boustrophedon cells: runs on consecutive lanes that overlap one-to-one form a cell.

    A lane split by furniture (or two runs joining into one) ends the cells above and starts
    new ones, so each cell is an obstacle-free strip that can be swept back and forth.
    """
    by_lane: dict[int, list[tuple[int, int, int]]] = {}
    for run in runs:
        by_lane.setdefault(run[0], []).append(run)
    cells: list[list[tuple[int, int, int]]] = []
    open_cells: dict[tuple[int, int, int], int] = {}  # last run of a cell -> index in cells
    previous: list[tuple[int, int, int]] = []
    for lane in sorted(by_lane):
        current = by_lane[lane]
        next_open: dict[tuple[int, int, int], int] = {}
        for run in current:
            above = [p for p in previous if p[1] <= run[2] and run[1] <= p[2]]
            below_of_above = [r for r in current if above and r[1] <= above[0][2] and above[0][1] <= r[2]]
            if len(above) == 1 and len(below_of_above) == 1 and above[0] in open_cells:
                index = open_cells[above[0]]
                cells[index].append(run)
            else:
                cells.append([run])
                index = len(cells) - 1
            next_open[run] = index
        open_cells, previous = next_open, current
    return cells


def _insert_cheapest(sweeps: list[list[Vec2]], extra: list[list[Vec2]], start: Vec2) -> list[list[Vec2]]:
    """Add each extra sweep (longest first) where it lengthens the straight-line tour least, either way round."""
    ordered = [list(sweep) for sweep in sweeps]
    for run in sorted(extra, key=_polyline_length, reverse=True):
        best: tuple[float, int, list[Vec2]] | None = None
        for candidate in (run, list(reversed(run))):
            for index in range(len(ordered) + 1):
                before = ordered[index - 1][-1] if index > 0 else start
                added = math.dist(before, candidate[0])
                if index < len(ordered):
                    after = ordered[index][0]
                    added += math.dist(candidate[-1], after) - math.dist(before, after)
                if best is None or added < best[0] - 1e-9:
                    best = (added, index, candidate)
        assert best is not None
        ordered.insert(best[1], list(best[2]))
    return ordered


def _polyline_length(points: list[Vec2]) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(points))


def _turn_cost(plan: CoveragePlan) -> float:
    """Estimated seconds: sweeping, the straight-line travel between sweeps, ~3 s of turning per sweep."""
    travel = sum(math.dist(a[-1], b[0]) for a, b in zip(plan.sweeps, plan.sweeps[1:], strict=False))
    return 3.0 * len(plan.sweeps) + (travel + plan.sweep_length) / 0.26


def _spiral(centre: Vec2, radius: float, pitch: float) -> list[Vec2]:
    """An Archimedean spiral out from `centre` to `radius`, `pitch` between turns, ~5 cm steps."""
    points = [centre]
    if radius <= 0:
        return points
    b = pitch / (2.0 * math.pi)
    theta = 0.0
    while b * theta < radius:
        r = max(b * theta, 1e-3)
        theta += min(0.05 / r, 0.5)
        r = min(b * theta, radius)
        points.append((centre[0] + r * math.cos(theta), centre[1] + r * math.sin(theta)))
    # one closing circle at the full radius
    for i in range(1, 64):
        angle = theta + 2.0 * math.pi * i / 63
        points.append((centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)))
    return points
