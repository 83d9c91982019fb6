"""The `gz_bumper` node (Gazebo stack): gz-sim's contact sensor in, our /bumper out.

Subscribes:
  /bumper_contact    ros_gz_interfaces/Contacts   from ros_gz_bridge; published only while touching
  /localised_pose    nav_msgs/Odometry            the robot's map pose, for the contact's direction
                                                  (/odom from the spawn pose when `localisation` is odometry)
Publishes:
  /bumper            llmos_interfaces/Bumper      at `rate` Hz: pressed while a contact is under `hold` s old
Parameters: world, localisation ("map" | "odometry"), rate, hold, frame_id.

The embedded simulator publishes /bumper itself; in Gazebo this node stands in for it, so the
coverage follower's back-off works the same on both.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from llmos_interfaces.msg import Bumper
from nav_msgs.msg import Odometry as OdometryMsg
from rclpy.node import Node

from llmos_robot.errors import RosPackageMissingError
from llmos_robot.ros import conversions as conv
from llmos_robot.ros.node_main import run_node
from llmos_robot.ros.pose_source import pose_reader
from llmos_robot.sim.contact_bumper import ContactBumper
from llmos_robot.world import Pose2D, default_world_path, load_world
from llmos_robot.world.geometry import Vec2


def contacts_type() -> Any:
    """ros_gz_interfaces/Contacts, which installs with Gazebo's ROS packages only."""
    try:
        return importlib.import_module("ros_gz_interfaces.msg").Contacts
    except ImportError as err:
        raise RosPackageMissingError("ros_gz_interfaces", "The Gazebo bumper adapter") from err


def contact_points(msg: Any) -> list[Vec2]:
    """The floor-plane points of every contact in a ros_gz_interfaces/Contacts message."""
    return [(float(p.x), float(p.y)) for contact in msg.contacts for p in contact.positions]


class GzBumperNode(Node):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("gz_bumper", **kwargs)  # type: ignore[arg-type]
        contacts = contacts_type()
        world_path = str(self.declare_parameter("world", "").value) or str(default_world_path())
        localisation = str(self.declare_parameter("localisation", "map").value)
        rate = float(self.declare_parameter("rate", 20.0).value)
        self.bumper = ContactBumper(hold=float(self.declare_parameter("hold", 0.15).value))
        self._frame = str(self.declare_parameter("frame_id", "base_footprint").value)
        topic, self._read_pose = pose_reader(localisation, load_world(Path(world_path)).spawn)
        self._pose: Pose2D | None = None
        self._publisher = self.create_publisher(Bumper, "bumper", 10)
        self.create_subscription(contacts, "bumper_contact", self._on_contacts, 10)
        self.create_subscription(OdometryMsg, topic, self._on_pose, 10)
        self.create_timer(1.0 / rate, self._publish)

    def _now(self) -> float:
        return float(self.get_clock().now().nanoseconds) * 1e-9

    def _on_pose(self, msg: OdometryMsg) -> None:
        self._pose = self._read_pose(msg)

    def _on_contacts(self, msg: Any) -> None:
        self.bumper.touched(self._now(), contact_points(msg))

    def _publish(self) -> None:
        now = self._now()
        self._publisher.publish(conv.bumper_to_msg(self.bumper.reading(now, self._pose), now, self._frame))


def main(args: list[str] | None = None) -> None:
    run_node("gz_bumper", GzBumperNode, args)


if __name__ == "__main__":
    main()
