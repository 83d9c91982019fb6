"""The random-bounce baseline: straight until something is close, then a random turn."""

from __future__ import annotations

import math

import numpy as np

from llmos_robot.coverage.bounce import RandomBounce
from llmos_robot.coverage.job import Sense
from llmos_robot.world.geometry import Pose2D

from .helpers import KinematicRobot, box_scan

ANGLES = np.linspace(0.0, 2 * math.pi, 360, endpoint=False)


def drive(bounce, robot, seconds, box=None):
    t = 0.0
    while t < seconds:
        scan = box_scan(robot.pose, box, ANGLES) if box else np.full(360, np.inf, dtype=np.float32)
        robot.move(*bounce.step(Sense(robot.pose, False, 0.0, scan, ANGLES), t), 0.05)
        t += 0.05


def test_bounce_turns_away_before_a_wall_it_sees():
    robot = KinematicRobot(Pose2D(1.0, 1.0, 0.0))
    wall = (2.0, -5.0, 2.2, 5.0)
    drive(RandomBounce(), robot, 20.0, box=wall)
    assert robot.pose.x < 2.0 - 0.17  # never touched it
    assert robot.pose.distance_to(Pose2D(1.0, 1.0)) > 0.5  # but kept moving


def test_bounce_stays_behind_a_virtual_wall():
    robot = KinematicRobot(Pose2D(1.0, 1.0, 0.0))
    positions = []
    bounce = RandomBounce(inside=lambda x, y: 0.0 <= x <= 3.0 and 0.0 <= y <= 3.0)
    for _ in range(10):
        drive(bounce, robot, 3.0)
        positions.append(robot.pose)
    assert all(-0.05 <= p.x <= 3.05 and -0.05 <= p.y <= 3.05 for p in positions)
    assert len({(round(p.x, 1), round(p.y, 1)) for p in positions}) > 3


def test_a_wedged_bounce_robot_that_cannot_turn_backs_off_instead_of_spinning_forever():
    bounce = RandomBounce()
    pose = Pose2D(1.0, 1.0, 0.0)  # it never moves: the wheels slip against furniture
    close = np.full(360, 0.2, dtype=np.float32)  # something close ahead, all the time
    commands = [bounce.step(Sense(pose, False, 0.0, close, ANGLES), 0.05 * i) for i in range(300)]
    assert commands[0][0] == 0.0 and commands[0][1] != 0.0  # it tries to turn first
    assert any(linear < 0.0 for linear, _ in commands)  # then backs off to get free
