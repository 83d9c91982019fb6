"""The cleaning job on a kinematic robot: obstacles off the map, bumps, pause, resume, cancel, refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.job import Outcome, Sense, clean_job, go_to_job
from llmos_robot.coverage.planner import CoveragePlanner
from llmos_robot.coverage.session import CleanRequest, plan_clean, start_clean, start_go_to
from llmos_robot.world.geometry import Pose2D

from .helpers import KinematicRobot, box_scan, grid_from_rooms

ANGLES = np.linspace(0.0, 2 * math.pi, 360, endpoint=False)
DT = 0.05


def run(job, robot, until, box=None, bump_at=None, t=0.0, limit=240.0):
    """Step job and robot together; returns (time, list of commands)."""
    commands = []
    while not until(job, robot, t) and t < limit and not job.finished:
        scan = box_scan(robot.pose, box, ANGLES) if box is not None else None
        bumped = bump_at is not None and bump_at(robot.pose, t)
        sense = Sense(robot.pose, bumped, 0.0, scan, ANGLES if scan is not None else None)
        command = job.step(sense, t)
        commands.append(command)
        robot.move(*command, DT)
        t += DT
    return t, commands


def corridor():
    return grid_from_rooms({"corridor": [(0.5, 0.5, 6.5, 1.7)]}, size=(7.0, 2.2))


def test_a_small_room_is_cleaned_nearly_completely_on_a_perfect_robot():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 3.0, 2.5)]}, size=(3.5, 3.0))
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(1.0, 1.0))
    job = clean_job(planner, planner.plan_room("room", robot.pose), 0.0)
    run(job, robot, lambda j, r, t: False)
    assert job.result is not None and job.result.outcome is Outcome.COMPLETED
    assert job.result.coverage >= 0.96  # a round brush leaves scallops between lane ends at the walls
    assert job.result.collisions == 0
    assert f"{job.result.coverage:.0%}" in job.result.sentence
    assert job.result.path_length_m > 5.0


def test_commands_respect_speed_and_acceleration_limits():
    grid = corridor()
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(0.8, 1.1))
    job = go_to_job(planner, Pose2D(6.0, 1.1), "the end", robot.pose, 0.0)
    _, commands = run(job, robot, lambda j, r, t: False)
    cfg = CoverageConfig()
    linear = np.array([c[0] for c in commands])
    assert job.result.outcome is Outcome.COMPLETED
    assert np.abs(linear).max() <= cfg.cruise_speed + 1e-9
    steps = np.abs(np.diff(linear))
    # Within the acceleration limit, except the final stop from a crawl (< 0.05 m/s) at the goal.
    assert steps[:-3].max() <= cfg.linear_acceleration * DT + 1e-9
    assert np.abs(linear[-4:]).max() < 0.05 + cfg.linear_acceleration * DT
    assert robot.pose.distance_to(Pose2D(6.0, 1.1)) < 0.1


def test_with_a_wheel_speed_limit_no_command_asks_a_wheel_for_more():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 3.0, 2.5)]}, obstacles=[(1.6, 1.3, 1.9, 1.6)], size=(3.5, 3.0))
    cfg = CoverageConfig(wheel_speed_limit=0.26)
    planner = CoveragePlanner(grid, cfg)
    robot = KinematicRobot(Pose2D(1.0, 1.0))
    job = clean_job(planner, planner.plan_room("room", robot.pose), 0.0, cfg)
    _, commands = run(job, robot, lambda j, r, t: False)
    assert job.result is not None and job.result.outcome is Outcome.COMPLETED
    wheels = [abs(v) + abs(w) * cfg.wheel_separation / 2 for v, w in commands]
    assert max(wheels) <= 0.26 + 1e-9
    assert max(abs(v) for v, _ in commands) > 0.25  # still at full speed where it goes straight


def test_follower_stops_before_a_box_that_is_not_on_the_map_and_then_goes_around():
    grid = grid_from_rooms({"hall": [(0.5, 0.5, 6.5, 3.5)]}, size=(7.0, 4.0))
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(1.0, 2.0))
    box = (3.0, 1.8, 3.4, 2.2)  # straight across the path, not on the map
    job = go_to_job(planner, Pose2D(5.5, 2.0), "the far side", robot.pose, 0.0)
    closest = []

    def watch(j, r, t):
        gap = math.hypot(max(box[0] - r.pose.x, 0, r.pose.x - box[2]), max(box[1] - r.pose.y, 0, r.pose.y - box[3]))
        closest.append(gap)
        return False

    run(job, robot, watch, box=box)
    assert job.result.outcome is Outcome.COMPLETED  # it planned around the box
    assert min(closest) > 0.17  # never touched it: the body is 0.17 m around the centre
    assert planner.extra_obstacles.any()  # the box went on the map
    assert robot.pose.distance_to(Pose2D(5.5, 2.0)) < 0.1


def test_follower_holds_still_while_the_box_is_there_waiting_for_it_to_clear():
    grid = corridor()
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(1.0, 1.1))
    job = go_to_job(planner, Pose2D(6.0, 1.1), "the end", robot.pose, 0.0)
    box = (2.5, 0.5, 2.9, 1.7)  # blocks the whole corridor
    run(job, robot, lambda j, r, t: t > 20.0, box=box)
    assert robot.pose.x < 2.5 - 0.17  # stopped short of it
    assert robot.pose.x > 2.5 - CoverageConfig().obstacle_stop_distance - 0.1  # but got close
    assert job.finished  # no way around: it says so instead of pushing
    assert job.result.outcome is Outcome.UNREACHABLE


def test_a_bump_backs_off_counts_a_collision_and_carries_on():
    grid = corridor()
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(1.0, 1.1))
    job = go_to_job(planner, Pose2D(6.0, 1.1), "the end", robot.pose, 0.0)
    bumped = []

    def bump(pose, t):
        if 2.0 < t < 2.1:
            bumped.append(t)
            return True
        return False

    _, commands = run(job, robot, lambda j, r, t: False, bump_at=bump)
    assert bumped
    assert any(c[0] < 0 for c in commands)  # it reversed
    assert job.result.collisions == 1
    assert job.result.outcome is Outcome.COMPLETED


def test_pause_holds_resume_continues_cancel_stops_now_with_partial_figures():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 4.0, 3.0)]}, size=(4.5, 3.5))
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(1.0, 1.0))
    job = clean_job(planner, planner.plan_room("room", robot.pose), 0.0)
    t, _ = run(job, robot, lambda j, r, t: t >= 10.0)
    job.pause(t)
    held = robot.pose
    t, commands = run(job, robot, lambda j, r, tt: tt >= t + 3.0, t=t)
    assert all(c == (0.0, 0.0) for c in commands) and robot.pose == held
    assert job.feedback(t).state == "paused"
    job.resume(t)
    t, commands = run(job, robot, lambda j, r, tt: tt >= t + 5.0, t=t)
    assert robot.pose.distance_to(held) > 0.2
    partial = job.tracker.cleaned_fraction
    assert 0.05 < partial < 0.9
    result = job.cancel(t)
    assert result.outcome is Outcome.CANCELLED
    assert result.coverage == pytest.approx(partial)
    assert result.duration_s == pytest.approx(t - 3.0, abs=0.2)  # paused time does not count
    assert job.step(Sense(robot.pose), t + DT) == (0.0, 0.0)
    feedback = job.feedback(t)
    assert feedback.remaining_s == 0.0


def test_feedback_estimates_shrink_as_the_room_gets_cleaned():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 4.0, 3.0)]}, size=(4.5, 3.5))
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(1.0, 1.0))
    job = clean_job(planner, planner.plan_room("room", robot.pose), 0.0)
    first = job.feedback(0.0, robot.pose)
    t, _ = run(job, robot, lambda j, r, t: t >= 20.0)
    later = job.feedback(t, robot.pose)
    assert first.remaining_s > later.remaining_s > 0
    assert later.coverage > first.coverage and later.area_m2 > 0
    assert later.elapsed_s == pytest.approx(t, abs=DT)


def test_requests_that_cannot_be_done_are_refused_with_a_reason(house):
    from llmos_robot.world import rasterise

    planner = CoveragePlanner(rasterise(house))
    unknown = start_clean(house, planner, CleanRequest(room="garage"), house.spawn, 0.0)
    assert unknown.outcome is Outcome.UNKNOWN_ROOM and "kitchen" in unknown.sentence
    outside = start_clean(house, planner, CleanRequest(room="kitchen"), Pose2D(50.0, 50.0), 0.0)
    assert outside.outcome is Outcome.REFUSED and "outside the map" in outside.sentence
    bad_spot = plan_clean(house, planner, CleanRequest(spot_x=2.0, spot_y=5.0, spot_radius=-1.0), house.spawn)
    assert bad_spot.outcome is Outcome.REFUSED
    spot_off_map = plan_clean(house, planner, CleanRequest(spot_x=99.0, spot_y=5.0, spot_radius=0.5), house.spawn)
    assert spot_off_map.outcome is Outcome.REFUSED
    nowhere = start_go_to(house, planner, "attic", house.spawn, house.spawn, 0.0)
    assert nowhere.outcome is Outcome.UNKNOWN_ROOM and "sofa" in nowhere.sentence
    dock = start_go_to(house, planner, "dock", house.spawn, house.spawn, 0.0)
    assert not hasattr(dock, "outcome") and dock.final_yaw == pytest.approx(house.dock.yaw)


def test_an_unreachable_room_leaves_the_robot_where_it_is():
    grid = grid_from_rooms({"hall": [(0.5, 0.5, 2.5, 5.5)], "closet": [(2.6, 0.5, 5.5, 5.5)]})
    from llmos_robot.world.model import Room, World

    world = World("t", None, None, {n: Room(n, ((0, 0), (1, 0), (1, 1))) for n in ("hall", "closet")}, {},
                  Pose2D(0, 0), Pose2D(0, 0), None, [])  # fmt: skip
    result = start_clean(world, CoveragePlanner(grid), CleanRequest(room="closet"), Pose2D(1.0, 1.0), 0.0)
    assert result.outcome is Outcome.UNREACHABLE
    assert "stayed where I am" in result.sentence


def test_a_stuck_robot_backs_off_and_gives_up_after_repeated_tries():
    grid = corridor()
    planner = CoveragePlanner(grid)
    pose = Pose2D(1.0, 1.1)
    job = go_to_job(planner, Pose2D(6.0, 1.1), "the end", pose, 0.0)
    t, reversed_at = 0.0, []
    while not job.finished and t < 400.0:
        linear, _ = job.step(Sense(pose), t)  # the wheels spin, the robot does not move
        if linear < 0:
            reversed_at.append(t)
        t += DT
    cfg = CoverageConfig()
    assert reversed_at and reversed_at[0] >= cfg.stuck_time  # tried first, then backed off
    assert job.result.outcome is Outcome.FAILED and "stuck" in job.result.sentence


def test_a_robot_held_still_for_a_while_backs_off_and_still_cleans_the_rest_of_the_room():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 3.0, 2.5)]}, size=(3.5, 3.0))
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(1.0, 1.0))
    job = clean_job(planner, planner.plan_room("room", robot.pose), 0.0)
    held = (10.0, 10.0 + CoverageConfig().stuck_time + 2.0)  # caught on something: it turns, goes nowhere
    t = 0.0
    while not job.finished and t < 300.0:
        linear, angular = job.step(Sense(robot.pose), t)
        robot.move(0.0 if held[0] <= t < held[1] else linear, angular, DT)
        t += DT
    assert job.result is not None and job.result.outcome is Outcome.COMPLETED
    assert any("stuck" in note for note in job.result.notes)
    assert job.result.coverage >= 0.95  # the rest of the room was still swept


def test_sweeps_and_paths_keep_out_of_no_go_zones():
    grid = grid_from_rooms({"room": [(0.5, 0.5, 5.5, 3.5)]}, size=(6.0, 4.0))
    ys, xs = (np.mgrid[0 : grid.shape[0], 0 : grid.shape[1]] + 0.5) * grid.resolution
    grid.no_go[(xs >= 2.5) & (xs < 3.5) & (ys >= 0.5) & (ys < 2.5)] = True  # a pet bowl corner
    planner = CoveragePlanner(grid)
    plan = planner.plan_room("room", Pose2D(1.0, 1.0))

    def to_zone(x, y):
        return math.hypot(max(2.5 - x, 0, x - 3.5), max(0.5 - y, 0, y - 2.5))

    assert min(to_zone(x, y) for sweep in plan.sweeps for x, y in sweep) >= 0.17
    robot = KinematicRobot(Pose2D(1.0, 1.0))
    job = go_to_job(planner, Pose2D(5.0, 1.0), "the far corner", robot.pose, 0.0)
    path = []
    while not job.finished:
        robot.move(*job.step(Sense(robot.pose), len(path) * DT), DT)
        path.append(robot.pose)
    assert job.result.outcome is Outcome.COMPLETED
    assert min(to_zone(p.x, p.y) for p in path) >= 0.17  # the body never overlaps the zone


def test_feedback_says_it_is_on_its_way_until_the_first_sweep_then_never_again():
    # A hall leading to a room: the robot starts in the hall, 2.5 m from the room's floor.
    grid = grid_from_rooms({"hall": [(0.5, 0.5, 3.0, 1.5)], "room": [(3.0, 0.5, 5.5, 3.0)]})
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(0.8, 1.0))
    job = clean_job(planner, planner.plan_room("room", robot.pose), 0.0)
    states = []

    def record(j, r, t):
        states.append(j.feedback(t).state)
        return False

    run(job, robot, record)
    assert job.result is not None and job.result.outcome is Outcome.COMPLETED
    first_clean = states.index("cleaning")
    assert first_clean > 0 and set(states[:first_clean]) == {"driving to the start"}
    assert "driving to the start" not in states[first_clean:]
