"""Coverage paths over a room's floor (boustrophedon lanes or contour-parallel loops); a spiral for a spot.

The robot's centre may stand on *traversable* cells: the map's obstacles, unknown cells and
no-go zones grown by the clearance (robot radius + margin). A room's *centre region* is the
traversable cells inside the room that the robot can drive to from where it is. Its *reachable
floor* is every free floor cell of the room that the brush disc covers from some cell of the
centre region: the floor a perfect run could clean. Coverage is measured against that.

Lanes run parallel to one map axis. The centre region is cut into boustrophedon cells at the
critical points of the furniture (cells.py); each cell gets lanes fitted to it, placed from one
side so that every floor cell of the cell's territory is within reach and no two lanes are
more than a swath apart, and is swept back and forth in one polyline whose lane changes follow
the cell's edge. Cells are toured greedily, nearest entry next, with every cell and every way
into it tried first and the least travel kept. Floor the cells' lanes still miss gets short
gap-fill passes (along or across the lanes, each only as long as the floor it is for needs),
each inserted where it adds the least travel.
Both axes are planned. Every plan's sweeps are then reordered for less travel between them
(ordering.py) and joined into one route by the ways between them (straight when clear, else A*
on the traversable grid), and every corner that can be driven through as an arc at no cost of
floor is (rounding.py). The SHORTCUT_BEST most promising plans are also cut straight wherever a
stretch of route sweeps nothing the rest does not and the cut costs no more than
SHORTCUT_SLOWER_ALLOWED by the estimate (shortcuts.py: nested loops become a spiral), then
rounded, and scored again.

The other family is contour-parallel (contour.py): closed loops along the centre region's edge,
then a swath further in, and around each piece of furniture, with no lane changes at all, only
corners; what the loops miss gets the same gap-fill passes. Every plan of both families is
scored alike, by an ideal robot driving it exactly (coverage, overlap) and an estimated time
(cruise speed, slower through tight bends, plus CORNER_S_PER_RAD per radian of every sharp
corner): of the plans that miss no more than MISSED_ALLOWED (or the best plan's share plus
0.5%), the least time x (1 + overlap) wins. In the house the loops win every room.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.cells import (
    Cell,
    Lane,
    cell_lanes,
    decompose,
    segment_cover,
    territories,
    trim_protrusions,
    true_runs,
)
from llmos_robot.coverage.config import DEFAULT_CONFIG, CoverageConfig
from llmos_robot.coverage.contour import contour_sweeps
from llmos_robot.coverage.follower import bend_speed
from llmos_robot.coverage.masks import GridCell, connected_from, dilate, without_repeats
from llmos_robot.coverage.masks import simplify_path as _simplify
from llmos_robot.coverage.ordering import shorter_order
from llmos_robot.coverage.paths import NoPathError, inflate, path_length, plan_path
from llmos_robot.coverage.rounding import on_cells, round_free_corners, route_footprint
from llmos_robot.coverage.shortcuts import TurnCost, shortcut
from llmos_robot.coverage.tracker import CoverageTracker
from llmos_robot.errors import PoseOutsideMapError, RoomUnreachableError, UnknownRoomError
from llmos_robot.world.geometry import Pose2D, Vec2, wrap_angle
from llmos_robot.world.grid import FREE, OccupancyGrid

LanePoint = tuple[float, float]  # (row, column) in the lane frame, cell units

# s a sharp corner costs per radian turned: braking, the turn on the spot, speeding up again. Fitted
# to the plans the house's rooms chose in the sim (the turn on the spot ending 0.7 rad short): 0.47-0.63.
CORNER_S_PER_RAD = 0.55
# Share of the floor a plan may leave unswept, driven exactly: a plan missing 2.5% was picked for
# the living room and swept 98.0% in the sim, too close to the 98% goal.
MISSED_ALLOWED = 0.015
EDGE_TOLERANCE = 3.0  # cells: a lane change follows the cell's edge only where it strays further than this
CONTOUR_EPSILON = 0.0025  # m: contour loops are straightened to within this
# Contour plans tried: (m: innermost pieces no deeper than this get a middle pass, not a loop;
# m: protrusions of the centre region thinner than twice this are left to gap filling, not looped
# (corners are kept);
# loops in order nearest first (else a piece's loops, then the pieces inside it, depth first)).
CONTOUR_VARIANTS = ((0.06, 0.0, False), (0.06, 0.0, True), (0.06, 0.15, True))
PLAN_FAMILIES = ("boustrophedon", "contour")
# Contour plans are joined twice: loops driven all the way round, and loops that end a swath before
# where they were entered, whose floor the loop swept as it set off (ordering.py). House, ideal runs
# (plans with early ends chosen in every room): overlap 8.2-10.2% in the bathroom, kitchen and bedroom
# (10.2-13.6% with loops all the way round), 22.2% in the living room (23.0%), 11.9% in the hallway
# (11.8%, and a plan 2% slower by the estimate).
LOOPS_SHORT_BY = (0.0, 1.0)  # swaths
# s by the estimate a shortcut may cost and still be taken: it shortens the route, so less floor is
# swept twice (house sim: overlap -1.2 points in the kitchen, -1.1 in the living room, +0.3 in the
# bathroom).
SHORTCUT_SLOWER_ALLOWED = 0.5
# Plans tried again with shortcuts, the most promising as joined. 4 found a better plan in 2 of the
# house's 10 cases (every room from its centre and from the dock: hallway and living room from the
# centre, by 1.6-1.8% of the score) for 45% more planning CPU.
SHORTCUT_BEST = 2
SHARP_TURN = 0.35  # rad: a corner sharper than this is a stop-and-turn (the follower's default)


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
    lanes: list[list[Vec2]] = field(default_factory=list)  # the straight lanes (start, end) of all cells
    # Every plan considered: (axis or "contour", estimated coverage, estimated s x (1 + overlap)).
    candidates: list[tuple[str, float, float]] = field(default_factory=list)

    @property
    def sweep_length(self) -> float:
        return sum(path_length(sweep) for sweep in self.sweeps)


def start_cell(grid: OccupancyGrid, traversable: NDArray[np.bool_], pose: Pose2D, reach: float = 0.5) -> GridCell:
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

    def plan_room(self, room: str, pose: Pose2D, families: tuple[str, ...] = PLAN_FAMILIES) -> CoveragePlan:
        """Sweeps covering the room `room` (a name the grid knows) starting at `pose`, the best
        plan of the `families` ("boustrophedon", "contour") tried."""
        grid, cfg = self.grid, self.config
        if room not in grid.room_names:
            raise UnknownRoomError(room, sorted(name.replace("_", " ") for name in grid.room_names))
        seed = start_cell(grid, self.traversable, pose)
        reachable_centres = connected_from(self.traversable, seed)
        centres = reachable_centres & grid.room_mask(room)
        if not centres.any():
            raise RoomUnreachableError(f"I can't get into the {room.replace('_', ' ')} from here")
        reachable = self._floor_under(centres, grid.room_mask(room))
        start = self._way_in(pose, centres)
        # Every plan tried, as its sweeps joined into a route: (name, its lanes, route).
        routes: list[tuple[str, list[list[Vec2]], list[list[Vec2]]]] = []
        # Lanes along either axis; cells merged along their widest branch or split at every
        # critical point; thin cells with lanes of their own or left to gap filling.
        boustrophedon = itertools.product(("x", "y"), (True, False), (True, False))
        for axis, merge_branches, thin_cells in boustrophedon if "boustrophedon" in families else ():
            sweeps, lanes, _ = self._sweep_axis(centres, reachable, axis, start, merge_branches, thin_cells)
            routes.append((axis, lanes, self._join(sweeps, start)))
        # Contour-parallel loops (contour.py): no lane changes, only corners and a step in per loop.
        for thin, smooth_out, nearest_first in CONTOUR_VARIANTS if "contour" in families else ():
            sweeps = self._contour(centres, reachable, start, thin, smooth_out, nearest_first)
            for loop_short_by in LOOPS_SHORT_BY:
                routes.append(("contour", [], self._join(sweeps, start, loop_short_by * cfg.swath)))
        if not routes:
            raise ValueError(f"no plan family to try among {families}; known: {PLAN_FAMILIES}")

        def scored(name: str, lanes: list[list[Vec2]], route: list[list[Vec2]], cut: bool) -> _Scored:
            sweeps = self._drive_through(route, start, reachable, cut)
            plan = CoveragePlan(room, sweeps, self.traversable, reachable, cfg.swath, name, len(lanes), lanes=lanes)
            coverage, overlap = ideal_run(plan, start, grid, cfg.brush_radius)
            return (1.0 - coverage, estimated_seconds(plan, start, cfg) * (1.0 + overlap), plan)

        # Every plan as joined (corners rounded); the SHORTCUT_BEST most promising of them again
        # with shortcuts taken (shortcuts.py), which is slower to find.
        rough = [scored(*route, cut=False) for route in routes]
        promising = sorted(range(len(routes)), key=lambda k: _rank(rough[k], rough))[:SHORTCUT_BEST]
        candidates = [scored(*routes[k], cut=True) if k in promising else rough[k] for k in range(len(routes))]
        best = min(candidates, key=lambda c: _rank(c, candidates))[2]
        best.candidates = [(plan.axis, 1.0 - missed, score) for missed, score, plan in candidates]
        unreachable = grid.room_mask(room) & (grid.cells == FREE) & ~reachable
        if unreachable.any():
            best.notes.append(
                f"{unreachable.sum() * grid.resolution**2:.2f} m2 of the room's floor is too tight for the robot"
            )
        return best

    def _way_in(self, pose: Pose2D, centres: NDArray[np.bool_]) -> Vec2:
        """Where the robot, driving from `pose`, first reaches the room's centre region: its own
        place if it is in there already. Plans start there, so the order and the score see the room
        as the robot comes in (through the doorway, not straight through a wall from another room).
        House, from the dock, in the sim: overlap 1.7-4.9 points lower and 3-8 s quicker in the
        four rooms away from it (each had started from a straight line through a wall)."""
        here = (pose.x, pose.y)
        row, col = self.grid.cell_of(*here)
        if self.grid.inside(row, col) and centres[row, col]:
            return here
        cells = np.argwhere(centres)
        nearest = cells[int(np.argmin(np.hypot(cells[:, 0] - row, cells[:, 1] - col)))]
        try:  # the way to the room's nearest cell, which goes round by a doorway if need be
            way = plan_path(self.grid, self.traversable, here, self.grid.centre_of(int(nearest[0]), int(nearest[1])))
        except NoPathError:
            return here
        for a, b in itertools.pairwise(way):
            steps = max(1, math.ceil(math.dist(a, b) / (self.grid.resolution / 2.0)))
            for k in range(steps + 1):
                point = (a[0] + k / steps * (b[0] - a[0]), a[1] + k / steps * (b[1] - a[1]))
                if centres[self.grid.cell_of(*point)]:
                    return point
        return way[-1]

    def _join(self, sweeps: list[list[Vec2]], start: Vec2, loop_short_by: float = 0.0) -> list[list[Vec2]]:
        """The sweeps in the order with the least travel between them a local search finds
        (ordering.py), joined into one route by the way the robot will drive between them
        (straight when clear, else A*), so the plan scored is the plan driven and the robot need
        not stop between sweeps."""
        joined: list[list[Vec2]] = []
        for sweep in shorter_order(sweeps, start, loop_short_by):
            if not joined:
                joined.append(list(sweep))
                continue
            end = joined[-1][-1]
            if self._clear(end, sweep[0]):
                joined[-1].extend(sweep if math.dist(end, sweep[0]) > 1e-9 else sweep[1:])
                continue
            try:
                way = plan_path(self.grid, self.traversable, end, sweep[0])
            except NoPathError:
                joined.append(list(sweep))  # the job will look for a way again when it gets there
                continue
            joined[-1].extend(way[1:-1])
            joined[-1].extend(sweep)
        return joined

    def _drive_through(
        self, joined: list[list[Vec2]], start: Vec2, reachable: NDArray[np.bool_], cut: bool
    ) -> list[list[Vec2]]:
        """The joined route with (if `cut`) every shortcut taken and every corner rounded that
        can be at no cost of floor."""
        cfg = self.config
        footprint = route_footprint(joined, start, self.grid, reachable, cfg.brush_radius)
        if cut:
            cost = TurnCost(cfg.cruise_speed, CORNER_S_PER_RAD, cfg.turn_in_place_above, SHORTCUT_SLOWER_ALLOWED)
            joined = [
                shortcut(sweep, start if k == 0 else None, footprint, self._clear, cost)
                for k, sweep in enumerate(joined)
            ]
        radii = (cfg.turn_radius, cfg.turn_radius / 2.0) if cfg.turn_radius > 0 else ()
        return round_free_corners(
            joined,
            start,
            self.grid,
            self.traversable,
            reachable,
            cfg.brush_radius,
            radii,
            cfg.turn_in_place_above,
            footprint,
        )

    def _clear(self, a: Vec2, b: Vec2) -> bool:
        return on_cells(self.traversable, self.grid, [a, b])

    def _floor_under(self, centres: NDArray[np.bool_], area: NDArray[np.bool_]) -> NDArray[np.bool_]:
        floor = (self.grid.cells == FREE) & ~self.extra_obstacles & area
        under: NDArray[np.bool_] = dilate(centres, self.config.brush_radius, self.grid.resolution) & floor
        return under

    def _contour(
        self,
        centres: NDArray[np.bool_],
        floor: NDArray[np.bool_],
        start: Vec2,
        thin_below: float,
        smooth_out: float = 0.0,
        nearest_first: bool = False,
    ) -> list[list[Vec2]]:
        """Contour-parallel sweeps over `centres` (loops a swath apart, a middle pass for thin
        innermost pieces), then gap-fill passes for what they miss, in driving order."""
        cfg, res = self.config, self.grid.resolution
        frame = _LaneFrame(self.grid, "x")
        reach = (cfg.brush_radius - cfg.lane_overlap / 2.0) / res
        # Loops follow the centre region less its protrusions thinner than 2 x `smooth_out` (a
        # doorway's bulge, a strip beside furniture): each would cost a loop several corners; a
        # straight gap-fill pass into it is cheaper.
        body = _opening(centres, smooth_out / res) if smooth_out > 0 else centres
        if smooth_out > 0:  # ... but not the corners the opening rounds off
            body = _corners_kept(centres, body, smooth_out / res)
        loops_l = contour_sweeps(
            body, frame.point_to_lanes(start), cfg.swath / res, thin_below / res, CONTOUR_EPSILON / res, nearest_first
        )
        covered = np.zeros_like(centres)
        for sweep in loops_l:  # what the loops sweep: the brush's whole reach (the floor is defined by it)
            covered |= _polyline_cover(centres.shape, sweep, cfg.brush_radius / res)
        extras_l, _ = self._gap_fill(centres, floor, covered, reach)
        sweeps = [[frame.point_to_map(p) for p in sweep] for sweep in loops_l]
        extras = [[frame.point_to_map(p) for p in sweep] for sweep in extras_l]
        return _insert_cheapest(sweeps, extras, start)

    def _sweep_axis(
        self,
        centres: NDArray[np.bool_],
        floor: NDArray[np.bool_],
        axis: str,
        start: Vec2,
        merge_branches: bool,
        thin_cells: bool,
    ) -> tuple[list[list[Vec2]], list[list[Vec2]], int]:
        """Sweeps with lanes parallel to `axis`: (sweeps in order, the lanes, floor cells left unswept)."""
        cfg, res = self.config, self.grid.resolution
        frame = _LaneFrame(self.grid, axis)
        mask, floor_l = frame.to_lanes(centres), frame.to_lanes(floor)
        reach = (cfg.brush_radius - cfg.lane_overlap / 2.0) / res  # lanes are at most 2 x reach apart
        # Unless `thin_cells`, cells thinner than a swath (a doorway's bulge, a strip beside furniture)
        # get no lanes of their own: gap filling reaches their floor from wherever is cheapest.
        cells = [
            trim_protrusions(cell, 2.0 * reach)
            for cell in decompose(mask, merge_branches)
            if thin_cells or cell.last_row - cell.first_row + 1 >= 2.0 * reach
        ]
        labels = territories(cells, floor_l, math.ceil(cfg.brush_radius / res))
        options = [
            {downward: cell_lanes(cell, labels == index, reach, downward) for downward in (False, True)}
            for index, cell in enumerate(cells)
        ]
        start_l = frame.point_to_lanes(start)
        order = _tour(options, start_l)
        sweeps_l: list[list[tuple[float, float]]] = []
        covered = np.zeros_like(mask)
        all_lanes: list[list[Vec2]] = []
        for index, downward, from_first in order:
            lanes = options[index][downward]
            at_first = from_first
            for lane in lanes:  # in the direction each is driven
                ends = (float(lane.first), float(lane.last)) if at_first else (float(lane.last), float(lane.first))
                all_lanes.append([frame.point_to_map((lane.row, ends[0])), frame.point_to_map((lane.row, ends[1]))])
                at_first = not at_first
            sweep = _boustrophedon(cells[index], lanes, from_first, mask)
            sweeps_l.append(sweep)
            covered |= _polyline_cover(mask.shape, sweep, reach)
        extras_l, missed = self._gap_fill(mask, floor_l, covered, reach)
        sweeps = [[frame.point_to_map(p) for p in sweep] for sweep in sweeps_l]
        extras = [[frame.point_to_map(p) for p in sweep] for sweep in extras_l]
        ordered = _insert_cheapest(sweeps, extras, start)
        return ordered, all_lanes, missed

    def _gap_fill(
        self, mask: NDArray[np.bool_], floor: NDArray[np.bool_], covered: NDArray[np.bool_], reach: float
    ) -> tuple[list[list[tuple[float, float]]], int]:
        """Short passes (along or across the lanes) over the floor the cells' lanes left unswept."""
        cfg = self.config
        extras: list[list[tuple[float, float]]] = []
        total = int(floor.sum())
        helpful_reach = math.floor(reach)
        for _ in range(60):
            missed = floor & ~covered
            if missed.sum() <= cfg.gap_fill_below * total:
                break
            helpful = mask & _grow(missed, helpful_reach)
            best: tuple[int, list[tuple[float, float]], NDArray[np.bool_]] | None = None
            for across in (False, True):
                lines = helpful.T if across else helpful
                for line in np.nonzero(lines.any(axis=1))[0]:
                    for first, last in true_runs(lines[line]):
                        a, b = (float(line), float(first)), (float(line), float(last))
                        if across:
                            a, b = (a[1], a[0]), (b[1], b[0])
                        gain_mask = segment_cover(mask.shape, a, b, reach) & missed
                        gain = int(gain_mask.sum())
                        if best is None or gain > best[0]:
                            best = (gain, [a, b] if a != b else [a], gain_mask)
            if best is None or best[0] < cfg.gap_fill_min_cells:
                break
            best = _trimmed(best[1], best[2], reach)  # only as long as the floor it is for needs
            extras.append(best[1])
            covered = covered | best[2]
        return extras, int((floor & ~covered).sum())

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


def _trimmed(
    run: list[tuple[float, float]], gained: NDArray[np.bool_], reach: float
) -> tuple[int, list[tuple[float, float]], NDArray[np.bool_]]:
    """The gap-fill pass `run` (along a row or a column) cut down to the stretch that still reaches
    every cell it was chosen for (`gained`): the rest of it would only re-sweep floor."""
    if len(run) == 1:
        return int(gained.sum()), run, gained
    a, b = run
    along = 1 if a[0] == b[0] else 0  # the index that varies along the pass
    line = a[1 - along]
    cells = np.argwhere(gained)
    half = np.sqrt(np.maximum(reach**2 - (cells[:, 1 - along] - line) ** 2, 0.0))
    low, high = sorted((a[along], b[along]))
    first = max(low, float(np.min(cells[:, along] + half)))
    last = min(high, float(np.max(cells[:, along] - half)))
    if first > last:
        first = last = (first + last) / 2.0
    ends = [(line, first), (line, last)] if along == 1 else [(first, line), (last, line)]
    if a[along] > b[along]:
        ends.reverse()
    trimmed = ends if first < last else ends[:1]
    swept = _polyline_cover(gained.shape, trimmed, reach) & gained
    return int(swept.sum()), trimmed, swept


_Scored = tuple[float, float, "CoveragePlan"]  # (share of the floor missed, estimated s x (1 + overlap), plan)


def _rank(candidate: _Scored, everyone: list[_Scored]) -> tuple[bool, float]:
    """Plans that leave (almost) no more floor unswept than the best one (or at most
    MISSED_ALLOWED) first, the quickest first, each share of the floor a plan would clean twice
    counting as that much more time."""
    fewest_missed = min(missed for missed, _, _ in everyone)
    allowance = max(fewest_missed + 0.005, MISSED_ALLOWED)
    missed, score, _ = candidate
    return (missed > allowance, score)


def _insert_cheapest(sweeps: list[list[Vec2]], extra: list[list[Vec2]], start: Vec2) -> list[list[Vec2]]:
    """Add each extra sweep (longest first) where it lengthens the straight-line tour least, either way round."""
    ordered = [list(sweep) for sweep in sweeps]
    for run in sorted(extra, key=path_length, reverse=True):
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


class _LaneFrame:
    """Map <-> lane frame: rows of the lane frame run along the lanes (the map transposed for y)."""

    def __init__(self, grid: OccupancyGrid, axis: str) -> None:
        self.grid, self.axis = grid, axis

    def to_lanes(self, mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
        return mask if self.axis == "x" else mask.T

    def point_to_map(self, point: LanePoint) -> Vec2:
        row, col = point if self.axis == "x" else (point[1], point[0])
        ox, oy = self.grid.origin
        return (ox + (col + 0.5) * self.grid.resolution, oy + (row + 0.5) * self.grid.resolution)

    def point_to_lanes(self, point: Vec2) -> LanePoint:
        ox, oy = self.grid.origin
        row = (point[1] - oy) / self.grid.resolution - 0.5
        col = (point[0] - ox) / self.grid.resolution - 0.5
        return (row, col) if self.axis == "x" else (col, row)


def _ends(lanes: list[Lane], from_first: bool) -> tuple[LanePoint, LanePoint]:
    """Where sweeping these lanes starts and ends, starting at the lanes' first (or last) column."""
    first = lanes[0]
    entry = (first.row, float(first.first if from_first else first.last))
    last = lanes[-1]
    ends_at_first = from_first if len(lanes) % 2 == 0 else not from_first
    return entry, (last.row, float(last.first if ends_at_first else last.last))


def _tour(options: list[dict[bool, list[Lane]]], start: LanePoint) -> list[tuple[int, bool, bool]]:
    """Cells in order (index, downward, from_first): greedily the nearest entry next, every cell
    and way into it tried first, the order with the least travel kept."""
    variants = [
        (index, downward, from_first)
        for index in range(len(options))
        for downward in (False, True)
        for from_first in (False, True)
    ]
    ends = {v: _ends(options[v[0]][v[1]], v[2]) for v in variants}
    best: list[tuple[int, bool, bool]] = []
    best_travel = math.inf
    for first in variants:
        order = [first]
        travel = math.dist(start, ends[first][0])
        done = {first[0]}
        here = ends[first][1]
        while len(done) < len(options):
            nxt = min((v for v in variants if v[0] not in done), key=lambda v: math.dist(here, ends[v][0]))
            travel += math.dist(here, ends[nxt][0])
            order.append(nxt)
            done.add(nxt[0])
            here = ends[nxt][1]
        if travel < best_travel - 1e-9:
            best, best_travel = order, travel
    return best


def _boustrophedon(cell: Cell, lanes: list[Lane], from_first: bool, mask: NDArray[np.bool_]) -> list[LanePoint]:
    """One polyline: the lanes back and forth, each joined to the next along the cell's edge."""
    points: list[LanePoint] = []
    at_first = from_first
    for lane in lanes:
        start, end = (lane.first, lane.last) if at_first else (lane.last, lane.first)
        begin = (lane.row, float(start))
        if points:
            points += _along_edge(cell, points[-1], begin, at_first, mask)
        points.append(begin)
        if end != start:
            points.append((lane.row, float(end)))
        at_first = not at_first
    return points


def _along_edge(cell: Cell, a: LanePoint, b: LanePoint, at_first: bool, mask: NDArray[np.bool_]) -> list[LanePoint]:
    """Points strictly between a and b following the cell's edge (its runs' ends on that side),
    simplified to straight stretches wherever that stays within EDGE_TOLERANCE of the edge and on
    free cells (each corner left is a stop and a turn; the brush reaches a little way past it).

    Where the edge steps in or out between rows, the path steps on the row whose run reaches
    both columns (neighbouring runs overlap), so it never leaves the cell."""
    step = 1 if b[0] >= a[0] else -1
    row_a, row_b = math.floor(a[0] + 0.5), math.floor(b[0] + 0.5)
    path: list[LanePoint] = [a]
    column = a[1]
    for row in range(row_a + step, row_b + step, step):
        if row not in cell.runs:
            continue
        end = float(cell.runs[row][0] if at_first else cell.runs[row][1])
        if row == row_b:
            end = b[1]
        inward = end > column if at_first else end < column
        if inward:  # the edge steps in: along the row before, then across
            path.append((path[-1][0], end))
        else:  # the edge steps out (or stays): across first, then along this row
            path.append((float(row), column))
        path.append((float(row), end))
        column = end
    path.append(b)
    kept = _simplify(without_repeats(path), mask, EDGE_TOLERANCE)
    return kept[1:-1]


def _polyline_cover(shape: tuple[int, int], points: list[LanePoint], radius: float) -> NDArray[np.bool_]:
    covered = np.zeros(shape, dtype=bool)
    for a, b in itertools.pairwise(points if len(points) > 1 else points * 2):
        covered |= segment_cover(shape, a, b, radius)
    return covered


def _opening(mask: NDArray[np.bool_], radius: float) -> NDArray[np.bool_]:
    """The mask less every part a disc of `radius` (cells) cannot reach while staying inside it."""
    eroded = ~_grow_f(~mask, radius)
    return _grow_f(eroded, radius) & mask


def _corners_kept(centres: NDArray[np.bool_], opened: NDArray[np.bool_], radius: float) -> NDArray[np.bool_]:
    """`opened` (the centre region less its thin parts) with the bits the opening only shaved off
    a corner back: every piece cut off that reaches no further than `radius` from what is left."""
    cut = centres & ~opened
    _, found = cv2.connectedComponents(cut.astype(np.uint8), connectivity=8)
    labels = np.asarray(found, dtype=np.int32)
    far = cut & ~_grow_f(opened, radius) if opened.any() else cut
    protruding = np.unique(labels[far])
    kept = cut & ~np.isin(labels, protruding)
    return opened | kept


def _grow_f(mask: NDArray[np.bool_], radius: float) -> NDArray[np.bool_]:
    padded = np.pad(mask, math.ceil(radius) + 1, constant_values=True) if not mask.all() else mask
    grown = dilate(padded, radius, 1.0)
    pad = math.ceil(radius) + 1
    return grown[pad:-pad, pad:-pad] if not mask.all() else grown


def _grow(mask: NDArray[np.bool_], cells: int) -> NDArray[np.bool_]:
    """Cells within `cells` (Euclidean, cell units) of a set cell."""
    return dilate(mask, float(cells), 1.0)


def ideal_run(plan: CoveragePlan, start: Vec2, grid: OccupancyGrid, brush_radius: float) -> tuple[float, float]:
    """(coverage, overlap) of a robot driving the plan exactly (straight between sweeps)."""
    tracker = ideal_tracker(plan, start, grid, brush_radius)
    return tracker.cleaned_fraction, tracker.overlap_fraction


def ideal_tracker(plan: CoveragePlan, start: Vec2, grid: OccupancyGrid, brush_radius: float) -> CoverageTracker:
    """The tracker of a robot driving the plan exactly (straight between sweeps)."""
    tracker = CoverageTracker(grid, plan.reachable.copy(), brush_radius)
    points = [start, *(p for sweep in plan.sweeps for p in sweep)]
    tracker.update(Pose2D(*start))
    for a, b in itertools.pairwise(points):
        steps = max(1, math.ceil(math.dist(a, b) / (0.8 * tracker.resolution)))
        for k in range(1, steps + 1):
            f = k / steps
            tracker.update(Pose2D(a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])))
    return tracker


def estimated_seconds(plan: CoveragePlan, start: Vec2, config: CoverageConfig) -> float:
    """Rough time to run a plan: driving at cruise speed (slower through tight bends, as the
    follower takes them) plus, at every sharp corner, a stop, the turn on the spot and speeding
    up again (CORNER_S_PER_RAD)."""
    seconds, here, heading, last = 0.0, start, None, 0.0
    for sweep in plan.sweeps:
        points = [here, *sweep]
        for a, b in itertools.pairwise(points):
            length = math.dist(a, b)
            if length < 1e-6:
                continue
            direction = math.atan2(b[1] - a[1], b[0] - a[0])
            turn = abs(wrap_angle(direction - heading)) if heading is not None else 0.0
            speed = config.cruise_speed
            if turn > SHARP_TURN:
                seconds += turn * CORNER_S_PER_RAD
            elif turn > 1e-3:
                radius = min(last, length) / turn
                bend = bend_speed(radius, config.max_angular, config.wheel_speed_limit, config.wheel_separation)
                speed = min(speed, max(bend, 1e-3))
            heading, last = direction, length
            seconds += length / speed
        here = sweep[-1]
    return seconds
