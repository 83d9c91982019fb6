"""Run a Simulator as a robot would run: sensors at their own rates, paced or flat out.

The loop advances physics in small chunks, feeds the command gate's current command to the
wheels before each chunk (so the watchdog acts in simulated time), and hands every sensor
reading that falls due to a `SensorSink`: the ROS node publishes them, the CLI records them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from llmos_robot.sim.command import VelocityCommandGate
from llmos_robot.sim.simulator import BumperReading, ImuReading, Odometry, Simulator


class SensorSink(Protocol):
    """Receives simulated sensor data; every method gets the simulated time in seconds."""

    def on_clock(self, t: float) -> None: ...
    def on_odometry(self, t: float, odometry: Odometry) -> None: ...
    def on_scan(self, t: float, ranges: NDArray[np.float32]) -> None: ...
    def on_imu(self, t: float, imu: ImuReading) -> None: ...
    def on_image(self, t: float, image: NDArray[np.uint8]) -> None: ...
    def on_bumper(self, t: float, bumper: BumperReading) -> None: ...


class NullSink:
    """A sink that drops everything (benchmarks, tests)."""

    def on_clock(self, t: float) -> None:
        pass

    def on_odometry(self, t: float, odometry: Odometry) -> None:
        pass

    def on_scan(self, t: float, ranges: NDArray[np.float32]) -> None:
        pass

    def on_imu(self, t: float, imu: ImuReading) -> None:
        pass

    def on_image(self, t: float, image: NDArray[np.uint8]) -> None:
        pass

    def on_bumper(self, t: float, bumper: BumperReading) -> None:
        pass


@dataclass(frozen=True)
class LoopConfig:
    chunk: float = 0.01  # s of physics between command updates and clock ticks
    real_time_factor: float = 0.0  # 1.0 paces to the wall clock; 0 runs as fast as possible
    camera: bool = True  # render and emit camera images
    sensors: bool = True  # emit lidar, IMU and bumper (False: clock and odometry only)
    bumper_rate_hz: float = 20.0  # bumper state is also sent at once whenever it changes


class _Stream:
    """Due-time bookkeeping for one sensor rate."""

    def __init__(self, rate_hz: float, start: float) -> None:
        self.period = 1.0 / rate_hz if rate_hz > 0 else float("inf")
        self.next_due = start + self.period

    def due(self, t: float) -> bool:
        if t + 1e-9 < self.next_due:
            return False
        # Skip missed slots rather than bursting to catch up.
        while self.next_due <= t + 1e-9:
            self.next_due += self.period
        return True


class SimLoop:
    def __init__(
        self, sim: Simulator, sink: SensorSink, gate: VelocityCommandGate, config: LoopConfig = LoopConfig()
    ) -> None:
        self.sim = sim
        self.sink = sink
        self.gate = gate
        self.config = config
        robot = sim.robot
        t = sim.time
        self._odom = _Stream(robot.drive.odom_rate_hz, t)
        self._scan = _Stream(robot.lidar.rate_hz if config.sensors else 0.0, t)
        self._imu = _Stream(robot.imu.rate_hz if config.sensors else 0.0, t)
        self._camera = _Stream(robot.camera.rate_hz if config.camera else 0.0, t)
        self._bumper = _Stream(config.bumper_rate_hz if config.sensors else 0.0, t)
        self._bumper_state = False
        self._wall_start: float | None = None
        self._sim_start = t

    def tick(self) -> None:
        """Advance one chunk and emit whatever fell due."""
        sim, sink = self.sim, self.sink
        sim.set_velocity(*self.gate.current(sim.time))
        sim.advance(self.config.chunk)
        t = sim.time
        sink.on_clock(t)
        if self._odom.due(t):
            sink.on_odometry(t, sim.odometry())
        if self._imu.due(t):
            sink.on_imu(t, sim.imu())
        if self._scan.due(t):
            sink.on_scan(t, sim.scan())
        if self._camera.due(t):
            sim.capture_image()  # rendered on the camera thread while physics goes on
        for stamp, image in sim.captured_images():
            sink.on_image(stamp, image)
        if self.config.sensors:
            bumper = sim.bumper()
            if self._bumper.due(t) or bumper.pressed != self._bumper_state:
                self._bumper_state = bumper.pressed
                sink.on_bumper(t, bumper)
        self._pace()

    def _pace(self) -> None:
        factor = self.config.real_time_factor
        if factor <= 0:
            return
        now = time.monotonic()
        if self._wall_start is None:
            self._wall_start = now - (self.sim.time - self._sim_start) / factor
        ahead = self._wall_start + (self.sim.time - self._sim_start) / factor - now
        if ahead > 0:
            time.sleep(ahead)

    def run(self, duration: float | None = None, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Tick until `duration` simulated seconds have passed or `should_stop()` says so."""
        end = None if duration is None else self.sim.time + duration
        while not should_stop() and (end is None or self.sim.time < end - 1e-9):
            self.tick()
        for stamp, image in self.sim.captured_images(wait=True):  # the frame still being drawn
            self.sink.on_image(stamp, image)
