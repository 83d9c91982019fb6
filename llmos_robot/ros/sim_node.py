"""The `sim` node: the embedded MuJoCo simulator speaking the TurtleBot3 topics.

Publishes (stamped with simulated time):
  /clock                 rosgraph_msgs/Clock          every physics chunk (10 ms of sim time)
  /odom                  nav_msgs/Odometry            odom -> base_footprint, rate from the robot's DiffDrive
  /scan                  sensor_msgs/LaserScan        base_scan, 360 beams, 10 Hz
  /imu                   sensor_msgs/Imu              100 Hz
  /camera/image_raw      sensor_msgs/Image            rgb8 320x240, 15 Hz
  /camera/camera_info    sensor_msgs/CameraInfo       with every image
  /bumper                llmos_interfaces/Bumper      20 Hz and at once on every change
  /map                   nav_msgs/OccupancyGrid       the house map, transient local (latched)
  /sim/ground_truth      nav_msgs/Odometry            true pose in the map frame (tests, demos)
Subscribes:
  /cmd_vel               geometry_msgs/TwistStamped (or Twist, see `cmd_vel_stamped`)
Parameters: see config/sim.yaml (world, real_time_factor, cmd_vel_stamped, command_timeout,
  seed, odometry_noise, odometry_wheel_bias, lidar_noise, camera, map_resolution, frame ids).

Commands pass the velocity gate: NaN / absurd values are rejected and logged, fast ones are
clamped, and the wheels stop when no command arrived for `command_timeout` seconds of sim time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from geometry_msgs.msg import Twist, TwistStamped
from llmos_interfaces.msg import Bumper
from nav_msgs.msg import OccupancyGrid as OccupancyGridMsg
from nav_msgs.msg import Odometry as OdometryMsg
from numpy.typing import NDArray
from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import CameraInfo, Image, Imu, LaserScan

from llmos_robot.ros import conversions as conv
from llmos_robot.ros.node_main import run_node
from llmos_robot.sim import (
    BumperReading,
    CommandLimits,
    CommandStatus,
    ImuReading,
    LoopConfig,
    Odometry,
    SimConfig,
    SimLoop,
    Simulator,
    VelocityCommandGate,
)
from llmos_robot.world import RasterConfig, default_world_path, load_world, rasterise


@dataclass(frozen=True)
class SimNodeConfig:
    world: Path
    real_time_factor: float
    cmd_vel_stamped: bool
    command_timeout: float
    seed: int
    odometry_noise: float
    odometry_wheel_bias: float
    lidar_noise: bool
    camera: bool
    map_resolution: float
    odom_frame: str
    base_frame: str
    map_frame: str


class SimNode(Node):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("sim", **kwargs)  # type: ignore[arg-type]
        self.config = self._read_parameters()
        world = load_world(self.config.world)
        for warning in world.warnings:
            self.get_logger().warning(warning)
        self.sim = Simulator(
            world,
            SimConfig(
                seed=self.config.seed,
                odometry_noise=self.config.odometry_noise,
                odometry_wheel_bias=self.config.odometry_wheel_bias,
                lidar_noise=self.config.lidar_noise,
                camera=self.config.camera,
            ),
        )
        robot = self.sim.robot
        self.gate = VelocityCommandGate(
            CommandLimits(robot.drive.max_linear, robot.drive.max_angular, timeout=self.config.command_timeout)
        )
        latched = QoSProfile(
            depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL, reliability=ReliabilityPolicy.RELIABLE
        )
        self._map_pub = self.create_publisher(OccupancyGridMsg, "map", latched)
        command_type = TwistStamped if self.config.cmd_vel_stamped else Twist
        self.create_subscription(command_type, "cmd_vel", self._on_cmd_vel, 10)

        grid = rasterise(world, RasterConfig(resolution=self.config.map_resolution))
        self._map_pub.publish(conv.grid_to_msg(grid, self.sim.time, self.config.map_frame))

        self._stop = threading.Event()
        self._loop = SimLoop(
            self.sim,
            _Publisher(self, self.config, self.sim),
            self.gate,
            LoopConfig(real_time_factor=self.config.real_time_factor, camera=self.config.camera),
        )
        self._thread = threading.Thread(target=self._run, name="sim-loop", daemon=True)
        self._thread.start()
        self.get_logger().info(
            f"simulating {world.name} ({len(world.rooms)} rooms) with {robot.name} at "
            f"({self.sim.spawn.x:.2f}, {self.sim.spawn.y:.2f}); real-time factor "
            f"{self.config.real_time_factor or 'unlimited'}"
        )

    def _read_parameters(self) -> SimNodeConfig:
        declare = self.declare_parameter
        world = str(declare("world", "").value) or str(default_world_path())
        return SimNodeConfig(
            world=Path(world),
            real_time_factor=float(declare("real_time_factor", 1.0).value),
            cmd_vel_stamped=bool(declare("cmd_vel_stamped", True).value),
            command_timeout=float(declare("command_timeout", 0.5).value),
            seed=int(declare("seed", 0).value),
            odometry_noise=float(declare("odometry_noise", 0.0).value),
            odometry_wheel_bias=float(declare("odometry_wheel_bias", 0.0).value),
            lidar_noise=bool(declare("lidar_noise", True).value),
            camera=bool(declare("camera", True).value),
            map_resolution=float(declare("map_resolution", 0.05).value),
            odom_frame=str(declare("odom_frame", "odom").value),
            base_frame=str(declare("base_frame", "base_footprint").value),
            map_frame=str(declare("map_frame", "map").value),
        )

    def _on_cmd_vel(self, msg: Twist | TwistStamped) -> None:
        linear, angular = conv.twist_from_msg(msg)
        verdict = self.gate.submit(linear, angular, self.sim.time)
        if verdict.status is CommandStatus.REJECTED:
            self.get_logger().warning(f"/cmd_vel {verdict.message}")
        elif verdict.status is CommandStatus.CLAMPED:
            self.get_logger().info(f"/cmd_vel {verdict.message}", throttle_duration_sec=5.0)

    def _run(self) -> None:
        try:
            self._loop.run(should_stop=self._stop.is_set)
        except Exception as err:  # the loop thread must not die silently
            if self._stop.is_set() or not self.context.ok():
                return  # shutting down (Ctrl-C shuts the context before main() stops this thread)
            self.get_logger().fatal(f"simulation stopped: {err}")
            raise
        finally:
            self.sim.close()

    def shutdown(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)


class _Publisher:
    """The SensorSink that turns simulator readings into messages on the node's topics."""

    def __init__(self, node: Node, config: SimNodeConfig, sim: Simulator) -> None:
        self.config = config
        self.sim = sim
        self.lidar = sim.robot.lidar
        self.camera = sim.robot.camera
        self.imu_frame = sim.robot.imu.frame_id
        self.clock = node.create_publisher(Clock, "/clock", 10)
        self.odom = node.create_publisher(OdometryMsg, "odom", 10)
        self.truth = node.create_publisher(OdometryMsg, "sim/ground_truth", 10)
        self.scan = node.create_publisher(LaserScan, "scan", 10)
        self.imu = node.create_publisher(Imu, "imu", 10)
        self.image = node.create_publisher(Image, "camera/image_raw", 10)
        self.info = node.create_publisher(CameraInfo, "camera/camera_info", 10)
        self.bumper = node.create_publisher(Bumper, "bumper", 10)

    def on_clock(self, t: float) -> None:
        self.clock.publish(conv.clock_to_msg(t))

    def on_odometry(self, t: float, odometry: Odometry) -> None:
        cfg = self.config
        self.odom.publish(conv.odometry_to_msg(odometry, t, cfg.odom_frame, cfg.base_frame))
        truth = Odometry(self.sim.true_pose(), odometry.linear, odometry.angular)
        self.truth.publish(conv.odometry_to_msg(truth, t, cfg.map_frame, cfg.base_frame))

    def on_scan(self, t: float, ranges: NDArray[np.float32]) -> None:
        self.scan.publish(conv.scan_to_msg(ranges, self.lidar, t, self.lidar.frame_id))

    def on_imu(self, t: float, imu: ImuReading) -> None:
        self.imu.publish(conv.imu_to_msg(imu, t, self.imu_frame))

    def on_image(self, t: float, image: NDArray[np.uint8]) -> None:
        self.image.publish(conv.image_to_msg(image, t, self.camera.frame_id))
        self.info.publish(conv.camera_info_to_msg(self.camera, t, self.camera.frame_id))

    def on_bumper(self, t: float, bumper: BumperReading) -> None:
        self.bumper.publish(conv.bumper_to_msg(bumper, t, self.config.base_frame))


def main(args: list[str] | None = None) -> None:
    run_node("sim", SimNode, args)


if __name__ == "__main__":
    main()
