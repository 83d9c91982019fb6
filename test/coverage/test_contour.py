"""Contour-parallel ("peel") sweeps: loops a swath apart along the room's edge and around furniture."""

from __future__ import annotations

import itertools
import math

import numpy as np

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.contour import contour_sweeps
from llmos_robot.coverage.masks import connected_from
from llmos_robot.coverage.planner import CONTOUR_VARIANTS, CoveragePlan, CoveragePlanner, ideal_run, start_cell
from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.grid import OccupancyGrid

from .helpers import RES, grid_from_rooms, ideal_coverage, on_traversable

CONFIG = CoverageConfig()


def contour_plan(grid, room: str, pose: Pose2D) -> CoveragePlan:
    planner = CoveragePlanner(grid)
    centres = connected_from(planner.traversable, start_cell(grid, planner.traversable, pose)) & grid.room_mask(room)
    floor = planner._floor_under(centres, grid.room_mask(room))
    sweeps = planner._contour(centres, floor, (pose.x, pose.y), *CONTOUR_VARIANTS[0])
    return CoveragePlan(room, sweeps, planner.traversable, floor, CONFIG.swath, "contour")


def closed(sweep) -> bool:
    return len(sweep) > 3 and math.dist(sweep[0], sweep[-1]) < 1e-6


def test_rectangle_is_peeled_in_nested_loops_a_swath_apart():
    grid = grid_from_rooms({"hall": [(0.5, 0.5, 4.5, 2.5)]})  # 4 m x 2 m
    plan = contour_plan(grid, "hall", Pose2D(1.0, 1.0))
    assert on_traversable(grid, plan)
    loops = [sweep for sweep in plan.sweeps if closed(sweep)]
    # (2 m - 2 x clearance) / 2 / swath: three nested loops, the outermost along the walls' clearance.
    assert len(loops) == 3
    lowest = [min(y for _, y in loop) for loop in loops]
    assert abs(lowest[0] - (0.5 + CONFIG.clearance)) < RES
    for outer, inner in itertools.pairwise(lowest):
        assert abs(inner - outer - CONFIG.swath) < 0.02  # one swath in, to within a couple of cm
    # Each loop of a rectangle is a rectangle: four corners, no pixel steps.
    assert all(len(loop) <= 6 for loop in loops)
    assert ideal_coverage(grid, plan) >= 0.99
    coverage, overlap = ideal_run(plan, (1.0, 1.0), grid, CONFIG.brush_radius)
    assert coverage >= 0.95  # the tracker's 2.5 cm cells at the floor's edge beyond the brush's reach
    assert overlap <= 0.12  # no lane changes: about the 3 cm between loops


def test_l_shaped_room_is_fully_peeled():
    grid = grid_from_rooms({"l_room": [(0.5, 0.5, 5.5, 2.0), (0.5, 2.0, 2.0, 5.5)]})
    plan = contour_plan(grid, "l_room", Pose2D(1.0, 1.0))
    assert on_traversable(grid, plan)
    assert ideal_coverage(grid, plan) >= 0.99
    outer = plan.sweeps[0]
    assert closed(outer)
    # The first loop follows the L: it reaches both arms' far ends.
    assert max(x for x, _ in outer) > 5.5 - CONFIG.clearance - RES
    assert max(y for _, y in outer) > 5.5 - CONFIG.clearance - RES


def test_table_legs_get_loops_around_them():
    legs = [(x, y, x + 0.05, y + 0.05) for x in (2.0, 3.0) for y in (2.0, 3.0)]
    grid = grid_from_rooms({"kitchen": [(0.5, 0.5, 5.0, 4.5)]}, obstacles=legs)
    plan = contour_plan(grid, "kitchen", Pose2D(1.0, 1.0))
    assert on_traversable(grid, plan)
    assert ideal_coverage(grid, plan) >= 0.99
    # Every leg is encircled by a loop (a closed sweep whose bounding box contains the leg).
    for x0, y0, x1, y1 in legs:
        around = [
            loop
            for loop in plan.sweeps
            if closed(loop)
            and min(p[0] for p in loop) < x0
            and max(p[0] for p in loop) > x1
            and min(p[1] for p in loop) < y0
            and max(p[1] for p in loop) > y1
            and max(math.dist(p, ((x0 + x1) / 2, (y0 + y1) / 2)) for p in loop) < 1.0
        ]
        assert around, f"no loop around the leg at ({x0}, {y0})"


def test_a_sliver_thinner_than_a_swath_gets_one_pass_not_a_loop():
    # A 0.5 m wide corridor: the robot's centre fits in a strip a few cm wide.
    centres = np.zeros((20, 90), dtype=bool)
    centres[9:11, 5:85] = True
    sweeps = contour_sweeps(centres, (10.0, 0.0), CONFIG.swath / RES, 0.06 / RES)
    assert len(sweeps) == 1
    sweep = sweeps[0]
    assert not closed(sweep)  # not there and back
    length = sum(math.dist(a, b) for a, b in itertools.pairwise(sweep))
    assert 78 <= length <= 81  # the strip's length, once
    assert all(8.5 <= r <= 10.5 for r, _ in sweep)  # inside the strip's cells
    assert sweep[0][1] < sweep[-1][1]  # from the end nearer the start


def test_a_thin_ring_around_a_round_table_is_looped_not_cut_across():
    # The robot's centre fits in a ring 2 cells wide around a round obstacle: one pass "down the
    # middle" of that outline would drive across the table.
    rows, cols = np.mgrid[0:40, 0:40]
    r = np.hypot(rows - 20.0, cols - 20.0)
    centres = (r >= 12.0) & (r <= 14.0)
    sweeps = contour_sweeps(centres, (20.0, 4.0), 6.2, 0.06 / RES)
    points = np.array([p for sweep in sweeps for p in sweep])
    assert np.hypot(points[:, 0] - 20.0, points[:, 1] - 20.0).min() >= 11.0  # never over the table
    assert any(closed(sweep) for sweep in sweeps)


def test_each_room_gets_the_best_plan_of_both_families():
    grid = grid_from_rooms({"hall": [(0.5, 0.5, 4.5, 2.5)]})
    plan = CoveragePlanner(grid).plan_room("hall", Pose2D(1.0, 1.0))
    families = {family for family, _, _ in plan.candidates}
    assert families == {"x", "y", "contour"}
    # The winner is the quickest (time x (1 + overlap)) of the plans that miss at most ~2.5% of the floor.
    best_coverage = max(coverage for _, coverage, _ in plan.candidates)
    eligible = [c for c in plan.candidates if c[1] >= min(best_coverage - 0.005, 0.975)]
    assert plan.axis == min(eligible, key=lambda c: c[2])[0]
    assert ideal_coverage(grid, plan) >= 0.975


def test_contour_loops_keep_out_of_a_no_go_zone():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 4.5, 3.5)]})
    zone = np.zeros(grid.shape, dtype=bool)
    zone[round(1.5 / RES) : round(2.5 / RES), round(2.0 / RES) : round(3.0 / RES)] = True  # 1 m x 1 m rug
    grid = OccupancyGrid(grid.resolution, grid.origin, grid.cells, grid.room_ids, grid.room_names, zone)
    plan = contour_plan(grid, "room", Pose2D(1.0, 1.0))
    assert on_traversable(grid, plan)
    assert not (plan.reachable & zone).any()
    # Every point of the path keeps the robot's body off the zone.
    rows, cols = np.nonzero(zone)
    xs, ys = (cols + 0.5) * RES, (rows + 0.5) * RES
    for sweep in plan.sweeps:
        for a, b in itertools.pairwise(sweep):
            for t in np.linspace(0.0, 1.0, 20):
                x, y = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
                assert np.min(np.hypot(xs - x, ys - y)) > CONFIG.brush_radius
    assert any(closed(loop) for loop in plan.sweeps[1:])  # a loop around the zone, too
    assert ideal_coverage(grid, plan) >= 0.99
