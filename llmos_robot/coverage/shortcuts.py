"""Straight shortcuts across a route wherever the brush loses no floor by them.

Joined into one route, a plan drives some stretches that sweep nothing the rest of it does not:
the end of a closed loop and the step in to the next one (the loop's start swept that floor
already; cut across, the loops become a spiral), the far side of two corners in a row, a way
between sweeps that doubles back. Each such stretch, up to REACH metres of route, is replaced by
a straight segment when that
  - stays on traversable cells (checked every quarter cell),
  - leaves every reachable floor cell swept by some segment of the route (the brush's capsule
    around every segment, counted per 2.5 cm cell, as rounding.py does), and
  - saves time by the planner's estimate: metres at cruise speed, plus `corner_cost` seconds per
    radian of every turn sharper than `sharp` (a stop and a turn on the spot); gentler bends are
    driven through. The planner may allow each shortcut to cost up to `slower_allowed` seconds:
    a shortcut always shortens the route, so less floor is swept twice (the planner's score of
    the whole plan judges whether that was worth it).
The places a shortcut may leave and rejoin the route are every SAMPLE metres along it. The
shortcuts that save most are taken first, in rounds until none is left.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.masks import without_repeats
from llmos_robot.coverage.rounding import Footprint
from llmos_robot.world.geometry import Vec2, wrap_angle

SAMPLE = 0.08  # m between the places a shortcut may leave or rejoin the route
REACH = 1.0  # m of route one shortcut may skip at most
MIN_SAVING = 0.02  # s a shortcut must save to be worth a check
ROUNDS = 6


@dataclass(frozen=True)
class TurnCost:
    """What the estimate charges for a route: metres at `cruise` m/s, and `per_rad` s per radian
    of each turn sharper than `sharp`."""

    cruise: float
    per_rad: float
    sharp: float
    # s a shortcut may cost by this estimate and still be taken (0: it must save MIN_SAVING): a
    # shorter route sweeps less floor twice.
    slower_allowed: float = 0.0

    def turn(self, angle: float) -> float:
        angle = abs(angle)
        return angle * self.per_rad if angle > self.sharp else 0.0


@dataclass(frozen=True)
class _Place:
    point: Vec2
    segment: int  # the route segment it lies on (route[segment] -> route[segment + 1]); the last vertex: len - 1
    vertex: bool  # a vertex of the route (where it may turn), not a point along a segment
    along: float  # m of route before it


def shortcut(
    route: list[Vec2],
    arriving_from: Vec2 | None,
    footprint: Footprint,
    clear: Callable[[Vec2, Vec2], bool],
    cost: TurnCost,
) -> list[Vec2]:
    """`route` with every stretch cut straight that can be at no cost of floor (`footprint` kept
    up to date); `clear(a, b)` says whether the robot may drive straight from a to b; the route
    is entered heading from `arriving_from` (None: any heading)."""
    # A shortcut refused stays refused in later rounds: the rest of the route only sweeps less
    # as shortcuts are taken (re-checking them all made up most of the time).
    refused: set[tuple[Vec2, Vec2]] = set()
    for _ in range(ROUNDS):
        places = _places(route)
        at_stake = _AtStake(footprint, route)
        taken: list[tuple[int, int, Vec2, Vec2]] = []  # (first segment, last segment, leave, rejoin)
        busy: set[int] = set()
        for _saving, i, j in _candidates(route, places, arriving_from, cost):
            first, last = places[i].segment, places[j].segment
            leave, rejoin = places[i].point, places[j].point
            if (leave, rejoin) in refused or any(k in busy for k in range(first, last + 1)):
                continue
            before = route[first : last + 2]
            after = without_repeats([route[first], leave, rejoin, *route[last + 1 : last + 2]])
            # Floor only the skipped segments sweep must be swept by what replaces them (a quick
            # test first; the footprint's is exact).
            if (
                not _swept_by(after, at_stake.cells(first, last), footprint.radius)
                or not clear(leave, rejoin)
                or not footprint.replace(before, after)
            ):
                refused.add((leave, rejoin))
                continue
            taken.append((first, last, leave, rejoin))
            busy.update(range(first, last + 1))
        if not taken:
            break
        route = _apply(route, taken)
    return route


class _AtStake:
    """The floor cells each run of the route's segments alone sweeps, as points (x, y)."""

    def __init__(self, footprint: Footprint, route: list[Vec2]) -> None:
        lo, hi = footprint.spans(route)
        rows, cols = np.nonzero((lo >= 0) & footprint.reachable)
        order = np.argsort(lo[rows, cols], kind="stable")
        rows, cols = rows[order], cols[order]
        self.lo, self.hi = lo[rows, cols], hi[rows, cols]
        res, (ox, oy) = footprint.resolution, footprint.origin
        self.points = np.stack([ox + (cols + 0.5) * res, oy + (rows + 0.5) * res], axis=1)

    def cells(self, first: int, last: int) -> NDArray[np.float64]:
        """The cells swept by segments first..last of the route and by nothing else."""
        a, b = np.searchsorted(self.lo, first, "left"), np.searchsorted(self.lo, last, "right")
        return self.points[a:b][self.hi[a:b] <= last]


def _swept_by(polyline: list[Vec2], points: NDArray[np.float64], radius: float) -> bool:
    """Is every point within `radius` of the polyline?"""
    if len(points) == 0:
        return True
    left = np.ones(len(points), dtype=bool)
    for a, b in itertools.pairwise(polyline if len(polyline) > 1 else polyline * 2):
        d = np.array(b) - np.array(a)
        length2 = float(d @ d)
        rel = points - np.array(a)
        t = np.clip(rel @ d / length2, 0.0, 1.0) if length2 > 1e-12 else np.zeros(len(points))
        left &= np.hypot(*(rel - t[:, None] * d).T) > radius
    return not left.any()


def _places(route: list[Vec2]) -> list[_Place]:
    places: list[_Place] = []
    along = 0.0
    for k, (a, b) in enumerate(itertools.pairwise(route)):
        length = math.dist(a, b)
        steps = max(1, math.floor(length / SAMPLE))
        for s in range(steps):
            f = s / steps
            places.append(_Place((a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])), k, s == 0, along + f * length))
        along += length
    places.append(_Place(route[-1], len(route) - 1, True, along))
    return places


def _candidates(
    route: list[Vec2], places: list[_Place], arriving_from: Vec2 | None, cost: TurnCost
) -> list[tuple[float, int, int]]:
    """(seconds saved, leave, rejoin) of every shortcut worth checking, the most saved first."""
    headings = [math.atan2(b[1] - a[1], b[0] - a[0]) for a, b in itertools.pairwise(route)]
    entry = None
    if arriving_from is not None and math.dist(arriving_from, route[0]) > 1e-9:
        entry = math.atan2(route[0][1] - arriving_from[1], route[0][0] - arriving_from[0])

    def heading_in(place: _Place) -> float | None:
        if not place.vertex:
            return headings[place.segment]
        return headings[place.segment - 1] if place.segment > 0 else entry

    def heading_out(place: _Place) -> float | None:
        return headings[place.segment] if place.segment < len(headings) else None

    def turn_cost(h_in: float | None, h_out: float | None) -> float:
        return 0.0 if h_in is None or h_out is None else cost.turn(wrap_angle(h_out - h_in))

    # The cost of turning at each place as the route drives it, summed along the route.
    at = [turn_cost(heading_in(p), heading_out(p)) if p.vertex else 0.0 for p in places]
    turned = list(itertools.accumulate(at, initial=0.0))
    found: list[tuple[float, int, int]] = []
    threshold = -cost.slower_allowed if cost.slower_allowed > 0 else MIN_SAVING
    for i, leave in enumerate(places):
        h_in = heading_in(leave)
        for j in range(i + 2, len(places)):
            rejoin = places[j]
            skipped = rejoin.along - leave.along
            if skipped > REACH:
                break
            if rejoin.segment == leave.segment or (rejoin.segment == leave.segment + 1 and rejoin.vertex):
                continue  # no vertex in between: the route is already straight here
            old = skipped / cost.cruise + turned[j + 1] - turned[i]
            direction = math.atan2(rejoin.point[1] - leave.point[1], rejoin.point[0] - leave.point[0])
            new = math.dist(leave.point, rejoin.point) / cost.cruise
            new += turn_cost(h_in, direction) + turn_cost(direction, heading_out(rejoin))
            if old - new >= threshold:
                found.append((old - new, i, j))
    found.sort(reverse=True)
    return found


def _apply(route: list[Vec2], taken: list[tuple[int, int, Vec2, Vec2]]) -> list[Vec2]:
    out: list[Vec2] = []
    k = 0
    for first, last, leave, rejoin in sorted(taken):
        out.extend(route[k : first + 1])
        out.extend([leave, rejoin])
        k = last + 1
    out.extend(route[k:])
    return without_repeats(out)
