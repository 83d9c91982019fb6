"""A bumper from contact points: what gz-sim's contact sensor gives, turned into our bumper reading.

Gazebo's contact sensor publishes only while something touches, as contact points in the world
frame. A bumper is a state: pressed while the last contact is recent, with the direction of the
touch in the robot's frame (the coverage follower backs away from it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from llmos_robot.sim.simulator import BumperReading
from llmos_robot.world.geometry import Pose2D, Vec2, wrap_angle


class ContactBumper:
    def __init__(self, hold: float = 0.15) -> None:
        self.hold = hold  # s a contact keeps the bumper pressed (the sensor's messages are ~20 ms apart, at 50 Hz)
        self._last_touch = -math.inf
        self._points: list[Vec2] = []

    def touched(self, now: float, points: Sequence[Vec2]) -> None:
        """Contacts at `now`, world-frame points (an empty list says nothing: no touch is no message)."""
        if points:
            self._last_touch = now
            self._points = list(points)

    def reading(self, now: float, pose: Pose2D | None) -> BumperReading:
        """The bumper at `now`; the contact's direction needs the robot's pose (0, ahead, without one)."""
        if now - self._last_touch > self.hold or not self._points:
            return BumperReading(False)
        if pose is None:
            return BumperReading(True, 0.0)
        x = sum(p[0] for p in self._points) / len(self._points)
        y = sum(p[1] for p in self._points) / len(self._points)
        return BumperReading(True, wrap_angle(math.atan2(y - pose.y, x - pose.x) - pose.yaw))
