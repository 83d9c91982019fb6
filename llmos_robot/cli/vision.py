"""`llmos-robot see IMAGE.png [--json]`: run every detector on an image file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from llmos_robot.cli._common import add_world_argument, world_from
from llmos_robot.errors import ImageError
from llmos_robot.vision import PinholeCamera, VisionConfig, VisionPipeline, annotate, load_image
from llmos_robot.vision.pipeline import GridObstacles
from llmos_robot.world.geometry import Pose2D


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    see = subparsers.add_parser(
        "see",
        help="run the vision detectors (dirt, spills, markers, people, obstacles) on an image file",
        description="Positions come from the robot camera of the world's robot model; with --pose they are on "
        "the map (and obstacles already on the map are left out), else relative to the robot (x ahead, y left).",
    )
    see.add_argument("image", type=Path, help="PNG / JPEG taken by the robot's camera (other sizes are resized)")
    see.add_argument("--json", action="store_true", help="print the detections as JSON")
    see.add_argument("--pose", type=float, nargs=3, metavar=("X", "Y", "YAW"), help="robot pose in the map frame")
    see.add_argument("--out", type=Path, default=None, help="write the annotated image here (PNG)")
    add_world_argument(see)
    see.set_defaults(handler=_see)


def _see(args: argparse.Namespace) -> int:
    world = world_from(args)
    camera = PinholeCamera.from_spec(world.robot().camera)
    pose = Pose2D(*args.pose) if args.pose else None
    known = GridObstacles.from_world(world) if pose is not None else None
    pipeline = VisionPipeline(VisionConfig(), camera, known)
    image = load_image(args.image)
    result = pipeline.process(image, pose)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if not cv2.imwrite(str(args.out), annotate(_resized(image, camera), result)[:, :, ::-1]):
            raise ImageError(f"{args.out}: could not write the annotated image")
    if args.json:
        report = {
            "image": str(args.image),
            "frame": "map" if pose is not None else "base_footprint",
            "detections": [d.to_json() for d in result.detections],
            "timings_ms": {k: round(v, 2) for k, v in result.timings_ms.items()},
            "summary": result.summary(),
        }
        print(json.dumps(report, indent=2))
    else:
        print(result.summary())
        for detection in result.detections:
            where = (
                "" if detection.position is None else f" at ({detection.position[0]:.2f}, {detection.position[1]:.2f})"
            )
            print(f"  {detection.kind.value:8s} {detection.label or '-':18s} conf {detection.confidence:.2f}{where}")
    return 0


def _resized(image: NDArray[np.uint8], camera: PinholeCamera) -> NDArray[np.uint8]:
    if image.shape[1] == camera.width and image.shape[0] == camera.height:
        return image
    size = (camera.width, camera.height)
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
