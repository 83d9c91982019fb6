"""Gazebo's contact points become a bumper state with the direction of the touch."""

import math

import pytest

from llmos_robot.sim.contact_bumper import ContactBumper
from llmos_robot.world.geometry import Pose2D


def test_pressed_while_contacts_are_recent_then_released():
    bumper = ContactBumper(hold=0.15)
    assert not bumper.reading(0.0, Pose2D(0, 0, 0)).pressed
    bumper.touched(1.0, [(0.17, 0.0)])
    assert bumper.reading(1.1, Pose2D(0, 0, 0)).pressed
    assert not bumper.reading(1.2, Pose2D(0, 0, 0)).pressed
    bumper.touched(1.3, [])  # no points: not a touch
    assert not bumper.reading(1.3, Pose2D(0, 0, 0)).pressed


def test_contact_direction_is_in_the_robot_frame():
    bumper = ContactBumper()
    robot = Pose2D(2.0, 1.0, math.pi / 2)  # facing north
    bumper.touched(0.0, [(1.83, 1.0), (1.83, 1.02)])  # west of it: on its left
    reading = bumper.reading(0.05, robot)
    assert reading.pressed
    assert reading.contact_angle == pytest.approx(math.pi / 2, abs=0.1)
    assert bumper.reading(0.05, None).contact_angle == 0.0  # no pose: assume ahead
