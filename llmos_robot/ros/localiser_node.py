"""The `localiser` node: where the robot is on the house map, from /odom and /scan (Monte Carlo localisation).

Subscribes:
  /odom            nav_msgs/Odometry                        wheel odometry (odom frame, starts at the spawn pose)
  /scan            sensor_msgs/LaserScan                    the lidar; weighs the particles every
                                                            `update_min_distance` m or `update_min_angle` rad
  /initialpose     geometry_msgs/PoseWithCovarianceStamped  re-start from a pose (RViz's "2D Pose Estimate")
Publishes:
  /localised_pose  nav_msgs/Odometry                        the pose in the map frame, with covariance, at the
                                                            odometry's rate; coverage and vision read it when
                                                            their `localisation` is "map"
Parameters (config/localiser.yaml): world, initial_pose ("x y yaw"; empty = the world's spawn pose),
  particles, beams, hit_sigma, update_min_distance, update_min_angle, map_resolution, map_frame, base_frame.

Off the simulator nothing else knows the true pose: odometry alone drifts by a few centimetres
per metre, which after a room of lanes leaves stripes unswept. In the embedded stack the
simulator's ground truth is used instead unless the stack is told otherwise.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

from geometry_msgs.msg import PoseWithCovarianceStamped
from nav_msgs.msg import Odometry as OdometryMsg
from rclpy.node import Node
from sensor_msgs.msg import LaserScan

from llmos_robot.errors import LocalisationError, ParameterError
from llmos_robot.localisation import LocaliserConfig, localiser_for, odometry_delta
from llmos_robot.ros import conversions as conv
from llmos_robot.ros.node_main import run_node
from llmos_robot.sim.simulator import Odometry
from llmos_robot.world import Pose2D, default_world_path, load_world


@dataclass(frozen=True)
class LocaliserNodeConfig:
    world: str
    initial_pose: tuple[float, ...]
    localiser: LocaliserConfig
    map_frame: str
    base_frame: str


class LocaliserNode(Node):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("localiser", **kwargs)  # type: ignore[arg-type]
        self.config = self._read_parameters()
        world = load_world(Path(self.config.world))
        self.localiser = localiser_for(world, self.config.localiser)
        start = Pose2D(*self.config.initial_pose) if self.config.initial_pose else world.spawn
        self.localiser.initialise(start)
        # Each scan weighs the particles moved by odometry up to the scan's own instant: weighed
        # against odometry from earlier and moved on afterwards, the pose overshoots by the motion
        # in between (centimetres at 0.2 m/s when messages queue on a busy machine). A scan newer
        # than the last odometry waits for it.
        self._odom_history: deque[tuple[float, Pose2D]] = deque(maxlen=400)
        self._applied: Pose2D | None = None  # the odometry pose the particles have been moved to
        self._waiting_scan: tuple[float, LaserScan] | None = None
        self.refused_poses = 0  # /initialpose messages off the free floor
        self.scans_heard = 0
        self.scans_weighed = 0  # fewer than heard: a scan waiting for odometry was replaced by a newer one
        self._publisher = self.create_publisher(OdometryMsg, "localised_pose", 10)
        # Depth 1: on a busy executor a deeper queue of /odom backs up (one message taken per
        # wake-up, like every other subscription's), so the pose published lagged the robot by the
        # whole queue (0.7 s in a one-process stack) and scans kept waiting for odometry that was
        # that far behind: 2 in 3 were never weighed. Odometry is cumulative: the newest is enough.
        self.create_subscription(OdometryMsg, "odom", self._on_odom, 1)
        self.create_subscription(LaserScan, "scan", self._on_scan, 5)
        self.create_subscription(PoseWithCovarianceStamped, "initialpose", self._on_initial_pose, 1)
        self.get_logger().info(
            f"localising on {world.name} from ({start.x:.2f}, {start.y:.2f}, {start.yaw:.2f}) "
            f"with {self.config.localiser.particles} particles"
        )

    def _read_parameters(self) -> LocaliserNodeConfig:
        def declare(name: str, default: object) -> object:
            return self.declare_parameter(name, default).value

        defaults = LocaliserConfig()
        initial = str(declare("initial_pose", "")).replace(",", " ").split()
        try:
            initial_pose = tuple(float(v) for v in initial)
        except ValueError:
            initial_pose = ()
        if len(initial_pose) != len(initial) or len(initial) not in (0, 3):
            raise ParameterError(f"initial_pose must be 'x y yaw' (metres, radians) or empty, got {initial!r}")
        return LocaliserNodeConfig(
            world=str(declare("world", "")) or str(default_world_path()),
            initial_pose=initial_pose,
            localiser=LocaliserConfig(
                particles=int(declare("particles", defaults.particles)),  # type: ignore[call-overload]
                beams=int(declare("beams", defaults.beams)),  # type: ignore[call-overload]
                hit_sigma=float(declare("hit_sigma", defaults.hit_sigma)),  # type: ignore[arg-type]
                update_min_distance=float(declare("update_min_distance", defaults.update_min_distance)),  # type: ignore[arg-type]
                update_min_angle=float(declare("update_min_angle", defaults.update_min_angle)),  # type: ignore[arg-type]
                map_resolution=float(declare("map_resolution", defaults.map_resolution)),  # type: ignore[arg-type]
            ),
            map_frame=str(declare("map_frame", "map")),
            base_frame=str(declare("base_frame", "base_footprint")),
        )

    def _on_odom(self, msg: OdometryMsg) -> None:
        odom = conv.pose2d_from_odometry_msg(msg)
        stamp = conv.time_from_msg(msg.header.stamp)
        self._odom_history.append((stamp, odom))
        if self._applied is None:
            self._applied = odom
        if self._waiting_scan is not None and stamp >= self._waiting_scan[0]:
            self._weigh(*self._waiting_scan)
            self._waiting_scan = None
        estimate = self.localiser.estimate()
        pose = estimate.pose.compose(odometry_delta(self._applied, odom))  # on to this message's instant
        twist = msg.twist.twist
        out = conv.odometry_to_msg(
            Odometry(pose, twist.linear.x, twist.angular.z),
            conv.time_from_msg(msg.header.stamp),
            self.config.map_frame,
            self.config.base_frame,
        )
        cov = estimate.covariance
        for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)):
            out.pose.covariance[6 * i + j] = float(cov[i, j])
        out.pose.covariance[35] = float(cov[2, 2])  # yaw
        self._publisher.publish(out)

    def _on_scan(self, msg: LaserScan) -> None:
        self.scans_heard += 1
        stamp = conv.time_from_msg(msg.header.stamp)
        if not self._odom_history or stamp > self._odom_history[-1][0]:
            self._waiting_scan = (stamp, msg)  # weighed when odometry reaches its instant
            return
        self._weigh(stamp, msg)

    def _weigh(self, stamp: float, msg: LaserScan) -> None:
        odom = self._odom_at(stamp)
        assert self._applied is not None
        self.localiser.moved(odometry_delta(self._applied, odom))
        self._applied = odom
        ranges, angles = conv.scan_from_msg(msg)
        self.scans_weighed += 1
        recoveries = self.localiser.recoveries
        try:
            self.localiser.observe(ranges, angles)
        except LocalisationError as err:
            self.get_logger().warning(f"scan skipped: {err}")
        if self.localiser.recoveries > recoveries:
            pose = self.localiser.estimate().pose
            self.get_logger().warning(
                f"lost: every pose guess was inside a wall; searching again around ({pose.x:.2f}, {pose.y:.2f})"
            )

    def _odom_at(self, stamp: float) -> Pose2D:
        """The odometry pose at `stamp`, interpolated between the messages around it (the oldest
        kept if `stamp` is older than all of them)."""
        history = self._odom_history
        after = next((i for i, (t, _) in enumerate(history) if t >= stamp), len(history) - 1)
        if after == 0:
            return history[0][1]
        (t0, p0), (t1, p1) = history[after - 1], history[after]
        f = min(1.0, (stamp - t0) / (t1 - t0)) if t1 > t0 else 1.0
        step = odometry_delta(p0, p1)
        return p0.compose(Pose2D(f * step.x, f * step.y, f * step.yaw))

    def _on_initial_pose(self, msg: PoseWithCovarianceStamped) -> None:
        pose = conv.pose2d_from_pose_msg(msg.pose.pose)
        cov = msg.pose.covariance
        sigma_xy = max(float(cov[0]), float(cov[7]), 1e-4) ** 0.5 if cov[0] > 0 else None
        sigma_yaw = max(float(cov[35]), 1e-4) ** 0.5 if cov[35] > 0 else None
        try:
            self.localiser.initialise(pose, sigma_xy, sigma_yaw)
        except LocalisationError as err:
            self.refused_poses += 1
            self.get_logger().warning(f"initial pose refused: {err}")
            return
        if self._odom_history:  # the pose given is where the robot is now: odometry counts from here
            self._applied = self._odom_history[-1][1]
        self.get_logger().info(f"re-localised at ({pose.x:.2f}, {pose.y:.2f}, {pose.yaw:.2f})")


def main(args: list[str] | None = None) -> None:
    run_node("localiser", LocaliserNode, args)


if __name__ == "__main__":
    main()
