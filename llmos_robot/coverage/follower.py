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
