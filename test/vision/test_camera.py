"""The pinhole model: pixels to floor points and back, as the sim's camera renders them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmos_robot.vision import PinholeCamera
from llmos_robot.vision.camera import from_map, to_map
from llmos_robot.world.geometry import Pose2D


@pytest.fixture
def camera():
    return PinholeCamera.from_pose(320, 240, 1.085, 0.118, 0.2, 0.165)


def test_floor_points_project_back_to_their_pixels(camera):
    for x, y in [(0.5, 0.0), (1.0, 0.3), (2.0, -0.5)]:
        u, v = camera.project(np.array([x, y, 0.0]))
        back = camera.floor_point(u, v)
        assert back == pytest.approx((x, y), abs=1e-6)


def test_things_to_the_left_appear_left_and_farther_ones_higher(camera):
    centre = camera.project(np.array([1.0, 0.0, 0.0]))
    left = camera.project(np.array([1.0, 0.3, 0.0]))
    far = camera.project(np.array([2.0, 0.0, 0.0]))
    assert left[0] < centre[0] and far[1] < centre[1]


def test_rays_above_the_horizon_never_meet_the_floor(camera):
    horizon = camera.horizon_row()
    assert 0 < horizon < camera.height / 2  # pitched down 0.2 rad: the horizon is in the upper half
    assert camera.floor_point(160, horizon - 2) is None
    assert camera.floor_point(160, horizon + 2) is not None


def test_map_and_base_frames_round_trip():
    pose = Pose2D(2.0, 3.0, math.pi / 2)
    assert to_map(pose, 1.0, 0.0) == pytest.approx((2.0, 4.0))
    assert from_map(pose, *to_map(pose, 0.4, -0.7)) == pytest.approx((0.4, -0.7))


def test_scaled_camera_sees_the_same_floor_point(camera):
    half = camera.scaled(0.5)
    u, v = camera.project(np.array([1.5, 0.2, 0.0]))
    assert half.floor_point(u / 2, v / 2) == pytest.approx(camera.floor_point(u, v), abs=1e-6)
