"""Floor segmentation: which pixels are floor, dirt, spill or something standing on the floor.

Every pixel goes to its nearest reference colour in CIELAB (lightness down-weighted, as shading
changes lightness more than hue): one of the floor's colours, a dirt colour or a spill colour,
or none ("other") when it is far from all of them. Pixels above the horizon can only be "other".
From that labelling:
- stains: dirt / spill blobs that lie flat (their whole footprint within range, compact on the
  floor, ringed by floor); blobs that fail are something standing up and become "other";
- the free-floor boundary: per image column, the nearest floor point where "other" begins,
  which gives obstacle segments (the camera's complement to the lidar) and, for people, legs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

import cv2
import numpy as np
from numpy.typing import NDArray

from llmos_robot.vision.camera import PinholeCamera
from llmos_robot.vision.config import RGB, VisionConfig

LUT_SHIFT = 3  # colours are quantised to 8 - 3 = 5 bits per channel for the lookup table
LUT_LEVELS = 256 >> LUT_SHIFT


class PixelClass(IntEnum):
    FLOOR = 0
    DIRT = 1
    SPILL = 2
    OTHER = 3


@dataclass(frozen=True)
class Stain:
    """A flat blob on the floor, in analysis-scale pixels and the robot's base frame."""

    kind: PixelClass  # DIRT or SPILL
    box: tuple[int, int, int, int]
    centre: tuple[float, float]  # base frame, m
    area: float  # m^2
    confidence: float


@dataclass(frozen=True)
class Segment:
    """A run of image columns where the free floor ends at about the same distance."""

    first: int  # column (analysis scale)
    last: int
    contact_row: int  # lowest non-floor row in the run
    contacts: NDArray[np.intp]  # (n,) each column's lowest non-floor row
    points: NDArray[np.float64]  # (n, 2) floor contact points, base frame
    ranges: NDArray[np.float64]  # (n,) m from the robot centre
    at_image_bottom: bool  # the thing is nearer than the camera sees

    @property
    def width(self) -> float:
        """Extent across the line of sight (m): the angle it spans times its nearest range; a foot
        seen lengthwise is as wide as it looks, not as long as it is."""
        first, last = self.points[0], self.points[-1]
        span = abs(math.atan2(last[1], last[0]) - math.atan2(first[1], first[0]))
        per_column = span / max(1, len(self.points) - 1)
        return float((span + per_column) * self.ranges.min())

    @property
    def centre(self) -> tuple[float, float]:
        middle = self.points[len(self.points) // 2]
        return (float(middle[0]), float(middle[1]))

    @property
    def nearest(self) -> float:
        return float(self.ranges.min())


@dataclass(frozen=True)
class FloorView:
    """The segmented frame at analysis scale."""

    labels: NDArray[np.uint8]  # PixelClass per pixel
    camera: PinholeCamera  # at analysis scale
    range_row: int  # rows below this see the floor within max_floor_range
    horizon_row: int
    stains: tuple[Stain, ...]
    segments: tuple[Segment, ...]


def _lab(colours: tuple[RGB, ...] | NDArray[np.uint8]) -> NDArray[np.float32]:
    pixels = np.asarray(colours, dtype=np.uint8).reshape(1, -1, 3)
    result: NDArray[np.float32] = cv2.cvtColor(pixels, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
    return result


class FloorSegmenter:
    def __init__(self, config: VisionConfig, camera: PinholeCamera) -> None:
        self.config = config
        self.camera = camera.scaled(config.analysis_scale)
        self._weights = np.array([config.lightness_weight, 1.0, 1.0], dtype=np.float32)
        self._floor = _lab(config.floor_colours) * self._weights
        self._dirt = _lab(config.dirt_colours) * self._weights if config.dirt_colours else None
        self._spill = _lab(config.spill_colours) * self._weights if config.spill_colours else None
        self._lookup = self._build_lookup()
        between = np.sqrt(((self._floor[:, None, :] - self._floor[None, :, :]) ** 2).sum(axis=2))
        self._floor_links = between <= config.floor_tolerance
        cam = self.camera
        self.horizon_row = int(np.clip(math.ceil(cam.horizon_row()), 0, cam.height))
        self.range_row = int(
            np.clip(math.ceil(cam.row_at_distance(config.max_floor_range)), self.horizon_row, cam.height)
        )
        rows = np.arange(cam.height, dtype=float)
        cols = np.arange(cam.width, dtype=float)
        uu, vv = np.meshgrid(cols, rows)
        # floor point of every pixel (NaN above the horizon), and each pixel's area on the floor
        self._floor_xy = cam.floor_points(uu.ravel() + 0.5, vv.ravel() + 0.5).reshape(cam.height, cam.width, 2)
        top = cam.floor_points(uu.ravel() + 0.5, vv.ravel()).reshape(cam.height, cam.width, 2)
        bottom = cam.floor_points(uu.ravel() + 0.5, vv.ravel() + 1.0).reshape(cam.height, cam.width, 2)
        left = cam.floor_points(uu.ravel(), vv.ravel() + 0.5).reshape(cam.height, cam.width, 2)
        right = cam.floor_points(uu.ravel() + 1.0, vv.ravel() + 0.5).reshape(cam.height, cam.width, 2)
        with np.errstate(invalid="ignore"):
            self._pixel_area = np.nan_to_num(
                np.linalg.norm(top - bottom, axis=2) * np.linalg.norm(right - left, axis=2), nan=np.inf
            )
            self._range = np.nan_to_num(np.linalg.norm(self._floor_xy, axis=2), nan=np.inf)

    def resize(self, image: NDArray[np.uint8]) -> NDArray[np.uint8]:
        cam = self.camera
        if image.shape[1] == cam.width and image.shape[0] == cam.height:
            return image
        return np.asarray(cv2.resize(image, (cam.width, cam.height), interpolation=cv2.INTER_AREA), dtype=np.uint8)

    def _build_lookup(self) -> NDArray[np.uint8]:
        """PixelClass of every colour quantised to 5 bits a channel (32768 entries), computed once."""
        levels = (np.arange(LUT_LEVELS, dtype=np.uint8) << LUT_SHIFT) + (1 << (LUT_SHIFT - 1))
        r, g, b = np.meshgrid(levels, levels, levels, indexing="ij")
        colours = np.stack([r, g, b], axis=-1).reshape(1, -1, 3)
        lab = cv2.cvtColor(colours, cv2.COLOR_RGB2LAB).astype(np.float32) * self._weights
        floor = _nearest(lab, self._floor)
        labels = np.full(lab.shape[:2], PixelClass.OTHER, dtype=np.uint8)
        tolerance_f = self.config.floor_tolerance**2
        tolerance_s = self.config.stain_tolerance**2
        best = np.where(floor <= tolerance_f, floor, np.inf)
        labels[floor <= tolerance_f] = PixelClass.FLOOR
        for kind, prototypes in ((PixelClass.DIRT, self._dirt), (PixelClass.SPILL, self._spill)):
            if prototypes is None:
                continue
            distance = _nearest(lab, prototypes)
            wins = (distance <= tolerance_s) & (distance < best) & (distance < floor)
            labels[wins] = kind
            best = np.where(wins, distance, best)
        self._nearest_floor = _nearest_index(lab, self._floor).reshape(-1).astype(np.uint8)
        return labels.reshape(-1)

    def classify(self, small: NDArray[np.uint8]) -> NDArray[np.uint8]:
        """PixelClass per pixel of an analysis-scale RGB image (a table lookup per pixel)."""
        q = (small >> LUT_SHIFT).astype(np.intp)
        index = (q[..., 0] << 10) | (q[..., 1] << 5) | q[..., 2]
        labels: NDArray[np.uint8] = self._lookup[index]
        labels[: self.horizon_row] = PixelClass.OTHER
        # The floor here is the floor in front of the robot: of the house's floor colours, keep those
        # seen in the bottom band of the image (and their near relatives, e.g. a highlight), so a grey
        # wall does not pass for the grey floor of another room.
        height, width = labels.shape
        band = slice(height - max(2, height // 8), height), slice(width // 4, width - width // 4)
        nearest = self._nearest_floor[index]
        in_band = nearest[band][labels[band] == PixelClass.FLOOR]
        if in_band.size >= 0.2 * labels[band].size:
            counts = np.bincount(in_band, minlength=len(self._floor))
            seen = counts >= 0.1 * in_band.size
            active = (self._floor_links[seen].any(axis=0)) if seen.any() else np.ones(len(self._floor), bool)
            labels[(labels == PixelClass.FLOOR) & ~active[nearest]] = PixelClass.OTHER
        return labels

    def analyse(self, image: NDArray[np.uint8]) -> FloorView:
        small = self.resize(image)
        labels = self.classify(small)
        stains = self._stains(labels)
        return FloorView(
            labels, self.camera, self.range_row, self.horizon_row, tuple(stains), tuple(self._segments(labels))
        )

    # ------------------------------------------------------------------ stains

    def _stains(self, labels: NDArray[np.uint8]) -> list[Stain]:
        config = self.config
        found = []
        height, width = labels.shape
        kernel = np.ones((3, 3), np.uint8)
        for kind in (PixelClass.DIRT, PixelClass.SPILL):
            mask = (labels == kind).astype(np.uint8)
            if not mask.any():
                continue
            count, components, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
            for index in range(1, count):
                x, y, w, h, _ = (int(v) for v in stats[index])
                blob = components[y : y + h, x : x + w] == index
                area = float(self._pixel_area[y : y + h, x : x + w][blob].sum())
                xy = self._floor_xy[y : y + h, x : x + w][blob]
                flat = (
                    y >= self.range_row
                    and np.isfinite(area)
                    and area >= config.min_stain_area
                    and float(np.ptp(xy[:, 0])) <= config.max_stain_extent
                    and float(np.ptp(xy[:, 1])) <= config.max_stain_extent
                )
                surround = 0.0
                if flat:
                    y0, y1, x0, x1 = max(0, y - 2), min(height, y + h + 2), max(0, x - 2), min(width, x + w + 2)
                    local = (components[y0:y1, x0:x1] == index).astype(np.uint8)
                    rim = (cv2.dilate(local, kernel, iterations=2) > 0) & (local == 0)
                    neighbours = labels[y0:y1, x0:x1][rim]
                    surround = float(np.isin(neighbours, (PixelClass.FLOOR, kind)).mean()) if neighbours.size else 0.0
                if not flat or surround < config.min_floor_surround:
                    labels[y : y + h, x : x + w][blob] = PixelClass.OTHER  # it stands up: not a stain
                    continue
                # the anti-aliased rim of a stain is a blend of stain and floor: part of the stain
                rim_other = rim & (labels[y0:y1, x0:x1] == PixelClass.OTHER)
                labels[y0:y1, x0:x1][rim_other] = kind
                centre = xy.mean(axis=0)
                size_score = min(1.0, area / (4 * config.min_stain_area))
                confidence = float(np.clip(0.5 * surround + 0.5 * size_score, 0.0, 1.0))
                found.append(Stain(kind, (x, y, w, h), (float(centre[0]), float(centre[1])), area, confidence))
        return found

    # ------------------------------------------------------------------ free-floor boundary

    def _segments(self, labels: NDArray[np.uint8]) -> list[Segment]:
        """Runs of columns where the floor in view ends at a similar distance (within max range)."""
        other = labels == PixelClass.OTHER
        other[: self.range_row] = False
        solid = other.copy()
        solid[1:] &= other[:-1]  # two stacked pixels: no single-pixel specks
        height, width = labels.shape
        has = solid.any(axis=0)
        contact = height - 1 - np.argmax(solid[::-1], axis=0)
        columns = np.arange(width)
        points = self._floor_xy[np.clip(contact, 0, height - 1), columns]
        ranges = np.where(has, self._range[np.clip(contact, 0, height - 1), columns], np.inf)
        segments = []
        start = None
        for u in range(width + 1):
            split = u == width or not has[u]
            if not split and start is not None:
                r0, r1 = ranges[u - 1], ranges[u]
                split = abs(r1 - r0) > 0.1 + 0.1 * min(r0, r1)
            if split and start is not None:
                end = u - 1
                segments.append(
                    Segment(
                        start,
                        end,
                        int(contact[start : end + 1].max()),
                        contact[start : end + 1].copy(),
                        points[start : end + 1].copy(),
                        ranges[start : end + 1].copy(),
                        bool((contact[start : end + 1] >= height - 1).any()),
                    )
                )
                start = None
            if u < width and has[u] and start is None:
                start = u
        return segments

    def column_is_tall(self, labels: NDArray[np.uint8], segment: Segment, fraction: float = 0.2) -> bool:
        """True when the thing rises from its floor contact to above the horizon (taller than the
        camera) without a break, in at least `fraction` of its columns (a leg is narrower than its foot)."""
        top = max(self.horizon_row - 1, 0)
        band = labels[top : segment.contact_row + 1, segment.first : segment.last + 1] == PixelClass.OTHER
        if not band.size:
            return False
        # a column is tall if nothing but "other" lies between its own contact and the horizon
        rows = np.arange(band.shape[0])[:, None]
        below_contact = rows > (segment.contacts - top)[None, :]
        unbroken = (band | below_contact).all(axis=0)
        return float(unbroken.mean()) >= fraction


def _nearest_index(lab: NDArray[np.float32], prototypes: NDArray[np.float32]) -> NDArray[np.intp]:
    """Index of every pixel's nearest prototype."""
    distances = np.stack([np.einsum("ijk,ijk->ij", lab - p, lab - p) for p in prototypes])
    result: NDArray[np.intp] = np.argmin(distances, axis=0)
    return result


def _nearest(lab: NDArray[np.float32], prototypes: NDArray[np.float32]) -> NDArray[np.float32]:
    """Squared distance of every pixel to its nearest prototype."""
    best = np.full(lab.shape[:2], np.inf, dtype=np.float32)
    for prototype in prototypes:
        difference = lab - prototype
        np.minimum(best, np.einsum("ijk,ijk->ij", difference, difference), out=best)
    return best
