"""What contour loops leave to gap filling: thin alcoves (not their corners), and gap-fill passes
no longer than the floor they are for."""

from __future__ import annotations

import itertools
import math

import numpy as np

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.masks import connected_from
from llmos_robot.coverage.planner import CoveragePlan, CoveragePlanner, start_cell
from llmos_robot.world.geometry import Pose2D

from .helpers import RES, grid_from_rooms, ideal_coverage, on_traversable

CONFIG = CoverageConfig()
REACH = (CONFIG.brush_radius - CONFIG.lane_overlap / 2.0) / RES  # cells a gap-fill pass is counted to sweep


def _room(grid, room: str, pose: Pose2D):
    planner = CoveragePlanner(grid)
    centres = connected_from(planner.traversable, start_cell(grid, planner.traversable, pose)) & grid.room_mask(room)
    return planner, centres, planner._floor_under(centres, grid.room_mask(room))


def test_a_gap_fill_pass_reaches_only_as_far_as_the_floor_it_is_for():
    grid = grid_from_rooms({"hall": [(0.5, 0.5, 5.5, 1.5)]})  # 5 m x 1 m
    planner, centres, floor = _room(grid, "hall", Pose2D(1.0, 1.0))
    # Everything swept but a 20 cm x 30 cm patch in the middle of the hall.
    ys, xs = (np.mgrid[0 : grid.shape[0], 0 : grid.shape[1]] + 0.5) * RES
    patch = floor & (xs >= 2.9) & (xs < 3.1) & (ys >= 0.85) & (ys < 1.15)
    passes, missed = planner._gap_fill(centres, floor, floor & ~patch, REACH)
    assert missed == 0
    assert len(passes) == 1
    length = sum(math.dist(a, b) for a, b in itertools.pairwise(passes[0])) * RES
    # Along the hall, 4.6 m of the centre region, but the patch needs a few centimetres of it.
    assert length <= 0.2 + 0.05


def test_loops_leave_a_thin_alcove_to_gap_filling_but_still_reach_the_rooms_corners():
    # A 3 m x 2 m room with a 0.6 m wide alcove: the robot's centre fits 0.16 m of its width, and
    # loops leave out what is thinner than 0.5 m (whose opening would round corners by 10 cm).
    grid = grid_from_rooms({"room": [(0.5, 0.5, 3.5, 2.5), (1.5, 2.4, 2.1, 3.5)]})
    pose = Pose2D(1.0, 1.0)
    planner, centres, floor = _room(grid, "room", pose)
    sweeps = planner._contour(centres, floor, (pose.x, pose.y), 0.06, 0.25, False)
    plan = CoveragePlan("room", sweeps, planner.traversable, floor, CONFIG.swath, "contour")
    assert on_traversable(grid, plan)
    loops = [s for s in sweeps if len(s) > 3 and math.dist(s[0], s[-1]) < 1e-6]
    assert all(max(y for _, y in loop) < 2.5 for loop in loops)  # no loop up the alcove
    # The outer loop turns within 2 cm of each corner of where the robot's centre may be.
    inner = (0.5 + CONFIG.clearance, 3.5 - CONFIG.clearance)
    corners = [(x, y) for x in inner for y in (0.5 + CONFIG.clearance, 2.5 - CONFIG.clearance)]
    for corner in corners:
        assert min(math.dist(corner, p) for loop in loops for p in loop) < 0.02 + RES
    assert ideal_coverage(grid, plan) >= 0.99
