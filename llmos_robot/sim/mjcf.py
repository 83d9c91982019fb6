"""Build a MuJoCo model (MJCF) from the world's SDF shapes and the robot's model.sdf.

MuJoCo does not read SDF, so this turns the same files Gazebo loads into MJCF: static
obstacles become world geoms, the robot a free body with two hinge-jointed wheels.
Choices that make the differential drive behave (measured, see ENVIRONMENT.md): sphere wheel
collisions, frictionless casters lifted 2 mm above the wheel contact, torque-limited motors.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np

from llmos_robot.world.geometry import Pose2D, Transform, rotation_to_quaternion
from llmos_robot.world.model import World
from llmos_robot.world.sdf import RobotSpec, Shape, ShapeKind, read_world_visuals

# Collision groups (contype / conaffinity bits): wheels and casters touch the floor, the
# chassis (the bumper) touches obstacles; the chassis never rubs on the floor.
FLOOR_BIT = 1
OBSTACLE_BIT = 2
# Render / ray groups: rays see only obstacles, never the robot or the floor.
OBSTACLE_GROUP = 0
ROBOT_GROUP = 1
FLOOR_GROUP = 2
# Visual-only shapes (floor coverings, dirt, markers) are drawn with the floor: the renderer shows
# groups 0-2 by default, the lidar casts against OBSTACLE_GROUP only, and they never collide.
VISUAL_GROUP = FLOOR_GROUP

# SDF cameras look along +x with z up; MuJoCo cameras look along -z with y up.
SDF_TO_MUJOCO_CAMERA = np.array([[0.0, 0.0, -1.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


@dataclass(frozen=True)
class PhysicsConfig:
    timestep: float = 0.002  # s
    wheel_friction: float = 1.2
    motor_gain: float = 0.08  # N*m per rad/s of wheel speed error (velocity servo)
    motor_torque_limit: float = 0.12  # N*m per wheel: ~3.6 m/s^2 at most, no wheelies
    caster_lift: float = 0.002  # m above the wheel contact plane
    floor_rgba: tuple[float, float, float, float] = (0.78, 0.74, 0.68, 1.0)


def _f(values: object) -> str:
    return " ".join(f"{float(v):.6g}" for v in values)  # type: ignore[attr-defined]


def _quat(transform: Transform) -> str:
    return _f(rotation_to_quaternion(transform.rotation))


def _geom_attrs(shape: Shape) -> dict[str, str]:
    if shape.kind is ShapeKind.BOX:
        size = [s / 2 for s in shape.size]
        kind = "box"
    elif shape.kind is ShapeKind.CYLINDER:
        size = [shape.size[0], shape.size[1] / 2]
        kind = "cylinder"
    else:
        size = [shape.size[0]]
        kind = "sphere"
    return {
        "type": kind,
        "size": _f(size),
        "pos": _f(shape.pose.translation),
        "quat": _quat(shape.pose),
        "rgba": _f(shape.rgba),
    }


def build_mjcf(world: World, robot: RobotSpec, spawn: Pose2D, physics: PhysicsConfig = PhysicsConfig()) -> str:
    """The MJCF text of the world with the robot at `spawn`."""
    root = ET.Element("mujoco", model=world.name)
    ET.SubElement(root, "compiler", angle="radian", autolimits="true")
    ET.SubElement(root, "option", timestep=f"{physics.timestep}", integrator="implicitfast")
    visual = ET.SubElement(root, "visual")
    ET.SubElement(
        visual, "global", offwidth=str(max(640, robot.camera.width)), offheight=str(max(480, robot.camera.height))
    )
    ET.SubElement(visual, "quality", shadowsize="0")  # shadows cost more than the whole physics step
    ET.SubElement(visual, "headlight", ambient="0.45 0.45 0.45", diffuse="0.35 0.35 0.35")
    # MuJoCo's clip planes are fractions of the model's extent; fix the extent so the camera's
    # near and far planes come out in metres as the SDF gives them.
    min_x, min_y, max_x, max_y = world.bounds()
    extent = max(max_x - min_x, max_y - min_y, 1.0)
    ET.SubElement(root, "statistic", extent=f"{extent:.6g}", center=_f([(min_x + max_x) / 2, (min_y + max_y) / 2, 0.5]))
    ET.SubElement(visual, "map", znear=f"{robot.camera.near / extent:.6g}", zfar=f"{robot.camera.far / extent:.6g}")

    body = ET.SubElement(root, "worldbody")
    ET.SubElement(body, "light", name="ceiling", directional="true", pos="0 0 5", dir="0.2 0.3 -1", castshadow="false")
    ET.SubElement(
        body,
        "geom",
        name="floor",
        type="plane",
        pos=_f([(min_x + max_x) / 2, (min_y + max_y) / 2, 0]),
        size=_f([(max_x - min_x) / 2 + 2, (max_y - min_y) / 2 + 2, 0.1]),
        rgba=_f(physics.floor_rgba),
        contype=str(FLOOR_BIT),
        conaffinity=str(FLOOR_BIT),
        group=str(FLOOR_GROUP),
        friction="1 0.005 0.0001",
    )
    for index, shape in enumerate(world.obstacles):
        ET.SubElement(
            body,
            "geom",
            name=f"obstacle_{index}",
            contype=str(OBSTACLE_BIT),
            conaffinity=str(OBSTACLE_BIT),
            group=str(OBSTACLE_GROUP),
            **_geom_attrs(shape),  # type: ignore[arg-type]
        )
    _add_visuals(root, body, read_world_visuals(world.sdf_path))
    _add_robot(body, robot, spawn, physics)

    actuators = ET.SubElement(root, "actuator")
    for side, joint in (("left", robot.drive.left_joint), ("right", robot.drive.right_joint)):
        limit = physics.motor_torque_limit
        ET.SubElement(
            actuators,
            "velocity",
            name=f"{side}_motor",
            joint=joint,
            kv=f"{physics.motor_gain}",
            forcerange=f"{-limit} {limit}",
        )
    sensors = ET.SubElement(root, "sensor")
    ET.SubElement(sensors, "gyro", name="imu_gyro", site="imu")
    ET.SubElement(sensors, "accelerometer", name="imu_accel", site="imu")
    return ET.tostring(root, encoding="unicode")


def _add_visuals(root: ET.Element, body: ET.Element, shapes: list[Shape]) -> None:
    """Visual-only shapes as geoms that neither collide nor block rays; textured ones get a material."""
    materials: dict[str, str] = {}
    asset = None
    for index, shape in enumerate(shapes):
        attrs = _geom_attrs(shape)
        if shape.texture is not None:
            key = str(shape.texture)
            if key not in materials:
                if asset is None:
                    asset = ET.Element("asset")
                    root.insert(list(root).index(body), asset)
                name = f"texture_{len(materials)}"
                ET.SubElement(asset, "texture", name=name, type="2d", file=key)
                ET.SubElement(asset, "material", name=f"{name}_material", texture=name)
                materials[key] = f"{name}_material"
            del attrs["rgba"]  # the material's colour (white) lets the texture show as drawn
            attrs["material"] = materials[key]
        ET.SubElement(
            body,
            "geom",
            name=f"visual_{index}",
            contype="0",
            conaffinity="0",
            group=str(VISUAL_GROUP),
            **attrs,  # type: ignore[arg-type]
        )


def _add_robot(parent: ET.Element, robot: RobotSpec, spawn: Pose2D, physics: PhysicsConfig) -> None:
    base = robot.links[robot.base_link]
    body = ET.SubElement(
        parent,
        "body",
        name="robot",
        pos=_f([spawn.x, spawn.y, 0.0]),
        quat=_f([math.cos(spawn.yaw / 2), 0, 0, math.sin(spawn.yaw / 2)]),
    )
    ET.SubElement(body, "freejoint", name="robot_root")
    wheel_links = {robot.joint_parents[j][1] for j in (robot.drive.left_joint, robot.drive.right_joint)}
    # Everything rigidly attached to the base (base_link, sensor links, casters) is one body.
    rigid = [link for name, link in robot.links.items() if name not in wheel_links]
    total_mass = sum(link.mass for link in rigid) or 1.0
    chassis = next((s for s in base.shapes if s.kind is not ShapeKind.SPHERE), None)
    radius = chassis.size[0] if chassis is not None and chassis.kind is ShapeKind.CYLINDER else 0.17
    height = chassis.size[-1] if chassis is not None else 0.1
    # A solid cylinder's inertia is close enough for a round base; the SDF's own numbers are for Gazebo.
    ixx = total_mass * (3 * radius**2 + height**2) / 12
    ET.SubElement(
        body,
        "inertial",
        pos="0 0 0.06",
        mass=f"{total_mass:.6g}",
        diaginertia=_f([ixx, ixx, total_mass * radius**2 / 2]),
    )
    bumper_link, bumper_name = robot.bumper_collision.split("/", 1)
    for link in rigid:
        for shape in link.shapes:
            attrs = _geom_attrs(shape)
            if shape.kind is ShapeKind.SPHERE:  # a caster: frictionless, just above the floor
                attrs["pos"] = _f(shape.pose.translation + np.array([0.0, 0.0, physics.caster_lift]))
                ET.SubElement(
                    body,
                    "geom",
                    name=f"caster_{shape.name.replace('/', '_')}",
                    contype=str(FLOOR_BIT),
                    conaffinity=str(FLOOR_BIT),
                    group=str(ROBOT_GROUP),
                    condim="1",
                    priority="1",
                    friction="0 0 0",
                    mass="0",
                    **attrs,  # type: ignore[arg-type]
                )
            else:
                is_bumper = shape.name == f"{bumper_link}/{bumper_name}"
                ET.SubElement(
                    body,
                    "geom",
                    name="bumper" if is_bumper else shape.name.replace("/", "_"),
                    contype=str(OBSTACLE_BIT),
                    conaffinity=str(OBSTACLE_BIT),
                    group=str(ROBOT_GROUP),
                    mass="0",
                    **attrs,  # type: ignore[arg-type]
                )
    ET.SubElement(body, "site", name="lidar", pos=_f(robot.lidar.pose.translation), quat=_quat(robot.lidar.pose))
    ET.SubElement(body, "site", name="imu", pos=_f(robot.imu.pose.translation), quat=_quat(robot.imu.pose))
    camera = robot.camera
    camera_rotation = camera.pose.rotation @ SDF_TO_MUJOCO_CAMERA
    fovy = math.degrees(2 * math.atan(math.tan(camera.horizontal_fov / 2) * camera.height / camera.width))
    ET.SubElement(
        body,
        "camera",
        name="camera",
        pos=_f(camera.pose.translation),
        quat=_f(rotation_to_quaternion(camera_rotation)),
        fovy=f"{fovy:.6g}",
    )
    for joint in (robot.drive.left_joint, robot.drive.right_joint):
        link = robot.links[robot.joint_parents[joint][1]]
        wheel = ET.SubElement(body, "body", name=link.name, pos=_f(link.pose.translation))
        ET.SubElement(wheel, "joint", name=joint, type="hinge", axis="0 1 0", damping="0.001", armature="0.0005")
        ET.SubElement(
            wheel,
            "geom",
            name=f"{link.name}_tyre",
            type="sphere",
            size=f"{robot.drive.wheel_radius}",
            mass=f"{max(link.mass, 0.05):.6g}",
            rgba="0.1 0.1 0.1 1",
            contype=str(FLOOR_BIT),
            conaffinity=str(FLOOR_BIT),
            group=str(ROBOT_GROUP),
            friction=f"{physics.wheel_friction} 0.005 0.0001",
        )
