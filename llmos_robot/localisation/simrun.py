"""Drive a tour of named places in the embedded simulator, steering by the localiser's pose.

Used by `llmos-robot bench localisation` and the end-to-end tests: odometry with a wheel-radius
bias drifts by metres over such a tour; the localiser should stay within centimetres of the
simulator's true pose all along.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from llmos_robot.coverage.tour import Goal, Tour
from llmos_robot.localisation.mcl import DEFAULT_CONFIG, ON_CENTRE, LocaliserConfig, localiser_for, odometry_delta
from llmos_robot.sim import SimConfig, Simulator
from llmos_robot.world import Pose2D, World, rasterise
from llmos_robot.world.geometry import Vec2

CONTROL_PERIOD = 0.1  # s of simulated time per control step (the lidar's 10 Hz)


@dataclass(frozen=True)
class LocalisedTour:
    reached: list[str]
    sim_seconds: float
    distance_m: float  # driven, by the true pose
    error_mean_m: float  # localiser to truth, over every control step
    error_p95_m: float
    error_max_m: float
    yaw_error_max_deg: float
    odometry_error_final_m: float  # dead reckoning from the start, to truth, at the end
    odometry_error_max_m: float
    updates: int
    update_ms_mean: float  # wall time of one scan update
    # Where the robot was, by the truth, by dead reckoning and by the localiser (for a picture).
    paths: dict[str, list[Vec2]] = field(default_factory=dict, repr=False)


def localised_tour(
    world: World,
    places: list[str],
    wheel_bias: float = 0.01,
    start_error: Pose2D = ON_CENTRE,
    config: LocaliserConfig = DEFAULT_CONFIG,
    time_limit: float = 900.0,
    seed: int = 0,
) -> LocalisedTour:
    """Tour `places` from the spawn pose, steering by the localiser, told the start pose off by `start_error`."""
    grid = rasterise(world)
    goals = [Goal(name, (world.place(name).pose.x, world.place(name).pose.y)) for name in places]
    with Simulator(world, SimConfig(camera=False, odometry_wheel_bias=wheel_bias, seed=seed)) as sim:
        localiser = localiser_for(world, config)
        localiser.initialise(sim.true_pose().compose(start_error))
        tour = Tour(grid, goals)
        last_odom = sim.odometry().pose
        last_truth = sim.true_pose()
        errors, yaw_errors, odometry_errors, update_times = [], [], [], []
        distance = 0.0
        paths: dict[str, list[Vec2]] = {"truth": [], "odometry": [], "localiser": []}
        while not tour.finished and sim.time < time_limit:
            estimate = localiser.estimate().pose
            sim.set_velocity(*tour.step(estimate, sim.bumper().pressed, sim.time))
            sim.advance(CONTROL_PERIOD)
            odom = sim.odometry().pose
            localiser.moved(odometry_delta(last_odom, odom))
            last_odom = odom
            started = time.perf_counter()
            if localiser.observe(sim.scan(), sim.scan_angles):
                update_times.append(time.perf_counter() - started)
            truth = sim.true_pose()
            distance += truth.distance_to(last_truth)
            last_truth = truth
            estimate = localiser.estimate().pose
            errors.append(estimate.distance_to(truth))
            yaw_errors.append(abs(np.degrees(np.angle(np.exp(1j * (estimate.yaw - truth.yaw))))))
            dead_reckoned = sim.spawn.compose(odom)
            odometry_errors.append(dead_reckoned.distance_to(truth))
            for name, pose in (("truth", truth), ("odometry", dead_reckoned), ("localiser", estimate)):
                paths[name].append((pose.x, pose.y))
        sim.set_velocity(0.0, 0.0)
        return LocalisedTour(
            reached=list(tour.reached),
            sim_seconds=sim.time,
            distance_m=distance,
            error_mean_m=float(np.mean(errors)),
            error_p95_m=float(np.percentile(errors, 95)),
            error_max_m=float(np.max(errors)),
            yaw_error_max_deg=float(np.max(yaw_errors)),
            odometry_error_final_m=odometry_errors[-1],
            odometry_error_max_m=float(np.max(odometry_errors)),
            updates=len(update_times),
            update_ms_mean=1000.0 * float(np.mean(update_times)) if update_times else 0.0,
            paths=paths,
        )
