"""Every tunable of the detectors, read once (from config/vision.yaml through the node, or defaults).

Colours are RGB 0-255 as the camera renders them (measured on the embedded simulator's frames of
the house: `llmos-robot bench vision` reports how well they separate); a real robot re-measures its
own floors. Lengths are metres.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmos_robot.errors import VisionError

RGB = tuple[int, int, int]

# Rendered floor coverings of the house (bathroom, kitchen + its highlight, hallway, bedroom, living
# room + its highlight) and the bare ground plane.
DEFAULT_FLOOR_COLOURS: tuple[RGB, ...] = (
    (222, 252, 255),
    (252, 240, 216),
    (254, 248, 227),
    (198, 180, 156),
    (186, 198, 216),
    (210, 156, 99),
    (233, 179, 122),
    (135, 141, 135),
)
DEFAULT_DIRT_COLOURS: tuple[RGB, ...] = ((90, 66, 42), (84, 69, 54))  # dust, mud, crumbs: dark browns
DEFAULT_SPILL_COLOURS: tuple[RGB, ...] = ((150, 15, 54), (30, 105, 240))  # wine red, blue detergent
DEFAULT_MARKER_NAMES: dict[int, str] = {0: "docking_station", 1: "bleach", 2: "floor_soap", 3: "furniture_polish"}


@dataclass(frozen=True)
class VisionConfig:
    # floor segmentation (dirt, spills, obstacles, the free-floor boundary for legs)
    analysis_scale: float = 1.0  # segment at this fraction of the camera resolution (0.5 halves the cost)
    floor_colours: tuple[RGB, ...] = DEFAULT_FLOOR_COLOURS
    dirt_colours: tuple[RGB, ...] = DEFAULT_DIRT_COLOURS
    spill_colours: tuple[RGB, ...] = DEFAULT_SPILL_COLOURS
    lightness_weight: float = 0.5  # CIELAB L counts this much: shading changes lightness, not hue
    floor_tolerance: float = 30.0  # a pixel farther than this (Lab units) from every floor colour is not floor
    stain_tolerance: float = 30.0  # ... and within this of a dirt / spill colour is a stain
    max_floor_range: float = 2.5  # m: stains and obstacles are looked for up to this far ahead
    min_stain_area: float = 0.003  # m^2 on the floor
    max_stain_extent: float = 0.8  # m: a blob reaching further along the floor stands up (not a stain)
    min_floor_surround: float = 0.6  # fraction of a stain's rim that must be floor
    min_obstacle_area: int = 25  # pixels at the analysis scale
    # ArUco markers
    marker_dictionary: str = "DICT_4X4_50"
    marker_size: float = 0.195  # m: side of the black square
    marker_names: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_MARKER_NAMES))
    max_marker_distance: float = 5.0  # m: farther poses are too noisy to place on the map
    # people, from the legs: narrow things standing on the floor, in pairs
    leg_width: tuple[float, float] = (0.09, 0.32)  # m, as the floor boundary sees it: a foot seen at an angle
    leg_spacing: tuple[float, float] = (0.08, 0.6)  # m between the two legs' centres
    depth_jump: float = 0.2  # m: a leg is this much nearer than the floor boundary either side
    max_person_range: float = 3.5  # m
    max_upright_width: float = 0.7  # m: an unmapped thing taller than the camera, at most this wide, may be a person

    def __post_init__(self) -> None:
        if not 0.1 <= self.analysis_scale <= 1.0:
            raise VisionError(f"analysis_scale must be in [0.1, 1], got {self.analysis_scale}")
        if not self.floor_colours:
            raise VisionError("floor_colours is empty: the stain and obstacle detectors need the floor's colours")
        for name in ("floor_colours", "dirt_colours", "spill_colours"):
            for colour in getattr(self, name):
                if len(colour) != 3 or not all(0 <= int(c) <= 255 for c in colour):
                    raise VisionError(f"{name}: {colour!r} is not an RGB triple of 0-255 values")
        if self.leg_width[0] >= self.leg_width[1] or self.leg_spacing[0] >= self.leg_spacing[1]:
            raise VisionError("leg_width and leg_spacing are (min, max) pairs with min < max")
        if self.marker_size <= 0 or self.max_floor_range <= 0:
            raise VisionError("marker_size and max_floor_range must be positive")


def parse_colours(values: list[int] | tuple[int, ...], name: str) -> tuple[RGB, ...]:
    """A flat [r, g, b, r, g, b, ...] list (how ROS parameters carry it) as RGB triples."""
    flat = [int(v) for v in values]
    if len(flat) % 3:
        raise VisionError(f"{name}: expected r, g, b triples, got {len(flat)} numbers")
    return tuple((flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3))


def parse_marker_names(entries: list[str]) -> dict[int, str]:
    """["0:docking_station", "1:bleach"] as {0: "docking_station", 1: "bleach"}."""
    names: dict[int, str] = {}
    for entry in entries:
        if not entry.strip():
            continue
        marker_id, sep, name = entry.partition(":")
        try:
            key = int(marker_id)
        except ValueError:
            key = -1
        if not sep or key < 0 or not name.strip():
            raise VisionError(f"marker_names: expected 'ID:name', got {entry!r}")
        names[key] = name.strip()
    return names
