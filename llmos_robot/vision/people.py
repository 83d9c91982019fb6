"""People seen from 12 cm off the floor: as legs.

The camera sees a standing person's feet and lower legs, rarely more: the HOG people detector
and the Haar body cascades need the whole body in view (`llmos-robot bench vision` runs them on
the same frames as a baseline). A leg is where the free floor ends in a narrow run of columns,
nearer than the floor boundary either side, rising above the horizon (taller than the camera),
9-32 cm across the line of sight; a person is two such legs 8-60 cm apart, or one run of the
floor boundary that dips twice that far apart (feet side by side, no floor seen between them).
This is the camera version of the leg detectors run on lidar scans.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llmos_robot.vision.config import VisionConfig
from llmos_robot.vision.floor import FloorSegmenter, FloorView, Segment

GAP_BUMP = 0.04  # m: the floor boundary between two feet is at least this much farther than the feet


@dataclass(frozen=True)
class PersonSighting:
    legs: tuple[Segment, Segment]
    centre: tuple[float, float]  # base frame, m
    distance: float
    confidence: float


def find_legs(view: FloorView, segmenter: FloorSegmenter, config: VisionConfig) -> list[Segment]:
    """Leg candidates, including ones cut by the image edge (those only pair with a whole one)."""
    legs = []
    for segment in view.segments:
        cut = _cut(view, segment)
        wide_enough = cut or segment.width >= config.leg_width[0]
        if not wide_enough or segment.width > config.leg_width[1]:
            continue
        if _standing_out(view, segment, config, allow_cut=True) and segmenter.column_is_tall(view.labels, segment):
            legs.append(segment)
    return legs


def _cut(view: FloorView, segment: Segment) -> bool:
    """Cut by the image's side edge: its true width is unknown (one cut at the bottom edge is nearer
    than the camera sees, but its width across the view is still measured)."""
    return segment.first == 0 or segment.last == view.labels.shape[1] - 1


def _standing_out(view: FloorView, segment: Segment, config: VisionConfig, allow_cut: bool = False) -> bool:
    """Nearer than what is either side of it, within range, and (unless allow_cut) whole in the image."""
    if _cut(view, segment) and not allow_cut:
        return False
    if segment.nearest > config.max_person_range:
        return False
    left = next((s for s in view.segments if s.last == segment.first - 1), None)
    right = next((s for s in view.segments if s.first == segment.last + 1), None)
    # a wide thing right beside it at about the same distance means it is part of that thing (a box
    # edge); a narrow one may be the other leg
    return not any(
        n is not None and n.nearest < segment.nearest + config.depth_jump and n.width > config.leg_width[1]
        for n in (left, right)
    )


def find_leg_pairs_in_one_run(view: FloorView, segmenter: FloorSegmenter, config: VisionConfig) -> list[PersonSighting]:
    """Two feet the floor boundary does not separate: one run whose range dips twice (two near
    points with a farther gap between them) the right distance apart."""
    people = []
    widest = config.leg_width[1] + config.leg_spacing[1]
    for segment in view.segments:
        if not config.leg_spacing[0] + config.leg_width[0] <= segment.width <= widest:
            continue
        if not _standing_out(view, segment, config) or not segmenter.column_is_tall(view.labels, segment):
            continue
        ranges = (
            np.convolve(segment.ranges, np.ones(3) / 3, mode="same") if len(segment.ranges) >= 5 else segment.ranges
        )
        minima = [i for i in range(1, len(ranges) - 1) if ranges[i] <= ranges[i - 1] and ranges[i] < ranges[i + 1]]
        best = None
        for a_index, a in enumerate(minima):
            for b in minima[a_index + 1 :]:
                spacing = float(np.linalg.norm(segment.points[a] - segment.points[b]))
                bump = float(ranges[a : b + 1].max()) - max(float(ranges[a]), float(ranges[b]))
                fits = config.leg_spacing[0] <= spacing <= config.leg_spacing[1] and bump >= GAP_BUMP
                if fits and (best is None or bump > best[0]):
                    best = (bump, a, b)
        if best is None:
            continue
        _, a, b = best
        centre = (segment.points[a] + segment.points[b]) / 2
        people.append(PersonSighting((segment, segment), (float(centre[0]), float(centre[1])), segment.nearest, 0.6))
    return people


def find_people(view: FloorView, segmenter: FloorSegmenter, config: VisionConfig) -> list[PersonSighting]:
    legs = find_legs(view, segmenter, config)
    pairs = []
    for i, a in enumerate(legs):
        for b in legs[i + 1 :]:
            if _cut(view, a) and _cut(view, b):
                continue
            ax, ay = a.centre
            bx, by = b.centre
            spacing = ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5
            if config.leg_spacing[0] <= spacing <= config.leg_spacing[1]:
                pairs.append((spacing, a, b))
    people = []
    used: set[int] = set()
    for _, a, b in sorted(pairs, key=lambda p: p[0]):
        if a.first in used or b.first in used:
            continue
        used.update((a.first, b.first))
        centre = ((a.centre[0] + b.centre[0]) / 2, (a.centre[1] + b.centre[1]) / 2)
        ideal_width = sum(config.leg_width) / 2
        width_fit = 1.0 - min(1.0, (abs(a.width - ideal_width) + abs(b.width - ideal_width)) / sum(config.leg_width))
        confidence = 0.5 + 0.5 * width_fit
        people.append(PersonSighting((a, b), centre, min(a.nearest, b.nearest), confidence))
    return people + find_leg_pairs_in_one_run(view, segmenter, config)
