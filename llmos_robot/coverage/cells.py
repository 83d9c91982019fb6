"""Boustrophedon cells and the lanes that sweep them, on a grid whose rows are the lane direction.

Everything here works in a *lane frame*: a boolean mask whose rows run along the lanes (the
planner transposes the map for lanes along y). Positions are (row, column) in cell units, a
cell's centre at whole numbers; a lane may sit between rows (`Lane.row` is a float).

A cell is a stack of runs, one per row, where each run overlaps exactly one run of the row
before and after: the free space between two critical points of the furniture (where an
obstacle starts, ends, or two gaps join). Each cell is swept back and forth with its own lanes,
placed from one side so that every floor cell of the cell's *territory* (the floor nearest its
centre cells) is within reach of a lane, and no two lanes are further apart than the swath.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Run = tuple[int, int]  # (first, last) column of a run of centre cells


@dataclass(frozen=True)
class Lane:
    """A straight pass along `row` (possibly between rows) from column `first` to column `last`."""

    row: float
    first: int
    last: int


@dataclass
class Cell:
    """An obstacle-free strip: one run of centre cells on each of the rows `first_row`..`last_row`."""

    runs: dict[int, Run]

    @property
    def first_row(self) -> int:
        return min(self.runs)

    @property
    def last_row(self) -> int:
        return max(self.runs)

    def run_at(self, row: float) -> Run:
        """The run of the row containing a (fractional) row coordinate."""
        return self.runs[min(max(math.floor(row + 0.5), self.first_row), self.last_row)]


def true_runs(row: NDArray[np.bool_]) -> list[Run]:
    """(first, last) index of every run of True in a 1-D array."""
    padded = np.concatenate([[False], row, [False]]).astype(np.int8)
    edges = np.diff(padded)
    starts = np.nonzero(edges == 1)[0]
    ends = np.nonzero(edges == -1)[0] - 1
    return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True)]


def decompose(centres: NDArray[np.bool_], merge_branches: bool = True) -> list[Cell]:
    """Boustrophedon cells of the centre mask, row by row.

    Textbook (`merge_branches` False): a split (furniture starts) or a merge (it ends) closes the
    cells involved and opens new ones. With `merge_branches` the cell goes on along the branch it
    shares the most columns with and only the other branches open cells of their own: fewer,
    larger cells. Either way a cell has one run per row and neighbouring runs overlap, so it is
    swept with straight lanes joined along its edge.
    """
    cells: list[Cell] = []
    open_cells: dict[Run, int] = {}
    previous: list[Run] = []
    for row in range(centres.shape[0]):
        current = true_runs(centres[row])
        # Each run of the row before continues into the run below it that it overlaps most.
        best_below = {
            p: max((r for r in current if _overlap(p, r)), key=lambda r: _shared(p, r), default=None) for p in previous
        }
        next_open: dict[Run, int] = {}
        for run in current:
            above = [p for p in previous if best_below[p] == run and p in open_cells]
            if not merge_branches:
                overlapping = [p for p in previous if _overlap(p, run)]
                below_of_above = [r for r in current if overlapping and _overlap(overlapping[0], r)]
                one_to_one = len(overlapping) == 1 and len(below_of_above) == 1
                above = overlapping if one_to_one and overlapping[0] in open_cells else []
            if above:
                index = open_cells[max(above, key=lambda p: _shared(p, run))]
                cells[index].runs[row] = run
            else:
                cells.append(Cell({row: run}))
                index = len(cells) - 1
            next_open[run] = index
        open_cells, previous = next_open, current
    return cells


def trim_protrusions(cell: Cell, depth: float) -> Cell:
    """The cell without up to `depth` rows at either end whose runs are less than half its typical
    run (a doorway's bulge at the end of a room; of a longer narrow stretch only its tip goes): a
    short pass reaches them better than lanes of their own that would run over the room's first lane."""
    typical = float(np.median([last - first + 1 for first, last in cell.runs.values()]))
    rows = sorted(cell.runs)
    short = [r for r in rows if cell.runs[r][1] - cell.runs[r][0] + 1 < 0.5 * typical]
    keep = set(rows)
    for ordered in (rows, rows[::-1]):
        stretch = itertools.takewhile(lambda r: r in short, ordered)
        keep.difference_update(r for r in stretch if abs(r - ordered[0]) < depth)
    return Cell({r: run for r, run in cell.runs.items() if r in keep}) if keep else cell


def _shared(a: Run, b: Run) -> int:
    return min(a[1], b[1]) - max(a[0], b[0]) + 1


def _overlap(a: Run, b: Run) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def territories(cells: list[Cell], floor: NDArray[np.bool_], reach: int) -> NDArray[np.int32]:
    """Which cell each floor cell belongs to: the cell of the nearest centre cell (-1: none within reach)."""
    labels = np.full(floor.shape, -1, dtype=np.int32)
    for index, cell in enumerate(cells):
        for row, (first, last) in cell.runs.items():
            labels[row, first : last + 1] = index
    # Grow the labels one ring at a time (8-connected) over the floor: nearest centre wins.
    for _ in range(reach + 1):
        grown = labels.copy()
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)):
            shifted = np.full_like(labels, -1)
            rows, cols = floor.shape[0], floor.shape[1]
            shifted[max(0, dr) : rows + min(0, dr), max(0, dc) : cols + min(0, dc)] = labels[
                max(0, -dr) : rows + min(0, -dr), max(0, -dc) : cols + min(0, -dc)
            ]
            fill = (grown < 0) & (shifted >= 0) & floor
            grown[fill] = shifted[fill]
        labels = grown
    return labels


def lane_cover(shape: tuple[int, int], lane: Lane, radius: float) -> NDArray[np.bool_]:
    """Cells whose centre lies within `radius` (cells) of the lane's segment."""
    return segment_cover(shape, (lane.row, float(lane.first)), (lane.row, float(lane.last)), radius)


def segment_cover(
    shape: tuple[int, int], a: tuple[float, float], b: tuple[float, float], radius: float
) -> NDArray[np.bool_]:
    """Cells whose centre lies within `radius` of the segment a-b ((row, column) points, cell units)."""
    mask = np.zeros(shape, dtype=bool)
    r0 = max(0, math.floor(min(a[0], b[0]) - radius))
    r1 = min(shape[0], math.ceil(max(a[0], b[0]) + radius) + 1)
    c0 = max(0, math.floor(min(a[1], b[1]) - radius))
    c1 = min(shape[1], math.ceil(max(a[1], b[1]) + radius) + 1)
    if r0 >= r1 or c0 >= c1:
        return mask
    rr, cc = np.mgrid[r0:r1, c0:c1]
    dr, dc = b[0] - a[0], b[1] - a[1]
    length2 = dr * dr + dc * dc
    t = np.zeros(rr.shape) if length2 < 1e-12 else np.clip(((rr - a[0]) * dr + (cc - a[1]) * dc) / length2, 0, 1)
    mask[r0:r1, c0:c1] = np.hypot(rr - (a[0] + t * dr), cc - (a[1] + t * dc)) <= radius + 1e-9
    return mask


def cell_lanes(cell: Cell, target: NDArray[np.bool_], reach: float, downward: bool = False) -> list[Lane]:
    """Lanes sweeping `cell` from its top row down (or bottom up): each placed as far on as it can
    be while still reaching the nearest target floor the lanes before it left, so lanes are at most
    2 x `reach` apart and the outermost hug the cell's edges only as far as its floor needs."""
    first, last = cell.first_row, cell.last_row
    sign = -1.0 if downward else 1.0
    rows = np.nonzero(target.any(axis=1))[0]
    if len(rows) == 0:
        middle = (first + last) / 2.0
        run = cell.run_at(middle)
        return [Lane(float(math.floor(middle + 0.5)), *run)]
    # Signed coordinates: "further on" is larger whichever way the cell is swept.
    lanes: list[Lane] = []
    previous = -math.inf
    target_rows = sorted(sign * float(r) for r in rows)
    while True:
        # The next floor row the previous lane does not reach across (what it misses beyond its
        # ends is left to gap filling), reached from as far on as possible, at most a swath on.
        pending = [r for r in target_rows if r > previous + reach + 1e-9]
        if not pending:
            break
        # (The first lane has no previous one: it goes a reach beyond the first floor row.)
        signed = pending[0] + reach if not lanes else min(pending[0] + reach, previous + 2.0 * reach)
        row = min(max(sign * signed, first), last)
        if lanes and sign * row <= previous + 1e-9:
            break  # nothing further this way: the cell's edge is already swept
        lanes.append(Lane(row, *cell.run_at(row)))
        previous = sign * row
        if row == (first if downward else last):
            break
    return lanes
