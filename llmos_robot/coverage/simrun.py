"""Run a coverage job against the embedded simulator in-process (CLI, benchmark, end-to-end tests).

No ROS: the job reads the simulator's sensors directly, at the robot's rates, and its commands
pass the same velocity gate the sim node uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.config import DEFAULT_CONFIG, CoverageConfig
from llmos_robot.coverage.job import DriveJob, JobResult, Sense
from llmos_robot.coverage.planner import CoveragePlanner
from llmos_robot.coverage.session import CleanRequest, start_clean
from llmos_robot.coverage.tracker import CoverageTracker
from llmos_robot.errors import RoomUnreachableError
from llmos_robot.localisation import MonteCarloLocaliser, localiser_for, odometry_delta
from llmos_robot.sim import CommandLimits, LoopConfig, NullSink, SimConfig, SimLoop, Simulator, VelocityCommandGate
from llmos_robot.world import World, rasterise
from llmos_robot.world.geometry import Pose2D


@dataclass(frozen=True)
class SimRunConfig:
    localisation: str = "ground_truth"  # "odometry": dead reckoning from the spawn pose; "map": the localiser
    odometry_wheel_bias: float = 0.0  # the simulated odometry's right-wheel radius error (see SimConfig)
    time_limit: float = 1800.0  # simulated s before the run is cancelled
    progress_every: float = 1.0  # simulated s between progress callbacks


def robot_pose(sim: Simulator, localisation: str) -> Pose2D:
    if localisation == "odometry":
        return sim.spawn.compose(sim.odometry().pose)
    return sim.true_pose()


class PoseSource:
    """The pose the robot believes, as `localisation` says: the truth, dead reckoning or the localiser."""

    def __init__(self, sim: Simulator, localisation: str) -> None:
        self.sim = sim
        self.localisation = localisation
        self._localiser: MonteCarloLocaliser | None = None
        if localisation == "map":
            self._localiser = localiser_for(sim.world)
            self._localiser.initialise(sim.spawn.compose(sim.odometry().pose))
            self._odom = sim.odometry().pose

    def pose(self, ranges: NDArray[np.float32] | None) -> Pose2D:
        """The believed pose now; `ranges` is a fresh scan, if there is one, for the localiser."""
        if self._localiser is None:
            return robot_pose(self.sim, self.localisation)
        odom = self.sim.odometry().pose
        self._localiser.moved(odometry_delta(self._odom, odom))
        self._odom = odom
        if ranges is not None:
            self._localiser.observe(ranges, self.sim.scan_angles)
        return self._localiser.estimate().pose


def run_job(
    sim: Simulator,
    job: DriveJob,
    config: CoverageConfig = DEFAULT_CONFIG,
    run: SimRunConfig = SimRunConfig(),
    progress: Callable[[DriveJob, float], None] | None = None,
    controller: Callable[[Sense, float], tuple[float, float]] | None = None,
) -> JobResult:
    """Tick the simulator until the job finishes (or the time limit cancels it)."""
    drive = sim.robot.drive
    gate = VelocityCommandGate(CommandLimits(drive.max_linear, drive.max_angular))
    loop = SimLoop(sim, NullSink(), gate, LoopConfig(camera=False, sensors=False))
    period = 1.0 / config.control_rate
    scan_period = 1.0 / sim.robot.lidar.rate_hz
    next_control = next_scan = next_progress = sim.time
    deadline = sim.time + run.time_limit
    step = controller or job.step
    source = PoseSource(sim, run.localisation)
    while not job.finished:
        now = sim.time
        if now >= deadline:
            job.cancel(now, f"the time limit of {run.time_limit:.0f} s ran out")
            break
        if now + 1e-9 >= next_control:
            next_control += period
            ranges = None
            if now + 1e-9 >= next_scan:
                next_scan += scan_period
                ranges = sim.scan()
            bumper = sim.bumper()
            sense = Sense(
                source.pose(ranges),
                bumper.pressed,
                bumper.contact_angle,
                ranges,
                sim.scan_angles if ranges is not None else None,
            )
            linear, angular = step(sense, now)
            if math.isfinite(linear) and math.isfinite(angular):
                gate.submit(linear, angular, now)
        if progress is not None and now >= next_progress:
            next_progress += run.progress_every
            progress(job, now)
        loop.tick()
    gate.stop()
    assert job.result is not None
    return job.result


@dataclass
class SimClean:
    """Everything a headless clean produced: the result, the job (with its tracker) and the path."""

    result: JobResult
    job: DriveJob | None
    plan_name: str
    reachable_area_m2: float
    swath: float
    path: list[tuple[float, float]]
    # Where the robot believed itself is what the job tracks; off the true pose this tracker
    # marks where the brush really went (None when the job was told the truth).
    truth: CoverageTracker | None = None

    def lower_bound_s(self, cruise_speed: float) -> float:
        """Reachable area / (swath x cruise speed): no robot sweeping lanes can be faster."""
        return self.reachable_area_m2 / (self.swath * cruise_speed) if self.swath > 0 else 0.0


def clean_in_sim(
    world: World,
    request: CleanRequest,
    spawn: Pose2D | None = None,
    config: CoverageConfig = DEFAULT_CONFIG,
    run: SimRunConfig = SimRunConfig(),
    progress: Callable[[DriveJob, float], None] | None = None,
    sim_world: World | None = None,
) -> SimClean:
    """Clean in a fresh embedded simulator. `sim_world` (default `world`) is what physically exists:
    a copy with extra obstacles the map (built from `world`) does not show."""
    grid = rasterise(world)
    planner = CoveragePlanner(grid, config)
    sim_config = SimConfig(camera=False, odometry_wheel_bias=run.odometry_wheel_bias)
    with Simulator(sim_world or world, sim_config, spawn=spawn or world.spawn) as sim:
        started = start_clean(world, planner, request, robot_pose(sim, run.localisation), sim.time, config)
        if isinstance(started, JobResult):
            return SimClean(started, None, request.room or "spot", 0.0, config.swath, [])
        path: list[tuple[float, float]] = []
        assert started.tracker is not None
        sub = started.tracker.subdivide
        truth = None
        if run.localisation != "ground_truth":
            reachable = started.tracker.reachable[::sub, ::sub].copy()
            truth = CoverageTracker(grid, reachable, config.brush_radius, subdivide=sub)

        def step(sense: Sense, now: float) -> tuple[float, float]:
            path.append((sense.pose.x, sense.pose.y))
            if truth is not None:
                truth.update(sim.true_pose())
            return started.step(sense, now)

        result = run_job(sim, started, config, run, progress, step)
        area = started.tracker.reachable_area
        return SimClean(result, started, request.room or "spot", area, config.swath, path, truth)


def spawn_in_room(world: World, room: str, clearance: float = CoverageConfig().clearance) -> Pose2D:
    """A free pose near the room's centroid where the robot fits (for benchmarks and tests)."""
    grid = rasterise(world)
    planner = CoveragePlanner(grid, CoverageConfig(clearance=clearance))
    inside = planner.traversable & grid.room_mask(world.room(room).name)
    rows, cols = np.nonzero(inside)
    if len(rows) == 0:
        raise RoomUnreachableError(f"the robot does not fit anywhere in the {room}")
    cx, cy = world.room(room).centroid
    centres = [grid.centre_of(int(r), int(c)) for r, c in zip(rows, cols, strict=True)]
    x, y = min(centres, key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
    return Pose2D(x, y, 0.0)
