"""Frames rendered by the embedded simulator from poses with known ground truth (the house's objects)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmos_robot.sim import SimConfig, Simulator
from llmos_robot.sim._mujoco import mujoco
from llmos_robot.vision import PinholeCamera, VisionConfig, VisionPipeline
from llmos_robot.world import default_world_path, load_world
from llmos_robot.world.geometry import Pose2D

# Robot poses looking at one thing each (all checked to be free floor); the object's name in house.yaml.
VIEWS = {
    "dirt_kitchen": Pose2D(3.1, 4.9, -math.pi / 2),
    "spill_bathroom": Pose2D(2.6, 2.7, -math.pi / 2),
    "spill_living_room": Pose2D(7.3, 5.6, -math.pi / 2),
    "bleach": Pose2D(2.3, 1.4, -math.pi / 2),
    "floor_soap": Pose2D(1.5, 3.55, math.pi),
    "dock_marker": Pose2D(5.0, 6.3, math.pi / 2),
    "person": Pose2D(7.2, 4.3, 0.35),
    "clean_hallway": Pose2D(5.0, 2.2, -math.pi / 2),
}


class Camera:
    """The house in the simulator; `look(pose)` renders the robot camera's RGB frame from a pose."""

    def __init__(self) -> None:
        self.world = load_world(default_world_path())
        self.sim = Simulator(self.world, SimConfig(camera=True))
        self.camera = PinholeCamera.from_spec(self.sim.robot.camera)

    def look(self, pose: Pose2D) -> np.ndarray:
        qpos = self.sim.data.qpos
        qpos[0], qpos[1], qpos[2] = pose.x, pose.y, 0.0
        qpos[3:7] = [math.cos(pose.yaw / 2), 0.0, 0.0, math.sin(pose.yaw / 2)]
        mujoco.mj_forward(self.sim.model, self.sim.data)
        return self.sim.render().copy()

    def truth(self, name: str):
        return next(o for o in self.world.objects if o.name == name)


@pytest.fixture(scope="session")
def house_camera():
    camera = Camera()
    yield camera
    camera.sim.close()


@pytest.fixture(scope="session")
def pipeline(house_camera):
    return VisionPipeline(VisionConfig(), house_camera.camera)
