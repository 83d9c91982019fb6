"""The coverage planner on shapes a user knows: a rectangle, an L, table legs, a narrow doorway."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.planner import CoveragePlanner
from llmos_robot.errors import PoseOutsideMapError, RoomUnreachableError, UnknownRoomError
from llmos_robot.world.geometry import Pose2D

from .helpers import grid_from_rooms, ideal_coverage, on_traversable

LANES = ("boustrophedon",)  # these tests are about the lanes (the contour family is test_contour.py)


def _unjoined(monkeypatch):
    """Plans as their family made them, before the sweeps are joined into one route and rounded."""
    monkeypatch.setattr(CoveragePlanner, "_join", lambda self, sweeps, start: sweeps)
    monkeypatch.setattr(CoveragePlanner, "_drive_through", lambda self, sweeps, start, reachable, cut: sweeps)


def test_rectangle_is_covered_by_straight_lanes_along_its_long_side(monkeypatch):
    _unjoined(monkeypatch)
    grid = grid_from_rooms({"hall": [(0.5, 0.5, 5.5, 2.5)]})  # 5 m x 2 m
    plan = CoveragePlanner(grid).plan_room("hall", Pose2D(1.0, 1.0), LANES)
    assert plan.axis == "x"  # lanes along the 5 m side: fewer turns
    # A round brush leaves small scallops between lane ends at the walls: not quite 100%.
    assert ideal_coverage(grid, plan) >= 0.975
    assert on_traversable(grid, plan)
    swath = CoverageConfig().swath
    # (2 m - 2 x clearance) / swath lanes, plus the first: a handful, not dozens, and no extras.
    clearance = CoverageConfig().clearance
    assert len(plan.lanes) == plan.lane_count <= math.ceil((2.0 - 2 * clearance - 0.05) / swath) + 1
    assert len(plan.sweeps) == 1  # one obstacle-free cell: swept back and forth in one go
    for start, end in plan.lanes:
        assert abs(start[1] - end[1]) < 1e-9  # each lane is straight
        assert abs(start[0] - end[0]) > 3.5  # ... and runs the length of the room
    # The lanes are no further apart than the swath, so neighbours overlap.
    ys = sorted({round(lane[0][1], 3) for lane in plan.lanes})
    assert max(b - a for a, b in itertools.pairwise(ys)) <= swath + 1e-6


def test_lane_ends_alternate_like_a_lawnmower():
    grid = grid_from_rooms({"hall": [(0.5, 0.5, 5.5, 2.5)]})
    plan = CoveragePlanner(grid).plan_room("hall", Pose2D(1.0, 1.0), LANES)
    ends = [lane[-1][0] for lane in plan.lanes]
    assert all(abs(a - b) > 3.0 for a, b in itertools.pairwise(ends))  # finish on alternate sides
    # Corners are rounded only where that loses no floor (rounding.py). A lane's ends at the
    # walls have floor in their corners nothing else sweeps: every lane is driven to its ends.
    corners = {point for sweep in plan.sweeps for point in sweep}
    assert all(start in corners and end in corners for start, end in plan.lanes)


def test_table_in_the_middle_splits_the_room_into_cells_each_swept_in_one_go(monkeypatch):
    _unjoined(monkeypatch)
    grid = grid_from_rooms({"room": [(0.5, 0.5, 5.5, 4.5)]}, obstacles=[(2.5, 2.0, 3.5, 3.0)])
    plan = CoveragePlanner(grid).plan_room("room", Pose2D(1.0, 1.0), LANES)
    assert on_traversable(grid, plan)
    assert ideal_coverage(grid, plan) >= 0.98
    # Below, beside (twice) and above the table: four cells, a handful of gap fills at most, not a
    # sweep per lane.
    assert len(plan.sweeps) <= 4 + 3


def test_l_shaped_room_is_fully_planned():
    grid = grid_from_rooms({"l_room": [(0.5, 0.5, 5.5, 2.0), (0.5, 2.0, 2.0, 5.5)]})
    plan = CoveragePlanner(grid).plan_room("l_room", Pose2D(1.0, 1.0))
    assert ideal_coverage(grid, plan) >= 0.97
    assert on_traversable(grid, plan)


def test_table_legs_are_swept_around_not_through():
    legs = [(x, y, x + 0.05, y + 0.05) for x in (2.0, 3.0) for y in (2.0, 3.0)]
    grid = grid_from_rooms({"kitchen": [(0.5, 0.5, 5.0, 4.5)]}, obstacles=legs)
    planner = CoveragePlanner(grid)
    plan = planner.plan_room("kitchen", Pose2D(1.0, 1.0))
    assert on_traversable(grid, plan)
    assert ideal_coverage(grid, plan) >= 0.98
    # The floor between the legs is reachable floor (the table top is above the robot).
    assert plan.reachable[grid.cell_of(2.5, 2.5)]
    # No sweep point is within the clearance of a leg.
    for sweep in plan.sweeps:
        for x, y in sweep:
            for x0, y0, x1, y1 in legs:
                assert math.hypot(max(x0 - x, 0, x - x1), max(y0 - y, 0, y - y1)) >= 0.2 - 0.05


def test_room_behind_a_doorway_too_narrow_for_the_robot_is_unreachable():
    rooms = {"hall": [(0.5, 0.5, 2.5, 5.5)], "closet": [(2.5, 2.5, 2.7, 2.8), (2.7, 0.5, 5.5, 5.5)]}
    grid = grid_from_rooms(rooms)  # a 0.30 m gap: the 0.34 m robot does not fit
    with pytest.raises(RoomUnreachableError, match="closet"):
        CoveragePlanner(grid).plan_room("closet", Pose2D(1.0, 1.0))


def test_room_through_a_doorway_wide_enough_is_planned_from_the_other_room():
    rooms = {"hall": [(0.5, 0.5, 2.5, 5.5)], "bedroom": [(2.5, 2.5, 2.7, 3.3), (2.7, 0.5, 5.5, 5.5)]}
    grid = grid_from_rooms(rooms)  # a 0.8 m doorway
    plan = CoveragePlanner(grid).plan_room("bedroom", Pose2D(1.0, 1.0))
    assert ideal_coverage(grid, plan) >= 0.98
    # Every sweep is inside the bedroom (the hall is only driven through).
    room = grid.room_mask("bedroom")
    assert all(room[grid.cell_of(*p)] for sweep in plan.sweeps for p in sweep)
    # Sweeps start on the side nearest the robot.
    assert plan.sweeps[0][0][0] < 3.5


def test_a_room_entered_from_another_is_planned_from_its_doorway_not_through_the_wall():
    rooms = {"hall": [(0.5, 0.5, 2.5, 5.5)], "bedroom": [(2.5, 2.5, 2.7, 3.3), (2.7, 0.5, 5.5, 5.5)]}
    grid = grid_from_rooms(rooms)  # a 0.8 m doorway at y 2.5-3.3
    # The robot stands in the hall's far corner, 0.5 m from the bedroom's floor through the wall
    # and 2.7 m from it by the doorway.
    plan = CoveragePlanner(grid).plan_room("bedroom", Pose2D(2.0, 5.2))
    assert math.dist(plan.sweeps[0][0], (2.9, 2.9)) < 0.6
    assert ideal_coverage(grid, plan) >= 0.98


def test_reachable_floor_excludes_what_the_brush_cannot_reach():
    grid = grid_from_rooms({"box": [(0.5, 0.5, 3.5, 3.5)]})
    plan = CoveragePlanner(grid).plan_room("box", Pose2D(2.0, 2.0))
    area = plan.reachable.sum() * grid.resolution**2
    # The centre stays 0.22 m from the walls, the brush reaches 0.17 m beyond: a 0.05 m rim is left.
    assert 2.85**2 < area < 2.95**2


def test_spot_is_a_spiral_inside_the_radius():
    grid = grid_from_rooms({"box": [(0.5, 0.5, 5.5, 5.5)]})
    plan = CoveragePlanner(grid).plan_spot((3.0, 3.0), 0.8, Pose2D(1.0, 1.0))
    points = np.array([p for sweep in plan.sweeps for p in sweep])
    radii = np.hypot(points[:, 0] - 3.0, points[:, 1] - 3.0)
    assert radii.max() <= 0.8 - 0.17 + 1e-6
    assert np.all(np.diff(radii[: len(radii) // 2]) >= -1e-6)  # outward
    assert ideal_coverage(grid, plan) >= 0.97


def test_bad_requests_get_errors_that_explain():
    grid = grid_from_rooms({"hall": [(0.5, 0.5, 5.5, 2.5)], "kitchen": [(0.5, 3.0, 5.5, 5.5)]})
    planner = CoveragePlanner(grid)
    with pytest.raises(UnknownRoomError, match="hall, kitchen"):
        planner.plan_room("garage", Pose2D(1.0, 1.0))
    with pytest.raises(PoseOutsideMapError, match="outside the map"):
        planner.plan_room("hall", Pose2D(40.0, 1.0))
    with pytest.raises(PoseOutsideMapError):
        planner.plan_room("hall", Pose2D(math.nan, 1.0))
    with pytest.raises(RoomUnreachableError):  # the kitchen is walled off from the hall
        planner.plan_room("kitchen", Pose2D(1.0, 1.0))


def test_house_rooms_all_plan(house, house_grid):
    planner = CoveragePlanner(house_grid)
    for room in house.rooms:
        plan = planner.plan_room(room, house.spawn)
        assert ideal_coverage(house_grid, plan) >= 0.98, room
        assert on_traversable(house_grid, plan), room
