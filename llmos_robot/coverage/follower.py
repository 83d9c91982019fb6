"""Pure pursuit: turn a path into velocity commands for a differential-drive base."""

from __future__ import annotations

import math
from dataclasses import dataclass

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


NEAR_ENOUGH = 0.03  # m: how close the first vertex (driven to from anywhere) must be reached


class RouteFollower:
    """Drives a polyline vertex by vertex: turns on the spot at sharp corners, pure pursuit between.

    Unlike `PurePursuit` it reaches every vertex (a lane's end is floor to clean, not a corner to
    cut) and slows down only before corners it must stop at. `command(pose)` returns the wanted
    (linear, angular); acceleration limits are applied by the caller.
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
    ) -> None:
        self.points = list(points)
        self.speed = speed
        self.max_angular = max_angular
        self.lookahead = lookahead
        self.turn_in_place_above = turn_in_place_above
        self.tolerance = tolerance
        self.deceleration = deceleration
        self.index = 0  # the vertex being driven to
        self.done = not self.points

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
        target = self.points[self.index]
        start = self.points[self.index - 1] if self.index > 0 else here
        aim = _lookahead_on_segment(start, target, here, self.lookahead)
        heading_error = wrap_angle(math.atan2(aim[1] - pose.y, aim[0] - pose.x) - pose.yaw)
        if abs(heading_error) > self.turn_in_place_above:
            turn = max(-self.max_angular, min(self.max_angular, 4.0 * heading_error))
            return (0.0, turn if abs(turn) > 0.3 else math.copysign(0.3, turn))
        to_corner = math.dist(here, target)
        if self._must_stop_at(self.index):
            # Brake at 3/4 of the allowed deceleration so the command never has to jump to zero.
            braking = 1.5 * self.deceleration * max(to_corner - self._tolerance(self.index), 0.0)
            speed = min(self.speed, math.sqrt(braking) + 0.02)
        else:
            speed = self.speed
        distance = max(math.dist(here, aim), 1e-6)
        angular = speed * 2.0 * math.sin(heading_error) / distance
        if abs(angular) > self.max_angular:
            speed *= self.max_angular / abs(angular)
            angular = math.copysign(self.max_angular, angular)
        return (speed, angular)

    def _tolerance(self, index: int) -> float:
        """How close along the way vertex `index` must be reached: the first one (driven to from
        wherever the robot is, not along a lane) within NEAR_ENOUGH, the others within the tolerance."""
        return max(self.tolerance, NEAR_ENOUGH) if index == 0 else self.tolerance

    def _must_stop_at(self, index: int) -> bool:
        if index >= len(self.points) - 1:
            return True
        a, b, c = (
            self.points[index - 1] if index > 0 else self.points[index],
            self.points[index],
            self.points[index + 1],
        )
        turn = wrap_angle(math.atan2(c[1] - b[1], c[0] - b[0]) - math.atan2(b[1] - a[1], b[0] - a[0]))
        return abs(turn) > self.turn_in_place_above


def _remaining_along(a: Vec2, b: Vec2, p: Vec2) -> float:
    """Distance still to go to `b` along a->b, measured on the projection of `p`."""
    length = math.dist(a, b)
    if length < 1e-9:
        return math.dist(p, b)
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    return length - ((p[0] - a[0]) * ux + (p[1] - a[1]) * uy)


def _lookahead_on_segment(a: Vec2, b: Vec2, p: Vec2, lookahead: float) -> Vec2:
    """The point `lookahead` beyond p's projection on a->b, clipped to the segment's end."""
    length = math.dist(a, b)
    if length < 1e-9:
        return b
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    along = (p[0] - a[0]) * ux + (p[1] - a[1]) * uy
    t = min(length, max(0.0, along) + lookahead)
    return (a[0] + t * ux, a[1] + t * uy)
