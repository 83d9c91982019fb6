"""Message conversions: what goes in comes back out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmos_robot.ros import conversions as conv
from llmos_robot.sim.simulator import BumperReading, Odometry
from llmos_robot.world.geometry import Pose2D

pytestmark = pytest.mark.ros


def test_time_round_trip_and_carry():
    for seconds in (0.0, 1.5, 12345.000000001, 2.9999999999):
        assert conv.time_from_msg(conv.time_to_msg(seconds)) == pytest.approx(seconds, abs=1e-9)
    assert conv.time_to_msg(2.9999999999).nanosec < 1_000_000_000


def test_odometry_pose_round_trip():
    msg = conv.odometry_to_msg(Odometry(Pose2D(1.0, -2.0, 2.5), 0.2, -0.3), 3.0, "odom", "base_footprint")
    pose = conv.pose2d_from_odometry_msg(msg)
    assert (pose.x, pose.y) == (1.0, -2.0) and pose.yaw == pytest.approx(2.5)
    assert msg.twist.twist.linear.x == 0.2 and msg.twist.twist.angular.z == -0.3


def test_image_round_trip_and_bad_images(house):
    image = np.random.default_rng(0).integers(0, 255, (4, 6, 3), dtype=np.uint8)
    np.testing.assert_array_equal(conv.image_from_msg(conv.image_to_msg(image, 0.0, "cam")), image)
    msg = conv.image_to_msg(image, 0.0, "cam")
    msg.encoding = "mono16"
    with pytest.raises(ValueError, match="unsupported image encoding"):
        conv.image_from_msg(msg)
    msg = conv.image_to_msg(image, 0.0, "cam")
    msg.data = msg.data[:10]
    with pytest.raises(ValueError, match="malformed image"):
        conv.image_from_msg(msg)


def test_scan_keeps_rep117_infinities(house):
    lidar = house.robot().lidar
    ranges = np.full(lidar.samples, np.inf, dtype=np.float32)
    ranges[0], ranges[1] = 1.25, -np.inf
    msg = conv.scan_to_msg(ranges, lidar, 1.0, "base_scan")
    back, angles = conv.scan_from_msg(msg)
    assert back[0] == pytest.approx(1.25) and back[1] == -np.inf and math.isinf(back[2])
    assert angles[-1] == pytest.approx(lidar.max_angle)


def test_grid_round_trip(house_grid):
    msg = conv.grid_to_msg(house_grid, 0.0)
    np.testing.assert_array_equal(conv.grid_cells_from_msg(msg), house_grid.cells)
    assert (msg.info.origin.position.x, msg.info.origin.position.y) == house_grid.origin


def test_bumper_round_trip():
    reading = BumperReading(True, 0.4)
    assert conv.bumper_from_msg(conv.bumper_to_msg(reading, 1.0, "base_footprint")) == pytest.approx(reading)


def test_camera_info_focal_length_matches_the_field_of_view(house):
    camera = house.robot().camera
    msg = conv.camera_info_to_msg(camera, 0.0, camera.frame_id)
    assert 2 * math.atan(camera.width / 2 / msg.k[0]) == pytest.approx(camera.horizontal_fov)
