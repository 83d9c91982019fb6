"""Grid masks: discs, dilation, connected regions (shared by the planner, tracker and sensors)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

GridCell = tuple[int, int]


def without_repeats(points: list[tuple[float, float]], tolerance: float = 1e-9) -> list[tuple[float, float]]:
    """The points less each one within `tolerance` of the one kept before it (a zero-length
    step has no heading, and would read as a corner)."""
    out: list[tuple[float, float]] = []
    for p in points:
        if not out or math.dist(out[-1], p) > tolerance:
            out.append(p)
    return out


def disc_offsets(radius: float, resolution: float) -> NDArray[np.int_]:
    """(n, 2) row/col offsets of the cells whose centres lie within `radius` of a cell's centre."""
    reach = math.floor(radius / resolution)
    dr, dc = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    inside = np.hypot(dr, dc) * resolution <= radius + 1e-9
    return np.stack([dr[inside], dc[inside]], axis=1)


def dilate(mask: NDArray[np.bool_], radius: float, resolution: float) -> NDArray[np.bool_]:
    """Every cell within `radius` of a set cell."""
    rows, cols = mask.shape
    grown = mask.copy()
    for dr, dc in disc_offsets(radius, resolution):
        if dr == 0 and dc == 0:
            continue
        src = mask[max(0, -dr) : rows - max(0, dr), max(0, -dc) : cols - max(0, dc)]
        grown[max(0, dr) : rows - max(0, -dr), max(0, dc) : cols - max(0, -dc)] |= src
    return grown


def connected_from(mask: NDArray[np.bool_], seed: GridCell) -> NDArray[np.bool_]:
    """The 4-connected component of `mask` that contains `seed` (empty if the seed is not set)."""
    region = np.zeros_like(mask)
    if not mask[seed]:
        return region
    region[seed] = True
    while True:
        grown = region.copy()
        grown[1:, :] |= region[:-1, :]
        grown[:-1, :] |= region[1:, :]
        grown[:, 1:] |= region[:, :-1]
        grown[:, :-1] |= region[:, 1:]
        grown &= mask
        if (grown == region).all():
            return region
        region = grown


def project_on_segment(a: tuple[float, float], b: tuple[float, float], p: tuple[float, float]) -> tuple[float, float]:
    """The point of segment a-b nearest `p` (any 2D coordinates, e.g. (row, column) in cells)."""
    dr, dc = b[0] - a[0], b[1] - a[1]
    length2 = dr * dr + dc * dc
    t = 0.0 if length2 < 1e-12 else max(0.0, min(1.0, ((p[0] - a[0]) * dr + (p[1] - a[1]) * dc) / length2))
    return (a[0] + t * dr, a[1] + t * dc)


def segment_clear(mask: NDArray[np.bool_], a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Does the straight line between two (row, column) points stay on `mask` cells all the way?"""
    steps = max(2, math.ceil(2 * max(abs(b[0] - a[0]), abs(b[1] - a[1]))) + 1)
    rows = np.floor(np.linspace(a[0], b[0], steps) + 0.5).astype(int)
    cols = np.floor(np.linspace(a[1], b[1], steps) + 0.5).astype(int)
    inside = (rows >= 0) & (rows < mask.shape[0]) & (cols >= 0) & (cols < mask.shape[1])
    return bool(inside.all() and mask[rows, cols].all())


def simplify_path(
    path: list[tuple[float, float]], mask: NDArray[np.bool_], tolerance: float
) -> list[tuple[float, float]]:
    """Douglas-Peucker on (row, column) points, keeping a point wherever the shortcut would leave `mask`."""
    if len(path) <= 2:
        return path
    a, b = path[0], path[-1]
    deviations = [math.dist(p, project_on_segment(a, b, p)) for p in path[1:-1]]
    worst = int(np.argmax(deviations)) + 1
    if deviations[worst - 1] <= tolerance and segment_clear(mask, a, b):
        return [a, b]
    return simplify_path(path[: worst + 1], mask, tolerance)[:-1] + simplify_path(path[worst:], mask, tolerance)
