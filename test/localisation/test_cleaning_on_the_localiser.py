"""A room cleaned on the localiser's pose, with drifting odometry, is clean where the brush really went."""

from __future__ import annotations

from llmos_robot.coverage.session import CleanRequest
from llmos_robot.coverage.simrun import SimRunConfig, clean_in_sim, spawn_in_room


def test_the_bathroom_is_cleaned_on_the_localiser_where_dead_reckoning_fails(house) -> None:
    spawn = spawn_in_room(house, "bathroom")
    # 3% between the wheels (the worst bench localisation tries): dead reckoning ends well off.
    on_map = clean_in_sim(
        house, CleanRequest(room="bathroom"), spawn, run=SimRunConfig("map", odometry_wheel_bias=0.03)
    )
    assert on_map.truth is not None  # measured from the true pose, not from what the robot believed
    assert on_map.truth.cleaned_fraction >= 0.95
    assert on_map.result.collisions == 0
    dead_reckoned = clean_in_sim(
        house, CleanRequest(room="bathroom"), spawn, run=SimRunConfig("odometry", odometry_wheel_bias=0.03)
    )
    assert dead_reckoned.truth is not None
    assert dead_reckoned.truth.cleaned_fraction < 0.8  # 62% when measured
