"""Grid masks: discs, dilation, connected regions (shared by the planner, tracker and sensors)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

GridCell = tuple[int, int]


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
