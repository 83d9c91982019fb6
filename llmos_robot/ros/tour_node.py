"""The `tour` node: drives the robot to a list of named places over /cmd_vel.

Subscribes:
  /odom      nav_msgs/Odometry          the robot's odometry (odom frame anchored at the world's spawn pose)
  /sim/ground_truth  nav_msgs/Odometry  instead of /odom when `localisation` is ground_truth
  /bumper    llmos_interfaces/Bumper    a bump makes it back off and re-plan
  /map       nav_msgs/OccupancyGrid     not needed: the map comes from the world file, like every part's
Publishes:
  /cmd_vel   geometry_msgs/TwistStamped (or Twist, see `cmd_vel_stamped`), 20 Hz
  /tour/status  std_msgs/String         "driving to <place>", "reached <place>", "done"
Parameters: world (path, default the package's house), places (names, in order; default all,
  then the dock), control_rate (Hz), cmd_vel_stamped, localisation ("odometry" or "ground_truth").

There is no localiser yet: with "odometry" the node dead-reckons from the spawn pose, which drifts
(wheel slip in turns) until, after tens of metres, it misjudges doorways; in simulation
"ground_truth" reads the simulator's true pose instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import rclpy
from geometry_msgs.msg import Twist, TwistStamped
from llmos_interfaces.msg import Bumper
from nav_msgs.msg import Odometry as OdometryMsg
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node
from std_msgs.msg import String

from llmos_robot.coverage.tour import Goal, Tour
from llmos_robot.errors import LlmosError
from llmos_robot.ros import conversions as conv
from llmos_robot.world import default_world_path, load_world, rasterise
from llmos_robot.world.geometry import Pose2D


class TourNode(Node):
    def __init__(self, on_done: Callable[[Tour], None] | None = None, **kwargs: object) -> None:
        super().__init__("tour", **kwargs)  # type: ignore[arg-type]
        world_path = str(self.declare_parameter("world", "").value) or str(default_world_path())
        places = list(self.declare_parameter("places", [""]).value or [])
        rate = float(self.declare_parameter("control_rate", 20.0).value)
        stamped = bool(self.declare_parameter("cmd_vel_stamped", True).value)
        localisation = str(self.declare_parameter("localisation", "odometry").value)
        if localisation not in ("odometry", "ground_truth"):
            raise ValueError(f"localisation must be 'odometry' or 'ground_truth', got {localisation!r}")
        self.world = load_world(Path(world_path))
        names = [p for p in places if p] or list(self.world.places)
        goals = [
            Goal(self.world.place(n).name, (self.world.place(n).pose.x, self.world.place(n).pose.y)) for n in names
        ]
        if not [p for p in places if p]:
            goals.append(Goal("dock", (self.world.dock.x, self.world.dock.y)))
        self.tour = Tour(rasterise(self.world), goals)
        self._on_done = on_done
        self._stamped = stamped
        self._pose: Pose2D | None = None
        self._bumped = False
        self._announced: str | None = None
        self._cmd = self.create_publisher(TwistStamped if stamped else Twist, "cmd_vel", 10)
        self._status = self.create_publisher(String, "tour/status", 10)
        if localisation == "odometry":
            self.create_subscription(OdometryMsg, "odom", self._on_odom, 10)
        else:
            self.create_subscription(OdometryMsg, "sim/ground_truth", self._on_truth, 10)
        self.create_subscription(Bumper, "bumper", self._on_bumper, 10)
        self._timer = self.create_timer(1.0 / rate, self._control)
        self.get_logger().info(f"touring {len(goals)} places: {', '.join(g.name for g in goals)}")

    def _on_odom(self, msg: OdometryMsg) -> None:
        self._pose = self.world.spawn.compose(conv.pose2d_from_odometry_msg(msg))

    def _on_truth(self, msg: OdometryMsg) -> None:
        self._pose = conv.pose2d_from_odometry_msg(msg)

    def _on_bumper(self, msg: Bumper) -> None:
        self._bumped = self._bumped or bool(msg.pressed)

    def _control(self) -> None:
        if self._pose is None or self.tour.finished:
            return
        now = self.get_clock().now().nanoseconds * 1e-9
        reached = len(self.tour.reached)
        linear, angular = self.tour.step(self._pose, self._bumped, now)
        self._bumped = False
        self._publish(linear, angular, now)
        if len(self.tour.reached) > reached:
            self._say(f"reached {self.tour.reached[-1]}")
        current = self.tour.current
        if current is not None and current.name != self._announced:
            self._announced = current.name
            self._say(f"driving to {current.name}")
        if self.tour.finished:
            self._publish(0.0, 0.0, now)
            self._say("done")
            if self._on_done is not None:
                self._on_done(self.tour)

    def _publish(self, linear: float, angular: float, now: float) -> None:
        msg = conv.twist_to_msg(linear, angular, now)
        self._cmd.publish(msg if self._stamped else msg.twist)

    def _say(self, text: str) -> None:
        self._status.publish(String(data=text))
        self.get_logger().info(text)


def main(args: list[str] | None = None) -> None:
    rclpy.init(args=args)
    node = None
    try:
        node = TourNode()
        while rclpy.ok() and not node.tour.finished:
            rclpy.spin_once(node, timeout_sec=0.5)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    except LlmosError as err:
        print(f"tour: {err}")
        raise SystemExit(1) from err
    finally:
        if node is not None:
            node.destroy_node()
        rclpy.try_shutdown()


if __name__ == "__main__":
    main()
