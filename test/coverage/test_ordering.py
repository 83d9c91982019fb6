"""The order sweeps are driven in: fewer metres of travel between them, every sweep still whole."""

from __future__ import annotations

import itertools
import math

from llmos_robot.coverage.ordering import shorter_order


def _square(x: float, y: float, side: float = 1.0):
    return [(x, y), (x + side, y), (x + side, y + side), (x, y + side), (x, y)]


def _between(sweeps, start):
    total, here = 0.0, start
    for sweep in sweeps:
        total += math.dist(here, sweep[0])
        here = sweep[-1]
    return total


def _length(sweep):
    return sum(math.dist(a, b) for a, b in itertools.pairwise(sweep))


def test_the_nearest_loop_comes_first_entered_where_it_is_nearest():
    far, near = _square(5.0, 0.0), _square(0.0, 0.0)
    start = (1.5, 0.5)  # beside the near square's right side
    order = shorter_order([far, near], start)
    assert order[0][0] == (1.0, 0.5)  # entered on its side, not driven to its first corner
    assert order[0][-1] == order[0][0]  # a loop is left where it was entered ...
    assert math.isclose(_length(order[0]), 4.0)  # ... after going all the way round
    assert _between(order, start) < _between([far, near], start)


def test_an_open_sweep_is_driven_from_whichever_end_is_nearer():
    lane = [(0.0, 0.0), (3.0, 0.0)]
    order = shorter_order([_square(0.0, 2.0), lane], (3.2, 0.1))
    assert order[0] == [(3.0, 0.0), (0.0, 0.0)]


def test_reordering_never_lengthens_the_travel_and_keeps_every_sweep():
    sweeps = [
        _square(4.0, 4.0),
        [(0.0, 3.0), (2.0, 3.0)],
        _square(0.0, 0.0),
        [(5.0, 0.5), (7.0, 0.5)],
        _square(4.0, 0.0),
    ]
    start = (0.1, 0.1)
    order = shorter_order(sweeps, start)
    assert _between(order, start) <= _between(sweeps, start) + 1e-9
    assert sorted(round(_length(s), 6) for s in order) == sorted(round(_length(s), 6) for s in sweeps)


def test_lanes_handed_over_in_a_muddle_are_driven_in_the_shortest_order():
    # Moving one sweep at a time cannot untangle this order (it gets stuck at 13.7 m of travel);
    # driving a run of sweeps the other way round can.
    lanes = [
        [(1.0, 3.0), (4.0, 3.0)],
        [(0.0, 4.0), (3.0, 4.0)],
        [(4.0, 2.0), (5.0, 2.0)],
        [(4.0, 0.0), (6.0, 0.0)],
        [(1.0, 1.0), (3.0, 1.0)],
    ]
    start = (0.0, -1.0)
    order = shorter_order(lanes, start)
    assert sorted(map(sorted, order)) == sorted(map(sorted, lanes))  # every lane, whole
    best = math.inf
    for permutation in itertools.permutations(lanes):
        best = min(best, _between(_driven_in(list(permutation), start), start))
    assert _between(order, start) <= best + 1e-9


def _driven_in(lanes, start):
    """The lanes in the given order, each from its end nearer where the last one ended."""
    driven, here = [], start
    for lane in lanes:
        lane = lane if math.dist(here, lane[0]) <= math.dist(here, lane[-1]) else lane[::-1]
        driven.append(lane)
        here = lane[-1]
    return driven


def test_a_loop_can_end_short_of_where_it_was_entered():
    # Its last stretch would re-sweep floor the brush swept as the loop set off.
    start = (1.5, 0.5)
    whole = shorter_order([_square(5.0, 0.0), _square(0.0, 0.0)], start)[0]
    short = shorter_order([_square(5.0, 0.0), _square(0.0, 0.0)], start, loop_short_by=0.3)[0]
    assert short[0] == whole[0] == (1.0, 0.5)
    assert math.isclose(_length(short), 4.0 - 0.3)
    assert short == [*whole[: len(short) - 1], short[-1]]  # the same way round, only shorter
    assert math.isclose(math.dist(short[-1], whole[0]), 0.3)  # 0.3 m down the side it came in on
    tiny = shorter_order([_square(5.0, 0.0), _square(1.1, 0.4, 0.2)], start, loop_short_by=0.3)[0]
    assert math.isclose(_length(tiny), 0.8)  # a loop much shorter than that goes all the way round
