"""Straight shortcuts across a route, only where no floor is lost and time is saved."""

from __future__ import annotations

import itertools
import math

import numpy as np

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.paths import inflate
from llmos_robot.coverage.planner import CORNER_S_PER_RAD
from llmos_robot.coverage.rounding import on_cells, route_footprint
from llmos_robot.coverage.shortcuts import TurnCost, shortcut
from llmos_robot.world.geometry import wrap_angle
from llmos_robot.world.grid import FREE

from .helpers import grid_from_rooms

BRUSH = 0.17
CONFIG = CoverageConfig()
COST = TurnCost(CONFIG.cruise_speed, CORNER_S_PER_RAD, CONFIG.turn_in_place_above)


def _swept(grid, path):
    covered = np.zeros(grid.shape, dtype=bool)
    ys, xs = (np.mgrid[0 : grid.shape[0], 0 : grid.shape[1]] + 0.5) * grid.resolution
    for a, b in itertools.pairwise(path):
        dx, dy = b[0] - a[0], b[1] - a[1]
        t = np.clip(((xs - a[0]) * dx + (ys - a[1]) * dy) / max(dx * dx + dy * dy, 1e-12), 0, 1)
        covered |= np.hypot(xs - a[0] - t * dx, ys - a[1] - t * dy) <= BRUSH
    return covered


def _seconds(route):
    """The estimate the shortcuts are chosen by: metres at cruise, seconds per radian of sharp turns."""
    seconds = sum(math.dist(a, b) for a, b in itertools.pairwise(route)) / COST.cruise
    for a, b, c in zip(route, route[1:], route[2:], strict=False):
        turn = wrap_angle(math.atan2(c[1] - b[1], c[0] - b[0]) - math.atan2(b[1] - a[1], b[0] - a[0]))
        seconds += COST.turn(turn)
    return seconds


def _sharp_turns(route):
    return sum(
        1
        for a, b, c in zip(route, route[1:], route[2:], strict=False)
        if abs(wrap_angle(math.atan2(c[1] - b[1], c[0] - b[0]) - math.atan2(b[1] - a[1], b[0] - a[0]))) > COST.sharp
    )


def _cut(grid, traversable, reachable, route):
    footprint = route_footprint([route], route[0], grid, reachable, BRUSH)
    return shortcut(route, None, footprint, lambda a, b: on_cells(traversable, grid, [a, b]), COST)


def test_the_step_from_a_loop_to_the_one_inside_it_is_cut_into_a_spiral_at_no_cost_of_floor():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 4.5, 3.5)]})
    traversable = inflate(grid, CONFIG.clearance)
    # Three loops a swath apart, each closed where it began, then a step in to the next.
    route = []
    for k in range(3):
        lo, right, top = 0.72 + k * CONFIG.swath, 4.28 - k * CONFIG.swath, 3.28 - k * CONFIG.swath
        route += [(lo, lo), (right, lo), (right, top), (lo, top), (lo, lo)]
    floor = (grid.cells == FREE) & (grid.room_ids == 0)
    reachable = _swept(grid, route) & floor
    cut = _cut(grid, traversable, reachable, route)
    # The middle loop no longer closes and steps in: it turns onto the inner one, a corner fewer.
    # (The outer one must close: only its start sweeps the floor by the wall before it.)
    assert _sharp_turns(cut) < _sharp_turns(route)
    assert _seconds(cut) < _seconds(route) - 1.0
    assert on_cells(traversable, grid, cut)
    # Every floor cell the two loops swept is still swept (on 5 cm cells; the check is on 2.5 cm ones).
    lost = reachable & ~_swept(grid, cut)
    assert lost.sum() <= 0.002 * reachable.sum()


def test_a_shortcut_never_crosses_an_obstacles_margin():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 4.5, 3.5)]}, obstacles=[(2.0, 1.4, 3.0, 2.6)])
    traversable = inflate(grid, CONFIG.clearance)
    # Around the box's south side; nothing to clean, so only the box can stop a shortcut.
    route = [(1.4, 2.0), (1.6, 1.0), (3.4, 1.0), (3.6, 2.0)]
    nothing = np.zeros(grid.shape, dtype=bool)
    cut = _cut(grid, traversable, nothing, route)
    assert on_cells(traversable, grid, cut)
    assert _seconds(cut) <= _seconds(route)
    assert min(p[1] for p in cut) < 1.2  # still around the box, not through it


def test_floor_only_a_stretch_sweeps_keeps_that_stretch():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 4.5, 3.5)]})
    traversable = inflate(grid, CONFIG.clearance)
    floor = (grid.cells == FREE) & (grid.room_ids == 0)
    line = [(1.0, 1.0), (2.0, 1.0)]
    spur = [(2.0, 1.5), (2.0, 1.0)]  # out and back: 1 m of route, 2 stops and turns
    route = [*line, *spur, (3.0, 1.0)]
    # The spur's end is floor to clean: the robot must still go there.
    reachable = _swept(grid, route) & floor
    assert (2.0, 1.5) in _cut(grid, traversable, reachable, route)
    # Only the straight line's floor to clean: the spur goes.
    reachable = _swept(grid, [(1.0, 1.0), (3.0, 1.0)]) & floor
    cut = _cut(grid, traversable, reachable, route)
    assert (2.0, 1.5) not in cut
    assert sum(math.dist(a, b) for a, b in itertools.pairwise(cut)) == 2.0


def test_a_corner_of_two_gentle_bends_is_cut_where_its_outside_is_no_floor_of_its_own():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 4.5, 3.5)]})
    traversable = inflate(grid, CONFIG.clearance)
    turn = math.radians(40)  # a stop and a turn on the spot; cut across, two bends of ~20 degrees
    route = [(1.0, 1.5), (2.0, 1.5), (2.0 + math.cos(turn), 1.5 + math.sin(turn))]
    assert _sharp_turns(route) == 1
    nothing = np.zeros(grid.shape, dtype=bool)
    cut = _cut(grid, traversable, nothing, route)
    assert _sharp_turns(cut) == 0
    assert _seconds(cut) < _seconds(route) - 0.2


def test_a_shorter_way_across_a_u_turn_is_taken_only_when_the_planner_allows_a_slower_one():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 4.5, 3.5)]})
    traversable = inflate(grid, CONFIG.clearance)
    floor = (grid.cells == FREE) & (grid.room_ids == 0)
    # Two lanes joined by a half circle of gentle bends: driven through, no stop. Only the lanes'
    # floor is to be cleaned, so straight across the U sweeps all of it on up to 0.34 m less
    # route, but with two stops and turns.
    u_turn = [(3.0 + 0.3 * math.sin(k * math.pi / 12), 1.3 - 0.3 * math.cos(k * math.pi / 12)) for k in range(13)]
    route = [(1.0, 1.0), *u_turn, (1.0, 1.6)]
    reachable = (_swept(grid, [(1.0, 1.0), (3.0, 1.0)]) | _swept(grid, [(3.0, 1.6), (1.0, 1.6)])) & floor
    footprint = route_footprint([route], route[0], grid, reachable, BRUSH)
    assert _cut(grid, traversable, reachable, route) == route  # slower by the estimate: kept
    lenient = TurnCost(COST.cruise, COST.per_rad, COST.sharp, slower_allowed=0.5)
    cut = shortcut(route, None, footprint, lambda a, b: on_cells(traversable, grid, [a, b]), lenient)
    length = sum(math.dist(a, b) for a, b in itertools.pairwise(cut))
    assert length < sum(math.dist(a, b) for a, b in itertools.pairwise(route)) - 0.2
    assert not (reachable & ~_swept(grid, cut)).any()
    assert on_cells(traversable, grid, cut)
