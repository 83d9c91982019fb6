"""The simulator renders the world's visual-only shapes (floors, dirt, markers) without letting
them collide or show up in the lidar."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmos_robot.sim import SimConfig, Simulator
from llmos_robot.sim._mujoco import mujoco
from llmos_robot.sim.mjcf import OBSTACLE_GROUP, build_mjcf
from llmos_robot.world import default_world_path, load_world
from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.sdf import read_world_visuals

pytestmark = pytest.mark.sim


@pytest.fixture(scope="module")
def world():
    return load_world(default_world_path())


def test_visual_only_shapes_are_read_with_their_textures(world):
    visuals = {shape.name: shape for shape in read_world_visuals(world.sdf_path)}
    assert "dirt/link/dirt_kitchen_visual" in visuals
    assert "floors/link/kitchen_floor_visual" in visuals
    marker = visuals["bleach_box/link/marker_visual"]
    assert marker.texture is not None and marker.texture.name == "aruco_4x4_50_id1.png" and marker.texture.is_file()
    # shapes that also collide are already in the world once, as obstacles
    assert "bleach_box/link/carton_visual" not in visuals


def test_visual_geoms_never_collide_and_are_not_obstacles(world):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(build_mjcf(world, world.robot(), world.spawn))
    visual_geoms = [g for g in root.iter("geom") if g.get("name", "").startswith("visual_")]
    assert len(visual_geoms) == len(read_world_visuals(world.sdf_path))
    for geom in visual_geoms:
        assert geom.get("contype") == "0" and geom.get("conaffinity") == "0"
        assert geom.get("group") != str(OBSTACLE_GROUP)
    assert root.find("asset/texture") is not None


def test_the_robot_drives_over_a_spill_and_the_lidar_does_not_see_it(world):
    spill = next(o for o in world.objects if o.name == "spill_bathroom")
    start = Pose2D(spill.position[0], spill.position[1] + 0.8, -math.pi / 2)
    with Simulator(world, SimConfig(camera=False, lidar_noise=False), spawn=start) as sim:
        ahead = sim.scan()[int(np.argmin(np.abs(np.angle(np.exp(1j * sim.scan_angles)))))]  # the beam at 0 rad
        sim.set_velocity(0.2, 0.0)
        sim.advance(7.0)
        pose = sim.true_pose()
        assert not sim.bumper().pressed
    assert pose.y < spill.position[1] - 0.3, "the robot should have driven across the spill"
    assert not np.isfinite(ahead) or ahead > 1.5  # nothing but the far wall in front


def test_the_floor_colour_of_each_room_shows_in_the_camera(world):
    with Simulator(world, SimConfig(camera=True)) as sim:
        colours = {}
        for room, pose in {"kitchen": Pose2D(2.0, 6.2, 0.0), "living_room": Pose2D(8.5, 4.0, math.pi)}.items():
            sim.data.qpos[0], sim.data.qpos[1] = pose.x, pose.y
            sim.data.qpos[3:7] = [math.cos(pose.yaw / 2), 0, 0, math.sin(pose.yaw / 2)]
            mujoco.mj_forward(sim.model, sim.data)
            colours[room] = sim.render()[220:240, 140:180].reshape(-1, 3).mean(axis=0)
    # the kitchen's beige and the living room's wood differ mostly in blue
    assert colours["kitchen"][2] - colours["living_room"][2] > 60
