"""What the detectors report."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

LEGS_LABEL = "legs"  # person detections say which cue found them
UPRIGHT_LABEL = "unmapped upright"


class DetectionKind(Enum):
    DIRT = "dirt"
    SPILL = "spill"
    MARKER = "marker"
    PERSON = "person"
    OBSTACLE = "obstacle"


Box = tuple[int, int, int, int]  # x, y, width, height in pixels of the full image


@dataclass(frozen=True)
class Detection:
    """One thing seen in one frame.

    `position` is on the floor (x, y) in the map frame when the robot pose was known, else in the
    robot's base frame (x forward, y left); `frame` says which. `distance` is from the robot's
    centre, in metres, when the thing could be placed.
    """

    kind: DetectionKind
    confidence: float  # 0..1
    box: Box
    label: str = ""  # marker name ("bleach"), or empty
    position: tuple[float, float] | None = None
    frame: str = "map"
    distance: float | None = None
    marker_id: int | None = None

    def describe(self) -> str:
        """A sentence the robot can say: "bleach (marker 1) 1.2 m away"."""
        what = self.label or self.kind.value
        if self.marker_id is not None:
            what = f"{what} (marker {self.marker_id})"
        if self.distance is None:
            return f"{what} in view"
        return f"{what} {self.distance:.1f} m away"

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "box": list(self.box),
            "position": None if self.position is None else [round(v, 3) for v in self.position],
            "frame": self.frame,
            "distance": None if self.distance is None else round(self.distance, 3),
            "marker_id": self.marker_id,
        }


@dataclass(frozen=True)
class VisionResult:
    """Every detection of one frame, and how long each detector took (ms)."""

    detections: tuple[Detection, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)

    def of_kind(self, kind: DetectionKind) -> list[Detection]:
        return [d for d in self.detections if d.kind is kind]

    def summary(self) -> str:
        """A sentence: what was seen, nearest first."""
        if not self.detections:
            return "I see nothing of note."
        ordered = sorted(self.detections, key=lambda d: (d.distance is None, d.distance or 0.0))
        return "I see " + "; ".join(d.describe() for d in ordered) + "."
