"""Each detector on frames the simulator renders, against the house's known object poses."""

from __future__ import annotations

import math

import pytest

from llmos_robot.vision import DetectionKind, VisionConfig, VisionPipeline
from llmos_robot.vision.pipeline import GridObstacles
from llmos_robot.world import rasterise
from llmos_robot.world.geometry import Pose2D

from .conftest import VIEWS

pytestmark = pytest.mark.sim


def near(detections, kind, point, radius):
    return [d for d in detections if d.kind is kind and d.position and math.dist(d.position, point) <= radius]


@pytest.mark.parametrize(
    "name,kind",
    [
        ("dirt_kitchen", DetectionKind.DIRT),
        ("spill_bathroom", DetectionKind.SPILL),
        ("spill_living_room", DetectionKind.SPILL),
    ],
)
def test_stains_are_found_where_they_lie(house_camera, pipeline, name, kind):
    pose = VIEWS[name]
    result = pipeline.process(house_camera.look(pose), pose)
    truth = house_camera.truth(name)
    found = near(result.detections, kind, truth.position[:2], 0.15)
    assert found, f"no {kind.value} within 0.15 m of {truth.position[:2]}: {result.summary()}"
    other = DetectionKind.SPILL if kind is DetectionKind.DIRT else DetectionKind.DIRT
    assert not result.of_kind(other), "a stain of the other kind was reported"


def test_a_clean_floor_shows_no_stains(house_camera, pipeline):
    pose = VIEWS["clean_hallway"]
    result = pipeline.process(house_camera.look(pose), pose)
    assert not result.of_kind(DetectionKind.DIRT) and not result.of_kind(DetectionKind.SPILL), result.summary()


@pytest.mark.parametrize(
    "name,label", [("bleach", "bleach"), ("floor_soap", "floor_soap"), ("dock_marker", "docking_station")]
)
def test_markers_are_read_and_placed_on_the_map(house_camera, pipeline, name, label):
    pose = VIEWS[name]
    result = pipeline.process(house_camera.look(pose), pose)
    truth = house_camera.truth(name)
    markers = result.of_kind(DetectionKind.MARKER)
    assert [m.marker_id for m in markers] == [truth.marker_id]
    assert markers[0].label == label
    assert math.dist(markers[0].position, truth.position[:2]) < 0.1
    assert markers[0].distance == pytest.approx(math.dist((pose.x, pose.y), truth.position[:2]), abs=0.1)


def test_a_standing_person_is_seen_by_the_legs(house_camera, pipeline):
    pose = VIEWS["person"]
    result = pipeline.process(house_camera.look(pose), pose)
    people = result.of_kind(DetectionKind.PERSON)
    truth = house_camera.truth("person")
    assert len(people) == 1, result.summary()
    assert math.dist(people[0].position, truth.position[:2]) < 0.4
    true_distance = math.dist((pose.x, pose.y), truth.position[:2])
    assert people[0].distance == pytest.approx(true_distance, abs=0.35)  # to the nearer foot, not the body centre


def test_a_person_too_close_for_legs_is_found_from_the_map(house_camera):
    pose = Pose2D(7.9, 3.85, 0.53)  # feet 0.6 m ahead, cut by the image edges, side by side
    image = house_camera.look(pose)
    legs_only = VisionPipeline(VisionConfig(), house_camera.camera).process(image, pose)
    assert not legs_only.of_kind(DetectionKind.PERSON)
    known = GridObstacles.from_world(house_camera.world)
    result = VisionPipeline(VisionConfig(), house_camera.camera, known).process(image, pose)
    people = result.of_kind(DetectionKind.PERSON)
    assert [p.label for p in people] == ["unmapped upright"]
    assert people[0].distance < 1.0


def test_furniture_legs_are_not_people(house_camera, pipeline):
    pose = Pose2D(2.45, 6.0, -1.3)  # looking at the kitchen table and its chairs: a forest of legs
    result = pipeline.process(house_camera.look(pose), pose)
    assert not result.of_kind(DetectionKind.PERSON), result.summary()


def test_obstacles_on_the_map_are_not_reported_but_unmapped_ones_are(house_camera):
    pose = VIEWS["bleach"]  # the bleach carton stands 1.2 m ahead
    image = house_camera.look(pose)
    camera = house_camera.camera
    without_map = VisionPipeline(VisionConfig(), camera).process(image, pose)
    assert near(without_map.detections, DetectionKind.OBSTACLE, (2.3, 0.2), 0.3), without_map.summary()
    known = GridObstacles(rasterise(house_camera.world))
    with_map = VisionPipeline(VisionConfig(), camera, known).process(image, pose)
    assert not near(with_map.detections, DetectionKind.OBSTACLE, (2.3, 0.2), 0.3), with_map.summary()


def test_without_a_pose_positions_are_relative_to_the_robot(house_camera, pipeline):
    result = pipeline.process(house_camera.look(VIEWS["bleach"]))
    marker = result.of_kind(DetectionKind.MARKER)[0]
    assert marker.frame == "base_footprint"
    x, y = marker.position
    assert x == pytest.approx(1.2, abs=0.1) and abs(y) < 0.1  # straight ahead


def test_every_detector_reports_its_time(house_camera, pipeline):
    result = pipeline.process(house_camera.look(VIEWS["person"]))
    assert {"floor", "people", "obstacles", "markers", "total"} <= set(result.timings_ms)
    assert result.timings_ms["total"] > 0
