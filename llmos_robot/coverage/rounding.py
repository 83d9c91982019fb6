"""Drive through corners instead of stopping at them, wherever that leaves no floor unswept.

A sharp corner costs a stop, a turn on the spot and speeding up again (~0.7 s per radian in the
sim). Driven as an arc of radius r the same turn costs nothing extra: at the simulated base's
limits (0.26 m/s and 1.8 rad/s, apart) the follower takes an arc of r >= 0.16 m at cruise speed. But an arc cuts the
corner, and the floor just outside it may then be swept by nothing else: at a wall's corner, or
where a lane ends at a wall, the brush has to go all the way in. So each corner is rounded only
when the brush's footprint of the whole plan (counted per 2.5 cm cell, every segment's capsule)
still covers every reachable floor cell the sharp corner covered, and the arc stays on
traversable cells. The largest radius that passes is kept.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import NDArray

from llmos_robot.world.geometry import Vec2, wrap_angle
from llmos_robot.world.grid import OccupancyGrid

ARC_STEP = 0.25  # rad turned between an arc's vertices at most (less if the follower's threshold is lower)
LEG_SHARE = 0.5  # an arc may use at most this share of the leg after the corner (the rest is the next corner's)


def corner_arc(
    a: Vec2, b: Vec2, c: Vec2, radius: float, leg_share: float = LEG_SHARE, step: float = ARC_STEP
) -> list[Vec2] | None:
    """The corner a-b-c as an arc of exactly `radius` tangent to both legs (its vertices from the
    tangent point on a-b to the one on b-c), or None when a leg is too short for it."""
    into, out_of = math.dist(a, b), math.dist(b, c)
    if into < 1e-6 or out_of < 1e-6:
        return None
    heading_in = math.atan2(b[1] - a[1], b[0] - a[0])
    turn = wrap_angle(math.atan2(c[1] - b[1], c[0] - b[0]) - heading_in)
    if abs(turn) < 1e-3 or abs(turn) > math.pi - 1e-3:
        return None
    tangent = radius * math.tan(abs(turn) / 2.0)
    if tangent > into or tangent > leg_share * out_of:
        return None
    side = math.copysign(1.0, turn)
    centre = (
        b[0] - tangent * math.cos(heading_in) - side * radius * math.sin(heading_in),
        b[1] - tangent * math.sin(heading_in) + side * radius * math.cos(heading_in),
    )
    steps = max(2, math.ceil(abs(turn) / step))
    return [
        (
            centre[0] + side * radius * math.sin(heading_in + turn * k / steps),
            centre[1] - side * radius * math.cos(heading_in + turn * k / steps),
        )
        for k in range(steps + 1)
    ]


class Footprint:
    """How many of the plan's segments sweep each fine cell (the brush's capsule around each)."""

    def __init__(self, grid: OccupancyGrid, reachable: NDArray[np.bool_], brush_radius: float, subdivide: int = 2):
        self.origin = grid.origin
        self.resolution = grid.resolution / subdivide
        self.reachable = np.repeat(np.repeat(reachable, subdivide, axis=0), subdivide, axis=1)
        self.shape = (int(self.reachable.shape[0]), int(self.reachable.shape[1]))
        self.counts = np.zeros(self.shape, dtype=np.int16)
        self.radius = brush_radius

    def window(self, points: list[Vec2]) -> tuple[slice, slice]:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        res, (ox, oy) = self.resolution, self.origin
        c0 = max(0, math.floor((min(xs) - self.radius - ox) / res) - 1)
        c1 = min(self.shape[1], math.ceil((max(xs) + self.radius - ox) / res) + 2)
        r0 = max(0, math.floor((min(ys) - self.radius - oy) / res) - 1)
        r1 = min(self.shape[0], math.ceil((max(ys) + self.radius - oy) / res) + 2)
        return slice(r0, max(r0, r1)), slice(c0, max(c0, c1))

    def capsules(self, polyline: list[Vec2], window: tuple[slice, slice]) -> NDArray[np.int16]:
        """Per cell of `window`, how many segments of `polyline` sweep it."""
        rows, cols = window
        total = np.zeros((rows.stop - rows.start, cols.stop - cols.start), dtype=np.int16)
        for a, b in itertools.pairwise(polyline):
            # Each segment only over the cells near it, not the whole window (a route's window is
            # the whole room): the same cells, several times quicker.
            near_rows, near_cols = self.window([a, b])
            r0, r1 = max(near_rows.start, rows.start), min(near_rows.stop, rows.stop)
            c0, c1 = max(near_cols.start, cols.start), min(near_cols.stop, cols.stop)
            if r0 >= r1 or c0 >= c1:
                continue
            py = (self.origin[1] + (np.arange(r0, r1) + 0.5) * self.resolution)[:, None]
            px = (self.origin[0] + (np.arange(c0, c1) + 0.5) * self.resolution)[None, :]
            dx, dy = b[0] - a[0], b[1] - a[1]
            length2 = dx * dx + dy * dy
            t = 0.0 if length2 < 1e-12 else np.clip(((px - a[0]) * dx + (py - a[1]) * dy) / length2, 0, 1)
            swept = np.hypot(px - (a[0] + t * dx), py - (a[1] + t * dy)) <= self.radius
            total[r0 - rows.start : r1 - rows.start, c0 - cols.start : c1 - cols.start] += swept
        return total

    def add(self, polyline: list[Vec2]) -> None:
        window = self.window(polyline)
        self.counts[window] += self.capsules(polyline, window)

    def spans(self, polyline: list[Vec2]) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
        """For each cell, the first and last segment of `polyline` (a stretch of the plan) that
        sweeps it: a cell whose segments all lie in a dropped run of them is swept by nothing else.
        -1 for cells the rest of the plan sweeps too, and for cells the stretch does not sweep."""
        lo = np.full(self.shape, len(polyline), dtype=np.int32)
        hi = np.full(self.shape, -1, dtype=np.int32)
        own = np.zeros(self.shape, dtype=np.int16)
        for k, (a, b) in enumerate(itertools.pairwise(polyline)):
            window = self.window([a, b])
            swept = self.capsules([a, b], window) > 0
            lo[window] = np.where(swept, np.minimum(lo[window], k), lo[window])
            hi[window] = np.where(swept, k, hi[window])
            own[window] += swept
        lo[(self.counts > own) | (hi < 0)] = -1
        hi[lo < 0] = -1
        return lo, hi

    def replace(self, before: list[Vec2], after: list[Vec2]) -> bool:
        """Swap the stretch `before` of the plan for `after` if every reachable cell swept stays
        swept; say whether it did."""
        window = self.window([*before, *after])
        counts = self.counts[window] - self.capsules(before, window) + self.capsules(after, window)
        if ((self.counts[window] > 0) & (counts == 0) & self.reachable[window]).any():
            return False
        self.counts[window] = counts
        return True


def route_footprint(
    sweeps: list[list[Vec2]], start: Vec2, grid: OccupancyGrid, reachable: NDArray[np.bool_], brush_radius: float
) -> Footprint:
    """The footprint of driving from `start` through all the sweeps, straight between them."""
    footprint = Footprint(grid, reachable, brush_radius)
    footprint.add([start, *(p for sweep in sweeps for p in sweep)])
    return footprint


def round_free_corners(
    sweeps: list[list[Vec2]],
    start: Vec2,
    grid: OccupancyGrid,
    traversable: NDArray[np.bool_],
    reachable: NDArray[np.bool_],
    brush_radius: float,
    radii: tuple[float, ...],
    sharp_above: float,
    footprint: Footprint | None = None,
) -> list[list[Vec2]]:
    """`sweeps` with every corner sharper than `sharp_above` rad replaced by an arc of the largest
    of `radii` that stays on `traversable` cells and leaves no `reachable` floor cell unswept (the
    path between sweeps counted as straight, as the ideal run drives it). `footprint`, if given,
    is these sweeps' own (route_footprint) and is kept up to date."""
    if not radii or not sweeps:
        return sweeps
    if footprint is None:
        footprint = route_footprint(sweeps, start, grid, reachable, brush_radius)
    rounded: list[list[Vec2]] = []
    for sweep in sweeps:
        out = [sweep[0]]
        for i in range(1, len(sweep) - 1):
            a, b, c = out[-1], sweep[i], sweep[i + 1]
            turn = abs(wrap_angle(math.atan2(c[1] - b[1], c[0] - b[0]) - math.atan2(b[1] - a[1], b[0] - a[0])))
            arc = _free_arc(footprint, grid, traversable, a, b, c, radii, sharp_above) if turn > sharp_above else None
            out.extend(arc if arc is not None else [b])
        if len(sweep) > 1:
            out.append(sweep[-1])
        rounded.append(out)
    return rounded


def _free_arc(
    footprint: Footprint,
    grid: OccupancyGrid,
    traversable: NDArray[np.bool_],
    a: Vec2,
    b: Vec2,
    c: Vec2,
    radii: tuple[float, ...],
    sharp_above: float,
) -> list[Vec2] | None:
    """The arc of the largest radius that rounds a-b-c at no cost of floor (the footprint updated)."""
    step = min(ARC_STEP, 0.7 * sharp_above)  # each of the arc's bends gentle enough to drive through
    for radius in sorted(radii, reverse=True):
        arc = corner_arc(a, b, c, radius, step=step)
        if arc is None or not on_cells(traversable, grid, arc):
            continue
        if math.dist(arc[0], a) < 1e-6:  # the arc takes the whole leg in: no zero-length step
            arc = arc[1:]
        if footprint.replace([a, b, c], [a, *arc, c]):
            return arc
    return None


def on_cells(mask: NDArray[np.bool_], grid: OccupancyGrid, points: list[Vec2]) -> bool:
    """Does the polyline stay on `mask` cells all the way (sampled every quarter of a cell)?"""
    for a, b in itertools.pairwise(points if len(points) > 1 else points * 2):
        steps = max(1, math.ceil(4.0 * math.dist(a, b) / grid.resolution))
        for k in range(steps + 1):
            row, col = grid.cell_of(a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps)
            if not (grid.inside(row, col) and mask[row, col]):
                return False
    return True
