"""The embedded simulator: the house and the robot in MuJoCo, with the robot's sensors.

This is a device, not a loop: set a wheel command, advance time, read sensors. The loop that
paces it and decides sensor rates is `llmos_robot.sim.runner.SimLoop`; the ROS node wraps that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from llmos_robot.sim._mujoco import mujoco
from llmos_robot.sim.camera import CameraWorker, Frame
from llmos_robot.sim.mjcf import OBSTACLE_GROUP, PhysicsConfig, build_mjcf
from llmos_robot.world.geometry import Pose2D, wrap_angle
from llmos_robot.world.model import World
from llmos_robot.world.sdf import RobotSpec

ODOMETRY_STEP = 0.01  # s: odometry integrates wheel angles at least this often


@dataclass(frozen=True)
class SimConfig:
    physics: PhysicsConfig = field(default_factory=PhysicsConfig)
    seed: int = 0
    odometry_noise: float = 0.0  # relative std-dev of each wheel's travel per odometry step
    # Relative error of the right wheel's radius as odometry assumes it: the systematic drift of
    # real encoders (worn or unequal tyres), which random noise alone averages away.
    odometry_wheel_bias: float = 0.0
    lidar_noise: bool = True  # add the model's gaussian range noise
    camera: bool = True  # allocate the offscreen renderer


@dataclass(frozen=True)
class Odometry:
    pose: Pose2D  # in the odom frame, which starts at the spawn pose
    linear: float  # m/s, forward
    angular: float  # rad/s


@dataclass(frozen=True)
class ImuReading:
    orientation_wxyz: tuple[float, float, float, float]
    angular_velocity: tuple[float, float, float]  # rad/s, sensor frame
    linear_acceleration: tuple[float, float, float]  # m/s^2, sensor frame, gravity included


@dataclass(frozen=True)
class BumperReading:
    pressed: bool
    contact_angle: float = 0.0  # rad in the base frame, 0 = straight ahead


class Simulator:
    """MuJoCo physics of one world and one robot, deterministic for a seed."""

    def __init__(
        self, world: World, config: SimConfig = SimConfig(), robot: RobotSpec | None = None, spawn: Pose2D | None = None
    ) -> None:
        self.world = world
        self.config = config
        self.robot = robot or world.robot()
        self.spawn = spawn or world.spawn
        self.model = mujoco.MjModel.from_xml_string(build_mjcf(world, self.robot, self.spawn, config.physics))
        self.data = mujoco.MjData(self.model)
        self._rng = np.random.default_rng(config.seed)
        self._body = self.model.body("robot").id
        self._bumper_geom = self.model.geom("bumper").id
        drive = self.robot.drive
        self._wheel_qpos = [self.model.joint(j).qposadr[0] for j in (drive.left_joint, drive.right_joint)]
        self._wheel_dof = [self.model.joint(j).dofadr[0] for j in (drive.left_joint, drive.right_joint)]
        self._actuators = [self.model.actuator("left_motor").id, self.model.actuator("right_motor").id]
        self._lidar_site = self.model.site("lidar").id
        self._imu_site = self.model.site("imu").id
        self._gyro = self.model.sensor("imu_gyro").adr[0]
        self._accel = self.model.sensor("imu_accel").adr[0]
        lidar = self.robot.lidar
        self.scan_angles = np.linspace(lidar.min_angle, lidar.max_angle, lidar.samples)
        self._ray_dirs = np.stack([np.cos(self.scan_angles), np.sin(self.scan_angles), np.zeros(lidar.samples)], axis=1)
        self._ray_geom = np.zeros(lidar.samples, dtype=np.int32)
        self._ray_dist = np.zeros(lidar.samples, dtype=np.float64)
        self._ray_groups = np.zeros(6, dtype=np.uint8)
        self._ray_groups[OBSTACLE_GROUP] = 1
        self._camera: CameraWorker | None = None
        mujoco.mj_forward(self.model, self.data)
        self._odom = [0.0, 0.0, 0.0]
        self._last_wheels = [float(self.data.qpos[a]) for a in self._wheel_qpos]
        self._wheel_command = (0.0, 0.0)

    @property
    def time(self) -> float:
        return float(self.data.time)

    # ------------------------------------------------------------------ actuation

    def set_velocity(self, linear: float, angular: float) -> None:
        """Drive the wheels toward a body twist (already validated by the command gate)."""
        drive = self.robot.drive
        left = (linear - angular * drive.wheel_separation / 2) / drive.wheel_radius
        right = (linear + angular * drive.wheel_separation / 2) / drive.wheel_radius
        self.data.ctrl[self._actuators[0]] = left
        self.data.ctrl[self._actuators[1]] = right
        self._wheel_command = (linear, angular)

    def advance(self, seconds: float) -> None:
        """Step physics by `seconds` (rounded to whole timesteps), integrating odometry as it goes."""
        steps_per_odom = max(1, round(ODOMETRY_STEP / self.model.opt.timestep))
        remaining = max(0, round(seconds / self.model.opt.timestep))
        while remaining > 0:
            chunk = min(steps_per_odom, remaining)
            mujoco.mj_step(self.model, self.data, nstep=chunk)
            remaining -= chunk
            self._integrate_odometry()

    def _integrate_odometry(self) -> None:
        drive = self.robot.drive
        wheels = [float(self.data.qpos[a]) for a in self._wheel_qpos]
        travel = [(wheels[i] - self._last_wheels[i]) * drive.wheel_radius for i in range(2)]
        self._last_wheels = wheels
        if self.config.odometry_noise > 0:
            travel = [t * (1.0 + self._rng.normal(0.0, self.config.odometry_noise)) for t in travel]
        travel[1] *= 1.0 + self.config.odometry_wheel_bias
        distance = (travel[0] + travel[1]) / 2
        turn = (travel[1] - travel[0]) / drive.wheel_separation
        x, y, yaw = self._odom
        heading = yaw + turn / 2
        self._odom = [x + distance * math.cos(heading), y + distance * math.sin(heading), wrap_angle(yaw + turn)]

    # ------------------------------------------------------------------ ground truth

    def true_pose(self) -> Pose2D:
        x, y = (float(v) for v in self.data.xpos[self._body][:2])
        rotation = self.data.xmat[self._body].reshape(3, 3)
        return Pose2D(x, y, math.atan2(rotation[1, 0], rotation[0, 0]))

    def true_height(self) -> float:
        return float(self.data.xpos[self._body][2])

    # ------------------------------------------------------------------ sensors

    def odometry(self) -> Odometry:
        drive = self.robot.drive
        left, right = (float(self.data.qvel[d]) * drive.wheel_radius for d in self._wheel_dof)
        x, y, yaw = self._odom
        return Odometry(Pose2D(x, y, yaw), (left + right) / 2, (right - left) / drive.wheel_separation)

    def scan(self) -> NDArray[np.float32]:
        """Lidar ranges in metres; +inf where nothing is in range, -inf closer than the minimum (REP 117)."""
        lidar = self.robot.lidar
        origin = self.data.site_xpos[self._lidar_site].copy()
        directions = self._ray_dirs @ self.data.site_xmat[self._lidar_site].reshape(3, 3).T
        mujoco.mj_multiRay(
            self.model,
            self.data,
            origin,
            directions.flatten(),
            self._ray_groups,
            1,
            self._body,
            self._ray_geom,
            self._ray_dist,
            None,
            lidar.samples,
            lidar.range_max * 2,
        )
        ranges = self._ray_dist.copy()
        hit = self._ray_geom >= 0
        if self.config.lidar_noise and lidar.noise_std > 0:
            ranges[hit] += self._rng.normal(0.0, lidar.noise_std, int(hit.sum()))
        ranges[~hit | (ranges > lidar.range_max)] = np.inf
        ranges[hit & (ranges < lidar.range_min)] = -np.inf
        return ranges.astype(np.float32)

    def imu(self) -> ImuReading:
        sensordata = self.data.sensordata
        w, x, y, z = (float(v) for v in self.data.xquat[self._body])
        return ImuReading(
            (w, x, y, z),
            tuple(float(v) for v in sensordata[self._gyro : self._gyro + 3]),  # type: ignore[arg-type]
            tuple(float(v) for v in sensordata[self._accel : self._accel + 3]),  # type: ignore[arg-type]
        )

    def bumper(self) -> BumperReading:
        """Pressed when the bumper (the chassis collision) touches anything."""
        for contact in self.data.contact[: self.data.ncon]:
            if self._bumper_geom in (contact.geom1, contact.geom2):
                base = self.data.xpos[self._body]
                rotation = self.data.xmat[self._body].reshape(3, 3)
                local = rotation.T @ (contact.pos - base)
                return BumperReading(True, math.atan2(float(local[1]), float(local[0])))
        return BumperReading(False)

    def render(self) -> NDArray[np.uint8]:
        """An RGB image from the robot's camera now, (height, width, 3)."""
        self.capture_image()
        return self.captured_images(wait=True)[-1][1]

    def capture_image(self) -> None:
        """Start rendering the camera's view of this instant; collect it with captured_images()."""
        if not self.config.camera:
            raise RuntimeError("the camera was disabled in SimConfig")
        if self._camera is None:
            camera = self.robot.camera
            self._camera = CameraWorker(self.model, camera.width, camera.height)
        self._camera.capture(self.data, self.time)

    def captured_images(self, wait: bool = False) -> list[Frame]:
        """(capture time, image) of every frame finished since the last call."""
        return [] if self._camera is None else self._camera.frames(wait)

    def close(self) -> None:
        if self._camera is not None:
            self._camera.close()
            self._camera = None

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
