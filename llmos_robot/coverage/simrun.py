"""Run a coverage job against the embedded simulator in-process (CLI, benchmark, end-to-end tests).

No ROS: the job reads the simulator's sensors directly, at the robot's rates, and its commands
pass the same velocity gate the sim node uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from llmos_robot.coverage.config import DEFAULT_CONFIG, CoverageConfig
from llmos_robot.coverage.job import DriveJob, JobResult, Sense
from llmos_robot.coverage.planner import CoveragePlanner
from llmos_robot.coverage.session import CleanRequest, start_clean
from llmos_robot.errors import RoomUnreachableError
from llmos_robot.sim import CommandLimits, LoopConfig, NullSink, SimConfig, SimLoop, Simulator, VelocityCommandGate
from llmos_robot.world import World, rasterise
from llmos_robot.world.geometry import Pose2D


@dataclass(frozen=True)
class SimRunConfig:
    localisation: str = "ground_truth"  # or "odometry": dead reckoning from the spawn pose
    time_limit: float = 1800.0  # simulated s before the run is cancelled
    progress_every: float = 1.0  # simulated s between progress callbacks


def robot_pose(sim: Simulator, localisation: str) -> Pose2D:
    if localisation == "odometry":
        return sim.spawn.compose(sim.odometry().pose)
    return sim.true_pose()


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
                robot_pose(sim, run.localisation),
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
    with Simulator(sim_world or world, SimConfig(camera=False), spawn=spawn or world.spawn) as sim:
        started = start_clean(world, planner, request, robot_pose(sim, run.localisation), sim.time, config)
        if isinstance(started, JobResult):
            return SimClean(started, None, request.room or "spot", 0.0, config.swath, [])
        path: list[tuple[float, float]] = []

        def step(sense: Sense, now: float) -> tuple[float, float]:
            path.append((sense.pose.x, sense.pose.y))
            return started.step(sense, now)

        result = run_job(sim, started, config, run, progress, step)
        assert started.tracker is not None
        return SimClean(result, started, request.room or "spot", started.tracker.reachable_area, config.swath, path)


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
