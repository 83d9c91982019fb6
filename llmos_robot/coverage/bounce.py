"""The classic robot-vacuum baseline: drive straight until something is close, turn a random angle.

It uses no map: only the lidar (anything within `turn_distance` ahead), the bumper and, if
given, a virtual wall that keeps it in one room (doors are open in the house; a real bouncing
vacuum would wander off). The benchmark runs it for as long as the planned clean took, from
the same start, and compares the floor it covered.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from llmos_robot.coverage.config import ROBOT_RADIUS
from llmos_robot.coverage.job import Sense
from llmos_robot.world.geometry import wrap_angle


@dataclass(frozen=True)
class BounceConfig:
    speed: float = 0.26  # m/s
    turn_rate: float = 1.5  # rad/s
    turn_distance: float = 0.30  # m from the robot's centre to an obstacle ahead
    back_off_time: float = 0.5  # s after a bump
    seed: int = 0


class RandomBounce:
    """`step(sense, now)` -> (linear, angular), like a coverage job."""

    def __init__(
        self, config: BounceConfig = BounceConfig(), inside: Callable[[float, float], bool] | None = None
    ) -> None:
        self.config = config
        self.inside = inside  # a virtual wall (the classic IR barrier): keep the robot in one room
        self._rng = np.random.default_rng(config.seed)
        self._turn_to: float | None = None
        self._turn_started = -math.inf
        self._back_until = -math.inf
        self._bumped = False
        self.collisions = 0
        self._last_blocked = False

    def step(self, sense: Sense, now: float) -> tuple[float, float]:
        cfg = self.config
        if sense.bumper and not self._bumped:
            self.collisions += 1
            self._back_until = now + cfg.back_off_time
            self._turn_to = None
        self._bumped = sense.bumper
        if now < self._back_until:
            return (-0.1, 0.0)
        if self._turn_to is None and (sense.bumper or self._blocked(sense) or now < self._back_until + 0.05):
            self._turn_to = wrap_angle(sense.pose.yaw + self._rng.uniform(0.6 * math.pi, 1.4 * math.pi))
            self._turn_started = now
        if self._turn_to is not None and now - self._turn_started > 2 * math.pi / cfg.turn_rate + 1.0:
            # Turned a whole circle's time without getting there (wedged, or blocked all round):
            # back off and pick a new direction, as a bouncing vacuum's escape move does.
            self._back_until = now + cfg.back_off_time
            self._turn_to = None
            return (-0.1, 0.0)
        if self._turn_to is not None:
            error = wrap_angle(self._turn_to - sense.pose.yaw)
            if abs(error) < 0.1 and not self._blocked(sense):
                self._turn_to = None
            else:
                return (0.0, math.copysign(cfg.turn_rate, error if abs(error) >= 0.1 else 1.0))
        return (cfg.speed, 0.0)

    def _blocked(self, sense: Sense) -> bool:
        if self.inside is not None:
            ahead = self.config.turn_distance
            x = sense.pose.x + ahead * math.cos(sense.pose.yaw)
            y = sense.pose.y + ahead * math.sin(sense.pose.yaw)
            if not self.inside(x, y):
                return True
        if sense.scan_ranges is None or sense.scan_angles is None:
            return self._last_blocked
        ranges = np.asarray(sense.scan_ranges, dtype=np.float64)
        angles = np.asarray(sense.scan_angles, dtype=np.float64)
        ranges = np.where(np.isneginf(ranges), 0.0, ranges)
        ok = np.isfinite(ranges)
        forward = ranges[ok] * np.cos(angles[ok])
        lateral = ranges[ok] * np.sin(angles[ok])
        near = (forward > 0) & (forward < self.config.turn_distance) & (np.abs(lateral) < ROBOT_RADIUS + 0.02)
        self._last_blocked = bool(near.any())
        return self._last_blocked
