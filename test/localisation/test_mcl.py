"""Monte Carlo localisation: the arithmetic, bad input, and real tours in the embedded simulator."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmos_robot.errors import LocalisationError
from llmos_robot.localisation import LocaliserConfig, MonteCarloLocaliser, distance_field, odometry_delta
from llmos_robot.localisation.simrun import localised_tour
from llmos_robot.world import Pose2D


def test_odometry_delta_is_the_motion_in_the_robot_frame() -> None:
    before, after = Pose2D(1.0, 2.0, 0.5), Pose2D(1.5, 2.4, 1.2)
    back = before.compose(odometry_delta(before, after))
    assert (back.x, back.y, back.yaw) == pytest.approx((after.x, after.y, after.yaw))
    ahead = odometry_delta(Pose2D(0.0, 0.0, math.pi / 2), Pose2D(0.0, 1.0, math.pi / 2))
    assert (ahead.x, ahead.y, ahead.yaw) == pytest.approx((1.0, 0.0, 0.0))  # facing north, 1 m north: ahead


def test_settings_that_cannot_work_are_refused() -> None:
    with pytest.raises(LocalisationError, match="particles = 0"):
        LocaliserConfig(particles=0)
    with pytest.raises(LocalisationError, match="hit_sigma = 0"):
        LocaliserConfig(hit_sigma=0.0)


def test_guesses_all_in_walls_are_spread_again_around_the_last_estimate(house_grid) -> None:
    localiser = MonteCarloLocaliser(house_grid, config=LocaliserConfig(alpha=(0.0, 0.0, 0.0, 0.0)))
    localiser.initialise(Pose2D(5.8, 3.0, 0.0), sigma_xy=0.0, sigma_yaw=0.0)
    localiser.moved(Pose2D(0.2, 0.0, 0.0))  # odometry claims it drove into the hallway's east wall (x 5.95-6.05)
    angles = np.linspace(0, 2 * math.pi, 360, endpoint=False)
    assert not localiser.observe(np.full(360, 1.0), angles)
    assert localiser.recoveries == 1
    estimate = localiser.estimate()
    assert estimate.pose.distance_to(Pose2D(5.8, 3.0)) < 0.3 and estimate.spread > 0.15


def test_distance_field_is_zero_in_walls_and_grows_into_the_room(house_grid) -> None:
    field = distance_field(house_grid)
    row, col = house_grid.cell_of(5.97, 3.0)  # inside the hallway's east wall (face at x = 5.95)
    assert field[row, col] == 0.0
    row, col = house_grid.cell_of(5.52, 3.0)  # cell centre 5.525: 9 cells from the wall's first, 5.975
    assert field[row, col] == pytest.approx(0.45, abs=0.03)


def test_a_start_pose_inside_a_wall_is_refused(house_grid) -> None:
    localiser = MonteCarloLocaliser(house_grid)
    with pytest.raises(LocalisationError, match="not free floor"):
        localiser.initialise(Pose2D(6.0, 3.0, 0.0))


def test_a_scan_whose_sizes_disagree_is_refused(house_grid) -> None:
    localiser = MonteCarloLocaliser(house_grid)
    localiser.initialise(Pose2D(5.0, 3.0, 0.0))
    with pytest.raises(LocalisationError, match="360 ranges came with 180 angles"):
        localiser.observe(np.ones(360), np.zeros(180), force=True)


def test_a_blind_scan_leaves_the_pose_to_odometry(house_grid) -> None:
    localiser = MonteCarloLocaliser(house_grid)
    localiser.initialise(Pose2D(5.0, 3.0, 0.0), sigma_xy=0.0, sigma_yaw=0.0)
    localiser.moved(Pose2D(0.5, 0.0, 0.0))
    blind = np.full(360, np.inf)
    assert not localiser.observe(blind, np.linspace(0, 2 * math.pi, 360), force=True)
    estimate = localiser.estimate().pose
    assert (estimate.x, estimate.y) == pytest.approx((5.5, 3.0))


def test_the_tour_stays_on_the_map_while_odometry_drifts(house) -> None:
    # 1% wheel-radius mismatch: dead reckoning ends up tens of centimetres off, the localiser not.
    tour = localised_tour(house, ["bed", "sofa"], wheel_bias=0.01)
    assert tour.reached == ["bed", "sofa"]
    assert tour.odometry_error_final_m > 0.5
    assert tour.error_mean_m < 0.05
    assert tour.error_max_m < 0.12


def test_a_wrong_start_guess_is_corrected_once_the_robot_moves(house) -> None:
    tour = localised_tour(house, ["kitchen_table"], wheel_bias=0.0, start_error=Pose2D(0.25, -0.20, 0.15))
    assert tour.reached == ["kitchen_table"]
    assert tour.error_max_m >= 0.3  # it did start wrong
    assert tour.error_p95_m < 0.08  # and most of the way it was right
