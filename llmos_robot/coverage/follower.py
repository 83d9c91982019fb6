"""Pure pursuit: turn a path into velocity commands for a differential-drive base."""

from __future__ import annotations

import math
from dataclasses import dataclass

from llmos_robot.coverage.masks import without_repeats
from llmos_robot.world.geometry import Pose2D, Vec2, wrap_angle


@dataclass(frozen=True)
class FollowerConfig:
    cruise_speed: float = 0.22  # m/s
    max_angular: float = 1.5  # rad/s
    lookahead: float = 0.25  # m
    turn_in_place_above: float = 0.9  # rad of heading error: stop and rotate first
    goal_tolerance: float = 0.08  # m
    slow_down_within: float = 0.4  # m from the goal


class PurePursuit:
    """Follows a polyline; `command(pose)` returns (linear, angular), `done` once at the end."""

    def __init__(self, path: list[Vec2], config: FollowerConfig = FollowerConfig()) -> None:
        if len(path) < 2:
            path = [path[0], path[0]] if path else [(0.0, 0.0), (0.0, 0.0)]
        self.path = path
        self.config = config
        self._segment = 0
        self.done = False

    @property
    def goal(self) -> Vec2:
        return self.path[-1]

    def command(self, pose: Pose2D) -> tuple[float, float]:
        cfg = self.config
        to_goal = math.hypot(self.goal[0] - pose.x, self.goal[1] - pose.y)
        if to_goal < cfg.goal_tolerance:
            self.done = True
        if self.done:
            return (0.0, 0.0)
        target = self._lookahead_point(pose)
        heading_error = wrap_angle(math.atan2(target[1] - pose.y, target[0] - pose.x) - pose.yaw)
        if abs(heading_error) > cfg.turn_in_place_above:
            return (0.0, math.copysign(cfg.max_angular * 0.6, heading_error))
        distance = max(math.hypot(target[0] - pose.x, target[1] - pose.y), 1e-6)
        curvature = 2.0 * math.sin(heading_error) / distance
        speed = cfg.cruise_speed * min(1.0, to_goal / cfg.slow_down_within + 0.25)
        speed *= max(0.3, math.cos(heading_error))
        angular = speed * curvature
        if abs(angular) > cfg.max_angular:
            speed *= cfg.max_angular / abs(angular)
            angular = math.copysign(cfg.max_angular, angular)
        return (speed, angular)

    def _lookahead_point(self, pose: Pose2D) -> Vec2:
        # Advance past segments whose end is already closer than the lookahead.
        while self._segment < len(self.path) - 2:
            end = self.path[self._segment + 1]
            if math.hypot(end[0] - pose.x, end[1] - pose.y) < self.config.lookahead:
                self._segment += 1
            else:
                break
        for i in range(self._segment, len(self.path) - 1):
            point = _circle_hit(self.path[i], self.path[i + 1], pose, self.config.lookahead)
            if point is not None:
                return point
        return self.path[min(self._segment + 1, len(self.path) - 1)]


def _circle_hit(a: Vec2, b: Vec2, pose: Pose2D, radius: float) -> Vec2 | None:
    """The farthest point of segment a-b at distance `radius` from the pose, if any."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    fx, fy = a[0] - pose.x, a[1] - pose.y
    qa = dx * dx + dy * dy
    if qa < 1e-12:
        return None
    qb = 2 * (fx * dx + fy * dy)
    qc = fx * fx + fy * fy - radius * radius
    disc = qb * qb - 4 * qa * qc
    if disc < 0:
        return None
    t = (-qb + math.sqrt(disc)) / (2 * qa)
    if 0.0 <= t <= 1.0:
        return (a[0] + t * dx, a[1] + t * dy)
    return None


def within_wheels(linear: float, angular: float, wheel_limit: float, separation: float) -> tuple[float, float]:
    """The twist scaled down (curvature kept) until neither wheel exceeds `wheel_limit` (0 = none)."""
    fastest = abs(linear) + abs(angular) * separation / 2.0
    if wheel_limit <= 0.0 or fastest <= wheel_limit:
        return (linear, angular)
    return (linear * wheel_limit / fastest, angular * wheel_limit / fastest)


def bend_speed(radius: float, max_angular: float, wheel_limit: float = 0.0, separation: float = 0.287) -> float:
    """How fast a bend of `radius` is driven: within 90% of the turning limit and of any wheel
    limit (on a bend the outer wheel runs faster than the body by 1 + separation / 2r)."""
    speed = 0.9 * max_angular * radius
    if wheel_limit > 0.0:
        speed = min(speed, 0.9 * wheel_limit / (1.0 + separation / (2.0 * radius)))
    return speed


MIN_LOOKAHEAD = 0.10  # m: pure pursuit never aims closer than this (tight bends are taken slowly instead)
# m: the aim while still turning out of a corner. Pure pursuit's arc to it bulges to the outside
# of the corner by lookahead / 2 x tan(error / 2): 1.8 cm at 0.1 m with 0.7 rad left to turn, which
# re-swept a strip of the loop outside after every corner; 1.1 cm at 0.06 m.
DRIVE_OFF_LOOKAHEAD = 0.06
NEAR_ENOUGH = 0.03  # m: how close the first vertex (driven to from anywhere) must be reached


class RouteFollower:
    """Drives a polyline vertex by vertex: turns on the spot at sharp corners, pure pursuit between.

    Unlike `PurePursuit` it reaches every vertex it must stop at (a lane's end is floor to clean,
    not a corner to cut). Gentle bends (a corner rounded into an arc is a string of them) are
    driven through without stopping, at the speed their curvature (and any wheel speed limit)
    allows, braking in time for them. It turns on the spot only where the path itself turns
    sharply (or the aim is behind it), not where pure pursuit's aim on a tight arc is off, and
    only until the heading is within `rotate_until` of the way on: pure pursuit turns the rest
    while speeding up (as Nav2's rotation shim hands over to its path follower).
    `command(pose)` returns the wanted (linear, angular); acceleration limits are applied by the caller.
    """

    def __init__(
        self,
        points: list[Vec2],
        speed: float,
        max_angular: float,
        lookahead: float,
        turn_in_place_above: float,
        tolerance: float,
        deceleration: float,
        angular_deceleration: float = 6.0,
        wheel_speed_limit: float = 0.0,
        wheel_separation: float = 0.287,
        rotate_until: float | None = None,
    ) -> None:
        # A repeated point is a zero-length leg whose heading is meaningless: it would read as a corner.
        self.points = without_repeats(points, 1e-6)
        self.speed = speed
        self.max_angular = max_angular
        self.lookahead = lookahead
        self.turn_in_place_above = turn_in_place_above
        self.tolerance = tolerance
        self.deceleration = deceleration
        self.angular_deceleration = angular_deceleration
        self.wheel_speed_limit = wheel_speed_limit  # m/s per wheel; 0 = only the body's limits apply
        self.wheel_separation = wheel_separation
        # Turning on the spot stops this close to the way ahead; the rest is turned while driving off.
        self.rotate_until = turn_in_place_above if rotate_until is None else rotate_until
        self.index = 0  # the vertex being driven to
        self.done = not self.points
        self._limits = [self._speed_limit_at(i) for i in range(len(self.points))]

    def remaining_length(self, pose: Pose2D) -> float:
        if self.done:
            return 0.0
        here: Vec2 = (pose.x, pose.y)
        total = 0.0
        for point in self.points[self.index :]:
            total += math.dist(here, point)
            here = point
        return total

    def command(self, pose: Pose2D) -> tuple[float, float]:
        here: Vec2 = (pose.x, pose.y)
        while not self.done:
            target = self.points[self.index]
            start = self.points[self.index - 1] if self.index > 0 else here
            # A lane's end is floor to clean: reach it to within the tolerance along the lane.
            tolerance = self._tolerance(self.index)
            if _remaining_along(start, target, here) <= tolerance or math.dist(here, target) <= tolerance:
                self.index += 1
                self.done = self.index >= len(self.points)
            else:
                break
        if self.done:
            return (0.0, 0.0)
        speed = self._speed_ahead(here)
        start = self.points[self.index - 1] if self.index > 0 else here
        target = self.points[self.index]
        way = math.atan2(target[1] - start[1], target[0] - start[0]) if math.dist(start, target) > 1e-6 else pose.yaw
        way_error = abs(wrap_angle(way - pose.yaw))
        # Still turning out of a corner: aim close, so the rest of the turn is tight, not a swing wide.
        if way_error > self.turn_in_place_above:
            lookahead = DRIVE_OFF_LOOKAHEAD
        else:
            lookahead = max(MIN_LOOKAHEAD, min(self.lookahead, 0.6 * speed))
        aim = self._aim(here, lookahead)
        heading_error = wrap_angle(math.atan2(aim[1] - pose.y, aim[0] - pose.x) - pose.yaw)
        # On a tight arc the aim point lies well off the robot's heading while the path itself
        # bends gently: turn on the spot only when the way ahead points off the heading too (or
        # the aim is behind, e.g. far off the path).
        way_off = way_error > self.rotate_until
        if abs(heading_error) > self.rotate_until and (way_off or abs(heading_error) > math.pi / 2):
            # Turn as fast as allowed, braking in time for the heading (at most 4/s x the error).
            turn = min(
                self.max_angular,
                4.0 * abs(heading_error),
                math.sqrt(self.angular_deceleration * abs(heading_error)),
            )
            return self._within_wheels(0.0, math.copysign(max(turn, 0.3), heading_error))
        distance = max(math.dist(here, aim), 1e-6)
        angular = speed * 2.0 * math.sin(heading_error) / distance
        if abs(angular) > self.max_angular:
            speed *= self.max_angular / abs(angular)
            angular = math.copysign(self.max_angular, angular)
        return self._within_wheels(speed, angular)

    def _within_wheels(self, linear: float, angular: float) -> tuple[float, float]:
        return within_wheels(linear, angular, self.wheel_speed_limit, self.wheel_separation)

    def _speed_ahead(self, here: Vec2) -> float:
        """The cruise speed, or less where a stop or a tight bend is within braking distance."""
        speed = self.speed
        along, previous = 0.0, here
        horizon = self.speed**2 / self.deceleration + 0.1
        for i in range(self.index, len(self.points)):
            along += math.dist(previous, self.points[i])
            previous = self.points[i]
            room = max(along - self._tolerance(i), 0.0)
            # Brake at 3/4 of the allowed deceleration so the command never has to jump to zero.
            speed = min(speed, math.sqrt(self._limits[i] ** 2 + 1.5 * self.deceleration * room) + 0.02)
            if self._limits[i] == 0.0 or along > horizon:
                break
        return speed

    def _aim(self, here: Vec2, lookahead: float) -> Vec2:
        """`lookahead` on along the path from here, through gentle bends, never past a stop."""
        start = self.points[self.index - 1] if self.index > 0 else here
        target = self.points[self.index]
        length = math.dist(start, target)
        if length < 1e-9:
            return target
        ux, uy = (target[0] - start[0]) / length, (target[1] - start[1]) / length
        along = max(0.0, (here[0] - start[0]) * ux + (here[1] - start[1]) * uy)
        left = lookahead - (length - along)
        if left <= 0.0:
            t = along + lookahead
            return (start[0] + t * ux, start[1] + t * uy)
        i = self.index
        while self._limits[i] > 0.0 and i + 1 < len(self.points):
            a, b = self.points[i], self.points[i + 1]
            segment = math.dist(a, b)
            if segment >= left:
                f = left / segment
                return (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]))
            left -= segment
            i += 1
        return self.points[i]

    def _tolerance(self, index: int) -> float:
        """How close along the way vertex `index` must be reached: the first one (driven to from
        wherever the robot is, not along a lane) within NEAR_ENOUGH, the others within the tolerance."""
        return max(self.tolerance, NEAR_ENOUGH) if index == 0 else self.tolerance

    def _turn_at(self, index: int) -> float:
        a, b, c = self.points[index - 1], self.points[index], self.points[index + 1]
        return abs(wrap_angle(math.atan2(c[1] - b[1], c[0] - b[0]) - math.atan2(b[1] - a[1], b[0] - a[0])))

    def _speed_limit_at(self, index: int) -> float:
        """How fast vertex `index` may be passed: 0 where the robot stops (the end, a sharp corner,
        the first vertex), else what the bend's radius allows at the turning-rate limit."""
        if index == 0 or index >= len(self.points) - 1:
            return 0.0
        turn = self._turn_at(index)
        if turn > self.turn_in_place_above:
            return 0.0
        if turn < 1e-3:
            return self.speed
        a, b, c = self.points[index - 1], self.points[index], self.points[index + 1]
        radius = min(math.dist(a, b), math.dist(b, c)) / turn
        return min(self.speed, bend_speed(radius, self.max_angular, self.wheel_speed_limit, self.wheel_separation))

    def _must_stop_at(self, index: int) -> bool:
        return index >= len(self.points) - 1 or (index > 0 and self._turn_at(index) > self.turn_in_place_above)


def _remaining_along(a: Vec2, b: Vec2, p: Vec2) -> float:
    """Distance still to go to `b` along a->b, measured on the projection of `p`."""
    length = math.dist(a, b)
    if length < 1e-9:
        return math.dist(p, b)
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    return length - ((p[0] - a[0]) * ux + (p[1] - a[1]) * uy)
