"""Driving the lanes: the brush gets to the very end of every lane."""

from __future__ import annotations

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
