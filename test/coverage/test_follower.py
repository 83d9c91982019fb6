"""Driving the lanes: the brush gets to the very end of every lane."""

from __future__ import annotations

import itertools
import math

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.job import Sense, clean_job
from llmos_robot.coverage.planner import CoveragePlanner
from llmos_robot.world.geometry import Pose2D

from .helpers import KinematicRobot, grid_from_rooms

DT = 0.05


def test_the_robot_drives_to_the_end_of_each_lane_not_a_few_centimetres_short():
    grid = grid_from_rooms({"corridor": [(0.5, 0.5, 4.5, 1.7)]}, size=(5.0, 2.2))
    planner = CoveragePlanner(grid)
    robot = KinematicRobot(Pose2D(1.0, 1.1))
    plan = planner.plan_room("corridor", robot.pose)
    job = clean_job(planner, plan, 0.0)
    xs, t = [], 0.0
    while not job.finished and t < 300.0:
        robot.move(*job.step(Sense(robot.pose), t), DT)
        xs.append(robot.pose.x)
        t += DT
    ends = [x for sweep in plan.sweeps for x, _ in sweep]
    tolerance = CoverageConfig().corner_tolerance
    assert max(xs) >= max(ends) - tolerance - 0.005
    assert min(xs) <= min(ends) + tolerance + 0.005


def test_a_rounded_corner_is_driven_through_and_a_sharp_one_is_stopped_at():
    from llmos_robot.coverage.follower import RouteFollower
    from llmos_robot.coverage.rounding import corner_arc

    corner = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]
    cfg = CoverageConfig()

    def slowest_near_corner(points):
        robot = KinematicRobot(Pose2D(0.0, 0.0))
        follower = RouteFollower(
            points, cfg.cruise_speed, cfg.max_angular, cfg.lookahead, cfg.turn_in_place_above,
            cfg.corner_tolerance, cfg.linear_acceleration, cfg.angular_acceleration,
        )  # fmt: skip
        speeds, t = [], 0.0
        while not follower.done and t < 30.0:
            linear, angular = follower.command(robot.pose)
            robot.move(linear, angular, DT)
            if abs(robot.pose.x - 1.0) + abs(robot.pose.y) < 0.3:
                speeds.append(linear)
            t += DT
        assert follower.done and robot.pose.distance_to(Pose2D(1.0, 1.0)) < 0.05
        return min(speeds), t

    sharp_speed, sharp_time = slowest_near_corner(corner)
    # The planner's arc (turn_radius): at the turning limit it allows ~0.9 x 1.8 rad/s x 0.16 m.
    arc = corner_arc(*corner, CoverageConfig().turn_radius)
    assert arc is not None
    round_speed, round_time = slowest_near_corner([corner[0], *arc, corner[2]])
    assert sharp_speed == 0.0  # stops and turns on the spot
    assert round_speed > 0.2  # keeps rolling through the arc
    assert round_time < sharp_time - 0.5


def test_with_a_wheel_speed_limit_bends_slow_down_so_neither_wheel_exceeds_it():
    from llmos_robot.coverage.follower import RouteFollower
    from llmos_robot.coverage.rounding import corner_arc

    cfg = CoverageConfig()
    corner = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]
    arc = corner_arc(*corner, cfg.turn_radius)
    assert arc is not None
    points = [corner[0], *arc, corner[2]]

    def drive(wheel_limit):
        robot = KinematicRobot(Pose2D(0.0, 0.0))
        follower = RouteFollower(
            points, cfg.cruise_speed, cfg.max_angular, cfg.lookahead, cfg.turn_in_place_above,
            cfg.corner_tolerance, cfg.linear_acceleration, cfg.angular_acceleration,
            wheel_limit, cfg.wheel_separation,
        )  # fmt: skip
        fastest_wheel, slowest_on_arc, t = 0.0, 1.0, 0.0
        while not follower.done and t < 30.0:
            linear, angular = follower.command(robot.pose)
            robot.move(linear, angular, DT)
            fastest_wheel = max(fastest_wheel, abs(linear) + abs(angular) * cfg.wheel_separation / 2)
            if robot.pose.x > 0.9 and robot.pose.y < 0.1:
                slowest_on_arc = min(slowest_on_arc, linear)
            t += DT
        assert follower.done and robot.pose.distance_to(Pose2D(1.0, 1.0)) < 0.05
        return fastest_wheel, slowest_on_arc

    free_wheel, _ = drive(0.0)
    assert free_wheel > 0.4  # the body's limits alone: the outer wheel near 0.5 m/s on the arc
    limited_wheel, limited_speed = drive(0.26)
    assert limited_wheel <= 0.26 + 1e-9
    assert limited_speed > 0.05  # slower, but still driven through rather than stopped at


def test_leaving_a_corner_turned_short_the_robot_keeps_close_to_the_path():
    from llmos_robot.coverage.follower import RouteFollower
    from llmos_robot.coverage.masks import project_on_segment

    cfg = CoverageConfig()
    corner = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]
    for wheel_limit in (0.0, 0.26):
        robot = KinematicRobot(Pose2D(0.0, 0.0))
        follower = RouteFollower(
            corner, cfg.cruise_speed, cfg.max_angular, cfg.lookahead, cfg.turn_in_place_above,
            cfg.corner_tolerance, cfg.linear_acceleration, cfg.angular_acceleration,
            wheel_limit, cfg.wheel_separation, cfg.rotate_until,
        )  # fmt: skip
        worst, t = 0.0, 0.0
        while not follower.done and t < 30.0:
            robot.move(*follower.command(robot.pose), DT)
            here = (robot.pose.x, robot.pose.y)
            off = min(math.dist(here, project_on_segment(a, b, here)) for a, b in itertools.pairwise(corner))
            worst = max(worst, off)
            t += DT
        assert follower.done
        # The turn on the spot ends 0.7 rad short of the way on; the rest is turned driving off,
        # tightly: within the 5 cm the clearance leaves beyond the robot's body, with room to spare.
        assert worst < 0.025, (wheel_limit, worst)
