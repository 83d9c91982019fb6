"""Conversions between core types and ROS messages, one function per direction.

`*_to_msg` builds a message from core values; `*_from_msg` reads one back. No logic beyond
unit and frame bookkeeping lives here.
"""

from __future__ import annotations

import math

import numpy as np
from builtin_interfaces.msg import Time
from geometry_msgs.msg import Pose, Twist, TwistStamped
from llmos_interfaces.msg import Bumper
from nav_msgs.msg import OccupancyGrid as OccupancyGridMsg
from nav_msgs.msg import Odometry as OdometryMsg
from numpy.typing import NDArray
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import CameraInfo, Image, Imu, LaserScan

from llmos_robot.sim.simulator import BumperReading, ImuReading, Odometry
from llmos_robot.world.geometry import Pose2D, yaw_to_quaternion
from llmos_robot.world.grid import OccupancyGrid
from llmos_robot.world.sdf import CameraSpec, LidarSpec


def time_to_msg(seconds: float) -> Time:
    whole = math.floor(seconds)
    nanoseconds = round((seconds - whole) * 1e9)
    if nanoseconds >= 1_000_000_000:
        whole, nanoseconds = whole + 1, nanoseconds - 1_000_000_000
    return Time(sec=int(whole), nanosec=nanoseconds)


def time_from_msg(stamp: Time) -> float:
    return float(stamp.sec + stamp.nanosec * 1e-9)


def clock_to_msg(seconds: float) -> Clock:
    return Clock(clock=time_to_msg(seconds))


def twist_from_msg(msg: Twist | TwistStamped) -> tuple[float, float]:
    """(linear x, angular z) of a Twist or TwistStamped; other axes are ignored by a planar base."""
    twist = msg.twist if isinstance(msg, TwistStamped) else msg
    return (float(twist.linear.x), float(twist.angular.z))


def twist_to_msg(
    linear: float, angular: float, stamp: float | None = None, frame_id: str = "base_link"
) -> TwistStamped:
    msg = TwistStamped()
    if stamp is not None:
        msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.twist.linear.x = float(linear)
    msg.twist.angular.z = float(angular)
    return msg


def pose2d_from_odometry_msg(msg: OdometryMsg) -> Pose2D:
    return pose2d_from_pose_msg(msg.pose.pose)


def pose2d_from_pose_msg(p: Pose) -> Pose2D:
    """The floor-plane pose of a geometry_msgs/Pose: x, y and the yaw of its orientation."""
    q = p.orientation
    yaw = math.atan2(2.0 * (q.w * q.z + q.x * q.y), 1.0 - 2.0 * (q.y * q.y + q.z * q.z))
    return Pose2D(p.position.x, p.position.y, yaw)


def odometry_to_msg(odometry: Odometry, stamp: float, frame_id: str, child_frame_id: str) -> OdometryMsg:
    msg = OdometryMsg()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.child_frame_id = child_frame_id
    pose = odometry.pose
    msg.pose.pose.position.x = pose.x
    msg.pose.pose.position.y = pose.y
    w, x, y, z = yaw_to_quaternion(pose.yaw)
    msg.pose.pose.orientation.w, msg.pose.pose.orientation.x = w, x
    msg.pose.pose.orientation.y, msg.pose.pose.orientation.z = y, z
    msg.twist.twist.linear.x = odometry.linear
    msg.twist.twist.angular.z = odometry.angular
    return msg


def scan_to_msg(ranges: NDArray[np.float32], lidar: LidarSpec, stamp: float, frame_id: str) -> LaserScan:
    msg = LaserScan()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.angle_min = lidar.min_angle
    msg.angle_max = lidar.max_angle
    msg.angle_increment = (lidar.max_angle - lidar.min_angle) / max(lidar.samples - 1, 1)
    msg.scan_time = 1.0 / lidar.rate_hz
    msg.time_increment = 0.0  # all beams are cast at one instant
    msg.range_min = lidar.range_min
    msg.range_max = lidar.range_max
    msg.ranges = ranges.astype(np.float32).tolist()
    return msg


def scan_from_msg(msg: LaserScan) -> tuple[NDArray[np.float32], NDArray[np.float64]]:
    """(ranges, beam angles) of a LaserScan."""
    ranges = np.asarray(msg.ranges, dtype=np.float32)
    angles = msg.angle_min + msg.angle_increment * np.arange(len(ranges))
    return ranges, angles


def imu_to_msg(imu: ImuReading, stamp: float, frame_id: str) -> Imu:
    msg = Imu()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    o = msg.orientation
    o.w, o.x, o.y, o.z = imu.orientation_wxyz
    av = msg.angular_velocity
    av.x, av.y, av.z = imu.angular_velocity
    la = msg.linear_acceleration
    la.x, la.y, la.z = imu.linear_acceleration
    return msg


def image_to_msg(image: NDArray[np.uint8], stamp: float, frame_id: str) -> Image:
    """An (H, W, 3) RGB array as a sensor_msgs/Image in rgb8."""
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 RGB image, got {image.shape} {image.dtype}")
    msg = Image()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.height, msg.width = int(image.shape[0]), int(image.shape[1])
    msg.encoding = "rgb8"
    msg.is_bigendian = 0
    msg.step = msg.width * 3
    msg.data = np.ascontiguousarray(image).tobytes()
    return msg


def image_from_msg(msg: Image) -> NDArray[np.uint8]:
    """An rgb8 / bgr8 sensor_msgs/Image as an (H, W, 3) RGB array; ValueError for anything else."""
    if msg.encoding not in ("rgb8", "bgr8"):
        raise ValueError(f"unsupported image encoding {msg.encoding!r} (expected rgb8 or bgr8)")
    expected = msg.height * msg.step
    if msg.height == 0 or msg.width == 0 or len(msg.data) < expected or msg.step < msg.width * 3:
        raise ValueError(f"malformed image: {msg.width}x{msg.height}, step {msg.step}, {len(msg.data)} bytes")
    rows = np.frombuffer(bytes(msg.data), dtype=np.uint8)[:expected].reshape(msg.height, msg.step)
    image = rows[:, : msg.width * 3].reshape(msg.height, msg.width, 3)
    return image[:, :, ::-1].copy() if msg.encoding == "bgr8" else image.copy()


def camera_info_to_msg(camera: CameraSpec, stamp: float, frame_id: str) -> CameraInfo:
    """A pinhole model matching the simulated camera (square pixels, centred principal point)."""
    msg = CameraInfo()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.width, msg.height = camera.width, camera.height
    fx = camera.width / 2 / math.tan(camera.horizontal_fov / 2)
    cx, cy = camera.width / 2, camera.height / 2
    msg.distortion_model = "plumb_bob"
    msg.d = [0.0] * 5
    msg.k = [fx, 0.0, cx, 0.0, fx, cy, 0.0, 0.0, 1.0]
    msg.r = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    msg.p = [fx, 0.0, cx, 0.0, 0.0, fx, cy, 0.0, 0.0, 0.0, 1.0, 0.0]
    return msg


def bumper_to_msg(bumper: BumperReading, stamp: float, frame_id: str) -> Bumper:
    msg = Bumper()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.pressed = bumper.pressed
    msg.contact_angle = float(bumper.contact_angle)
    return msg


def bumper_from_msg(msg: Bumper) -> BumperReading:
    return BumperReading(bool(msg.pressed), float(msg.contact_angle))


def grid_to_msg(grid: OccupancyGrid, stamp: float, frame_id: str = "map") -> OccupancyGridMsg:
    msg = OccupancyGridMsg()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.info.map_load_time = time_to_msg(stamp)
    msg.info.resolution = float(grid.resolution)
    rows, cols = grid.shape
    msg.info.width, msg.info.height = cols, rows
    msg.info.origin.position.x, msg.info.origin.position.y = grid.origin
    msg.info.origin.orientation.w = 1.0
    msg.data = grid.cells.astype(np.int8).flatten().tolist()
    return msg


def grid_cells_from_msg(msg: OccupancyGridMsg) -> NDArray[np.int8]:
    """The (rows, cols) cell values of an OccupancyGrid message, row 0 at the origin."""
    return np.asarray(msg.data, dtype=np.int8).reshape(msg.info.height, msg.info.width)
