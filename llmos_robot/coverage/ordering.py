"""The order a plan's sweeps are driven in: as few metres between them as a local search finds.

The way from one sweep to the next costs time and, with the brush down, re-sweeps floor. A closed
loop (first point = last) can be entered anywhere and is left where it was entered; an open
sweep can be driven either way. So the cost of an order is found by entering each sweep at its
point nearest where the last one ended. Starting from the order the plan family chose, each
sweep is moved to wherever in the order shortens the total (or-opt), and (for plans of a few
dozen sweeps) every run of consecutive sweeps is tried in reverse order (2-opt), until no move
does.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.masks import without_repeats
from llmos_robot.world.geometry import Vec2

ROUNDS = 4  # passes over every sweep at most; each one that improves nothing ends the search
REVERSE_UP_TO = 30  # sweeps: plans with no more also have every run of sweeps tried the other way round


class _Sweep:
    def __init__(self, points: list[Vec2]) -> None:
        self.points = points
        self.closed = len(points) > 2 and math.dist(points[0], points[-1]) < 1e-6
        self.a = np.asarray(points[:-1] if self.closed else points, dtype=float)
        self.b = np.roll(self.a, -1, axis=0)  # each vertex's next one, round the loop
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
        return without_repeats(path, 1e-6)

    def exit(self, here: Vec2) -> Vec2:
        _, point, index = self.entry(here)
        if index == -1:
            return self.points[-1]
        if index == -2:
            return self.points[0]
        return point


def between_length(sweeps: list[_Sweep], order: list[int], start: Vec2) -> float:
    """Metres of straight way from `start` into the first sweep and between all the others."""
    total, here = 0.0, start
    for index in order:
        distance, _, _ = sweeps[index].entry(here)
        total += distance
        here = sweeps[index].exit(here)
    return total


def shorter_order(plan_sweeps: list[list[Vec2]], start: Vec2) -> list[list[Vec2]]:
    """The sweeps reordered (and re-entered) so the ways between them are no longer than before."""
    sweeps = [_Sweep(points) for points in plan_sweeps if points]
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
