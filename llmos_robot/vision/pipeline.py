"""All detectors on one frame: `VisionPipeline.process(image, pose)` -> VisionResult."""

from __future__ import annotations

import dataclasses
import time
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from llmos_robot.vision.camera import PinholeCamera, to_map
from llmos_robot.vision.config import VisionConfig
from llmos_robot.vision.floor import FloorSegmenter, FloorView, PixelClass, Segment
from llmos_robot.vision.image import check_image
from llmos_robot.vision.markers import MarkerDetector
from llmos_robot.vision.people import find_people
from llmos_robot.vision.types import LEGS_LABEL, UPRIGHT_LABEL, Detection, DetectionKind, VisionResult
from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.grid import OCCUPIED, OccupancyGrid, rasterise
from llmos_robot.world.model import World

UPRIGHT_CONFIDENCE = 0.5  # a person from the map difference alone: no legs seen


class KnownObstacles(Protocol):
    """What the map already knows: obstacles the camera need not report."""

    def is_mapped(self, x: float, y: float) -> bool:
        """True when (x, y) in the map frame is on or next to a mapped obstacle."""
        ...


class GridObstacles:
    """KnownObstacles from an occupancy grid; anything within `tolerance` of an occupied cell counts."""

    def __init__(self, grid: OccupancyGrid, tolerance: float = 0.15) -> None:
        self.grid = grid
        cells = int(np.ceil(tolerance / grid.resolution))
        occupied = (grid.cells == OCCUPIED).astype(np.uint8)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * cells + 1, 2 * cells + 1))
        self._near = cv2.dilate(occupied, kernel) > 0

    @staticmethod
    def from_world(world: World, tolerance: float = 0.15) -> GridObstacles:
        """The world's static structure: every obstacle except the people the sidecar lists (a person
        standing in the simulated house is in its collision geometry, but is not part of the map)."""
        people = {o.name for o in world.objects if o.kind == "person"}
        static = [s for s in world.obstacles if s.name.split("/", 1)[0] not in people]
        return GridObstacles(rasterise(dataclasses.replace(world, obstacles=static)), tolerance)

    def is_mapped(self, x: float, y: float) -> bool:
        row, col = self.grid.cell_of(x, y)
        if not self.grid.inside(row, col):
            return True  # outside the house: the walls
        return bool(self._near[row, col])


class VisionPipeline:
    """Dirt and spill segmentation, ArUco markers, people (legs) and unmapped obstacles."""

    def __init__(
        self, config: VisionConfig, camera: PinholeCamera, known_obstacles: KnownObstacles | None = None
    ) -> None:
        self.config = config
        self.camera = camera
        self.known_obstacles = known_obstacles
        self.segmenter = FloorSegmenter(config, camera)
        self.markers = MarkerDetector(config)
        self._scale = config.analysis_scale

    def process(self, image: NDArray[np.uint8], pose: Pose2D | None = None) -> VisionResult:
        """Every detection in an RGB frame of this camera; positions in the map frame when `pose` is given."""
        image = check_image(image)
        if image.shape[1] != self.camera.width or image.shape[0] != self.camera.height:
            size = (self.camera.width, self.camera.height)
            image = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
        timings: dict[str, float] = {}
        detections: list[Detection] = []

        started = time.perf_counter()
        view = self.segmenter.analyse(image)
        for stain in view.stains:
            kind = DetectionKind.DIRT if stain.kind is PixelClass.DIRT else DetectionKind.SPILL
            detections.append(self._placed(kind, stain.confidence, self._full_box(stain.box), stain.centre, pose))
        timings["floor"] = (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        people = find_people(view, self.segmenter, self.config)
        legs: set[int] = set()
        for person in people:
            a, b = person.legs
            if not (self._unmapped(a, pose) and self._unmapped(b, pose)):
                continue  # legs on a mapped wall or piece of furniture: a table's, not a person's
            legs.update((a.first, b.first))
            first, last = min(a.first, b.first), max(a.last, b.last)
            top = view.horizon_row
            box = (first, top, last - first + 1, max(a.contact_row, b.contact_row) - top + 1)
            seen = self._placed(DetectionKind.PERSON, person.confidence, self._full_box(box), person.centre, pose)
            detections.append(dataclasses.replace(seen, label=LEGS_LABEL))
        if self.known_obstacles is not None and pose is not None:
            placed = [d.position for d in detections if d.kind is DetectionKind.PERSON and d.position]
            for segment in self._upright_unmapped(view, legs, pose):
                position = to_map(pose, *segment.centre)
                if any(float(np.hypot(position[0] - p[0], position[1] - p[1])) < 0.5 for p in placed):
                    continue
                placed.append(position)
                top = view.horizon_row
                box = (segment.first, top, segment.last - segment.first + 1, segment.contact_row - top + 1)
                upright = self._placed(
                    DetectionKind.PERSON, UPRIGHT_CONFIDENCE, self._full_box(box), segment.centre, pose
                )
                detections.append(dataclasses.replace(upright, label=UPRIGHT_LABEL))
                legs.add(segment.first)
        timings["people"] = (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        for segment in view.segments:
            if segment.first in legs or not self._unmapped(segment, pose):
                continue
            box = (
                segment.first,
                view.horizon_row,
                segment.last - segment.first + 1,
                segment.contact_row - view.horizon_row + 1,
            )
            confidence = min(1.0, 0.4 + 0.06 * (segment.last - segment.first + 1))
            nearest = segment.points[int(np.argmin(segment.ranges))]
            detections.append(
                self._placed(
                    DetectionKind.OBSTACLE,
                    confidence,
                    self._full_box(box),
                    (float(nearest[0]), float(nearest[1])),
                    pose,
                )
            )
        timings["obstacles"] = (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        gray = np.asarray(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
        for marker in self.markers.detect(gray, self.camera):
            x0, y0 = marker.corners.min(axis=0)
            x1, y1 = marker.corners.max(axis=0)
            box = (int(x0), int(y0), int(x1 - x0) + 1, int(y1 - y0) + 1)
            label = self.config.marker_names.get(marker.marker_id, f"marker_{marker.marker_id}")
            seen = self._placed(DetectionKind.MARKER, 1.0, box, marker.position[:2], pose)
            in_range = marker.distance <= self.config.max_marker_distance
            detections.append(
                Detection(
                    seen.kind,
                    1.0 if in_range else 0.5,
                    box,
                    label,
                    seen.position if in_range else None,
                    seen.frame,
                    marker.distance,
                    marker.marker_id,
                )
            )
        timings["markers"] = (time.perf_counter() - started) * 1000
        timings["total"] = sum(timings.values())
        return VisionResult(tuple(detections), timings)

    def _upright_unmapped(self, view: FloorView, used: set[int], pose: Pose2D) -> list[Segment]:
        """Things taller than the camera, person-narrow, standing where the map has nothing: with a map,
        the camera's second person cue (it also fires for a new unmapped upright thing, which the
        robot should slow for all the same)."""
        config = self.config
        found = []
        for segment in view.segments:
            if segment.first in used or segment.nearest > config.max_person_range:
                continue
            if not config.leg_width[0] <= segment.width <= config.max_upright_width:
                continue
            if self._unmapped(segment, pose) and self.segmenter.column_is_tall(view.labels, segment):
                found.append(segment)
        return found

    def _unmapped(self, segment: Segment, pose: Pose2D | None) -> bool:
        if self.known_obstacles is None or pose is None:
            return True
        mapped = sum(self.known_obstacles.is_mapped(*to_map(pose, float(x), float(y))) for x, y in segment.points)
        return mapped < 0.5 * len(segment.points)

    def _full_box(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        s = 1.0 / self._scale
        return (int(box[0] * s), int(box[1] * s), max(1, round(box[2] * s)), max(1, round(box[3] * s)))

    @staticmethod
    def _placed(
        kind: DetectionKind,
        confidence: float,
        box: tuple[int, int, int, int],
        base_xy: tuple[float, float],
        pose: Pose2D | None,
    ) -> Detection:
        distance = float(np.hypot(*base_xy))
        if pose is None:
            return Detection(kind, confidence, box, "", base_xy, "base_footprint", distance)
        return Detection(kind, confidence, box, "", to_map(pose, *base_xy), "map", distance)


COLOURS = {
    DetectionKind.DIRT: (140, 90, 40),
    DetectionKind.SPILL: (255, 0, 255),
    DetectionKind.MARKER: (0, 200, 0),
    DetectionKind.PERSON: (255, 0, 0),
    DetectionKind.OBSTACLE: (255, 200, 0),
}


def annotate(image: NDArray[np.uint8], result: VisionResult) -> NDArray[np.uint8]:
    """A copy of the RGB frame with a labelled box per detection (the node's debug image)."""
    canvas = np.ascontiguousarray(check_image(image).copy())
    for detection in result.detections:
        x, y, w, h = detection.box
        colour = COLOURS[detection.kind]
        cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), colour, 1)
        text = detection.label or detection.kind.value
        if detection.distance is not None:
            text = f"{text} {detection.distance:.1f}m"
        cv2.putText(canvas, text, (x, max(8, y - 2)), cv2.FONT_HERSHEY_PLAIN, 0.7, colour, 1, cv2.LINE_AA)
    return canvas
