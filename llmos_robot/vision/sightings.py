"""Which detections are worth remembering, and which person is close enough to stop for.

Pure decisions the node applies: a marker or stain seen again at the same spot is not stored
again (memory would fill with copies at 15 frames a second); a person nearer than the safety
distance raises the PERSON interrupt, which clears once nobody has been that close for a while.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from llmos_robot.vision.types import UPRIGHT_LABEL, Detection, DetectionKind

REMEMBERED_KINDS = (DetectionKind.MARKER, DetectionKind.DIRT, DetectionKind.SPILL)


@dataclass(frozen=True)
class Sighting:
    """A fact for memory: the sentence, where, and in which room."""

    text: str
    position: tuple[float, float]
    room: str
    kind: DetectionKind
    label: str


@dataclass
class SightingFilter:
    """Passes a sighting once per place: again only `min_separation` m away or `min_interval` s later."""

    min_separation: float = 0.5
    min_interval: float = 300.0
    min_confidence: float = 0.5
    _last: dict[tuple[DetectionKind, str], list[tuple[float, float, float]]] = field(default_factory=dict)

    def new_sightings(
        self,
        detections: list[Detection] | tuple[Detection, ...],
        now: float,
        room_of: Callable[[float, float], str] | None = None,
    ) -> list[Sighting]:
        """Sightings worth storing from one frame; `room_of(x, y)` names the room (or "")."""
        fresh = []
        for detection in detections:
            if detection.kind not in REMEMBERED_KINDS or detection.position is None or detection.frame != "map":
                continue
            if detection.confidence < self.min_confidence:
                continue
            key = (detection.kind, detection.label)
            x, y = detection.position
            seen = self._last.setdefault(key, [])
            if any(
                math.hypot(x - px, y - py) < self.min_separation and now - t < self.min_interval for px, py, t in seen
            ):
                continue
            seen[:] = [s for s in seen if now - s[2] < self.min_interval] + [(x, y, now)]
            room = room_of(x, y) if room_of is not None else ""
            fresh.append(Sighting(_sentence(detection, room), (x, y), room, detection.kind, detection.label))
        return fresh


def _sentence(detection: Detection, room: str) -> str:
    where = f" in the {room.replace('_', ' ')}" if room else ""
    x, y = detection.position or (0.0, 0.0)
    if detection.kind is DetectionKind.MARKER:
        name = (detection.label or f"marker {detection.marker_id}").replace("_", " ")
        return f"I saw the {name} (marker {detection.marker_id}) at ({x:.1f}, {y:.1f}){where}."
    return f"I saw {detection.kind.value} on the floor at ({x:.1f}, {y:.1f}){where}."


@dataclass
class PersonGuard:
    """Raises when a person is nearer than `stop_distance`; clears after `clear_after` s without one.

    Only a pair of legs stops the robot unless `stop_for_upright`: the map-difference cue ("unmapped
    upright") also fires where the floor's colour changes at a doorway, and a robot that waits for
    a person who is not there never finishes. The lidar still stops it for anything solid.
    """

    stop_distance: float = 1.0
    clear_after: float = 1.0
    stop_for_upright: bool = False
    active: bool = False
    _last_close: float = -math.inf

    def update(self, detections: list[Detection] | tuple[Detection, ...], now: float) -> tuple[bool, str] | None:
        """(active, sentence) when the state changes, else None."""
        close = [
            d
            for d in detections
            if d.kind is DetectionKind.PERSON
            and d.distance is not None
            and d.distance < self.stop_distance
            and (self.stop_for_upright or d.label != UPRIGHT_LABEL)
        ]
        if close:
            self._last_close = now
            if not self.active:
                self.active = True
                nearest = min(d.distance or 0.0 for d in close)
                return (True, f"a person {nearest:.1f} m ahead")
            return None
        if self.active and now - self._last_close >= self.clear_after:
            self.active = False
            return (False, "nobody close any more")
        return None
