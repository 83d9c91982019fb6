"""Corners driven through as arcs, only where no floor is lost by it."""

from __future__ import annotations

import itertools
import math

import numpy as np

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.follower import RouteFollower
from llmos_robot.coverage.paths import inflate
from llmos_robot.coverage.planner import CoveragePlanner, estimated_seconds, ideal_run
from llmos_robot.coverage.rounding import corner_arc, on_cells, round_free_corners
from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.grid import FREE

from .helpers import grid_from_rooms

BRUSH = 0.17
SHARP = CoverageConfig().turn_in_place_above


def _stops(points):
    """Vertices (not the ends) where the follower stops and turns on the spot."""
    follower = RouteFollower(points, 0.26, 1.8, 0.2, SHARP, 0.01, 0.8)
    kept = follower.points
    return [kept[i] for i in range(1, len(kept) - 1) if follower._must_stop_at(i)]


def test_an_arc_is_tangent_to_both_legs_at_the_radius_asked():
    a, b, c = (0.0, 0.0), (1.0, 0.0), (1.0, 1.0)
    arc = corner_arc(a, b, c, 0.16)
    assert arc is not None
    assert arc[0] == (0.84, 0.0) or math.dist(arc[0], (0.84, 0.0)) < 1e-9  # on the leg in, 0.16 before b
    assert math.dist(arc[-1], (1.0, 0.16)) < 1e-9  # on the leg out, 0.16 after b
    centre = (0.84, 0.16)
    assert all(abs(math.dist(p, centre) - 0.16) < 1e-9 for p in arc)
    assert _stops([a, *arc, c]) == []  # gentle enough to drive through
    assert corner_arc(a, b, (1.0, 0.2), 0.16) is None  # the leg out is too short for it


def _open_floor():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 5.5, 5.5)]})
    traversable = inflate(grid, 0.22)
    reachable = (grid.cells == FREE) & (grid.room_ids == 0)
    return grid, traversable, reachable


def test_a_corner_whose_outside_nothing_else_sweeps_stays_sharp():
    grid, traversable, _ = _open_floor()
    path = [(1.5, 1.5), (3.0, 1.5), (3.0, 3.0)]
    # The floor to clean is what the sharp path sweeps: rounding would leave its outer corner.
    reachable = _swept(grid, path)
    rounded = round_free_corners([path], path[0], grid, traversable, reachable, BRUSH, (0.16, 0.08), SHARP)
    assert rounded == [path]


def test_a_corner_whose_outside_another_pass_sweeps_is_rounded():
    grid, traversable, _ = _open_floor()
    inner = [(1.5, 1.5), (3.0, 1.5), (3.0, 3.0)]
    outer = [(3.25, 3.0), (3.25, 1.25), (1.5, 1.25)]  # most of a swath outside, around the same corner
    reachable = _swept(grid, inner) | _swept(grid, outer)
    rounded = round_free_corners([inner, outer], inner[0], grid, traversable, reachable, BRUSH, (0.16, 0.08), SHARP)
    assert _stops(rounded[0]) == []  # the inner corner is driven through now
    assert (3.0, 1.5) not in rounded[0]
    assert rounded[1] == outer  # the outer one keeps its corner: its outside is floor only it sweeps
    # No floor lost, to within the raster (the check is on 2.5 cm cells, this one on 5 cm cells).
    assert _coverage(grid, rounded, reachable) >= _coverage(grid, [inner, outer], reachable) - 0.002


def test_an_arc_never_cuts_into_an_obstacles_margin_inside_the_corner():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 5.5, 5.5)]}, obstacles=[(2.2, 2.2, 3.0, 3.0)])
    traversable = inflate(grid, 0.22)
    # Around the table's corner, hugging its margin, with the table inside the bend. No floor is
    # at stake here (nothing to clean), so only the table can forbid the arc. The margin's corner
    # is round (radius = clearance), so an arc tighter than that fits; a wide one does not.
    path = [(1.5, 1.95), (3.25, 1.95), (3.25, 3.5)]
    nothing = np.zeros(grid.shape, dtype=bool)
    assert (3.25, 1.95) not in round_free_corners([path], path[0], grid, traversable, nothing, BRUSH, (0.16,), SHARP)[0]
    assert round_free_corners([path], path[0], grid, traversable, nothing, BRUSH, (0.5,), SHARP) == [path]
    open_floor = inflate(grid_from_rooms({"room": [(0.5, 0.5, 5.5, 5.5)]}), 0.22)
    assert (3.25, 1.95) not in round_free_corners([path], path[0], grid, open_floor, nothing, BRUSH, (0.5,), SHARP)[0]


def test_planner_rounds_only_at_no_cost_of_floor_and_is_no_slower():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 5.5, 4.5)]}, obstacles=[(2.5, 2.0, 3.5, 3.0)])
    start = Pose2D(1.0, 1.0)
    sharp = CoveragePlanner(grid, CoverageConfig(turn_radius=0.0)).plan_room("room", start, ("contour",))
    rounded = CoveragePlanner(grid, CoverageConfig(turn_radius=0.16)).plan_room("room", start, ("contour",))
    corners = sum(len(_stops(s)) for s in sharp.sweeps)
    assert sum(len(_stops(s)) for s in rounded.sweeps) < corners
    # The loops around the table have floor swept by the loop outside them: those corners go.
    assert ideal_run(rounded, (1.0, 1.0), grid, BRUSH)[0] >= ideal_run(sharp, (1.0, 1.0), grid, BRUSH)[0] - 0.001
    config = CoverageConfig()
    assert estimated_seconds(rounded, (1.0, 1.0), config) < estimated_seconds(sharp, (1.0, 1.0), config)


def _swept(grid, path):
    covered = np.zeros(grid.shape, dtype=bool)
    ys, xs = (np.mgrid[0 : grid.shape[0], 0 : grid.shape[1]] + 0.5) * grid.resolution
    for a, b in itertools.pairwise(path):
        dx, dy = b[0] - a[0], b[1] - a[1]
        t = np.clip(((xs - a[0]) * dx + (ys - a[1]) * dy) / (dx * dx + dy * dy), 0, 1)
        covered |= np.hypot(xs - a[0] - t * dx, ys - a[1] - t * dy) <= BRUSH
    return covered


def _coverage(grid, sweeps, reachable):
    swept = np.zeros(grid.shape, dtype=bool)
    for sweep in sweeps:
        swept |= _swept(grid, sweep)
    return float((swept & reachable).sum() / reachable.sum())


def test_a_polyline_is_on_the_cells_only_if_every_stretch_between_its_points_is():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 5.5, 5.5)]}, obstacles=[(2.0, 2.0, 2.05, 2.05)])
    free = grid.cells == FREE
    # Both ends free, the one 5 cm obstacle cell on the straight line between them.
    assert not on_cells(free, grid, [(1.5, 1.5), (2.5, 2.5)])
    assert on_cells(free, grid, [(1.5, 1.5), (2.5, 1.5), (2.5, 2.5)])


def test_a_repeated_point_is_not_a_corner_to_stop_at():
    points = [(0.0, 0.0), (0.0, 0.5), (0.0, 0.5), (0.0, 1.0)]  # northwards: atan2(0, 0) would read as east
    assert _stops(points) == []
