"""The embedded MuJoCo simulator against known geometry of the house."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmos_robot.sim import LoopConfig, NullSink, SimConfig, SimLoop, Simulator, VelocityCommandGate
from llmos_robot.world.geometry import Pose2D, wrap_angle

pytestmark = pytest.mark.sim

# In the hallway, facing east toward the solid stretch of the x=6 wall (its face is at x=5.95).
FACING_WALL = Pose2D(5.0, 3.0, 0.0)
# At the hallway's south end, facing north up the empty corridor.
CORRIDOR = Pose2D(5.0, 1.0, math.pi / 2)


def drive_until(sim: Simulator, linear: float, angular: float, done, limit: float = 30.0) -> None:
    sim.set_velocity(linear, angular)
    start = sim.time
    while not done() and sim.time - start < limit:
        sim.advance(0.01)
    sim.set_velocity(0.0, 0.0)
    sim.advance(1.0)  # settle


def test_one_metre_straight_in_odometry_and_ground_truth(house):
    with Simulator(house, SimConfig(camera=False), spawn=CORRIDOR) as sim:
        start = sim.true_pose()
        drive_until(sim, 0.2, 0.0, lambda: sim.odometry().pose.x >= 1.0)
        odom = sim.odometry().pose
        truth = sim.true_pose()
        assert math.hypot(odom.x, odom.y) == pytest.approx(1.0, rel=0.03)
        assert truth.distance_to(start) == pytest.approx(1.0, rel=0.03)
        assert abs(truth.x - start.x) < 0.03  # went straight


def test_ninety_degree_turn(house):
    with Simulator(house, SimConfig(camera=False), spawn=CORRIDOR) as sim:
        start = sim.true_pose()
        drive_until(sim, 0.0, 0.8, lambda: sim.odometry().pose.yaw >= math.pi / 2)
        turned = wrap_angle(sim.true_pose().yaw - start.yaw)
        assert math.degrees(turned) == pytest.approx(90.0, abs=3.0)
        assert math.degrees(sim.odometry().pose.yaw) == pytest.approx(90.0, abs=3.0)
        assert sim.true_pose().distance_to(start) < 0.02  # turned on the spot


def test_lidar_measures_a_known_wall_within_two_centimetres(house):
    with Simulator(house, SimConfig(camera=False), spawn=FACING_WALL) as sim:
        sim.advance(0.1)
        ranges = sim.scan()
        assert len(ranges) == sim.robot.lidar.samples == 360
        ahead = float(np.median(np.concatenate([ranges[-2:], ranges[:3]])))
        expected = 5.95 - FACING_WALL.x
        assert ahead == pytest.approx(expected, abs=0.02)
        # Beams follow REP 117: nothing beyond 3.5 m is reported as a range.
        finite = ranges[np.isfinite(ranges)]
        assert finite.max() <= sim.robot.lidar.range_max


def test_lidar_sees_nothing_of_the_robot_itself(house):
    with Simulator(house, SimConfig(camera=False, lidar_noise=False), spawn=CORRIDOR) as sim:
        sim.advance(0.1)
        ranges = sim.scan()
        assert np.all(np.abs(ranges[np.isfinite(ranges)]) > 0.3)


def test_bumper_fires_against_a_wall_and_the_robot_does_not_pass_through(house):
    with Simulator(house, SimConfig(camera=False), spawn=FACING_WALL) as sim:
        sim.advance(0.1)
        assert not sim.bumper().pressed
        drive_until(sim, 0.2, 0.0, lambda: sim.bumper().pressed, limit=10.0)
        sim.set_velocity(0.1, 0.0)  # keep pushing gently
        sim.advance(0.3)
        bumper = sim.bumper()
        assert bumper.pressed
        assert abs(bumper.contact_angle) < math.radians(20)  # hit straight ahead
        assert sim.true_pose().x < 5.95 - 0.17 + 0.02


def test_same_seed_same_trajectory_different_seed_different_noise(house):
    def run(seed: int):
        with Simulator(house, SimConfig(camera=False, seed=seed, odometry_noise=0.02), spawn=CORRIDOR) as sim:
            for linear, angular in [(0.2, 0.0), (0.15, 0.6), (0.2, -0.4)]:
                sim.set_velocity(linear, angular)
                sim.advance(1.5)
            return sim.true_pose(), sim.odometry().pose, sim.scan()

    a, b, c = run(7), run(7), run(8)
    assert a[0] == b[0] and a[1] == b[1]
    np.testing.assert_array_equal(a[2], b[2])
    assert a[1] != c[1]
    assert not np.array_equal(a[2], c[2])


def test_camera_renders_the_house(house):
    with Simulator(house, SimConfig(), spawn=FACING_WALL) as sim:
        sim.advance(0.1)
        image = sim.render()
        assert image.shape == (240, 320, 3) and image.dtype == np.uint8
        assert image.std() > 5  # not a blank frame: floor and wall differ
        assert (image.sum(axis=2) < 30).mean() < 0.01  # nothing clipped to black near the lens


class CountingSink(NullSink):
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.moved: list[float] = []
        self.image_stamps: list[float] = []

    def _count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def on_clock(self, t):
        self._count("clock")

    def on_odometry(self, t, odometry):
        self._count("odom")
        self.moved.append(odometry.linear)

    def on_scan(self, t, ranges):
        self._count("scan")

    def on_imu(self, t, imu):
        self._count("imu")

    def on_image(self, t, image):
        self._count("image")
        self.image_stamps.append(t)


def test_loop_emits_each_sensor_at_its_rate(house):
    with Simulator(house, SimConfig(), spawn=CORRIDOR) as sim:
        sink = CountingSink()
        SimLoop(sim, sink, VelocityCommandGate(), LoopConfig()).run(duration=2.0)
        assert sink.counts == {"clock": 200, "odom": 60, "scan": 20, "imu": 200, "image": 30}
        # Frames render in the background but carry the time they were captured: 15 Hz on 10 ms ticks.
        periods = np.diff(sink.image_stamps)
        assert np.all(periods > 0.055) and np.all(periods < 0.075)


def test_watchdog_stops_the_robot_in_simulated_time(house):
    with Simulator(house, SimConfig(camera=False), spawn=CORRIDOR) as sim:
        gate = VelocityCommandGate()
        gate.submit(0.2, 0.0, now=sim.time)  # one command, then silence
        SimLoop(sim, NullSink(), gate, LoopConfig(camera=False)).run(duration=3.0)
        travelled = sim.true_pose().distance_to(CORRIDOR)
        assert 0.03 < travelled < 0.2  # moved for ~0.5 s, then stopped
        assert abs(sim.odometry().linear) < 0.01
