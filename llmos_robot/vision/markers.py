"""ArUco markers (cv2.aruco) with their pose from the marker's known size (IPPE for squares)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from llmos_robot.errors import VisionError
from llmos_robot.vision.camera import PinholeCamera
from llmos_robot.vision.config import VisionConfig


@dataclass(frozen=True)
class MarkerSighting:
    marker_id: int
    corners: NDArray[np.float32]  # (4, 2) pixels, clockwise from the top-left
    position: tuple[float, float, float]  # marker centre in the robot's base frame, m
    distance: float  # m, from the robot centre on the floor plane


class MarkerDetector:
    def __init__(self, config: VisionConfig) -> None:
        dictionary_id = getattr(cv2.aruco, config.marker_dictionary, None)
        if not isinstance(dictionary_id, int):
            raise VisionError(f"unknown ArUco dictionary {config.marker_dictionary!r} (e.g. DICT_4X4_50)")
        parameters = cv2.aruco.DetectorParameters()
        parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
        self._detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(dictionary_id), parameters)
        half = config.marker_size / 2
        self._object_points = np.array(
            [[-half, half, 0.0], [half, half, 0.0], [half, -half, 0.0], [-half, -half, 0.0]], dtype=np.float32
        )

    def detect(self, gray: NDArray[np.uint8], camera: PinholeCamera) -> list[MarkerSighting]:
        corners, ids, _ = self._detector.detectMarkers(gray)
        if ids is None:
            return []
        sightings = []
        matrix = camera.matrix()
        for marker_corners, marker_id in zip(corners, ids.ravel(), strict=True):
            image_points = marker_corners.reshape(4, 2).astype(np.float32)
            ok, _, tvec = cv2.solvePnP(self._object_points, image_points, matrix, None, flags=cv2.SOLVEPNP_IPPE_SQUARE)
            if not ok:
                continue
            base = camera.optical_to_base(np.asarray(tvec, dtype=np.float64).ravel())
            sightings.append(
                MarkerSighting(
                    int(marker_id),
                    image_points,
                    (float(base[0]), float(base[1]), float(base[2])),
                    float(np.hypot(base[0], base[1])),
                )
            )
        return sightings
