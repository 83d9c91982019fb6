"""The `vision` node: camera frames in, detections, a debug image, person interrupts and memory sightings out.

Subscribes:
  /camera/image_raw   sensor_msgs/Image (rgb8 or bgr8)   the robot's camera
  /odom               nav_msgs/Odometry                  robot pose (odom frame anchored at the world's spawn pose)
  /localised_pose     nav_msgs/Odometry                  instead of /odom when `localisation` is map (the localiser)
  /sim/ground_truth   nav_msgs/Odometry                  instead of /odom when `localisation` is ground_truth
Publishes:
  vision/detections   llmos_interfaces/Detections        every detection of a frame (positions in the map frame)
  vision/debug_image  sensor_msgs/Image (rgb8)           the frame with labelled boxes (when `debug_image`)
  /interrupts         llmos_interfaces/Interrupt         kind PERSON: active when a person is nearer than
                                                         `person_stop_distance`, cleared `person_clear_after` s later
Calls (when available; never waits for it):
  memory/remember     llmos_interfaces/Remember          marker and dirt/spill sightings, provenance "vision",
                                                         each place once per `remember_min_interval` s
Parameters (config/vision.yaml documents each): world, localisation, max_rate, debug_image, remember,
  remember_min_separation, remember_min_interval, person_stop_distance, person_clear_after,
  person_stop_for_upright,
  floor_colours, dirt_colours, spill_colours, lightness_weight, floor_tolerance, stain_tolerance,
  max_floor_range, min_stain_area, max_stain_extent, analysis_scale, marker_dictionary, marker_size,
  marker_names, max_person_range, max_upright_width.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from llmos_interfaces.msg import Detections, Interrupt
from llmos_interfaces.srv import Remember
from nav_msgs.msg import Odometry as OdometryMsg
from rclpy.node import Node
from sensor_msgs.msg import Image

from llmos_robot.errors import LlmosError
from llmos_robot.ros import conversions as conv
from llmos_robot.ros import vision_conversions as vconv
from llmos_robot.ros.node_main import run_node
from llmos_robot.ros.pose_source import checked_localisation, pose_reader
from llmos_robot.vision import PinholeCamera, VisionConfig, VisionPipeline, annotate
from llmos_robot.vision.config import (
    DEFAULT_DIRT_COLOURS,
    DEFAULT_FLOOR_COLOURS,
    DEFAULT_MARKER_NAMES,
    DEFAULT_SPILL_COLOURS,
    parse_colours,
    parse_marker_names,
)
from llmos_robot.vision.pipeline import GridObstacles
from llmos_robot.vision.sightings import PersonGuard, SightingFilter
from llmos_robot.world import default_world_path, load_world
from llmos_robot.world.geometry import Pose2D


@dataclass(frozen=True)
class VisionNodeConfig:
    world: str
    localisation: str
    max_rate: float
    debug_image: bool
    remember: bool
    remember_min_separation: float
    remember_min_interval: float
    person_stop_distance: float
    person_clear_after: float
    person_stop_for_upright: bool
    vision: VisionConfig


def _flat(colours: tuple[tuple[int, int, int], ...]) -> list[int]:
    return [int(c) for colour in colours for c in colour]


class VisionNode(Node):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("vision", **kwargs)  # type: ignore[arg-type]
        self.settings = self._read_parameters()
        world = load_world(Path(self.settings.world or default_world_path()))
        self.world = world
        self.camera = PinholeCamera.from_spec(world.robot().camera)
        self.pipeline = VisionPipeline(self.settings.vision, self.camera, GridObstacles.from_world(world))
        self.sightings = SightingFilter(self.settings.remember_min_separation, self.settings.remember_min_interval)
        self.guard = PersonGuard(
            self.settings.person_stop_distance, self.settings.person_clear_after, self.settings.person_stop_for_upright
        )
        self._pose: Pose2D | None = None
        self._last_frame = -1e9
        self._memory_missing_logged = False
        self.frames = 0
        self.stored = 0
        self._detections = self.create_publisher(Detections, "vision/detections", 10)
        self._debug = self.create_publisher(Image, "vision/debug_image", 2) if self.settings.debug_image else None
        self._interrupts = self.create_publisher(Interrupt, "interrupts", 10)
        self._memory = self.create_client(Remember, "memory/remember") if self.settings.remember else None
        pose_topic, self._read_pose = pose_reader(self.settings.localisation, self.world.spawn)
        # Depth 1: the newest pose; a backlog on a busy executor would place sightings where the robot was.
        self.create_subscription(OdometryMsg, pose_topic, self._on_pose, 1)
        self.create_subscription(Image, "camera/image_raw", self._on_image, 2)
        self.get_logger().info(
            f"vision ready: camera {self.camera.width}x{self.camera.height}, localisation {self.settings.localisation}"
        )

    def _read_parameters(self) -> VisionNodeConfig:
        d = VisionConfig()

        def p(name: str, default: object) -> object:
            return self.declare_parameter(name, default).value

        localisation = checked_localisation(str(p("localisation", "odometry")))
        names = [f"{k}:{v}" for k, v in DEFAULT_MARKER_NAMES.items()]
        vision = VisionConfig(
            analysis_scale=float(p("analysis_scale", d.analysis_scale)),  # type: ignore[arg-type]
            floor_colours=parse_colours(list(p("floor_colours", _flat(DEFAULT_FLOOR_COLOURS))), "floor_colours"),  # type: ignore[call-overload]
            dirt_colours=parse_colours(list(p("dirt_colours", _flat(DEFAULT_DIRT_COLOURS))), "dirt_colours"),  # type: ignore[call-overload]
            spill_colours=parse_colours(list(p("spill_colours", _flat(DEFAULT_SPILL_COLOURS))), "spill_colours"),  # type: ignore[call-overload]
            lightness_weight=float(p("lightness_weight", d.lightness_weight)),  # type: ignore[arg-type]
            floor_tolerance=float(p("floor_tolerance", d.floor_tolerance)),  # type: ignore[arg-type]
            stain_tolerance=float(p("stain_tolerance", d.stain_tolerance)),  # type: ignore[arg-type]
            max_floor_range=float(p("max_floor_range", d.max_floor_range)),  # type: ignore[arg-type]
            min_stain_area=float(p("min_stain_area", d.min_stain_area)),  # type: ignore[arg-type]
            max_stain_extent=float(p("max_stain_extent", d.max_stain_extent)),  # type: ignore[arg-type]
            marker_dictionary=str(p("marker_dictionary", d.marker_dictionary)),
            marker_size=float(p("marker_size", d.marker_size)),  # type: ignore[arg-type]
            marker_names=parse_marker_names([str(v) for v in p("marker_names", names) or []]),  # type: ignore[attr-defined]
            max_person_range=float(p("max_person_range", d.max_person_range)),  # type: ignore[arg-type]
            max_upright_width=float(p("max_upright_width", d.max_upright_width)),  # type: ignore[arg-type]
        )
        return VisionNodeConfig(
            world=str(p("world", "")),
            localisation=localisation,
            max_rate=float(p("max_rate", 15.0)),  # type: ignore[arg-type]
            debug_image=bool(p("debug_image", True)),
            remember=bool(p("remember", True)),
            remember_min_separation=float(p("remember_min_separation", 0.5)),  # type: ignore[arg-type]
            remember_min_interval=float(p("remember_min_interval", 300.0)),  # type: ignore[arg-type]
            person_stop_distance=float(p("person_stop_distance", 1.0)),  # type: ignore[arg-type]
            person_clear_after=float(p("person_clear_after", 1.0)),  # type: ignore[arg-type]
            person_stop_for_upright=bool(p("person_stop_for_upright", False)),
            vision=vision,
        )

    def _on_pose(self, msg: OdometryMsg) -> None:
        self._pose = self._read_pose(msg)

    def _on_image(self, msg: Image) -> None:
        stamp = conv.time_from_msg(msg.header.stamp)
        wall = time.monotonic()
        if self.settings.max_rate > 0 and wall - self._last_frame < 1.0 / self.settings.max_rate:
            return
        self._last_frame = wall
        try:
            image = vconv.vision_image_from_msg(msg)
            result = self.pipeline.process(image, self._pose)
        except LlmosError as err:
            self.get_logger().warning(f"camera frame skipped: {err}", throttle_duration_sec=5.0)
            return
        self.frames += 1
        frame_id = "map" if self._pose is not None else "base_footprint"
        self._detections.publish(vconv.detections_to_msg(result, stamp, frame_id))
        if self._debug is not None:
            self._debug.publish(conv.image_to_msg(annotate(image, result), stamp, msg.header.frame_id))
        change = self.guard.update(result.detections, wall)
        if change is not None:
            active, detail = change
            self._interrupts.publish(vconv.person_interrupt_to_msg(active, detail, stamp))
            self.get_logger().info(f"person interrupt {'raised' if active else 'cleared'}: {detail}")
        if self._memory is not None:
            self._remember(result.detections, wall)

    def _remember(self, detections: object, now: float) -> None:
        assert self._memory is not None
        if not self._memory.service_is_ready():
            if not self._memory_missing_logged:
                self.get_logger().info("memory/remember is not available: sightings are not stored")
                self._memory_missing_logged = True
            return
        self._memory_missing_logged = False

        def room_of(x: float, y: float) -> str:
            room = self.world.room_at(x, y)
            return room.name if room is not None else ""

        for sighting in self.sightings.new_sightings(detections, now, room_of):  # type: ignore[arg-type]
            self._memory.call_async(vconv.sighting_to_request(sighting.text, sighting.room, sighting.position))
            self.stored += 1


def main(args: list[str] | None = None) -> None:
    run_node("vision", VisionNode, args)


if __name__ == "__main__":
    main()
