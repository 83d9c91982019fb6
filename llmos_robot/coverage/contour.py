"""Contour-parallel ("peel") sweeps: closed loops along the edge of the centre region, then one
swath further in, and so on, around furniture too.

Positions are in grid cell units, (row, column) with a cell's centre at whole numbers, like
cells.py with lanes along x. Level k of the centre region is the set of points at least
k x `spacing` in from its edge (a Euclidean distance transform, i.e. the region eroded by a
disc), traced on a grid FINE times finer than the map so loops are a swath apart to ~1 cm, not
to a whole cell; level 0 runs through the centres of the region's edge cells. Taking each level
afresh from the distance transform merges the loops of holes that meet as they grow.

Each connected piece of each level is swept along its outlines: the outer contour and one
contour per hole (furniture), each a closed loop. A loop is smoothed (pixel steps gone), then
straightened where it stays within `epsilon` and on the centre cells; bends close together that
make one corner are joined into it (one stop and turn), while an arc around a chair leg stays a
string of bends gentle enough to drive through. A loop starts at its point nearest where the
previous sweep ended, so the step in between levels is short. Pieces are visited depth first (a
piece, then the pieces inside it, nearest first), or all loops nearest first.

An innermost piece (no level inside it) at most `thin_below` deep gets one pass down its middle
instead of a loop whose two sides would re-sweep each other.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.masks import project_on_segment as _project
from llmos_robot.coverage.masks import segment_clear as _clear
from llmos_robot.coverage.masks import simplify_path as _simplify
from llmos_robot.coverage.masks import without_repeats

Point = tuple[float, float]  # (row, column), cell units

SMOOTH = 4  # fine cells each side averaged along a loop
GENTLE = 0.35  # rad: a bend up to this is driven through (the follower's turn_in_place_above)
CORNER_JOIN = 3.0  # cells: bends closer together than this are joined into one corner
FINE = 4  # levels are traced on a grid this many times finer than the map


@dataclass(eq=False)
class _Piece:
    """One connected piece of one level: its outlines, and the pieces of the next level inside it."""

    level: int
    mask: NDArray[np.bool_]
    depth: float  # cells from the piece's edge to its deepest cell
    children: list[_Piece] = field(default_factory=list)


def contour_sweeps(
    centres: NDArray[np.bool_],
    start: Point,
    spacing: float,
    thin_below: float,
    epsilon: float = 1.0,
    nearest_first: bool = False,
) -> list[list[Point]]:
    """Sweeps (closed loops, and single passes along thin innermost pieces) over `centres`,
    levels `spacing` cells apart, in driving order from `start`.

    A piece no deeper than `thin_below` cells gets a pass along its middle rather than a loop.
    Loops are simplified to within `epsilon` cells (less where the shortcut would leave `centres`).
    """
    # On a grid FINE times finer, so levels (and the loops along them) are spaced to a fraction of a cell.
    fine = np.repeat(np.repeat(centres, FINE, axis=0), FINE, axis=1)
    padded = np.pad(fine, 1).astype(np.uint8)
    distance = np.asarray(cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE), dtype=np.float32)[
        1:-1, 1:-1
    ]
    roots = _pieces(fine, distance, spacing * FINE)
    sweeps: list[list[Point]] = []
    here = _to_fine(start)
    if nearest_first:
        _sweep_nearest_first(roots, fine, here, thin_below * FINE, epsilon * FINE, sweeps)
    else:
        pending = list(roots)
        while pending:
            piece = min(pending, key=lambda p: _distance_to_mask(p.mask, here))
            pending.remove(piece)
            here = _sweep_piece(piece, fine, here, thin_below * FINE, epsilon * FINE, sweeps)
    return [[_from_fine(p) for p in sweep] for sweep in sweeps]


def _sweep_nearest_first(
    roots: list[_Piece],
    centres: NDArray[np.bool_],
    here: Point,
    thin_below: float,
    epsilon: float,
    out: list[list[Point]],
) -> None:
    """Append every piece's sweeps, each time the one (of any level) nearest where the last ended."""
    loops: list[list[Point]] = []
    thin: list[_Piece] = []
    stack = list(roots)
    while stack:
        piece = stack.pop()
        stack.extend(piece.children)
        if _is_thin(piece, thin_below):
            thin.append(piece)
        else:
            loops.extend(_simplify_closed(c, centres, epsilon) for c in _outlines(piece.mask))
    passes = [_middle_pass(piece.mask, here) for piece in thin]
    while loops or passes:
        to_loop = [_nearest_on_loop(loop, here)[0] for loop in loops]
        to_pass = [min(math.dist(p[0], here), math.dist(p[-1], here)) for p in passes]
        if passes and (not loops or min(to_pass) < min(to_loop)):
            sweep = passes.pop(int(np.argmin(to_pass)))
            if math.dist(sweep[-1], here) < math.dist(sweep[0], here):
                sweep = sweep[::-1]
        else:
            sweep = _start_loop_at(loops.pop(int(np.argmin(to_loop))), here)
        out.append(sweep)
        here = sweep[-1]


def _to_fine(point: Point) -> Point:
    return ((point[0] + 0.5) * FINE - 0.5, (point[1] + 0.5) * FINE - 0.5)


def _from_fine(point: Point) -> Point:
    return ((point[0] + 0.5) / FINE - 0.5, (point[1] + 0.5) / FINE - 0.5)


def _pieces(centres: NDArray[np.bool_], distance: NDArray[np.floating], spacing: float) -> list[_Piece]:
    """The level pieces as a forest: each piece of level k + 1 lies inside one piece of level k."""
    roots: list[_Piece] = []
    previous: tuple[NDArray[np.integer], dict[int, _Piece]] | None = None
    level = 0
    while True:
        # The first level runs through the centres of the centre region's edge cells.
        threshold = FINE / 2.0 + level * spacing
        mask = centres & (distance >= threshold - 1e-6)
        if not mask.any():
            return roots
        count, found = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
        labels = np.asarray(found, dtype=np.int32)
        pieces: dict[int, _Piece] = {}
        for label in range(1, count):
            piece_mask = labels == label
            depth = float(distance[piece_mask].max()) - threshold
            piece = _Piece(level, piece_mask, depth)
            pieces[label] = piece
            if previous is None:
                roots.append(piece)
            else:
                parent_labels, parents = previous
                row, col = np.argwhere(piece_mask)[0]
                parents[int(parent_labels[row, col])].children.append(piece)
        previous = (labels, pieces)
        level += 1


def _sweep_piece(
    piece: _Piece, centres: NDArray[np.bool_], here: Point, thin_below: float, epsilon: float, out: list[list[Point]]
) -> Point:
    """Append the piece's sweeps, then its children's (depth first, nearest first); return where it ends."""
    if _is_thin(piece, thin_below):
        sweep = _middle_pass(piece.mask, here)
        out.append(sweep)
        here = sweep[-1]
    else:
        loops = [_simplify_closed(c, centres, epsilon) for c in _outlines(piece.mask)]
        while loops:
            best = min(range(len(loops)), key=lambda i: _nearest_on_loop(loops[i], here)[0])
            loop = _start_loop_at(loops.pop(best), here)
            out.append(loop)
            here = loop[-1]
    pending = list(piece.children)
    while pending:
        child = min(pending, key=lambda p: _distance_to_mask(p.mask, here))
        pending.remove(child)
        here = _sweep_piece(child, centres, here, thin_below, epsilon, out)
    return here


def _outlines(mask: NDArray[np.bool_]) -> list[list[Point]]:
    """The outer contour and the holes' contours of a connected mask, through its edge cells' centres."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    outlines = []
    for contour in contours:
        points = [(float(p[0][1]), float(p[0][0])) for p in contour]
        outlines.append(points)
    return outlines


def _simplify_closed(points: list[Point], centres: NDArray[np.bool_], epsilon: float) -> list[Point]:
    """The closed outline with straight stretches where it stays within `epsilon` and on `centres`
    (a stretch that would cut across cells outside keeps the point it bends at): pixel steps
    gone, real corners kept."""
    if len(points) < 4:
        return points
    if SMOOTH > 0 and len(points) > 4 * SMOOTH:
        # A moving average along the loop: pixel steps go, arcs stay arcs, real corners round by ~1 cm.
        array = np.array(points)
        wrapped = np.concatenate([array[-SMOOTH:], array, array[:SMOOTH]])
        kernel = np.ones(2 * SMOOTH + 1) / (2 * SMOOTH + 1)
        smooth = np.stack([np.convolve(wrapped[:, k], kernel, mode="valid") for k in (0, 1)], axis=1)
        candidate = [(float(r), float(c)) for r, c in smooth]
        if all(_clear(centres, a, b) for a, b in itertools.pairwise([*candidate, candidate[0]])):
            points = candidate
    far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
    one = _simplify(points[: far + 1], centres, epsilon)
    other = _simplify([*points[far:], points[0]], centres, epsilon)
    return _sharpen(one[:-1] + other[:-1], centres, CORNER_JOIN * FINE)


def _sharpen(loop: list[Point], centres: NDArray[np.bool_], shortest: float) -> list[Point]:
    """Join the bends at both ends of each stretch shorter than `shortest` into one corner where
    the stretches before and after meet (if that stays on `centres`): one stop and turn instead
    of several."""
    changed = True
    while changed and len(loop) > 3:
        changed = False
        for i in range(len(loop)):
            n = len(loop)
            before, a, b, after = loop[i - 1], loop[i], loop[(i + 1) % n], loop[(i + 2) % n]
            if math.dist(a, b) >= shortest:
                continue
            turn_a, turn_b = _turn(before, a, b), _turn(a, b, after)
            # Only bends that make a corner: one of them sharp, both the same way (an arc's gentle
            # bends are driven through without stopping; joining them would make a stop).
            if max(abs(turn_a), abs(turn_b)) <= GENTLE or turn_a * turn_b <= 0:
                continue
            corner = _meet(before, a, b, after)
            if (
                corner is None
                or math.dist(corner, a) > shortest
                or math.dist(corner, b) > shortest
                or not (_clear(centres, before, corner) and _clear(centres, corner, after))
            ):
                continue
            loop = [p for k, p in enumerate(loop) if k not in (i, (i + 1) % n)]
            loop.insert(i if (i + 1) % n else len(loop), corner)
            changed = True
            break
    return loop


def _turn(a: Point, b: Point, c: Point) -> float:
    """Heading change at b of the path a-b-c (rad)."""
    first = math.atan2(b[0] - a[0], b[1] - a[1])
    return math.remainder(math.atan2(c[0] - b[0], c[1] - b[1]) - first, math.tau)


def _meet(p1: Point, p2: Point, q1: Point, q2: Point) -> Point | None:
    """Where the line p1-p2 meets the line q1-q2 (None if they are near parallel)."""
    d1 = (p2[0] - p1[0], p2[1] - p1[1])
    d2 = (q2[0] - q1[0], q2[1] - q1[1])
    cross = d1[0] * d2[1] - d1[1] * d2[0]
    norm = math.hypot(*d1) * math.hypot(*d2)
    if norm < 1e-12 or abs(cross) < 0.2 * norm:
        return None
    t = ((q1[0] - p1[0]) * d2[1] - (q1[1] - p1[1]) * d2[0]) / cross
    return (p1[0] + t * d1[0], p1[1] + t * d1[1])


def _nearest_on_loop(loop: list[Point], here: Point) -> tuple[float, int, Point]:
    """(distance, index of the edge's first vertex, point) of the loop's point nearest `here`."""
    best: tuple[float, int, Point] = (math.inf, 0, loop[0])
    for i, (a, b) in enumerate(itertools.pairwise([*loop, loop[0]])):
        point = _project(a, b, here)
        d = math.dist(point, here)
        if d < best[0]:
            best = (d, i, point)
    return best


def _start_loop_at(loop: list[Point], here: Point) -> list[Point]:
    """The loop as a closed polyline starting and ending at its point nearest `here`."""
    if len(loop) == 1:
        return loop
    _, index, point = _nearest_on_loop(loop, here)
    rotated = loop[index + 1 :] + loop[: index + 1]
    path = [point, *rotated, point]
    return without_repeats(path, 1e-6)


def _is_thin(piece: _Piece, thin_below: float) -> bool:
    """Innermost, shallow, and without a hole: a ring around furniture is looped, since a pass
    "down its middle" would cut across the furniture."""
    return not piece.children and piece.depth <= thin_below and len(_outlines(piece.mask)) == 1


def _middle_pass(mask: NDArray[np.bool_], here: Point) -> list[Point]:
    """One pass along a thin piece's length, down its middle: halfway between each point of one
    half of the outline (between its two farthest-apart points) and the nearest point of the other
    half; driven from the end nearer `here`."""
    outline = _outlines(mask)[0]
    if len(outline) < 3:
        ends = [outline[0], outline[-1]]
        return sorted(ends, key=lambda p: math.dist(p, here)) if ends[0] != ends[1] else [ends[0]]
    points = np.array(outline)
    a = int(np.argmax(np.hypot(*(points - points[0]).T)))
    b = int(np.argmax(np.hypot(*(points - points[a]).T)))
    i, j = sorted((a, b))
    one = points[i : j + 1]
    other = np.concatenate([points[j:], points[: i + 1]])[::-1]
    count = max(2, math.ceil(_length(one) / 2.0) + 1)
    side = _resample(one, count)
    dense = _resample(other, max(2, math.ceil(_length(other) / 0.5) + 1))
    nearest = dense[
        np.argmin(np.hypot(side[:, None, 0] - dense[None, :, 0], side[:, None, 1] - dense[None, :, 1]), axis=1)
    ]
    middle = (side + nearest) / 2.0
    path = [(float(r), float(c)) for r, c in middle]
    curve = np.array([[c, r] for r, c in path], dtype=np.float32).reshape(-1, 1, 2)
    simplified = [(float(p[0][1]), float(p[0][0])) for p in cv2.approxPolyDP(curve, 1.0, False)]
    if math.dist(simplified[-1], here) < math.dist(simplified[0], here):
        simplified.reverse()
    return simplified


def _length(points: NDArray[np.float64]) -> float:
    return float(np.hypot(*np.diff(points, axis=0).T).sum()) if len(points) > 1 else 0.0


def _resample(points: NDArray[np.float64], count: int) -> NDArray[np.float64]:
    """`count` points evenly spaced along the polyline by arc length."""
    if len(points) == 1:
        return np.repeat(points, count, axis=0)
    steps = np.hypot(*np.diff(points, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    targets = np.linspace(0.0, along[-1], count)
    return np.stack([np.interp(targets, along, points[:, 0]), np.interp(targets, along, points[:, 1])], axis=1)


def _distance_to_mask(mask: NDArray[np.bool_], here: Point) -> float:
    rows, cols = np.nonzero(mask)
    return float(np.min(np.hypot(rows - here[0], cols - here[1])))
