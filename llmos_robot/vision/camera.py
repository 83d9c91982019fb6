"""The pinhole camera on the robot: pixels to floor points and back.

Intrinsics follow `camera_info_to_msg` (square pixels, principal point at the image centre,
fx = width / 2 / tan(hfov / 2)). The extrinsics are the camera link's pose on the robot (SDF
convention: x forward, z up); the optical frame looks along the link's +x with image x to the
right (-y) and image y down (-z).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from llmos_robot.world.geometry import Pose2D, Transform
from llmos_robot.world.sdf import CameraSpec

# optical frame (x right, y down, z forward) -> camera link frame (x forward, y left, z up)
OPTICAL_TO_LINK = np.array([[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0], [0.0, -1.0, 0.0]])


@dataclass(frozen=True)
class PinholeCamera:
    width: int
    height: int
    fx: float
    fy: float
    cx: float
    cy: float
    rotation: NDArray[np.float64]  # camera link -> robot base frame
    translation: NDArray[np.float64]  # camera position in the robot base frame (m)

    @staticmethod
    def from_spec(spec: CameraSpec) -> PinholeCamera:
        fx = spec.width / 2 / math.tan(spec.horizontal_fov / 2)
        return PinholeCamera(
            spec.width,
            spec.height,
            fx,
            fx,
            spec.width / 2,
            spec.height / 2,
            spec.pose.rotation.copy(),
            spec.pose.translation.copy(),
        )

    @staticmethod
    def from_pose(
        width: int, height: int, horizontal_fov: float, height_m: float, pitch: float, forward: float = 0.0
    ) -> PinholeCamera:
        """A camera `height_m` above the floor, `forward` ahead of the robot centre, pitched down by `pitch`."""
        pose = Transform.from_pose(forward, 0.0, height_m, 0.0, pitch, 0.0)
        spec = CameraSpec(pose, "camera", 15.0, width, height, horizontal_fov, 0.05, 8.0)
        return PinholeCamera.from_spec(spec)

    def scaled(self, factor: float) -> PinholeCamera:
        """The same camera for an image resized by `factor` (0.5 = half width and height)."""
        return PinholeCamera(
            round(self.width * factor),
            round(self.height * factor),
            self.fx * factor,
            self.fy * factor,
            self.cx * factor,
            self.cy * factor,
            self.rotation,
            self.translation,
        )

    @property
    def optical_rotation(self) -> NDArray[np.float64]:
        """Optical frame -> robot base frame."""
        result: NDArray[np.float64] = self.rotation @ OPTICAL_TO_LINK
        return result

    def rays(self, u: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.float64]:
        """Unnormalised ray directions in the base frame, shape (N, 3), through pixels (u, v)."""
        optical = np.stack([(u - self.cx) / self.fx, (v - self.cy) / self.fy, np.ones_like(u, dtype=float)], axis=-1)
        result: NDArray[np.float64] = optical @ self.optical_rotation.T
        return result

    def floor_points(self, u: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.float64]:
        """Where the rays through (u, v) meet the floor, (N, 2) in the base frame; NaN above the horizon."""
        rays = self.rays(np.asarray(u, dtype=float), np.asarray(v, dtype=float))
        down = rays[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(down < -1e-9, -self.translation[2] / down, np.nan)
        points: NDArray[np.float64] = self.translation[:2] + rays[..., :2] * scale[..., None]
        return points

    def floor_point(self, u: float, v: float) -> tuple[float, float] | None:
        point = self.floor_points(np.array([u]), np.array([v]))[0]
        return None if np.isnan(point[0]) else (float(point[0]), float(point[1]))

    def horizon_row(self) -> float:
        """Image row of the horizon (rays above it never reach the floor); may be outside the image."""
        forward = self.optical_rotation.T @ np.array([1.0, 0.0, 0.0])  # a level ray, in the optical frame
        if forward[2] <= 1e-9:
            return -math.inf
        return float(self.cy + self.fy * forward[1] / forward[2])

    def row_at_distance(self, distance: float) -> float:
        """Image row (centre column) of the floor point `distance` ahead of the robot centre."""
        pixel = self.project(np.array([distance, 0.0, 0.0]))
        return self.height if pixel is None else pixel[1]

    def project(self, point: NDArray[np.float64]) -> tuple[float, float] | None:
        """Pixel (u, v) of a base-frame 3D point, or None behind the camera."""
        optical = self.optical_rotation.T @ (np.asarray(point, dtype=float) - self.translation)
        if optical[2] <= 1e-6:
            return None
        return (
            float(self.cx + self.fx * optical[0] / optical[2]),
            float(self.cy + self.fy * optical[1] / optical[2]),
        )

    def optical_to_base(self, point: NDArray[np.float64]) -> NDArray[np.float64]:
        result: NDArray[np.float64] = self.optical_rotation @ np.asarray(point, dtype=float) + self.translation
        return result

    def matrix(self) -> NDArray[np.float64]:
        return np.array([[self.fx, 0.0, self.cx], [0.0, self.fy, self.cy], [0.0, 0.0, 1.0]])


def to_map(pose: Pose2D, x: float, y: float) -> tuple[float, float]:
    """A base-frame floor point expressed in the map frame, for the robot at `pose`."""
    point = pose.compose(Pose2D(x, y))
    return (point.x, point.y)


def from_map(pose: Pose2D, x: float, y: float) -> tuple[float, float]:
    """A map-frame floor point in the robot's base frame."""
    c, s = math.cos(pose.yaw), math.sin(pose.yaw)
    dx, dy = x - pose.x, y - pose.y
    return (c * dx + s * dy, -s * dx + c * dy)
