"""The house as the map, the planner and memory read it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from llmos_robot.errors import UnknownPlaceError, UnknownRoomError, WorldError
from llmos_robot.world import FREE, OCCUPIED, UNKNOWN, RasterConfig, load_world, rasterise


def test_house_has_the_rooms_and_places_people_name(house):
    assert {"kitchen", "living_room", "bedroom", "hallway", "bathroom"} <= set(house.rooms)
    assert {"sofa", "fridge", "cleaning_cupboard", "kitchen_table", "bed"} <= set(house.places)
    assert house.room("Living Room").name == "living_room"
    assert house.room("the kitchen").name == "kitchen"
    assert house.place("couch").name == "sofa"  # an alias


def test_every_place_lies_in_its_room(house):
    for place in house.places.values():
        assert house.room_at(place.pose.x, place.pose.y).name == place.room, place.name


def test_unknown_room_error_lists_the_known_rooms(house):
    with pytest.raises(UnknownRoomError) as err:
        house.room("garage")
    assert "garage" in str(err.value)
    assert "kitchen" in str(err.value) and "living room" in str(err.value)


def test_unknown_place_is_refused(house):
    with pytest.raises(UnknownPlaceError, match="piano"):
        house.place("piano")


def test_grid_marks_walls_occupied_and_room_centres_free(house, house_grid):
    grid = house_grid
    assert grid.value_at(4.0, 3.5) == OCCUPIED  # the wall between kitchen and hallway
    assert grid.value_at(0.0, 5.0) == OCCUPIED  # the outer west wall
    assert grid.value_at(5.0, 4.0) == FREE  # middle of the hallway
    assert grid.value_at(-0.28, -0.28) == UNKNOWN  # outside the house
    for room in house.rooms.values():
        # Every room has free floor, and room labels agree with the polygons.
        assert (grid.cells[grid.room_mask(room.name)] == FREE).sum() * grid.resolution**2 > 0.5 * room.area


def test_doorways_are_free_and_walls_beside_them_are_not(house_grid):
    assert house_grid.value_at(4.0, 5.5) == FREE  # kitchen door
    assert house_grid.value_at(6.0, 4.6) == FREE  # living room door
    assert house_grid.value_at(6.0, 3.5) == OCCUPIED


def test_walls_take_the_cells_they_cover_on_every_side(house_grid):
    # The hallway's east wall spans x 5.95..6.05 and the kitchen/bathroom wall y 2.95..3.05. A face on
    # a cell boundary must not claim the free cell beside it, on the upper side as on the lower.
    occupied = lambda x, y: house_grid.value_at(x, y) == OCCUPIED  # noqa: E731
    assert [occupied(x, 3.5) for x in (5.925, 5.975, 6.025, 6.075)] == [False, True, True, False]
    assert [occupied(2.0, y) for y in (2.925, 2.975, 3.025, 3.075)] == [False, True, True, False]


def test_table_legs_block_but_the_table_top_does_not(house, house_grid):
    legs = [s for s in house.obstacles if s.name.startswith("kitchen_table/") and "leg" in s.name]
    assert len(legs) == 4
    for leg in legs:
        x, y = float(leg.pose.translation[0]), float(leg.pose.translation[1])
        assert house_grid.value_at(x, y) == OCCUPIED
    assert house_grid.value_at(2.0, 5.0) == FREE  # under the middle of the table


def test_resolution_is_a_choice(house):
    coarse = rasterise(house, RasterConfig(resolution=0.1))
    fine = rasterise(house, RasterConfig(resolution=0.05))
    assert abs(coarse.shape[0] * 2 - fine.shape[0]) <= 2
    assert coarse.value_at(4.0, 3.5) == OCCUPIED


def _copy_world(tmp_path: Path) -> Path:
    shutil.copytree(Path(__file__).resolve().parents[2] / "worlds", tmp_path / "worlds")
    return tmp_path / "worlds" / "house.sdf"


def test_missing_world_file_names_the_file(tmp_path):
    with pytest.raises(WorldError, match=r"nowhere\.sdf: no such file"):
        load_world(tmp_path / "nowhere.sdf")


def test_malformed_sdf_names_the_file_and_the_problem(tmp_path):
    sdf = _copy_world(tmp_path)
    sdf.write_text("<sdf version='1.9'><world name='x'><model>")
    with pytest.raises(WorldError, match=r"house.sdf: not valid XML"):
        load_world(sdf)


def test_world_without_rooms_is_refused(tmp_path):
    sdf = _copy_world(tmp_path)
    layout = sdf.with_suffix(".yaml")
    data = yaml.safe_load(layout.read_text())
    data["rooms"], data["places"] = [], []
    layout.write_text(yaml.safe_dump(data))
    with pytest.raises(WorldError, match="defines no rooms"):
        load_world(sdf)


def test_sdf_without_its_room_sidecar_is_refused(tmp_path):
    sdf = _copy_world(tmp_path)
    sdf.with_suffix(".yaml").unlink()
    with pytest.raises(WorldError, match="no room description beside it"):
        load_world(sdf)


def test_place_outside_its_room_is_refused(tmp_path):
    sdf = _copy_world(tmp_path)
    layout = sdf.with_suffix(".yaml")
    text = layout.read_text().replace("room: living_room", "room: bathroom", 1)
    layout.write_text(text)
    with pytest.raises(WorldError, match="outside its room"):
        load_world(sdf)


def test_an_obstacle_thinner_than_the_sampling_still_blocks_its_cells():
    import numpy as np

    from llmos_robot.world.grid import _mark_touched

    occupied = np.zeros((10, 30), dtype=bool)
    # 8 mm thick, 1 m long, lying between two rows of sample points (every 12.5 mm).
    panel = [(0.2, 0.207), (1.2, 0.207), (1.2, 0.215), (0.2, 0.215)]
    _mark_touched(occupied, (0.0, 0.0), 0.05, panel, None)
    assert occupied[4, 4:24].all() and occupied.sum() == 21  # row 4 holds y 0.20-0.25, x 0.2-1.2
