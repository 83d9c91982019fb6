"""Where the robot is on the house map, from wheel odometry and the lidar (Monte Carlo localisation)."""

from llmos_robot.localisation.mcl import (
    Estimate,
    LocaliserConfig,
    MonteCarloLocaliser,
    distance_field,
    localiser_for,
    odometry_delta,
)

__all__ = [
    "Estimate",
    "LocaliserConfig",
    "MonteCarloLocaliser",
    "distance_field",
    "localiser_for",
    "odometry_delta",
]
