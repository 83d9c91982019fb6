"""Small rigid-body and polygon helpers shared by the world model and the simulator."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Vec2 = tuple[float, float]


@dataclass(frozen=True)
class Pose2D:
    """A pose on the floor: metres and radians in the map frame."""

    x: float
    y: float
    yaw: float = 0.0

    def distance_to(self, other: Pose2D) -> float:
        return math.hypot(self.x - other.x, self.y - other.y)

    def compose(self, local: Pose2D) -> Pose2D:
        """`local`, given in a frame placed at this pose, expressed in this pose's frame."""
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        return Pose2D(
            self.x + c * local.x - s * local.y, self.y + s * local.x + c * local.y, wrap_angle(self.yaw + local.yaw)
        )


@dataclass(frozen=True)
class Transform:
    """A rigid transform: rotation matrix and translation, as SDF poses compose."""

    rotation: NDArray[np.float64]
    translation: NDArray[np.float64]

    @staticmethod
    def identity() -> Transform:
        return Transform(np.eye(3), np.zeros(3))

    @staticmethod
    def from_pose(x: float, y: float, z: float, roll: float, pitch: float, yaw: float) -> Transform:
        """SDF's pose: fixed-axis roll, then pitch, then yaw (R = Rz * Ry * Rx)."""
        cr, sr = math.cos(roll), math.sin(roll)
        cp, sp = math.cos(pitch), math.sin(pitch)
        cy, sy = math.cos(yaw), math.sin(yaw)
        rx = np.array([[1, 0, 0], [0, cr, -sr], [0, sr, cr]])
        ry = np.array([[cp, 0, sp], [0, 1, 0], [-sp, 0, cp]])
        rz = np.array([[cy, -sy, 0], [sy, cy, 0], [0, 0, 1]])
        return Transform(rz @ ry @ rx, np.array([x, y, z], dtype=float))

    def __matmul__(self, child: Transform) -> Transform:
        return Transform(
            self.rotation @ child.rotation,
            self.rotation @ child.translation + self.translation,
        )

    @property
    def yaw(self) -> float:
        return math.atan2(self.rotation[1, 0], self.rotation[0, 0])

    @property
    def is_upright(self) -> bool:
        """True when the local z axis points straight up (only yaw is non-zero)."""
        return bool(abs(self.rotation[2, 2] - 1.0) < 1e-6)

    def quaternion_wxyz(self) -> tuple[float, float, float, float]:
        return rotation_to_quaternion(self.rotation)


def rotation_to_quaternion(r: NDArray[np.float64]) -> tuple[float, float, float, float]:
    """Unit quaternion (w, x, y, z) of a rotation matrix (Shepperd's method)."""
    trace = r[0, 0] + r[1, 1] + r[2, 2]
    if trace > 0:
        s = 2.0 * math.sqrt(trace + 1.0)
        w, x, y, z = 0.25 * s, (r[2, 1] - r[1, 2]) / s, (r[0, 2] - r[2, 0]) / s, (r[1, 0] - r[0, 1]) / s
    elif r[0, 0] > r[1, 1] and r[0, 0] > r[2, 2]:
        s = 2.0 * math.sqrt(1.0 + r[0, 0] - r[1, 1] - r[2, 2])
        w, x, y, z = (r[2, 1] - r[1, 2]) / s, 0.25 * s, (r[0, 1] + r[1, 0]) / s, (r[0, 2] + r[2, 0]) / s
    elif r[1, 1] > r[2, 2]:
        s = 2.0 * math.sqrt(1.0 + r[1, 1] - r[0, 0] - r[2, 2])
        w, x, y, z = (r[0, 2] - r[2, 0]) / s, (r[0, 1] + r[1, 0]) / s, 0.25 * s, (r[1, 2] + r[2, 1]) / s
    else:
        s = 2.0 * math.sqrt(1.0 + r[2, 2] - r[0, 0] - r[1, 1])
        w, x, y, z = (r[1, 0] - r[0, 1]) / s, (r[0, 2] + r[2, 0]) / s, (r[1, 2] + r[2, 1]) / s, 0.25 * s
    return (float(w), float(x), float(y), float(z))


def yaw_to_quaternion(yaw: float) -> tuple[float, float, float, float]:
    """(w, x, y, z) of a rotation about z."""
    return (math.cos(yaw / 2.0), 0.0, 0.0, math.sin(yaw / 2.0))


def wrap_angle(angle: float) -> float:
    """Angle wrapped to [-pi, pi)."""
    return (angle + math.pi) % (2.0 * math.pi) - math.pi


def point_in_polygon(x: float, y: float, polygon: list[Vec2]) -> bool:
    """Even-odd rule; points on an edge may fall either way."""
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def polygon_area(polygon: list[Vec2]) -> float:
    """Signed shoelace area: positive when counter-clockwise."""
    total = 0.0
    for i in range(len(polygon)):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % len(polygon)]
        total += x1 * y2 - x2 * y1
    return total / 2.0


def polygon_centroid(polygon: list[Vec2]) -> Vec2:
    area = polygon_area(polygon)
    if abs(area) < 1e-12:
        return (sum(p[0] for p in polygon) / len(polygon), sum(p[1] for p in polygon) / len(polygon))
    cx = cy = 0.0
    for i in range(len(polygon)):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % len(polygon)]
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return (cx / (6.0 * area), cy / (6.0 * area))
