"""The order a plan's sweeps are driven in: as few metres between them as a local search finds.

The way from one sweep to the next costs time and, with the brush down, re-sweeps floor. A closed
loop (first point = last) can be entered anywhere, and is left `loop_short_by` metres before it
gets back to where it was entered: the brush swept that last stretch as the loop set off (the
planner scores plans with and without; LOOPS_SHORT_BY). An open sweep can be driven either way.
So the cost of an order is found by entering each sweep at its point nearest where the last one
ended. Starting from the order the plan family chose, each sweep is moved to wherever in the
order shortens the total (or-opt), and (for plans of a few dozen sweeps) every run of
consecutive sweeps is tried in reverse order (2-opt), until no move does.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.masks import without_repeats
from llmos_robot.coverage.paths import path_length
from llmos_robot.world.geometry import Vec2

ROUNDS = 4  # passes over every sweep at most; each one that improves nothing ends the search
REVERSE_UP_TO = 30  # sweeps: plans with no more also have every run of sweeps tried the other way round


class _Sweep:
    def __init__(self, points: list[Vec2], loop_short_by: float = 0.0) -> None:
        self.points = points
        self.closed = len(points) > 2 and math.dist(points[0], points[-1]) < 1e-6
        self.a = np.asarray(points[:-1] if self.closed else points, dtype=float)
        self.b = np.roll(self.a, -1, axis=0)  # each vertex's next one, round the loop
        self.short_by = loop_short_by
        # Loops much shorter than that (round a chair leg) are driven all the way round.
        if self.closed and path_length(points) < 3.0 * loop_short_by:
            self.short_by = 0.0
        self._entries: dict[Vec2, tuple[float, Vec2, int]] = {}  # the search asks from the same places often

    def entry(self, here: Vec2) -> tuple[float, Vec2, int]:
        """(distance, entry point, index of the edge it lies on; -1/-2 = an open sweep's first/last end)."""
        known = self._entries.get(here)
        if known is None:
            known = self._entries[here] = self._entry(here)
        return known

    def _entry(self, here: Vec2) -> tuple[float, Vec2, int]:
        if not self.closed:
            first, last = math.dist(here, self.points[0]), math.dist(here, self.points[-1])
            return (first, self.points[0], -1) if first <= last else (last, self.points[-1], -2)
        point = np.asarray(here, dtype=float)
        d = self.b - self.a
        length2 = np.maximum((d * d).sum(axis=1), 1e-12)
        t = np.clip(((point - self.a) * d).sum(axis=1) / length2, 0.0, 1.0)
        nearest: NDArray[np.float64] = self.a + t[:, None] * d
        distances = np.hypot(*(nearest - point).T)
        index = int(np.argmin(distances))
        return float(distances[index]), (float(nearest[index, 0]), float(nearest[index, 1])), index

    def driven_from(self, here: Vec2) -> list[Vec2]:
        """The sweep as driven when arriving from `here`."""
        _, point, index = self.entry(here)
        if index == -1:
            return list(self.points)
        if index == -2:
            return list(reversed(self.points))
        ring = self.points[:-1]
        path = [point, *ring[index + 1 :], *ring[: index + 1], point]
        return _cut_end(without_repeats(path, 1e-6), self.short_by)

    def exit(self, here: Vec2) -> Vec2:
        _, point, index = self.entry(here)
        if index == -1:
            return self.points[-1]
        if index == -2:
            return self.points[0]
        # A loop is ordered as though it ended where it was entered (its end is within `short_by`
        # of there): ordering by its true end chose orders with more overlap in 3 of the house's 5 rooms.
        return point


def _cut_end(path: list[Vec2], by: float) -> list[Vec2]:
    """`path` less its last `by` metres."""
    if by <= 0.0:
        return path
    keep = path_length(path) - by
    out, run = [path[0]], 0.0
    for a, b in itertools.pairwise(path):
        step = math.dist(a, b)
        if run + step >= keep:
            f = (keep - run) / step
            out.append((a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])))
            return without_repeats(out, 1e-6)
        out.append(b)
        run += step
    return out


def between_length(sweeps: list[_Sweep], order: list[int], start: Vec2) -> float:
    """Metres of straight way from `start` into the first sweep and between all the others."""
    total, here = 0.0, start
    for index in order:
        distance, _, _ = sweeps[index].entry(here)
        total += distance
        here = sweeps[index].exit(here)
    return total


def shorter_order(plan_sweeps: list[list[Vec2]], start: Vec2, loop_short_by: float = 0.0) -> list[list[Vec2]]:
    """The sweeps reordered (and re-entered) so the ways between them are no longer than before;
    each closed loop ends `loop_short_by` m before where it was entered."""
    sweeps = [_Sweep(points, loop_short_by) for points in plan_sweeps if points]
    if len(sweeps) < 2:
        return [list(points) for points in plan_sweeps if points]
    order = list(range(len(sweeps)))
    best = between_length(sweeps, order, start)
    for _ in range(ROUNDS):
        improved = False
        for item in range(len(sweeps)):
            at = order.index(item)
            rest = order[:at] + order[at + 1 :]
            for place in range(len(order)):
                if place == at:
                    continue
                candidate = [*rest[:place], item, *rest[place:]]
                length = between_length(sweeps, candidate, start)
                if length < best - 1e-6:
                    order, best, improved = candidate, length, True
                    break
        if len(order) <= REVERSE_UP_TO:
            for first in range(len(order) - 1):
                for end in range(first + 2, len(order) + 1):
                    candidate = [*order[:first], *reversed(order[first:end]), *order[end:]]
                    length = between_length(sweeps, candidate, start)
                    if length < best - 1e-6:
                        order, best, improved = candidate, length, True
        if not improved:
            break
    driven: list[list[Vec2]] = []
    here = start
    for index in order:
        path = sweeps[index].driven_from(here)
        driven.append(path)
        here = path[-1]
    return driven
