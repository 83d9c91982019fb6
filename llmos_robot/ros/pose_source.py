"""Where a node that places things on the map takes the robot's pose from (its `localisation` parameter).

odometry      /odom, dead reckoning from the world's spawn pose: drifts with wheel slip
map           /localised_pose from the `localiser` node (odometry corrected by the lidar on the map)
ground_truth  /sim/ground_truth, the embedded simulator's true pose
"""

from __future__ import annotations

from collections.abc import Callable

from nav_msgs.msg import Odometry as OdometryMsg

from llmos_robot.errors import ParameterError
from llmos_robot.ros import conversions as conv
from llmos_robot.world import Pose2D

TOPICS = {"odometry": "odom", "map": "localised_pose", "ground_truth": "sim/ground_truth"}


def checked_localisation(value: str) -> str:
    if value not in TOPICS:
        raise ParameterError(f"localisation must be one of {', '.join(repr(k) for k in TOPICS)}, got {value!r}")
    return value


def pose_reader(localisation: str, spawn: Pose2D) -> tuple[str, Callable[[OdometryMsg], Pose2D]]:
    """The topic to subscribe to and how to turn its messages into a map-frame pose."""
    topic = TOPICS[checked_localisation(localisation)]
    if localisation == "odometry":
        return topic, lambda msg: spawn.compose(conv.pose2d_from_odometry_msg(msg))
    return topic, conv.pose2d_from_odometry_msg
