"""Tracker arithmetic: what counts as cleaned, as reachable, and as cleaned twice."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmos_robot.coverage.tracker import CoverageTracker
from llmos_robot.world.geometry import Pose2D

from .helpers import grid_from_rooms


def drive(tracker, start, end, step=0.02, yaw=0.0):
    n = max(1, round(math.dist(start, end) / step))
    for i in range(n + 1):
        t = i / n
        tracker.update(Pose2D(start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]), yaw))


@pytest.fixture
def room():
    grid = grid_from_rooms({"room": [(0.0, 0.0, 6.0, 6.0)]})
    return grid, grid.room_mask("room")


def test_one_straight_pass_cleans_a_brush_wide_strip_once(room):
    grid, floor = room
    tracker = CoverageTracker(grid, floor, brush_radius=0.17)
    drive(tracker, (1.0, 3.0), (3.0, 3.0))
    expected = 2.0 * 0.34 + math.pi * 0.17**2  # a stadium
    assert tracker.cleaned_area == pytest.approx(expected, rel=0.08)
    assert tracker.overlap_fraction == 0.0
    assert tracker.cleaned_fraction == pytest.approx(tracker.cleaned_area / 36.0, rel=1e-6)


def test_driving_back_over_the_same_strip_is_all_overlap(room):
    grid, floor = room
    tracker = CoverageTracker(grid, floor, brush_radius=0.17)
    drive(tracker, (1.0, 3.0), (3.0, 3.0))
    area = tracker.cleaned_area
    drive(tracker, (3.0, 3.0), (1.0, 3.0), yaw=math.pi)
    assert tracker.cleaned_area == pytest.approx(area)
    assert tracker.overlap_fraction > 0.75  # all but the turn-around end


def test_turning_on_the_spot_and_wobbling_are_not_overlap(room):
    grid, floor = room
    tracker = CoverageTracker(grid, floor, brush_radius=0.17)
    for i in range(40):
        tracker.update(Pose2D(2.0 + 0.01 * (i % 2), 2.0, i * 0.2))
    assert tracker.overlap_fraction == 0.0
    assert tracker.cleaned_area == pytest.approx(math.pi * 0.17**2, rel=0.15)


def test_neighbouring_lanes_overlap_by_their_shared_strip(room):
    grid, floor = room
    tracker = CoverageTracker(grid, floor, brush_radius=0.17)
    drive(tracker, (1.0, 2.0), (5.0, 2.0))
    drive(tracker, (5.0, 2.31), (1.0, 2.31), yaw=math.pi)  # swath 0.31 = 0.03 m shared
    # The shared strip is about 0.03 / 0.65 of what the two lanes cleaned (plus the quantisation).
    assert 0.02 < tracker.overlap_fraction < 0.09


def test_only_reachable_floor_counts(room):
    grid, _ = room
    reachable = np.zeros(grid.shape, dtype=bool)
    reachable[grid.cell_of(1.0, 1.0)] = True  # a single cell
    tracker = CoverageTracker(grid, reachable, brush_radius=0.17)
    drive(tracker, (3.0, 3.0), (4.0, 3.0))
    assert tracker.cleaned_fraction == 0.0
    tracker.update(Pose2D(1.1, 1.0))
    assert tracker.cleaned_fraction == 1.0
    assert tracker.cleaned_mask()[grid.cell_of(3.5, 3.0)]  # still shown as cleaned on the map
    tracker.exclude(reachable)
    assert tracker.reachable_cells == 0 and tracker.cleaned_fraction == 0.0


def test_bad_poses_are_ignored(room):
    grid, floor = room
    tracker = CoverageTracker(grid, floor, brush_radius=0.17)
    tracker.update(Pose2D(math.nan, 1.0))
    tracker.update(Pose2D(50.0, 50.0))  # off the map
    assert tracker.cleaned_cells == 0
