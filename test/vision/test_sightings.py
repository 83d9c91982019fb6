"""What goes to memory, and when the person interrupt is raised and cleared."""

from __future__ import annotations

import dataclasses

from llmos_robot.vision import Detection, DetectionKind
from llmos_robot.vision.sightings import PersonGuard, SightingFilter
from llmos_robot.vision.types import LEGS_LABEL, UPRIGHT_LABEL


def marker(x, y, label="bleach", marker_id=1):
    return Detection(DetectionKind.MARKER, 1.0, (0, 0, 10, 10), label, (x, y), "map", 1.0, marker_id)


def test_a_marker_seen_again_in_place_is_stored_once():
    memory = SightingFilter(min_separation=0.5, min_interval=300.0)
    first = memory.new_sightings([marker(2.3, 0.2)], now=0.0, room_of=lambda x, y: "bathroom")
    again = memory.new_sightings([marker(2.35, 0.22)], now=1.0, room_of=lambda x, y: "bathroom")
    assert len(first) == 1 and again == []
    assert first[0].text == "I saw the bleach (marker 1) at (2.3, 0.2) in the bathroom."
    assert first[0].room == "bathroom" and first[0].position == (2.3, 0.2)


def test_a_moved_thing_or_a_late_sighting_is_stored_again():
    memory = SightingFilter(min_separation=0.5, min_interval=300.0)
    memory.new_sightings([marker(2.3, 0.2)], now=0.0)
    assert memory.new_sightings([marker(3.5, 0.2)], now=1.0)  # moved
    assert memory.new_sightings([marker(2.3, 0.2)], now=400.0)  # much later


def test_dirt_is_remembered_but_people_obstacles_and_unplaced_things_are_not():
    memory = SightingFilter()
    dirt = Detection(DetectionKind.DIRT, 0.9, (0, 0, 5, 5), "", (1.0, 1.0), "map", 0.8)
    person = Detection(DetectionKind.PERSON, 0.9, (0, 0, 5, 5), "", (2.0, 1.0), "map", 0.8)
    relative = Detection(DetectionKind.DIRT, 0.9, (0, 0, 5, 5), "", (1.0, 0.0), "base_footprint", 1.0)
    stored = memory.new_sightings([dirt, person, relative], now=0.0)
    assert [s.kind for s in stored] == [DetectionKind.DIRT]
    assert stored[0].text.startswith("I saw dirt on the floor at (1.0, 1.0)")


def person(distance):
    return Detection(DetectionKind.PERSON, 0.8, (0, 0, 5, 5), "", (distance, 0.0), "map", distance)


def test_a_close_person_raises_the_interrupt_once_and_it_clears_after_a_while():
    guard = PersonGuard(stop_distance=1.0, clear_after=1.0)
    assert guard.update([person(2.0)], now=0.0) is None  # far: nothing
    raised = guard.update([person(0.7)], now=0.1)
    assert raised == (True, "a person 0.7 m ahead")
    assert guard.update([person(0.6)], now=0.2) is None  # still raised, not repeated
    assert guard.update([], now=0.8) is None  # a frame without them is not enough
    assert guard.update([], now=1.3) == (False, "nobody close any more")
    assert not guard.active


def test_only_legs_stop_the_robot_unless_the_upright_cue_is_trusted():
    upright = dataclasses.replace(person(0.6), label=UPRIGHT_LABEL)
    assert PersonGuard(stop_distance=1.0).update([upright], now=0.0) is None
    assert PersonGuard(stop_distance=1.0, stop_for_upright=True).update([upright], now=0.0) == (
        True,
        "a person 0.6 m ahead",
    )
    legs = dataclasses.replace(person(0.6), label=LEGS_LABEL)
    assert PersonGuard(stop_distance=1.0).update([legs], now=0.0) == (True, "a person 0.6 m ahead")
