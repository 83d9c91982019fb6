"""Boustrophedon cells and their lanes, on small masks a person can draw."""

from __future__ import annotations

import itertools

import numpy as np

from llmos_robot.coverage.cells import Cell, cell_lanes, decompose, lane_cover, trim_protrusions


def _room_with_table() -> np.ndarray:
    """40 x 30 cells of free centres with a 10 x 10 table in the middle."""
    mask = np.ones((30, 40), dtype=bool)
    mask[10:20, 15:25] = False
    return mask


def test_a_table_splits_the_room_into_four_cells_at_its_edges():
    cells = decompose(_room_with_table(), merge_branches=False)
    assert len(cells) == 4  # below, left of, right of, above the table
    assert sorted((c.first_row, c.last_row) for c in cells) == [(0, 9), (10, 19), (10, 19), (20, 29)]
    # Every centre cell belongs to exactly one cell.
    assert sum(sum(last - first + 1 for first, last in c.runs.values()) for c in cells) == _room_with_table().sum()


def test_merging_branches_gives_fewer_cells_that_still_have_one_run_per_row():
    cells = decompose(_room_with_table(), merge_branches=True)
    assert len(cells) == 2  # the room around one side of the table, and the other side
    for cell in cells:
        rows = sorted(cell.runs)
        assert rows == list(range(rows[0], rows[-1] + 1))  # no holes: lanes join along its edge
        for a, b in itertools.pairwise(rows):  # neighbouring runs overlap
            assert cell.runs[a][0] <= cell.runs[b][1] and cell.runs[b][0] <= cell.runs[a][1]


def test_lanes_reach_all_of_a_cells_floor_and_are_never_more_than_a_swath_apart():
    mask = np.zeros((30, 40), dtype=bool)
    mask[4:26, 4:36] = True  # centres; the floor reaches 3 cells further
    floor = np.zeros_like(mask)
    floor[1:29, 1:39] = True
    (cell,) = decompose(mask)
    reach = 3.3
    for downward in (False, True):
        lanes = cell_lanes(cell, floor, reach, downward)
        rows = sorted(lane.row for lane in lanes)
        assert max(b - a for a, b in itertools.pairwise(rows)) <= 2 * reach + 1e-9
        assert len(lanes) <= int((25 - 4) / (2 * reach)) + 2  # no more than the width needs
        covered = np.zeros_like(floor)
        for lane in lanes:
            covered |= lane_cover(floor.shape, lane, reach + 0.5)
        # All but the rounded corners a disc cannot reach from the lane ends.
        assert (covered & floor).sum() >= 0.98 * floor.sum()


def test_a_doorway_bulge_at_a_cells_end_is_trimmed_not_given_lanes_of_its_own():
    runs = {0: (10, 14), 1: (10, 14), 2: (10, 14)} | {row: (0, 39) for row in range(3, 20)}
    trimmed = trim_protrusions(Cell(runs), depth=6.6)
    assert trimmed.first_row == 3 and trimmed.last_row == 19
    # A long narrow neck loses only its tip: the rest still gets lanes.
    long_neck = {row: (10, 14) for row in range(0, 9)} | {row: (0, 39) for row in range(9, 20)}
    assert trim_protrusions(Cell(long_neck), depth=6.6).first_row == 7
    # A cell of even width keeps every row.
    assert trim_protrusions(Cell({row: (0, 39) for row in range(20)}), depth=6.6).first_row == 0
