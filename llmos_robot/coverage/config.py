"""Every tunable of coverage cleaning in one frozen dataclass (the node reads it from ROS parameters)."""

from __future__ import annotations

from dataclasses import dataclass

ROBOT_RADIUS = 0.17  # m, the robot's body (a disc)


@dataclass(frozen=True)
class CoverageConfig:
    # The brush: the whole underside of the 0.34 m disc cleans (a round vacuum's side brushes sweep
    # its full width), so the footprint is a disc of the robot's radius around its centre.
    brush_radius: float = ROBOT_RADIUS  # m
    lane_overlap: float = 0.03  # m each lane overlaps the previous one (absorbs tracking error)
    gap_fill_below: float = 0.005  # add partial lanes while more than this share of the floor is unswept
    gap_fill_min_cells: int = 12  # ... and each one sweeps at least this many more cells
    # m: a sharp corner is driven through as an arc of this radius (or half of it) wherever that
    # leaves no floor unswept (rounding.py); 0 = stop and turn at every one. At 0.16 the arc is
    # taken at cruise speed within the turning limit.
    turn_radius: float = 0.16
    clearance: float = 0.22  # m: robot radius + margin; the robot's centre stays this far from obstacles
    cruise_speed: float = 0.26  # m/s on sweeps (the base's limit)
    transit_speed: float = 0.26  # m/s to the plan's start, and between sweeps no way was planned for
    max_angular: float = 1.8  # rad/s
    # m/s per wheel; 0 = none. The simulators limit the body's linear and angular speed apart (as
    # Gazebo's DiffDrive does), so a 0.16 m arc is driven at 0.26 m/s with the outer wheel at 0.5.
    # A real TurtleBot3's wheels top out near 0.26 m/s each: the robot stack sets that (bringup.py).
    wheel_speed_limit: float = 0.0
    wheel_separation: float = 0.287  # m, between the wheels' contact points (TurtleBot3 waffle)
    # m/s^2: Nav2's defaults for a TurtleBot-class base allow 2.5 (velocity smoother, DWB); the sim's
    # torque-limited motors ~3.6. Braking at 1.5 stops from cruise in 2.3 cm.
    linear_acceleration: float = 1.5
    # rad/s^2: turning on the spot at 10 asks each wheel for 10 x 0.1435 = 1.44 m/s^2, no more than braking.
    angular_acceleration: float = 10.0
    lookahead: float = 0.20  # m, pure pursuit
    turn_in_place_above: float = 0.35  # rad: a bend sharper than this is a stop and a turn on the spot
    # rad: the turn on the spot ends this close to the way on; the rest is turned while driving off
    # (Nav2's rotation shim hands over at 0.785). 0.7 is ~3% quicker than 0.35 in the house and
    # sweeps the same floor, on the localiser too; leaving a right angle the robot strays up to
    # 2.4 cm off the path (1.3 cm at 0.35; both measured aiming 10 cm ahead out of the corner, less
    # now the follower aims 6 cm ahead), inside the clearance's 5 cm margin.
    rotate_until: float = 0.7
    corner_tolerance: float = 0.01  # m: a lane end counts as reached this close along the path
    # Obstacles the map does not show, seen by the lidar: slow down, then stop, in a corridor ahead.
    obstacle_slow_distance: float = 0.60  # m from the robot's centre
    obstacle_stop_distance: float = 0.30  # m from the robot's centre
    obstacle_wait: float = 1.0  # s stopped before the obstacle goes on the map and the route is re-planned
    map_match_distance: float = 0.10  # m: a lidar point this close to a mapped obstacle is the map's
    # Bumps and getting stuck.
    back_off_speed: float = 0.10  # m/s backwards after a bump
    back_off_time: float = 0.8  # s
    stuck_time: float = 5.0  # s driving with less than stuck_progress before recovery
    stuck_progress: float = 0.05  # m
    max_recoveries: int = 12  # bumps + stuck recoveries before giving up (outcome FAILED)
    control_rate: float = 20.0  # Hz

    @property
    def swath(self) -> float:
        """Distance between neighbouring lanes."""
        return 2.0 * self.brush_radius - self.lane_overlap


DEFAULT_CONFIG = CoverageConfig()  # shared default (frozen)
